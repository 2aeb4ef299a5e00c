"""The sandbox dev root (15 resources, emulated providers): `tfctl --sandbox plan dev` against
`terraform plan` on the same initialized root, with the same providers, data directory and child
environment (taken from tfctl's own runner), timed in turn (A B A B ...).

Goal (issue 13): tfctl plan dev <= 1.15x terraform plan.

    python bench/sandbox_plan.py        (BENCH_RUNS=9 by default)
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from _common import (
    describe,
    installed_tfctl,
    interleaved_ratio,
    load,
    runs_from_env,
    sandbox_dev,
    time_interleaved,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tfctl.sandbox.demo import sandbox_project  # noqa: E402

GOAL = 1.15


def main() -> None:
    runs = runs_from_env(9)
    with (
        installed_tfctl() as bin_dir,
        sandbox_dev("tfctl-bench-sandbox-plan-") as (root, sandbox_dir, base),
    ):
        tfctl = str(bin_dir / "tfctl")
        env = sandbox_project(root, sandbox_dir=sandbox_dir, environ=base).environment("dev")
        env.ensure_initialized()
        tf = env.terraform()
        plain = [
            tf.binary,
            "plan",
            "-input=false",
            "-no-color",
            f"-lock-timeout={tf.lock_timeout}",
        ]
        wrapped = [tfctl, "--sandbox", "plan", "dev"]
        # both arms run one terraform: the one tfctl's runner chose
        tfctl_env = dict(base, TFCTL_SANDBOX_DIR=str(sandbox_dir), TFCTL_TERRAFORM_BIN=tf.binary)
        terraform, ours = time_interleaved(
            [(plain, tf.workdir, dict(tf.env)), (wrapped, root, tfctl_env)], runs=runs + 1
        )
        terraform, ours = terraform[1:], ours[1:]  # the first round warms caches
    print(describe("terraform plan (sandbox dev, 15 res.)", terraform))
    print(describe("tfctl --sandbox plan dev", ours))
    ratio = statistics.median(ours) / statistics.median(terraform)
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(
        f"tfctl plan / terraform plan: {ratio:.2f}x ({interleaved_ratio(ours, terraform):.2f}x "
        f"interleaved, per round); goal <= {GOAL}x: {verdict}"
    )
    print(load())


if __name__ == "__main__":
    main()
