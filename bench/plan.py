"""Wrapper overhead on a tiny root: `tfctl plan dev` against `terraform plan` on the same
initialized fixture root (null provider, moto S3/DynamoDB backend on loopback), with the import
floor (`python -c "import typer, rich.console"`) timed in the same interleaved run.

Goal (issue 13): tfctl's added wall time (median tfctl plan - median terraform plan) is at most
1.25x the import floor. tfctl runs from a wheel of this checkout (bench/_common.installed_tfctl),
the floor in the same interpreter; both arms run the same terraform (TFCTL_TEST_TERRAFORM_BIN, else
the wheel's bundled `tfctl-terraform`).

    python bench/plan.py            (BENCH_RUNS=15 by default)
"""

from __future__ import annotations

import statistics

from _common import (
    IMPORT_FLOOR,
    basic_fixture_project,
    bundled_from,
    describe,
    installed_tfctl,
    interleaved_ratio,
    load,
    runs_from_env,
    time_command,
    time_interleaved,
)

GOAL = 1.25


def main() -> None:
    runs = runs_from_env(15)
    with installed_tfctl() as bin_dir, basic_fixture_project() as (root, env):
        tfctl = str(bin_dir / "tfctl")
        bundled_from(bin_dir, env)
        time_command([tfctl, "apply", "dev", "--auto-approve"], runs=1, warmup=0, cwd=root, env=env)
        workdir = root / "terraform" / "environments" / "dev"
        tf_env = dict(env, TF_IN_AUTOMATION="1", TF_INPUT="0")
        argv = [env["TFCTL_TERRAFORM_BIN"], "plan", "-input=false", "-no-color", "-lock-timeout=2m"]
        time_command(argv, runs=2, warmup=0, cwd=workdir, env=tf_env)  # warm caches
        time_command([tfctl, "plan", "dev"], runs=1, warmup=0, cwd=root, env=env)
        floor, plain, wrapped = time_interleaved(
            [
                ([str(bin_dir / "python"), "-c", IMPORT_FLOOR[1]], None, None),
                (argv, workdir, tf_env),
                ([tfctl, "plan", "dev"], root, env),
            ],
            runs=runs,
        )
        print(describe(IMPORT_FLOOR[0], floor))
        print(describe("terraform plan (no changes)", plain))
        print(describe("tfctl plan dev (no changes)", wrapped))
        added = statistics.median(wrapped) - statistics.median(plain)
        allowed = GOAL * statistics.median(floor)
        verdict = "met" if added <= allowed else "NOT met"
        print(
            f"tfctl added {added * 1000:.0f} ms; goal <= {GOAL}x import floor = "
            f"{allowed * 1000:.0f} ms: {verdict}"
        )
        print(
            f"tfctl plan / terraform plan: {interleaved_ratio(wrapped, plain):.2f}x interleaved "
            f"(median of per-round ratios); added / import floor: "
            f"{added / statistics.median(floor):.2f}x"
        )
        print(load())


if __name__ == "__main__":
    main()
