"""Many environments at once: `tfctl plan --all` over 8 environments generated from the `basic`
fixture root (null provider, moto S3/DynamoDB on loopback), against `tfctl plan ENV` of each alone,
all runs interleaved (one round: every single plan, then --all, then --all --parallel 1).

Goal (issue 13): plan --all <= 1.3x the slowest single plan. Inits are not timed: tfctl runs them
one after another (Terraform's plugin cache is not safe for concurrent writes) before any plan,
and only once per environment; `first init` below shows what --all adds when none is initialized.
The CPU a single plan uses (tfctl and terraform, children included) bounds what parallel plans
can reach: n plans need at least n x CPU / cores of wall time.

    python bench/multi_env.py       (BENCH_RUNS=5, BENCH_ENVS=8 by default)
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import time

from _common import (
    basic_fixture_project,
    bundled_from,
    describe,
    installed_tfctl,
    load,
    runs_from_env,
    time_command,
    time_interleaved,
)

GOAL = 1.3


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    runs = runs_from_env(5)
    count = int(os.environ.get("BENCH_ENVS", "8"))
    with installed_tfctl() as bin_dir, basic_fixture_project() as (root, env):
        bundled_from(bin_dir, env)
        environments = root / "terraform" / "environments"
        template = root / "template"
        shutil.move(environments / "dev", template)
        shutil.rmtree(environments)
        names = [f"env{index:02d}" for index in range(1, count + 1)]
        for name in names:
            shutil.copytree(template, environments / name)
        tfctl = [str(bin_dir / "tfctl")]
        started = time.perf_counter()
        time_command([*tfctl, "init", names[0]], runs=1, warmup=0, cwd=root, env=env)
        first_init = time.perf_counter() - started
        started = time.perf_counter()
        for name in names[1:]:
            time_command([*tfctl, "init", name], runs=1, warmup=0, cwd=root, env=env)
        other_inits = (time.perf_counter() - started) / max(1, count - 1)
        cpu_before = _child_cpu()
        time_command([*tfctl, "plan", names[0]], runs=3, warmup=0, cwd=root, env=env)
        plan_cpu = (_child_cpu() - cpu_before) / 3
        commands = [([*tfctl, "plan", name], root, env) for name in names]
        commands.append(([*tfctl, "plan", "--all"], root, env))
        commands.append(([*tfctl, "plan", "--all", "--parallel", "1"], root, env))
        timings = time_interleaved(commands, runs=runs)
        singles, both, serial = timings[:count], timings[count], timings[count + 1]
        slowest = max(statistics.median(times) for times in singles)
        for name, times in zip(names, singles, strict=True):
            print(describe(f"tfctl plan {name}", times))
        print(describe(f"tfctl plan --all ({count} envs, parallel)", both))
        print(describe("tfctl plan --all --parallel 1", serial))
        print(
            f"first init (empty plugin cache) {first_init:.2f} s; "
            f"later inits {other_inits:.2f} s each"
        )
        cores = os.cpu_count() or 1
        bound = max(slowest, count * plan_cpu / cores)
        ratio = statistics.median(both) / slowest
        per_round = statistics.median(
            a / max(times[i] for times in singles) for i, a in enumerate(both)
        )
        verdict = "met" if ratio <= GOAL else "NOT met"
        print(
            f"plan --all / slowest single plan: {ratio:.2f}x ({per_round:.2f}x interleaved, "
            f"per round); goal <= {GOAL}x: {verdict}"
        )
        print(
            f"CPU of one tfctl plan (tfctl, terraform, provider): {plan_cpu:.2f} s; {count} plans "
            f"on {cores} cores need about {bound:.2f} s = {bound / slowest:.2f}x the slowest plan"
        )
        print(load())


if __name__ == "__main__":
    main()
