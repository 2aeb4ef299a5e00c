"""The tfctl command line: declarations plus one call into the core per command.

This is the only module that exits. Expected errors (TfctlError) become one masked line on stderr
and their exit code; Ctrl-C becomes exit 130. Heavy modules are imported inside commands so that
`tfctl --version` costs little more than importing typer.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from tfctl._version import __version__

if TYPE_CHECKING:
    from tfctl.environment import Environment
    from tfctl.multi import EnvironmentPlan
    from tfctl.project import Project
    from tfctl.protocols import ProjectContext
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
    retries: int | None = None


state = _State()

EnvArg = Annotated[str, typer.Argument(help="Environment: a folder under terraform/environments/.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]
TargetOpt = Annotated[
    list[str] | None, typer.Option("--target", help="Limit to this resource address (repeatable).")
]
ParallelOpt = Annotated[
    int | None,
    typer.Option("--parallel", help="Plan this many environments at once (default: all)."),
]
MarkdownOpt = Annotated[
    Path | None,
    typer.Option(
        "--markdown",
        metavar="FILE",
        help="Also write a GitHub Markdown summary to FILE (and to $GITHUB_STEP_SUMMARY).",
    ),
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
    retries: Annotated[
        int | None,
        typer.Option(
            "--retries",
            min=0,
            help="Retries of transient terraform failures (default: settings.retries, 3).",
        ),
    ] = None,
) -> None:
    """Options shared by every command."""
    state.sandbox = sandbox
    state.retries = retries
    state.root = root
    state.debug = debug
    state.log_file = log_file
    state.project = None


# -- plumbing -------------------------------------------------------------------------------------


def _masked(text: str) -> str:
    # Every text is masked again where it is printed: a decoding step before it (terraform's
    # -json UI lines) must never be the last thing that saw a secret.
    masker = state.project.masker if state.project is not None else None
    return masker.mask(text) if masker is not None else text


def _line(text: str) -> None:
    # rich is imported on the first line terraform prints, off the path that starts terraform.
    from tfctl import console

    console.line(_masked(text))


def _notice(text: str) -> None:
    from tfctl import console

    console.notice(_masked(text))


def _project() -> Project:
    if state.project is None:
        from tfctl.project import Project

        state.project = Project.discover(
            state.root,
            debug=state.debug,
            on_line=_line,
            on_notice=_notice,
            flags={"retries": state.retries},
        )
        if state.sandbox:
            from tfctl.sandbox.demo import sandbox_project

            state.project = sandbox_project(
                state.project.root,
                debug=state.debug,
                on_line=_line,
                on_notice=_notice,
            )
        _configure_logging(state.project)
        _remove_stale_scratch()
    return state.project


def _remove_stale_scratch() -> None:
    from tfctl.scratch import remove_stale

    removed = remove_stale()
    if removed:
        _notice(
            f"removed {removed} scratch folder{'s' if removed > 1 else ''} left by a killed tfctl "
            "run (plan files holding secrets)"
        )


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
def _handled(json_out: bool = False) -> Iterator[None]:
    """Turn expected errors into one masked line and an exit code; the one place that exits.

    Terraform's diagnostics were rendered already, as terraform printed them (on stderr);
    the line names the environment and the operation. With `json_out`, stdout also gets one
    JSON error document carrying the diagnostics as objects."""
    from tfctl.errors import TfctlError

    try:
        yield
    except TfctlError as exc:
        if json_out:
            _print_error_json(exc)
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)


def _print_error_json(exc: Exception) -> None:
    from tfctl import console
    from tfctl.errors import TerraformCommandError, TfctlError

    if isinstance(exc, TerraformCommandError):
        document: dict[str, Any] = exc.to_json()
    else:
        code = exc.exit_code if isinstance(exc, TfctlError) else 1
        document = {"error": {"message": str(exc), "exit_code": code, "diagnostics": []}}
    masker = state.project.masker if state.project is not None else None
    console.print_json(masker.mask_json(document) if masker is not None else document)


def _is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _warn_if_unprotected(env: Environment) -> None:
    """Say loudly, on every command that changes it, that prod lost its protection."""
    from tfctl import console
    from tfctl.safety import protection_warning

    warning = protection_warning(env.name, env.project.settings)
    if warning is not None:
        console.warning(warning)


def _approver(
    env: Environment, *, auto_approve: bool, action: str, saved_plan: bool = False
) -> Any:
    """The confirmation step, decided before anything runs (tfctl.safety.approval_mode):
    auto-approve, a yes/no or typed-name question in a terminal, or a refusal."""
    from tfctl import console
    from tfctl.safety import Approval, approval_mode, typed_name_matches

    _warn_if_unprotected(env)
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
            return typed_name_matches(answer, env.name)
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
    json_out: JsonOpt = False,
) -> None:
    """Validate one environment, or all; terraform's errors and warnings as it shows them."""
    from tfctl import console

    with _handled(json_out):
        project = _project()
        targets = [project.environment(env)] if env else project.environments()
        results = []
        for environment in targets:
            warnings = environment.validate()
            results.append(
                {
                    "environment": environment.name,
                    "valid": True,
                    "diagnostics": [d.to_json() for d in warnings],
                }
            )
            console.notice(f"{environment.name}: configuration is valid")
        if json_out:
            console.print_json(project.masker.mask_json(results))


@app.command()
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
    with _handled(json_out):
        environment = _environment(env)
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
    _change("apply", env, plan_file, auto_approve, target, allow_destroy, json_out)


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

    with _handled(json_out):
        environment = _environment(env)
        run = environment.apply if action == "apply" else environment.destroy
        result = run(
            plan_file.resolve() if plan_file is not None else None,
            targets=target or (),
            approve=_approver(
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

    with _handled(json_out):
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
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            console.stdout.out(text, highlight=False)
        else:
            console.outputs_table(outputs)


@app.command("exec", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec_command(
    env: EnvArg,
    args: Annotated[
        list[str] | None,
        typer.Argument(help="terraform's arguments, after --: tfctl exec dev -- state list"),
    ] = None,
) -> None:
    """Run any terraform command in ENV's root the tfctl way: credentials, init when needed,
    masked output, sandbox routing, Ctrl-C handling; exits with terraform's exit code.

    Refused: init, workspace, force-unlock, -chdir; in a protected environment also apply,
    destroy, import, refresh, taint, untaint and state rm/mv/push/replace-provider (use tfctl's
    own commands)."""
    with _handled():
        environment = _environment(env)
        code = environment.exec(list(args or []), on_stdout=_stdout_line, stdin=_stdin_fd())
    if code:
        raise typer.Exit(code)


def _stdout_line(text: str) -> None:
    # terraform's stdout (state list, providers schema -json) to stdout alone, masked again
    sys.stdout.write(_masked(text) + "\n")
    sys.stdout.flush()


def _stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return None


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

app.add_typer(sandbox_app(state, _handled), name="sandbox")


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

    with _handled():
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
        project = _project()
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


@app.command()
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


YesOpt = Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")]
ConfirmOpt = Annotated[
    str | None,
    typer.Option(
        "--confirm",
        metavar="ENV",
        help="Protected environments: repeat the environment's name (with --yes).",
    ),
]


def _confirm(
    env: Environment, question: str, *, yes: bool, action: str, confirm: str | None = None
) -> bool:
    """A confirmation. Protected: the typed name in a terminal, else --yes --confirm ENV
    (tfctl.safety.confirm_protected). Others: --yes, else y/N in a terminal, else a refusal."""
    from tfctl.errors import PlanRefusedError
    from tfctl.safety import confirm_protected

    if env.protected:
        return confirm_protected(
            env.name,
            action,
            interactive=_is_terminal(),
            yes=yes,
            confirm=confirm,
            ask=lambda prompt: str(typer.prompt(f"{question} {prompt}")),
        )
    if yes:
        return True
    if not _is_terminal():
        raise PlanRefusedError(f"no terminal to confirm {action} of {env.name}", hint="pass --yes")
    return typer.confirm(question, default=False)


def _refuse_early(env: Environment, *, yes: bool, action: str, confirm: str | None) -> None:
    """Warn about lost protection; refuse before any call when no confirmation can come."""
    _warn_if_unprotected(env)
    if not _is_terminal():
        _confirm(env, "", yes=yes, action=action, confirm=confirm)


@app.command()
def locks(
    env: Annotated[str | None, typer.Argument(help="Environment; all when omitted.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List the state locks currently held (from the DynamoDB lock table)."""
    from tfctl import console
    from tfctl.locks import list_locks

    with _handled():
        held = list_locks(_project(), env)
        if json_out:
            console.print_json([lock.to_json() for lock in held])
        elif not held:
            console.notice(f"no state locks held{f' on {env}' if env else ''}")
        else:
            # Plain lines, never truncated: the lock id is what `tfctl unlock` needs.
            for k in held:
                console.stdout.out(
                    f"{k.environment or k.path}  {k.id}  {k.operation}  {k.who}  {k.created}",
                    highlight=False,
                )


@app.command()
def unlock(
    env: EnvArg,
    lock_id: Annotated[str, typer.Argument(help="The lock id (from tfctl locks ENV).")],
    yes: YesOpt = False,
    confirm: ConfirmOpt = None,
) -> None:
    """Force-unlock an environment's state (only when the run holding it is dead)."""
    from tfctl import console
    from tfctl.errors import PlanRefusedError
    from tfctl.locks import find_lock, force_unlock

    with _handled():
        environment = _environment(env)
        _refuse_early(environment, yes=yes, action="unlock", confirm=confirm)
        lock = find_lock(environment, lock_id)
        question = (
            f"Release lock {lock.id} held by {lock.who} since {lock.created} ({lock.operation})?"
        )
        if not _confirm(environment, question, yes=yes, action="unlock", confirm=confirm):
            raise PlanRefusedError("not unlocked: not confirmed")
        force_unlock(environment, lock.id)
        console.notice(f"{env}: released lock {lock.id}")


state_app = typer.Typer(help="State history and recovery (from the bucket's versions).")
app.add_typer(state_app, name="state")


@state_app.command("history")
def state_history(
    env: EnvArg,
    limit: Annotated[int, typer.Option(help="Show at most this many versions.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """List the stored versions of an environment's state: time, size, serial, lineage."""
    from tfctl import console
    from tfctl.state import history

    with _handled():
        versions = history(_environment(env), limit=limit)
        if json_out:
            console.print_json([v.to_json() for v in versions])
        elif not versions:
            console.notice(f"{env}: no state stored yet")
        else:
            # Plain lines, never truncated: the version id is what `state restore` needs.
            for v in versions:
                console.stdout.out(
                    f"{v.last_modified:%Y-%m-%d %H:%M:%S}  serial {v.serial}  {v.size} bytes  "
                    f"lineage {v.lineage}  {v.version_id}{'  (current)' if v.is_latest else ''}",
                    highlight=False,
                )


@state_app.command("restore")
def state_restore(
    env: EnvArg,
    version_id: Annotated[str, typer.Argument(help="The version to restore (state history).")],
    force: Annotated[
        bool, typer.Option("--force", help="Restore even a version of another lineage.")
    ] = False,
    yes: YesOpt = False,
    confirm_name: ConfirmOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Make an earlier state version current again (holds the state lock; updates the digest)."""
    from tfctl import console
    from tfctl.state import restore

    with _handled():
        environment = _environment(env)
        _refuse_early(environment, yes=yes, action="restore", confirm=confirm_name)

        def confirm(target: Any, current: Any) -> bool:
            question = (
                f"Restore {env} to version {target.version_id} (serial {target.serial}, "
                f"{target.last_modified:%Y-%m-%d %H:%M:%S}) over serial {current.serial}?"
            )
            return _confirm(environment, question, yes=yes, action="restore", confirm=confirm_name)

        result = restore(environment, version_id, force=force, confirm=confirm)
        if json_out:
            console.print_json(result.to_json())
        else:
            console.notice(
                f"{env}: restored version {result.restored_version} as serial {result.serial} "
                f"(new version {result.new_version})"
            )


@app.command()
def doctor(
    env: Annotated[str | None, typer.Argument(help="Environment; all when omitted.")] = None,
    no_aws: Annotated[
        bool, typer.Option("--no-aws", help="Skip the AWS identity check (STS).")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Show the terraform binary, backend settings and credentials each environment would use."""
    from tfctl.doctor import diagnose

    with _handled():
        report = diagnose(_project(), [env] if env else None, check_aws=not no_aws)
    from tfctl import console

    if json_out:
        console.print_json(report.to_json())
    else:
        console.simple_table(
            ["topic", "item", "ok", "detail"],
            [(f.topic, f.item, "yes" if f.ok else "NO", f.detail) for f in report.findings],
        )
    if not report.ok:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    from tfctl.process import raise_on_sigterm

    raise_on_sigterm()  # SIGTERM unwinds like Ctrl-C: scratch plans are removed, exit 143
    app()
