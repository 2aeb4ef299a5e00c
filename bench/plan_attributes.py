"""The cost of attribute-level changes on the dev root (sandbox, Terraform as tfctl runs it).

With updates in the plan, `Environment.plan()` saves the plan to a private scratch file and
reads it once with `terraform show -json`; `plan(attributes=False)` is the summary alone. Prints
the median of each, the `show -json` call alone, and the size of the document it parses.

    python bench/plan_attributes.py            (BENCH_RUNS=7 by default)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import sandbox_dev  # noqa: E402

from tfctl.sandbox.demo import sandbox_project  # noqa: E402


def _median(func: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main() -> None:
    runs = int(os.environ.get("BENCH_RUNS", "7"))
    with sandbox_dev("tfctl-bench-attributes-") as (root, sandbox_dir, base):
        tfvars = root / "terraform" / "environments" / "dev" / "terraform.tfvars"
        text = tfvars.read_text()
        tfvars.write_text(text.replace('["0.0.0.0/0"]', '["0.0.0.0/1"]').replace("= 20", "= 30"))
        env = sandbox_project(root, sandbox_dir=sandbox_dir, environ=base).environment("dev")
        env.plan()  # warm: init, provider start-up, caches
        with_attributes, a_times = _median(env.plan, runs)
        summary_only, s_times = _median(lambda: env.plan(attributes=False), runs)
        plan_file = root.parent / "dev.tfplan"
        result = env.plan(out=plan_file, save_metadata=False, attributes=False)
        tf = env.terraform()
        show, show_times = _median(lambda: tf.show_plan(plan_file), runs)
        document = tf.show_plan(plan_file)
        size = len(json.dumps(document))
        from tfctl.plan_diff import resource_diffs

        parse, _ = _median(lambda: resource_diffs(document, mask=env.project.masker.mask), runs)
    changed = sum(1 for c in result.changes if c.action in {"update", "replace"})
    print(f"dev root: {len(result.changes)} changes ({changed} updates), runs={runs}")
    print(f"plan, summary only (attributes=False)  median {summary_only:6.3f} s  {_list(s_times)}")
    print(
        f"plan + show -json + attribute diff     median {with_attributes:6.3f} s  {_list(a_times)}"
    )
    print(f"terraform show -json PLANFILE alone    median {show:6.3f} s  {_list(show_times)}")
    print(f"parse + diff (resource_diffs)          median {parse * 1000:6.1f} ms")
    print(f"show -json document                    {size / 1024:6.0f} KiB")
    print(f"added per plan with updates            {with_attributes - summary_only:+6.3f} s")


def _list(times: list[float]) -> str:
    return "(" + ", ".join(f"{t:.2f}" for t in times) + ")"


if __name__ == "__main__":
    main()
