"""Masking throughput on terraform-like output with 100 registered secrets.

Prints MB/s (median of runs) for the Aho-Corasick Masker fed line by line, fed in 64 KiB reads,
and for a naive `re` alternation over the same patterns. Never asserts a figure.

    python bench/masking.py [--mb 20] [--runs 5] [--secrets 100]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import string
import time
from collections.abc import Callable

from tfctl.masking import Masker, transit_forms

TEMPLATES = (
    "  # module.{mod}.clickhouse_service.this will be updated in-place\n",
    "      ~ idle_timeout_minutes = {n} -> {m}\n",
    '        name                 = "analytics-{mod}-{n}"\n',
    "module.{mod}.null_resource.this[{n}]: Creating...\n",
    "module.{mod}.null_resource.this[{n}]: Creation complete after 0s [id={id}]\n",
    '      + endpoint   = "{id}.upstash.io"\n',
    '{{"@level":"info","@message":"module.{mod}.upstash_redis_database.this: Refreshing state... '
    '[id={id}]","@module":"terraform.ui","type":"refresh_start"}}\n',
    "Plan: {n} to add, {m} to change, 0 to destroy.\n",
    "\n",
)


def make_secrets(count: int, rng: random.Random) -> list[str]:
    alphabet = string.ascii_letters + string.digits + "@:/%+=!$&-_."
    return ["".join(rng.choices(alphabet, k=rng.randint(16, 48))) for _ in range(count)]


def make_lines(megabytes: float, rng: random.Random) -> list[str]:
    lines: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        line = rng.choice(TEMPLATES).format(
            mod=rng.choice(("redis", "qstash", "clickhouse", "users")),
            n=rng.randint(0, 999),
            m=rng.randint(0, 999),
            id=f"{rng.getrandbits(64):016x}",
        )
        lines.append(line)
        size += len(line)
    return lines


def measure(label: str, size: int, run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    rate = size / statistics.median(times) / 1e6
    print(f"{label:<48} {rate:8.1f} MB/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of generated output")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--secrets", type=int, default=100)
    parser.add_argument("--re-mb", type=float, default=2.0, help="size for the slow re baseline")
    args = parser.parse_args()

    rng = random.Random(1234)
    secrets = make_secrets(args.secrets, rng)
    lines = make_lines(args.mb, rng)
    # a few real leaks so the replacement path is exercised too (1 line in 1000)
    for index in range(0, len(lines), 1000):
        lines[index] = f'      + password = "{rng.choice(secrets)}"\n'
    text = "".join(lines)
    blocks = [text[i : i + 65536] for i in range(0, len(text), 65536)]
    size = len(text.encode())

    masker = Masker(github_actions=False)
    for secret in secrets:
        masker.register(secret)
    patterns = sorted(set().union(*(transit_forms(s) for s in secrets)), key=len, reverse=True)
    print(
        f"{len(lines)} lines, {size / 1e6:.1f} MB, {args.secrets} secrets, {len(patterns)} patterns"
    )
    masker.mask("warm-up")  # builds the automaton outside the timing

    def stream_lines() -> None:
        stream = masker.stream()
        feed = stream.feed
        for line in lines:
            feed(line)
        stream.flush()

    def stream_blocks() -> None:
        stream = masker.stream()
        for block in blocks:
            stream.feed(block)
        stream.flush()

    def mask_lines() -> None:
        mask = masker.mask
        for line in lines:
            mask(line)

    measure("Masker.stream().feed(line) per line", size, stream_lines, args.runs)
    measure("Masker.mask(line) per line", size, mask_lines, args.runs)
    measure("Masker.stream().feed(64 KiB read)", size, stream_blocks, args.runs)

    # the naive alternative: one regex alternation over the same patterns
    regex = re.compile("|".join(re.escape(p) for p in patterns))
    small = lines[: max(1, int(len(lines) * args.re_mb / args.mb))]
    small_size = len("".join(small).encode())
    measure(
        "re alternation sub per line",
        small_size,
        lambda: [regex.sub("***", x) for x in small],
        args.runs,
    )

    check = Masker(github_actions=False)
    for secret in secrets:
        check.register(secret)
    leaked = [s for s in secrets if s in "".join(check.stream().feed(line) for line in lines)]
    print(f"secrets left in masked output: {len(leaked)}")


if __name__ == "__main__":
    main()
