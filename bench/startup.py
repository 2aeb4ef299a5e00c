"""Start-up cost: `tfctl --version` against the import floor
`python -c "import typer, rich.console"`.

python bench/startup.py            (BENCH_RUNS=30 by default)
"""

from __future__ import annotations

import shutil
import statistics
import sys

from _common import describe, precompile, runs_from_env, time_command


def main() -> None:
    runs = runs_from_env(30)
    tfctl = shutil.which("tfctl")
    if tfctl is None:
        raise SystemExit("tfctl is not installed in this environment (pip install -e .)")
    precompile()
    floor = time_command([sys.executable, "-c", "import typer, rich.console"], runs=runs)
    bare = time_command([sys.executable, "-c", "pass"], runs=runs)
    version = time_command([tfctl, "--version"], runs=runs)
    module = time_command([sys.executable, "-m", "tfctl", "--version"], runs=runs)
    print(describe("python -c pass", bare))
    print(describe("import typer, rich.console (floor)", floor))
    print(describe("tfctl --version", version))
    print(describe("python -m tfctl --version", module))
    ratio = statistics.median(version) / statistics.median(floor)
    print(f"tfctl --version / import floor: {ratio:.2f}x (target <= 1.40x, median <= 90 ms)")


if __name__ == "__main__":
    main()
