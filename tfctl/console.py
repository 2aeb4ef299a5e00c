"""Rich rendering for the CLI: plan summary, outputs, tables. No business logic.

Diagnostics and terraform's streamed lines go to stderr; results (tables, JSON) go to stdout.
Everything passed here is already masked by the caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tfctl.results import ApplyResult, OutputValue, PlanResult, ResourceChange

if TYPE_CHECKING:
    from tfctl.backend.report import BootstrapReport

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

_ACTION_STYLE = {
    "create": ("+", "green"),
    "update": ("~", "yellow"),
    "replace": ("-/+", "red"),
    "delete": ("-", "red"),
    "read": ("<=", "cyan"),
    "move": ("->", "cyan"),
    "import": ("<-", "cyan"),
}


def line(text: str) -> None:
    """One streamed line of terraform output (already masked)."""
    stderr.print(escape(text), markup=True)


def notice(text: str) -> None:
    stderr.print(f"[cyan]tfctl:[/cyan] {escape(text)}")


def warning(text: str) -> None:
    stderr.print(f"[yellow]warning:[/yellow] {escape(text)}")


def error(text: str) -> None:
    stderr.print(f"[bold red]error:[/bold red] {escape(text)}")


def print_json(document: Any) -> None:
    """Machine output: JSON alone on stdout."""
    stdout.out(json.dumps(document, indent=2, sort_keys=True), highlight=False)


def plan_summary(plan: PlanResult, *, critical: Sequence[ResourceChange] = ()) -> None:
    """The plan's changes as a table, destructive changes to stateful resources first in red."""
    title = f"Plan for {plan.environment}" + (" (destroy)" if plan.destroy else "")
    if not plan.has_changes:
        stdout.print(
            f"[green]{escape(title)}: no changes.[/green] Infrastructure matches the configuration."
        )
        return
    if critical:
        stdout.print("[bold red]Destroys or replaces stateful resources:[/bold red]")
        for change in critical:
            stdout.print(f"  [bold red]{change.action:>7}  {escape(change.address)}[/bold red]")
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("action")
    table.add_column("address")
    for change in plan.changes:
        symbol, style = _ACTION_STYLE.get(change.action, ("?", "white"))
        moved = (
            f" [dim](moved from {escape(change.previous_address)})[/dim]"
            if change.previous_address
            else ""
        )
        table.add_row(
            f"[{style}]{symbol} {change.action}[/{style}]", escape(change.address) + moved
        )
    for name in plan.output_changes:
        table.add_row("[dim]~ output[/dim]", escape(name))
    if plan.changes or plan.output_changes:
        stdout.print(table)
    else:
        # terraform counts it (drift to record, outputs on 1.0) though its stream names nothing
        drift = f": drift in {', '.join(plan.drifted)}" if plan.drifted else ""
        stdout.print(f"{escape(title)}: terraform reports changes to state or outputs{drift}.")
    attribute_changes(plan)
    moves = f", [cyan]{len(plan.moved)} to move[/cyan]" if plan.moved else ""
    stdout.print(
        f"[green]{plan.add} to add[/green], [yellow]{plan.change} to change[/yellow], "
        f"[red]{plan.remove} to destroy[/red] ([red]{plan.replace} replaced[/red]){moves}."
    )


_ATTRIBUTE_STYLE = {"add": "green", "remove": "red", "update": "yellow"}


def attribute_changes(plan: PlanResult) -> None:
    """Under each change that has them, its attribute changes; forcing attributes marked."""
    for change in plan.changes:
        if not change.attributes:
            continue
        symbol, style = _ACTION_STYLE.get(change.action, ("?", "white"))
        forced = f" [dim](forced by {escape(', '.join(change.forced_by))})[/dim]"
        stdout.print(
            f"[{style}]{symbol}[/{style}] [bold]{escape(change.address)}[/bold]"
            + (forced if change.forced_by else "")
        )
        for attribute in change.attributes:
            colour = _ATTRIBUTE_STYLE.get(attribute.action, "yellow")
            note = " [red]# forces replacement[/red]" if attribute.forces_replacement else ""
            stdout.print(f"    [{colour}]{escape(attribute.text())}[/{colour}]{note}")
    if plan.output_attributes:
        stdout.print("[dim]~[/dim] [bold]outputs[/bold]")
        for attribute in plan.output_attributes:
            colour = _ATTRIBUTE_STYLE.get(attribute.action, "yellow")
            stdout.print(f"    [{colour}]{escape(attribute.text())}[/{colour}]")


def apply_summary(result: ApplyResult) -> None:
    stdout.print(
        f"[bold]{escape(result.environment)}:[/bold] applied: {result.add} added, "
        f"{result.change} changed, {result.remove} destroyed."
    )


def outputs_table(outputs: Mapping[str, OutputValue], *, reveal: Iterable[str] = ()) -> None:
    """Outputs, sensitive ones shown as (sensitive) unless named in `reveal`."""
    shown = set(reveal)
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("output")
    table.add_column("value")
    for name, item in outputs.items():
        if item.sensitive and name not in shown:
            value = "[dim](sensitive)[/dim]"
        else:
            plain = item.reveal()
            value = escape(plain if isinstance(plain, str) else json.dumps(plain, sort_keys=True))
        table.add_row(escape(name), value)
    stdout.print(table)


def simple_table(
    columns: Sequence[str], rows: Iterable[Sequence[str]], *, title: str | None = None
) -> None:
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(str(cell)) for cell in row))
    stdout.print(table)


_STATUS_STYLE = {
    "created": "green",
    "repaired": "yellow",
    "in place": "dim",
    "drift": "red",
    "skipped": "cyan",
}


def bootstrap_report(report: BootstrapReport) -> None:
    """One row per backend setting: created / repaired / in place (or drift with --check)."""
    title = f"State backend: s3://{report.bucket} + dynamodb:{report.table} ({report.region})"
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in ("resource", "setting", "status", "detail"):
        table.add_column(column)
    for row in report.settings:
        style = _STATUS_STYLE.get(row.status, "white")
        table.add_row(
            escape(row.resource),
            escape(row.setting),
            f"[{style}]{escape(row.status)}[/{style}]",
            escape(row.detail),
        )
    stdout.print(table)
    mutating = len(report.mutating_calls)
    stdout.print(
        f"{len(report.api_calls)} API calls ({mutating} changing) in {report.elapsed_seconds:.2f}s."
    )
