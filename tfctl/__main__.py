"""The tfctl command line (`tfctl`, `python -m tfctl`): the typer app and its table of contents.

The commands live in tfctl/cli/, one small module per command group: environments.py (envs,
init, validate, output, exec, fmt, doctor), changes.py (plan, apply, destroy, drift), backend.py
(bootstrap, locks, unlock, state) and sandbox.py (the sandbox wing's commands); cli/common.py
holds what they share: the global options, the one error handler (expected errors become one
masked line and an exit code; nothing else exits) and the console helpers. This module registers
every command in help order and mounts the sandbox wing, commands and `--sandbox` routing both.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tfctl.cli import backend, changes, common, environments, sandbox

if TYPE_CHECKING:
    from tfctl.project import Project

__all__ = ["app", "build_app", "main"]

_EXEC = {"allow_extra_args": True, "ignore_unknown_options": True}

#: Every command in help order: its name, and how it is registered on an app.
COMMANDS: tuple[tuple[str, Callable[[typer.Typer], Any]], ...] = (
    ("envs", lambda app: app.command()(environments.envs)),
    ("init", lambda app: app.command()(environments.init)),
    ("validate", lambda app: app.command()(environments.validate)),
    ("plan", lambda app: app.command()(changes.plan)),
    ("apply", lambda app: app.command()(changes.apply)),
    ("destroy", lambda app: app.command()(changes.destroy)),
    ("output", lambda app: app.command()(environments.output)),
    ("exec", lambda app: app.command("exec", context_settings=_EXEC)(environments.exec_command)),
    ("fmt", lambda app: app.command()(environments.fmt)),
    ("sandbox", lambda app: app.add_typer(sandbox.sandbox_app, name="sandbox")),
    ("bootstrap", lambda app: app.command()(backend.bootstrap)),
    ("drift", lambda app: app.command()(changes.drift)),
    ("locks", lambda app: app.command()(backend.locks)),
    ("unlock", lambda app: app.command()(backend.unlock)),
    ("state", lambda app: app.add_typer(backend.state_app, name="state")),
    ("doctor", lambda app: app.command()(environments.doctor)),
)
#: The global options that take a value (the next argument, unless written --opt=value).
VALUED_GLOBAL_OPTIONS = frozenset({"--root", "--log-file", "--retries"})

backend.state_app.command("history")(backend.state_history)
backend.state_app.command("restore")(backend.state_restore)


def build_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or with the command `only` alone (what one run needs:
    typer builds a command's options on every start, ~12 ms for all of them)."""
    built = typer.Typer(
        name="tfctl",
        help="Run the analytics platform's Terraform: environments, state backend, secrets.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_show_locals=False,  # locals in tracebacks leak secrets
        rich_markup_mode=None,
    )
    built.callback()(common.global_options)
    for name, register in COMMANDS:
        if only is None or name == only:
            register(built)
    return built


app = build_app()


def command_named(argv: Sequence[str]) -> str | None:
    """The command `argv` runs, when the global options before it leave no doubt; None (the
    whole app) for help, --version, an unknown word or no command at all."""
    known = {name for name, _register in COMMANDS}
    arguments = iter(argv)
    for argument in arguments:
        if argument in VALUED_GLOBAL_OPTIONS:
            next(arguments, None)
        elif argument in {"--help", "--version"} or not argument.startswith("-"):
            return argument if argument in known else None
    return None


def _sandbox_project(root: Path, **kwargs: Any) -> Project:
    from tfctl.sandbox.demo import sandbox_project

    return sandbox_project(root, **kwargs)


common.state.sandbox_project = _sandbox_project


def main() -> None:
    """Console-script entry point (`tfctl`), and `python -m tfctl`."""
    from tfctl.process import raise_on_sigterm

    raise_on_sigterm()  # SIGTERM unwinds like Ctrl-C: scratch plans are removed, exit 143
    only = command_named(sys.argv[1:])
    (app if only is None else build_app(only))()


if __name__ == "__main__":
    main()
