"""The tfctl command line (`tfctl`, `python -m tfctl`): the typer app and its table of contents.

The commands live in tfctl/cli/, one small module per command group: environments.py (envs,
init, validate, output, exec, fmt, doctor), changes.py (plan, apply, destroy, drift), backend.py
(bootstrap, locks, unlock, state) and sandbox.py (the sandbox wing's commands); cli/common.py
holds what they share: the global options, the one error handler (expected errors become one
masked line and an exit code; nothing else exits) and the console helpers. This module registers
every command in help order and mounts the sandbox wing, commands and `--sandbox` routing both.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tfctl.cli import backend, changes, common, environments, sandbox

if TYPE_CHECKING:
    from tfctl.project import Project

__all__ = ["app", "main"]

app = typer.Typer(
    name="tfctl",
    help="Run the analytics platform's Terraform: environments, state backend, secrets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals in tracebacks leak secrets
    rich_markup_mode=None,
)
app.callback()(common.global_options)

app.command()(environments.envs)
app.command()(environments.init)
app.command()(environments.validate)
app.command()(changes.plan)
app.command()(changes.apply)
app.command()(changes.destroy)
app.command()(environments.output)
app.command("exec", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    environments.exec_command
)
app.command()(environments.fmt)
app.add_typer(sandbox.sandbox_app, name="sandbox")
app.command()(backend.bootstrap)
app.command()(changes.drift)
app.command()(backend.locks)
app.command()(backend.unlock)
app.add_typer(backend.state_app, name="state")
backend.state_app.command("history")(backend.state_history)
backend.state_app.command("restore")(backend.state_restore)
app.command()(environments.doctor)


def _sandbox_project(root: Path, **kwargs: Any) -> Project:
    from tfctl.sandbox.demo import sandbox_project

    return sandbox_project(root, **kwargs)


common.state.sandbox_project = _sandbox_project


def main() -> None:
    """Console-script entry point (`tfctl`), and `python -m tfctl`."""
    from tfctl.process import raise_on_sigterm

    raise_on_sigterm()  # SIGTERM unwinds like Ctrl-C: scratch plans are removed, exit 143
    app()


if __name__ == "__main__":
    main()
