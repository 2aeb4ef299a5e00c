"""`tfctl sandbox up|down|demo`: typer declarations over the sandbox wing (tfctl.sandbox.demo).

Like every command module it fails through tfctl.cli.common's one handler, so expected
failures are a masked line and an exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tfctl.cli import common

DirOpt = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Sandbox directory (default: a per-repository folder under ~/.cache/tfctl).",
        envvar="TFCTL_SANDBOX_DIR",
    ),
]


sandbox_app = typer.Typer(
    help="Run environments offline: local S3/DynamoDB and emulated ClickHouse/Upstash providers.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _root() -> Path:
    from tfctl.project import Project

    return Project.discover(common.state.root).root


@sandbox_app.command()
def up(sandbox_dir: DirOpt = None) -> None:
    """Start the local S3/DynamoDB endpoint and provider host in the background."""
    from tfctl import console
    from tfctl.sandbox.demo import up as start

    with common.handled():
        endpoint = start(_root(), sandbox_dir=sandbox_dir)
        console.notice(f"sandbox up: S3/DynamoDB at {endpoint.url}")
        console.notice("route any command there with --sandbox or TFCTL_SANDBOX=1")


@sandbox_app.command()
def down(sandbox_dir: DirOpt = None) -> None:
    """Stop the background services and delete the sandbox (its fake cloud included)."""
    from tfctl import console
    from tfctl.sandbox.demo import down as stop

    with common.handled():
        console.notice(
            "sandbox stopped" if stop(_root(), sandbox_dir=sandbox_dir) else "no sandbox"
        )


@sandbox_app.command()
def demo(
    env: Annotated[
        str, typer.Argument(help="Environment: a folder under terraform/environments/.")
    ],
    keep: Annotated[
        bool, typer.Option(help="Keep the resources and the sandbox running afterwards.")
    ] = False,
    sandbox_dir: DirOpt = None,
) -> None:
    """Bootstrap, init, validate, plan, apply, show outputs, re-plan and destroy ENV offline."""
    from tfctl import console
    from tfctl.masking import Masker
    from tfctl.sandbox.demo import run_demo

    masker = Masker()

    def show(name: str, seconds: float, detail: str) -> None:
        console.notice(f"{name:<10} {seconds:5.1f}s  {masker.mask(detail)}")

    with common.handled():
        report = run_demo(
            _root(),
            env,
            keep=keep,
            sandbox_dir=sandbox_dir,
            on_step=show,
            masker=masker,
            debug=common.state.debug,
        )
        console.outputs_table(report.outputs)
        tail = "kept; `tfctl sandbox down` removes it" if keep else "destroyed and cleaned up"
        console.notice(f"{env}: demo done in {report.seconds:.1f}s, {tail}")
