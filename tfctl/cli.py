"""The tfctl command line: declarations plus one call into the core per command.

This is the only module that exits. Expected errors (TfctlError) become one masked line on stderr
and their exit code; Ctrl-C becomes exit 130. Heavy modules are imported inside commands so that
`tfctl --version` costs little more than importing typer.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from tfctl import __version__

if TYPE_CHECKING:
    from tfctl.environment import Environment
    from tfctl.project import Project
    from tfctl.results import PlanResult

app = typer.Typer(
    name="tfctl",
    help="Run the analytics platform's Terraform: environments, state backend, secrets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals in tracebacks leak secrets
    rich_markup_mode=None,
)


class _State:
    root: Path | None = None
    debug: bool = False
    log_file: Path | None = None
    project: Project | None = None
    sandbox: bool = False


state = _State()

EnvArg = Annotated[str, typer.Argument(help="Environment: a folder under terraform/environments/.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]
TargetOpt = Annotated[
    list[str] | None, typer.Option("--target", help="Limit to this resource address (repeatable).")
]
AllowDestroyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-destroy",
        metavar="ADDR",
        help="Protected environments: allow destroying/replacing this stateful resource.",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tfctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    root: Annotated[
        Path | None,
        typer.Option(
            help="Repository root (holding terraform/environments/).", envvar="TFCTL_ROOT"
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Debug logging; passes TF_LOG through to terraform.")
    ] = False,
    log_file: Annotated[
        Path | None,
        typer.Option(help="Also write tfctl's log (masked) to this file.", envvar="TFCTL_LOG_FILE"),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    sandbox: Annotated[
        bool,
        typer.Option(
            "--sandbox",
            help="Run against the local sandbox (tfctl sandbox up).",
            envvar="TFCTL_SANDBOX",
        ),
    ] = False,
) -> None:
    """Options shared by every command."""
    state.sandbox = sandbox
    state.root = root
    state.debug = debug
    state.log_file = log_file
    state.project = None


# -- plumbing -------------------------------------------------------------------------------------


def _project() -> Project:
    if state.project is None:
        from tfctl import console
        from tfctl.project import Project

        state.project = Project.discover(
            state.root, debug=state.debug, on_line=console.line, on_notice=console.notice
        )
        if state.sandbox:
            from tfctl.sandbox.demo import sandbox_project

            state.project = sandbox_project(
                state.project.root,
                debug=state.debug,
                on_line=console.line,
                on_notice=console.notice,
            )
        _configure_logging(state.project)
    return state.project


def _configure_logging(project: Project) -> None:
    logger = logging.getLogger("tfctl")
    logger.setLevel(logging.DEBUG if state.debug or state.log_file else logging.WARNING)
    masking = project.masker.logging_filter()
    if state.log_file is not None:
        handler: logging.Handler = logging.FileHandler(state.log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(masking)
        handler.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    if state.debug:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))
        stream.addFilter(masking)
        logger.addHandler(stream)


def _environment(name: str) -> Environment:
    return _project().environment(name)


def _fail(message: str, code: int) -> NoReturn:
    from tfctl import console

    masker = state.project.masker if state.project is not None else None
    console.error(masker.mask(message) if masker is not None else message)
    raise typer.Exit(code)


@contextmanager
def _handled() -> Iterator[None]:
    """Turn expected errors into one masked line and an exit code; the one place that exits."""
    from tfctl.errors import TfctlError

    try:
        yield
    except TfctlError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)


def _is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _approver(
    env: Environment, *, auto_approve: bool, action: str, saved_plan: bool = False
) -> Any:
    """The confirmation step, decided before anything runs (tfctl.safety.approval_mode):
    auto-approve, a yes/no or typed-name question in a terminal, or a refusal."""
    from tfctl import console
    from tfctl.safety import Approval, approval_mode

    mode = approval_mode(
        env.name,
        protected=env.protected,
        interactive=_is_terminal(),
        auto_approve=auto_approve,
        saved_plan=saved_plan,
        action=action,
    )

    def approve(plan: PlanResult) -> bool:
        console.plan_summary(
            plan, critical=plan.destructive_changes(env.project.settings.stateful_resource_types)
        )
        if mode is Approval.AUTO:
            return True
        if mode is Approval.TYPE_NAME:
            answer = typer.prompt(f"{env.name} is protected. Type its name to {action}")
            return bool(answer.strip() == env.name)
        return typer.confirm(f"{action.capitalize()} these changes to {env.name}?", default=False)

    return approve


# -- commands ------------------------------------------------------------------------------


@app.command()
def envs(json_out: JsonOpt = False) -> None:
    """List the environments, which are protected and which are initialized."""
    from tfctl import console

    with _handled():
        project = _project()
        environments = project.environments()
        if json_out:
            console.print_json(
                [
                    {
                        "name": env.name,
                        "protected": env.protected,
                        "initialized": (env.data_dir / "terraform.tfstate").is_file(),
                        "path": str(env.path.relative_to(project.root)),
                    }
                    for env in environments
                ]
            )
        else:
            console.simple_table(
                ["environment", "protected", "initialized", "path"],
                [
                    (
                        env.name,
                        "yes" if env.protected else "no",
                        "yes" if (env.data_dir / "terraform.tfstate").is_file() else "no",
                        str(env.path.relative_to(project.root)),
                    )
                    for env in environments
                ],
            )


@app.command()
def init(
    env: EnvArg,
    upgrade: Annotated[bool, typer.Option(help="Upgrade providers and modules.")] = False,
    reconfigure: Annotated[
        bool, typer.Option(help="Reconfigure the backend, ignoring saved settings.")
    ] = False,
) -> None:
    """Initialize an environment with the S3 backend settings tfctl renders for this terraform."""
    with _handled():
        _environment(env).init(upgrade=upgrade, reconfigure=reconfigure)


@app.command()
def validate(
    env: Annotated[str | None, typer.Argument(help="Environment; all when omitted.")] = None,
) -> None:
    """Validate one environment, or all."""
    from tfctl import console

    with _handled():
        project = _project()
        targets = [project.environment(env)] if env else project.environments()
        for environment in targets:
            environment.validate()
            console.notice(f"{environment.name}: configuration is valid")


@app.command()
def plan(
    env: EnvArg,
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
    json_out: JsonOpt = False,
) -> None:
    """Plan an environment and print a summary of its changes."""
    from tfctl import console

    with _handled():
        environment = _environment(env)
        result = environment.plan(
            out=out.resolve() if out else None,
            targets=target or (),
            refresh=not no_refresh,
            destroy=destroy,
            detailed_exitcode=detailed_exitcode,
        )
        if json_out:
            console.print_json(environment.project.masker.mask_json(result.to_json()))
        else:
            console.plan_summary(
                result,
                critical=result.destructive_changes(
                    environment.project.settings.stateful_resource_types
                ),
            )
    if detailed_exitcode and result.has_changes:
        raise typer.Exit(2)


@app.command()
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
    from tfctl import console

    with _handled():
        environment = _environment(env)
        result = environment.apply(
            plan_file.resolve() if plan_file is not None else None,
            targets=target or (),
            approve=_approver(
                environment,
                auto_approve=auto_approve,
                action="apply",
                saved_plan=plan_file is not None,
            ),
            allow_destroy=allow_destroy or (),
        )
        if json_out:
            console.print_json(result.to_json())
        else:
            console.apply_summary(result)


@app.command()
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
    from tfctl import console

    with _handled():
        environment = _environment(env)
        result = environment.destroy(
            plan_file.resolve() if plan_file is not None else None,
            targets=target or (),
            approve=_approver(
                environment,
                auto_approve=auto_approve,
                action="destroy",
                saved_plan=plan_file is not None,
            ),
            allow_destroy=allow_destroy or (),
        )
        if json_out:
            console.print_json(result.to_json())
        else:
            console.apply_summary(result)


@app.command()
def output(
    env: EnvArg,
    name: Annotated[str | None, typer.Argument(help="One output; all when omitted.")] = None,
    json_out: JsonOpt = False,
    reveal: Annotated[
        bool,
        typer.Option(
            "--reveal", help="Show sensitive values (NAME in a terminal, or with --json)."
        ),
    ] = False,
) -> None:
    """Show outputs; sensitive values stay hidden unless --reveal is given."""
    from tfctl import console
    from tfctl.errors import ConfigError

    with _handled():
        environment = _environment(env)
        outputs = environment.outputs()
        if name is not None:
            if name not in outputs:
                raise ConfigError(
                    f"{env} has no output {name!r}",
                    hint=f"outputs: {', '.join(outputs) or 'none (apply first?)'}",
                )
            outputs = {name: outputs[name]}
        if reveal and not json_out and name is None:
            raise ConfigError(
                "--reveal shows one output at a time",
                hint="name it: tfctl output ENV NAME --reveal",
            )
        if json_out:
            document = {key: item.to_json(reveal=reveal) for key, item in outputs.items()}
            console.print_json(
                document if reveal else environment.project.masker.mask_json(document)
            )
        elif name is not None and reveal:
            value = outputs[name].reveal()
            console.stdout.out(value if isinstance(value, str) else str(value), highlight=False)
        else:
            console.outputs_table(outputs)


@app.command()
def fmt(
    check: Annotated[
        bool, typer.Option(help="Only check; exit 3 if files need formatting.")
    ] = False,
) -> None:
    """Format (or check) every .tf file under terraform/."""
    from tfctl.terraform import Terraform, resolve_binary

    with _handled():
        project = _project()
        tf = Terraform(
            binary=resolve_binary(project.settings.terraform_bin, project.environ),
            workdir=project.root / "terraform",
            on_line=_project().on_line,
        )
        completed = tf.fmt(check=check)
    if completed.returncode:
        raise typer.Exit(completed.returncode)


from tfctl.sandbox.cli import sandbox_app  # noqa: E402 (registered after the main commands)

app.add_typer(sandbox_app, name="sandbox")


@app.command()
def bootstrap(
    region: Annotated[str | None, typer.Option(help="AWS region (default: settings).")] = None,
    bucket: Annotated[str | None, typer.Option(help="State bucket (default: settings).")] = None,
    table: Annotated[str | None, typer.Option(help="Lock table (default: settings).")] = None,
    kms_key_id: Annotated[
        str | None, typer.Option(help="Encrypt with this KMS key (aws:kms) instead of AES256.")
    ] = None,
    retention_days: Annotated[
        int | None, typer.Option(help="Keep noncurrent state versions this many days.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="KEY=VALUE tag for both (repeatable).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 2 when anything differs.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Create or repair the S3 state bucket and DynamoDB lock table; say what changed."""
    from tfctl import console
    from tfctl.backend import bootstrap as run_bootstrap
    from tfctl.errors import ConfigError

    with _handled():
        settings = _project().settings
        tags = {"managed-by": "tfctl"}
        for item in tag or []:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise ConfigError(f"bad --tag {item!r}", hint="write it as KEY=VALUE")
            tags[key] = value
        report = run_bootstrap(
            bucket=bucket or settings.state_bucket,
            table=table or settings.lock_table,
            region=region or settings.region,
            kms_key_id=kms_key_id or settings.kms_key_id,
            retention_days=retention_days or settings.state_retention_days,
            tags=tags,
            check=check,
        )
        if json_out:
            console.print_json(report.to_dict())
        else:
            console.bootstrap_report(report)
        if check:
            report.raise_if_drifted()


def main() -> None:
    """Console-script entry point."""
    app()
