"""`tfctl sandbox up|down|demo`: typer declarations over tfctl.sandbox.demo, rendered by console.

The main CLI builds this group with `sandbox_app(options, handled)`, passing its global options and
its one error handler, so expected failures are a masked line and an exit code; the wing never
imports the CLI that mounts it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Protocol

import typer


class GlobalOptions(Protocol):
    """The main CLI's global options that the sandbox commands read."""

    @property
    def root(self) -> Path | None: ...
    @property
    def debug(self) -> bool: ...


DirOpt = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Sandbox directory (default: a per-repository folder under ~/.cache/tfctl).",
        envvar="TFCTL_SANDBOX_DIR",
    ),
]


def sandbox_app(
    options: GlobalOptions, handled: Callable[[], AbstractContextManager[None]]
) -> typer.Typer:
    """The `sandbox` command group, reading `options` and failing through `handled`."""
    app = typer.Typer(
        help="Run environments offline: local S3/DynamoDB and emulated ClickHouse/Upstash "
        "providers.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
        rich_markup_mode=None,
    )

    def root() -> Path:
        from tfctl.project import Project

        return Project.discover(options.root).root

    @app.command()
    def up(sandbox_dir: DirOpt = None) -> None:
        """Start the local S3/DynamoDB endpoint and provider host in the background."""
        from tfctl import console
        from tfctl.sandbox.demo import up as start

        with handled():
            endpoint = start(root(), sandbox_dir=sandbox_dir)
            console.notice(f"sandbox up: S3/DynamoDB at {endpoint.url}")
            console.notice("route any command there with --sandbox or TFCTL_SANDBOX=1")

    @app.command()
    def down(sandbox_dir: DirOpt = None) -> None:
        """Stop the background services and delete the sandbox (its fake cloud included)."""
        from tfctl import console
        from tfctl.sandbox.demo import down as stop

        with handled():
            console.notice(
                "sandbox stopped" if stop(root(), sandbox_dir=sandbox_dir) else "no sandbox"
            )

    @app.command()
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

        with handled():
            report = run_demo(
                root(),
                env,
                keep=keep,
                sandbox_dir=sandbox_dir,
                on_step=show,
                masker=masker,
                debug=options.debug,
            )
            console.outputs_table(report.outputs)
            tail = "kept; `tfctl sandbox down` removes it" if keep else "destroyed and cleaned up"
            console.notice(f"{env}: demo done in {report.seconds:.1f}s, {tail}")

    return app
