"""Shared plumbing of the command line: the global options, the one error handler (the only place
that exits), the Project they resolve to, masked console output and confirmations.

Every command module and the sandbox commands use these; heavy modules are imported inside
functions so that `tfctl --version` costs little more than importing typer.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from tfctl._version import __version__

if TYPE_CHECKING:
    from tfctl.project import Environment, Project
    from tfctl.results import PlanResult


class GlobalOptions:
    """The global options of this run, and the Project they resolve to (made once)."""

    root: Path | None = None
    debug: bool = False
    log_file: Path | None = None
    project: Project | None = None
    sandbox: bool = False
    retries: int | None = None
    #: Builds the Project that --sandbox routes to; set by tfctl.cli, which mounts the wing.
    sandbox_project: Callable[..., Project] | None = None


state = GlobalOptions()

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

YesOpt = Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")]

ConfirmOpt = Annotated[
    str | None,
    typer.Option(
        "--confirm",
        metavar="ENV",
        help="Protected environments: repeat the environment's name (with --yes).",
    ),
]


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"tfctl {__version__}")
        raise typer.Exit()


def global_options(
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
            "--version", callback=show_version, is_eager=True, help="Show the version and exit."
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


def masked(text: str) -> str:
    # Every text is masked again where it is printed: a decoding step before it (terraform's
    # -json UI lines) must never be the last thing that saw a secret.
    masker = state.project.masker if state.project is not None else None
    return masker.mask(text) if masker is not None else text


def line(text: str) -> None:
    # rich is imported on the first line terraform prints, off the path that starts terraform.
    from tfctl import console

    console.line(masked(text))


def notice(text: str) -> None:
    from tfctl import console

    console.notice(masked(text))


def project() -> Project:
    if state.project is None:
        from tfctl.project import Project

        state.project = Project.discover(
            state.root,
            debug=state.debug,
            on_line=line,
            on_notice=notice,
            flags={"retries": state.retries},
        )
        if state.sandbox:
            if state.sandbox_project is None:  # tfctl.cli sets it when it is imported
                raise RuntimeError("the sandbox wing is not mounted")
            state.project = state.sandbox_project(
                state.project.root,
                debug=state.debug,
                on_line=line,
                on_notice=notice,
            )
        configure_logging(state.project)
        remove_stale_scratch()
    return state.project


def remove_stale_scratch() -> None:
    from tfctl.scratch import remove_stale

    removed = remove_stale()
    if removed:
        notice(
            f"removed {removed} scratch folder{'s' if removed > 1 else ''} left by a killed tfctl "
            "run (plan files holding secrets)"
        )


def configure_logging(project: Project) -> None:
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


def environment(name: str) -> Environment:
    return project().environment(name)


def fail(message: str, code: int) -> NoReturn:
    from tfctl import console

    masker = state.project.masker if state.project is not None else None
    console.error(masker.mask(message) if masker is not None else message)
    raise typer.Exit(code)


@contextmanager
def handled(json_out: bool = False) -> Iterator[None]:
    """Turn expected errors into one masked line and an exit code; the one place that exits.

    Terraform's diagnostics were rendered already, as terraform printed them (on stderr);
    the line names the environment and the operation. With `json_out`, stdout also gets one
    JSON error document carrying the diagnostics as objects."""
    from tfctl.errors import TfctlError

    try:
        yield
    except TfctlError as exc:
        if json_out:
            print_error_json(exc)
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)


def print_error_json(exc: Exception) -> None:
    from tfctl import console
    from tfctl.errors import TerraformCommandError, TfctlError

    if isinstance(exc, TerraformCommandError):
        document: dict[str, Any] = exc.to_json()
    else:
        code = exc.exit_code if isinstance(exc, TfctlError) else 1
        document = {"error": {"message": str(exc), "exit_code": code, "diagnostics": []}}
    masker = state.project.masker if state.project is not None else None
    console.print_json(masker.mask_json(document) if masker is not None else document)


def is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def warn_if_unprotected(env: Environment) -> None:
    """Say loudly, on every command that changes it, that prod lost its protection."""
    from tfctl import console
    from tfctl.safety import protection_warning

    warning = protection_warning(env.name, env.project.settings)
    if warning is not None:
        console.warning(warning)


def approver(env: Environment, *, auto_approve: bool, action: str, saved_plan: bool = False) -> Any:
    """The confirmation step, decided before anything runs (tfctl.safety.approval_mode):
    auto-approve, a yes/no or typed-name question in a terminal, or a refusal."""
    from tfctl import console
    from tfctl.safety import Approval, approval_mode, typed_name_matches

    warn_if_unprotected(env)
    mode = approval_mode(
        env.name,
        protected=env.protected,
        interactive=is_terminal(),
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


def ask_confirmation(
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
            interactive=is_terminal(),
            yes=yes,
            confirm=confirm,
            ask=lambda prompt: str(typer.prompt(f"{question} {prompt}")),
        )
    if yes:
        return True
    if not is_terminal():
        raise PlanRefusedError(f"no terminal to confirm {action} of {env.name}", hint="pass --yes")
    return typer.confirm(question, default=False)


def refuse_early(env: Environment, *, yes: bool, action: str, confirm: str | None) -> None:
    """Warn about lost protection; refuse before any call when no confirmation can come."""
    warn_if_unprotected(env)
    if not is_terminal():
        ask_confirmation(env, "", yes=yes, action=action, confirm=confirm)
