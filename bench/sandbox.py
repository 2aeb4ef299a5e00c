"""Wall time of `tfctl sandbox demo dev` and of a no-change `tfctl plan dev --sandbox`.

Targets on the reference machine (2 cores): demo <= 20 s, no-change plan <= 2 s. Prints figures,
asserts nothing. Run from the repository root: python bench/sandbox.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tfctl(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "tfctl", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"tfctl {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each measurement")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "TFCTL_"))}
    with tempfile.TemporaryDirectory(prefix="tfctl-bench-sandbox-") as tmp:
        env = dict(base, TFCTL_SANDBOX_DIR=str(Path(tmp) / "sbx"))
        demo = [_tfctl(env, "sandbox", "demo", "dev") for _ in range(args.runs)]
        print(
            f"tfctl sandbox demo dev          median {statistics.median(demo):6.2f} s  "
            f"(runs: {', '.join(f'{t:.2f}' for t in demo)}; target <= 20 s)"
        )
        try:
            up = _tfctl(env, "sandbox", "up")
            apply = _tfctl(env, "--sandbox", "apply", "dev", "--auto-approve")
            plans = [_tfctl(env, "--sandbox", "plan", "dev") for _ in range(args.runs)]
        finally:
            _tfctl(env, "sandbox", "down")
        print(f"tfctl sandbox up                        {up:6.2f} s")
        print(f"tfctl apply dev --sandbox (15 created)  {apply:6.2f} s")
        print(
            f"tfctl plan dev --sandbox, no changes    median {statistics.median(plans):6.2f} s  "
            f"(runs: {', '.join(f'{t:.2f}' for t in plans)}; target <= 2 s)"
        )


if __name__ == "__main__":
    main()
