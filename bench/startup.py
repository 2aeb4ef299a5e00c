"""Start-up cost: `tfctl --version` against the import floor
`python -c "import typer, rich.console"`, tfctl from a wheel of this checkout (as users install it).

python bench/startup.py            (BENCH_RUNS=30 by default)
"""

from __future__ import annotations

import statistics

from _common import describe, installed_tfctl, runs_from_env, time_command


def main() -> None:
    runs = runs_from_env(30)
    with installed_tfctl() as bin_dir:
        python, tfctl = str(bin_dir / "python"), str(bin_dir / "tfctl")
        floor = time_command([python, "-c", "import typer, rich.console"], runs=runs)
        bare = time_command([python, "-c", "pass"], runs=runs)
        version = time_command([tfctl, "--version"], runs=runs)
        module = time_command([python, "-m", "tfctl", "--version"], runs=runs)
    print(describe("python -c pass", bare))
    print(describe("import typer, rich.console (floor)", floor))
    print(describe("tfctl --version", version))
    print(describe("python -m tfctl --version", module))
    ratio = statistics.median(version) / statistics.median(floor)
    print(f"tfctl --version / import floor: {ratio:.2f}x (target <= 1.40x, median <= 90 ms)")


if __name__ == "__main__":
    main()
