"""Shared helpers for the benchmarks: timing of whole commands, medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def time_command(
    argv: Sequence[str],
    *,
    runs: int,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    warmup: int = 1,
) -> list[float]:
    """Wall-clock seconds of `runs` executions (after `warmup` untimed ones); each must exit 0."""
    timings = []
    for index in range(warmup + runs):
        started = time.perf_counter()
        completed = subprocess.run(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {completed.stderr.decode()[-2000:]}")
        if index >= warmup:
            timings.append(elapsed)
    return timings


def time_interleaved(
    commands: Sequence[tuple[Sequence[str], Path | None, Mapping[str, str] | None]],
    *,
    runs: int,
) -> list[list[float]]:
    """Time several commands in turn (A B A B ...), so drift in machine load hits all alike."""
    timings: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, (argv, cwd, env) in enumerate(commands):
            timings[index] += time_command(argv, runs=1, warmup=0, cwd=cwd, env=env)
    return timings


def precompile() -> None:
    """Byte-compile tfctl as an installed package would be (pip compiles at install time).

    An editable checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every
    module on every start (~40 ms here), which no user of a built wheel pays.
    """
    import compileall

    import tfctl

    compileall.compile_dir(str(Path(tfctl.__file__).parent), quiet=1)


def describe(label: str, timings: Sequence[float]) -> str:
    median = statistics.median(timings)
    return (
        f"{label:<38} median {median * 1000:8.1f} ms   "
        f"min {min(timings) * 1000:8.1f} ms   max {max(timings) * 1000:8.1f} ms   n={len(timings)}"
    )


def runs_from_env(default: int) -> int:
    return int(os.environ.get("BENCH_RUNS", default))
