"""Many environments at once: `tfctl plan --all` over two environments against `tfctl plan ENV`
for each alone, on the `basic` fixture root (null provider, moto S3/DynamoDB on loopback).

Target: planning both takes at most 1.25x the time of the slower one alone.

    python bench/multi_env.py       (BENCH_RUNS=7 by default)
"""

from __future__ import annotations

import os
import statistics
import sys

from _common import basic_fixture_project, describe, precompile, runs_from_env, time_command


def main() -> None:
    runs = runs_from_env(7)
    precompile()
    with basic_fixture_project() as (root, env):
        tfctl = [sys.executable, "-m", "tfctl"]
        for name in ("dev", "prod"):
            time_command([*tfctl, "init", name], runs=1, warmup=0, cwd=root, env=env)
        dev = time_command([*tfctl, "plan", "dev"], runs=runs, cwd=root, env=env)
        prod = time_command([*tfctl, "plan", "prod"], runs=runs, cwd=root, env=env)
        both = time_command([*tfctl, "plan", "--all"], runs=runs, cwd=root, env=env)
        serial = time_command(
            [*tfctl, "plan", "--all", "--parallel", "1"], runs=runs, cwd=root, env=env
        )
        print(describe("tfctl plan dev", dev))
        print(describe("tfctl plan prod", prod))
        print(describe("tfctl plan --all (2 envs, parallel)", both))
        print(describe("tfctl plan --all --parallel 1", serial))
        slower = max(statistics.median(dev), statistics.median(prod))
        ratio = statistics.median(both) / slower
        print(f"plan --all / slower single plan: {ratio:.2f}x (target <= 1.25x)")
        print(f"cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
