"""Many environments at once: `plan --all` and `drift`.

Inits run one at a time (a shared plugin cache is not safe for concurrent `terraform init` on older
Terraform), then plans run in parallel threads, each driving its own terraform process. Every line
of output is prefixed with its environment's name and written whole under one lock, so lines of
different environments never interleave mid-line.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tfctl import process
from tfctl.errors import ConfigError, Interrupted, TfctlError

if TYPE_CHECKING:
    from tfctl.project import Environment, Project
    from tfctl.results import PlanResult

LineSink = Callable[[str], None]

IN_SYNC = "in sync"
CHANGES = "changes"
ERROR = "error"


@dataclass(frozen=True)
class EnvironmentPlan:
    """The outcome of planning one environment: its plan, or the error that stopped it."""

    environment: str
    plan: PlanResult | None
    error: TfctlError | None
    seconds: float

    @property
    def status(self) -> str:
        if self.error is not None or self.plan is None:
            return ERROR
        return CHANGES if self.plan.has_changes else IN_SYNC

    def to_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "plan": self.plan.to_json() if self.plan is not None else None,
            "error": str(self.error) if self.error is not None else None,
            "diagnostics": [d.to_json() for d in getattr(self.error, "diagnostics", ())],
        }


class PrefixedOutput:
    """Prefixes each line with an environment's name and writes whole lines under one lock."""

    def __init__(self, sink: LineSink | None, names: Sequence[str]) -> None:
        self.sink = sink
        self.width = max((len(name) for name in names), default=0)
        self.lock = threading.Lock()

    def for_environment(self, name: str) -> LineSink:
        prefix = f"[{name:<{self.width}}] "

        def emit(text: str) -> None:
            if self.sink is None:
                return
            with self.lock:  # one environment's line at a time, never half of one
                for line in text.split("\n"):
                    self.sink(prefix + line)

        return emit


def parallelism(value: int | None, count: int) -> int:
    """Workers for `count` environments: `value` (>= 1) capped at count; default all of them."""
    if value is None:
        return max(1, count)
    if value < 1:
        raise ConfigError(f"--parallel must be at least 1, got {value}")
    return max(1, min(value, count))


def plan_environments(
    project: Project,
    names: Sequence[str] | None = None,
    *,
    parallel: int | None = None,
    refresh: bool = True,
    on_line: LineSink | None = None,
    on_notice: LineSink | None = None,
) -> list[EnvironmentPlan]:
    """Plan several environments (all by default): inits one by one, then plans in parallel.

    An error in one environment is recorded in its outcome and does not stop the others.
    Ctrl-C raises Interrupted after the running plans finish (plans are read-only).
    """
    names = list(names) if names is not None else project.environment_names()
    if not names:
        raise ConfigError("the project has no environments", hint="add terraform/environments/ENV")
    workers = parallelism(parallel, len(names))
    lines = PrefixedOutput(on_line if on_line is not None else project.on_line, names)
    notices = PrefixedOutput(on_notice if on_notice is not None else project.on_notice, names)
    environments: dict[str, Environment] = {}
    for name in names:
        scoped = dataclasses.replace(
            project, on_line=lines.for_environment(name), on_notice=notices.for_environment(name)
        )
        environments[name] = scoped.environment(name)

    outcomes: dict[str, EnvironmentPlan] = {}
    ready: list[str] = []
    for name, env in environments.items():
        started = time.monotonic()
        try:
            env.ensure_initialized()
        except TfctlError as exc:
            outcomes[name] = EnvironmentPlan(name, None, exc, time.monotonic() - started)
            continue
        ready.append(name)

    def plan_one(name: str) -> EnvironmentPlan:
        started = time.monotonic()
        try:
            result = environments[name].plan(refresh=refresh, detailed_exitcode=True)
        except TfctlError as exc:
            return EnvironmentPlan(name, None, exc, time.monotonic() - started)
        return EnvironmentPlan(name, result, None, time.monotonic() - started)

    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tfctl-plan")
    futures: dict[str, Future[EnvironmentPlan]] = {}
    try:
        for name in ready:
            futures[name] = executor.submit(plan_one, name)
        for name, future in futures.items():
            outcomes[name] = future.result()
    except KeyboardInterrupt:
        executor.shutdown(wait=False, cancel_futures=True)
        stopping = process.interrupt_all()  # workers' children: only this thread sees Ctrl-C
        executor.shutdown(wait=True)
        raise Interrupted(
            f"interrupted; asked {stopping} running plans to stop, the rest were cancelled"
        ) from None
    finally:
        executor.shutdown(wait=True)
    return [outcomes[name] for name in names]


def exit_code(outcomes: Sequence[EnvironmentPlan], *, detailed: bool) -> int:
    """1 when any environment failed; else 2 when `detailed` and any has changes; else 0."""
    if any(outcome.status == ERROR for outcome in outcomes):
        return 1
    if detailed and any(outcome.status == CHANGES for outcome in outcomes):
        return 2
    return 0


def drift(
    project: Project,
    names: Sequence[str] | None = None,
    *,
    parallel: int | None = None,
    on_line: LineSink | None = None,
    on_notice: LineSink | None = None,
) -> list[EnvironmentPlan]:
    """Refresh and plan each environment; an environment whose plan has changes has drifted
    from its configuration (or has unapplied changes)."""
    return plan_environments(
        project, names, parallel=parallel, refresh=True, on_line=on_line, on_notice=on_notice
    )
