"""Shared helpers for the benchmarks: timing of whole commands, medians."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
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


@contextmanager
def basic_fixture_project() -> Iterator[tuple[Path, dict[str, str]]]:
    """The `basic` fixture root in a temp folder, wired to the real terraform, the null-provider
    mirror and a moto S3/DynamoDB server with its bucket and lock table; yields (root, env)."""
    import boto3

    repo = Path(__file__).resolve().parent.parent
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    from tests.harness import FIXTURES, find_terraform_binary, start_moto, write_null_mirror

    moto = start_moto()
    work = Path(tempfile.mkdtemp(prefix="tfctl-bench-"))
    try:
        root = work / "basic"
        shutil.copytree(FIXTURES / "roots" / "basic", root)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "TFCTL_"))}
        env.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ENDPOINT_URL=moto.endpoint,
            TF_CLI_CONFIG_FILE=str(write_null_mirror(work)),
            TFCTL_TERRAFORM_BIN=str(find_terraform_binary()),
            TFCTL_STATE_BUCKET="bench-state",
            TFCTL_LOCK_TABLE="bench-locks",
            TFCTL_PLUGIN_CACHE_DIR=str(work / "plugins"),
            XDG_CACHE_HOME=str(work / "cache"),
            TFCTL_ROOT=str(root),
        )
        session = boto3.Session(
            aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1"
        )
        session.client("s3", endpoint_url=moto.endpoint).create_bucket(Bucket="bench-state")
        session.client("dynamodb", endpoint_url=moto.endpoint).create_table(
            TableName="bench-locks",
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield root, env
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def sandbox_dev(prefix: str) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """The repository's terraform/ copied to a temp folder and its dev environment applied by
    the sandbox demo, kept running; yields (root, sandbox dir, base environment without AWS_*,
    TF_* and TFCTL_* variables) and stops the sandbox afterwards."""
    repo = Path(__file__).resolve().parent.parent
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    from tfctl.sandbox.demo import down, run_demo

    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "TFCTL_"))}
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        root, sandbox_dir = Path(tmp) / "repo", Path(tmp) / "sbx"
        shutil.copytree(
            repo / "terraform",
            root / "terraform",
            ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*"),
        )
        try:
            run_demo(root, "dev", keep=True, sandbox_dir=sandbox_dir, environ=base)
            yield root, sandbox_dir, base
        finally:
            down(root, sandbox_dir=sandbox_dir, environ=base)


@contextmanager
def installed_tfctl() -> Iterator[Path]:
    """tfctl as `pip install` gives it, the checkout built into a wheel and installed (and
    byte-compiled) in a scratch virtualenv; yields that venv's bin folder (python, tfctl,
    tfctl-terraform).

    The dependencies come from this environment through a .pth line, so nothing is downloaded.
    An editable install (`pip install -e .`) puts an import hook into every interpreter start
    (~15 ms here, in tfctl and in the tfctl-terraform launcher alike), which no user of a wheel
    pays; the benchmarks measure what users run.
    """
    repo = Path(__file__).resolve().parent.parent
    work = Path(tempfile.mkdtemp(prefix="tfctl-bench-wheel-"))
    try:
        pip = [sys.executable, "-m", "pip"]
        build = ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(work / "dist")]
        subprocess.run([*pip, *build, str(repo)], check=True, stdout=subprocess.DEVNULL)
        (wheel,) = (work / "dist").glob("tfctl-*.whl")
        venv = work / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        python = venv / "bin" / "python"
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        Path(purelib, "tfctl-bench-dependencies.pth").write_text(
            sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
        )
        install = ["--python", str(python), "install", "-q", "--no-deps", "--no-index"]
        subprocess.run([*pip, *install, str(wheel)], check=True, stdout=subprocess.DEVNULL)
        yield venv / "bin"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def interleaved_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> float:
    """The median of the per-round ratios of two interleaved series (A_i / B_i)."""
    return statistics.median(a / b for a, b in zip(numerator, denominator, strict=True))


def load() -> str:
    """The 1/5/15-minute load averages and the cores, printed beside each figure."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


IMPORT_FLOOR = ("import floor (import typer, rich.console)", "import typer, rich.console")


def describe(label: str, timings: Sequence[float]) -> str:
    median = statistics.median(timings)
    return (
        f"{label:<38} median {median * 1000:8.1f} ms   "
        f"min {min(timings) * 1000:8.1f} ms   max {max(timings) * 1000:8.1f} ms   n={len(timings)}"
    )


def runs_from_env(default: int) -> int:
    return int(os.environ.get("BENCH_RUNS", default))


def bundled_from(bin_dir: Path, env: dict[str, str]) -> dict[str, str]:
    """`env` running the installed wheel's tfctl-terraform, unless TFCTL_TEST_TERRAFORM_BIN
    chose another terraform for the whole run."""
    if not os.environ.get("TFCTL_TEST_TERRAFORM_BIN"):
        env["TFCTL_TERRAFORM_BIN"] = str(bin_dir / "tfctl-terraform")
    return env
