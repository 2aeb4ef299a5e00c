"""Wrapper overhead on a small root: `tfctl plan dev` against `terraform plan` on the same
initialized fixture root (null provider, moto S3/DynamoDB backend on loopback).

    python bench/plan.py            (BENCH_RUNS=15 by default)
"""

from __future__ import annotations

import shutil
import statistics

from _common import (
    basic_fixture_project,
    describe,
    precompile,
    runs_from_env,
    time_command,
    time_interleaved,
)


def main() -> None:
    runs = runs_from_env(15)
    tfctl = shutil.which("tfctl")
    if tfctl is None:
        raise SystemExit("tfctl is not installed in this environment (pip install -e .)")
    precompile()
    with basic_fixture_project() as (root, env):
        time_command([tfctl, "apply", "dev", "--auto-approve"], runs=1, warmup=0, cwd=root, env=env)
        workdir = root / "terraform" / "environments" / "dev"
        tf_env = dict(env, TF_IN_AUTOMATION="1", TF_INPUT="0")
        argv = [env["TFCTL_TERRAFORM_BIN"], "plan", "-input=false", "-no-color", "-lock-timeout=2m"]
        time_command(argv, runs=2, warmup=0, cwd=workdir, env=tf_env)  # warm caches
        plain, wrapped = time_interleaved(
            [(argv, workdir, tf_env), ([tfctl, "plan", "dev"], root, env)], runs=runs
        )
        print(describe("terraform plan (no changes)", plain))
        print(describe("tfctl plan dev (no changes)", wrapped))
        ratio = statistics.median(wrapped) / statistics.median(plain)
        print(f"tfctl plan / terraform plan: {ratio:.2f}x (target <= 1.10x)")


if __name__ == "__main__":
    main()
