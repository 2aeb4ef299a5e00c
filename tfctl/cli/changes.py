"""Commands that plan and change infrastructure: plan (one or --all), apply, destroy, drift."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tfctl.cli import common
from tfctl.cli.common import AllowDestroyOpt, EnvArg, JsonOpt, MarkdownOpt, ParallelOpt, TargetOpt

if TYPE_CHECKING:
    from tfctl.multi import EnvironmentPlan
    from tfctl.project import Project
    from tfctl.protocols import ProjectContext


def plan(
    env: Annotated[
        str | None, typer.Argument(help="Environment: a folder under terraform/environments/.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Save the plan to this file (for apply --plan).")
    ] = None,
    target: TargetOpt = None,
    no_refresh: Annotated[
        bool, typer.Option("--no-refresh", help="Skip refreshing state.")
    ] = False,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="Exit 2 when there are changes.")
    ] = False,
    destroy: Annotated[
        bool, typer.Option("--destroy", help="Plan destroying everything (for destroy --plan).")
    ] = False,
    all_envs: Annotated[bool, typer.Option("--all", help="Plan every environment.")] = False,
    parallel: ParallelOpt = None,
    json_out: JsonOpt = False,
    details: Annotated[
        bool, typer.Option("--details", help="Also list the attributes of resources to create.")
    ] = False,
    markdown: MarkdownOpt = None,
) -> None:
    """Plan an environment (or --all) and print a summary of its changes."""
    if all_envs or env is None:
        _plan_many(
            env,
            all_envs=all_envs,
            parallel=parallel,
            refresh=not no_refresh,
            detailed=detailed_exitcode,
            json_out=json_out,
            refused=[name for name, given in (("--out", out), ("--target", target)) if given]
            + (["--destroy"] if destroy else [])
            + (["--details"] if details else []),
            markdown=markdown,
        )
        return
    with common.handled(json_out):
        environment = common.environment(env)
        result = environment.plan(
            out=out.resolve() if out else None,
            targets=target or (),
            refresh=not no_refresh,
            destroy=destroy,
            detailed_exitcode=detailed_exitcode,
            details=details,
        )
        from tfctl import console

        critical = result.destructive_changes(environment.project.settings.stateful_resource_types)
        if json_out:
            console.print_json(environment.project.masker.mask_json(result.to_json()))
        else:
            console.plan_summary(result, critical=critical)
        if markdown is not None:
            from tfctl import markdown as md

            summary = md.PlanSummary(
                env,
                result,
                terraform_version=str(environment.version),
                plan_sha256=md.file_sha256(result.plan_file) if result.plan_file else None,
                critical=critical,
            )
            _write_markdown(environment.project, md.render(summary), markdown)
    if detailed_exitcode and result.has_changes:
        raise typer.Exit(2)


def apply(
    env: EnvArg,
    plan_file: Annotated[
        Path | None, typer.Option("--plan", help="Apply this saved plan (from plan --out).")
    ] = None,
    auto_approve: Annotated[bool, typer.Option(help="Apply without asking.")] = False,
    target: TargetOpt = None,
    allow_destroy: AllowDestroyOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Plan and apply an environment after confirmation, or apply a saved plan."""
    _change("apply", env, plan_file, auto_approve, target, allow_destroy, json_out)


def destroy(
    env: EnvArg,
    plan_file: Annotated[
        Path | None,
        typer.Option("--plan", help="Apply this saved destroy plan (from plan --destroy --out)."),
    ] = None,
    auto_approve: Annotated[bool, typer.Option(help="Destroy without asking.")] = False,
    target: TargetOpt = None,
    allow_destroy: AllowDestroyOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Destroy an environment's resources after confirmation."""
    _change("destroy", env, plan_file, auto_approve, target, allow_destroy, json_out)


def _change(
    action: str,
    env: str,
    plan_file: Path | None,
    auto_approve: bool,
    target: list[str] | None,
    allow_destroy: list[str] | None,
    json_out: bool,
) -> None:
    """apply and destroy: the same confirmation, safety rules and summary; one core call."""
    from tfctl import console

    with common.handled(json_out):
        environment = common.environment(env)
        run = environment.apply if action == "apply" else environment.destroy
        result = run(
            plan_file.resolve() if plan_file is not None else None,
            targets=target or (),
            approve=common.approver(
                environment,
                auto_approve=auto_approve,
                action=action,
                saved_plan=plan_file is not None,
            ),
            allow_destroy=allow_destroy or (),
        )
        if json_out:
            console.print_json(environment.project.masker.mask_json(result.to_json()))
        else:
            console.apply_summary(result)


def _write_markdown(project: ProjectContext, text: str, path: Path) -> None:
    """The Markdown summary to `path` (masked again: it outlives the run) and the job summary."""
    from tfctl import console, markdown
    from tfctl.errors import ConfigError

    try:
        appended = markdown.write(project.masker.mask(text), path, project.environ)
    except OSError as exc:
        raise ConfigError(f"cannot write the Markdown summary to {path}: {exc.strerror}") from None
    if appended:
        console.notice(f"Markdown summary written to {path} and to the job summary")
    else:
        console.notice(f"Markdown summary written to {path}")


def _plan_many(
    env: str | None,
    *,
    all_envs: bool,
    parallel: int | None,
    refresh: bool,
    detailed: bool,
    json_out: bool,
    refused: list[str] | None = None,
    command: str = "plan",
    markdown: Path | None = None,
) -> None:
    """Plan several environments (tfctl.multi), print a table, exit 1 on errors, 2 on changes."""
    from tfctl import console, multi
    from tfctl.errors import ConfigError

    with common.handled():
        if all_envs and env is not None:
            raise ConfigError(f"both {env!r} and --all given", hint="name one environment or --all")
        if env is None and not all_envs:
            raise ConfigError(
                "no environment given", hint=f"name one (tfctl {command} ENV) or pass --all"
            )
        if refused:
            raise ConfigError(
                f"{', '.join(refused)} cannot be combined with --all",
                hint=f"run tfctl {command} ENV for one environment",
            )
        project = common.project()
        outcomes = multi.plan_environments(
            project, [env] if env else None, parallel=parallel, refresh=refresh
        )
        if json_out:
            console.print_json(project.masker.mask_json([o.to_json() for o in outcomes]))
        else:
            console.simple_table(
                ["environment", "status", "add", "change", "destroy", "seconds"],
                [
                    (
                        o.environment,
                        o.status,
                        *(
                            (str(o.plan.add), str(o.plan.change), str(o.plan.remove))
                            if o.plan
                            else ("-",) * 3
                        ),
                        f"{o.seconds:.1f}",
                    )
                    for o in outcomes
                ],
            )
            for outcome in outcomes:
                if outcome.error is not None:
                    text = str(outcome.error)  # terraform's failures name the environment
                    if not text.startswith(f"{outcome.environment}: "):
                        text = f"{outcome.environment}: {text}"
                    console.error(project.masker.mask(text))
        if markdown is not None:
            _write_markdown(project, _markdown_many(project, outcomes), markdown)
    code = multi.exit_code(outcomes, detailed=detailed)
    if code:
        raise typer.Exit(code)


def _markdown_many(project: Project, outcomes: Sequence[EnvironmentPlan]) -> str:
    from tfctl import markdown
    from tfctl.errors import TfctlError

    summaries = []
    for outcome in outcomes:
        try:
            version: str | None = str(project.environment(outcome.environment).version)
        except TfctlError:
            version = None
        plan = outcome.plan
        stateful = project.settings.stateful_resource_types
        summaries.append(
            markdown.PlanSummary(
                outcome.environment,
                plan,
                terraform_version=version,
                critical=plan.destructive_changes(stateful) if plan is not None else (),
                error=str(outcome.error) if outcome.error is not None else None,
            )
        )
    return markdown.render_many(summaries)


def drift(
    env: Annotated[str | None, typer.Argument(help="Environment; with --all, every one.")] = None,
    all_envs: Annotated[bool, typer.Option("--all", help="Check every environment.")] = False,
    parallel: ParallelOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Refresh and plan; exit 2 when any environment differs from its configuration."""
    _plan_many(
        env,
        all_envs=all_envs,
        parallel=parallel,
        refresh=True,
        detailed=True,
        json_out=json_out,
        command="drift",
    )
