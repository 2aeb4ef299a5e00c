"""Rendering for the CLI: plan summary, outputs, tables. No business logic.

Diagnostics and terraform's streamed lines go to stderr; results (tables, JSON) go to stdout.
Everything passed here is already masked by the caller.

Lines are written by `Stream`, styled with ANSI codes only on a terminal; rich is imported for
tables alone, so the common path (terraform's streamed lines, a plan without changes, notices
and errors) does not pay for it (~35 ms of imports).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from tfctl.results import ApplyResult, OutputValue, PlanResult, ResourceChange

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from tfctl.backend.report import BootstrapReport

#: Select Graphic Rendition codes of the styles used here ("bold red" is "1;31").
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}

#: A piece of a line and its style (None: unstyled).
Part = tuple[str, str | None]


class Stream:
    """stdout or stderr as tfctl writes to it: whole lines, styled only on a terminal.

    The file is looked up on every write (sys.stdout may be swapped, as test runners do) unless
    one is given. Colour follows the usual conventions: NO_COLOR turns it off, FORCE_COLOR on,
    else it is on for a terminal other than TERM=dumb.
    """

    def __init__(
        self,
        file: TextIO | None = None,
        *,
        stderr: bool = False,
        color: bool | None = None,
        width: int | None = None,
    ) -> None:
        self._file = file
        self._stderr = stderr
        self._color = color
        self.width = width

    @property
    def file(self) -> TextIO:
        if self._file is not None:
            return self._file
        return sys.stderr if self._stderr else sys.stdout

    @property
    def color(self) -> bool:
        if self._color is not None:
            return self._color
        if os.environ.get("NO_COLOR"):
            return False
        if os.environ.get("FORCE_COLOR"):
            return True
        isatty = getattr(self.file, "isatty", None)
        return bool(isatty and isatty()) and os.environ.get("TERM") not in {"dumb", "unknown"}

    def out(self, text: str) -> None:
        """`text` as it is, and a newline."""
        self.file.write(text + "\n")
        self.file.flush()

    def print(self, *parts: Part) -> None:
        """One line made of styled parts."""
        color = self.color
        self.out(
            "".join(_styled(text, style) if color and style else text for text, style in parts)
        )

    def rich(self) -> Console:
        """A rich Console on the same file, colour and width (for tables)."""
        from rich.console import Console

        return Console(
            file=self.file,
            force_terminal=self.color,
            no_color=not self.color,
            highlight=False,
            soft_wrap=True,
            width=self.width,
        )


def _styled(text: str, style: str) -> str:
    return f"\x1b[{';'.join(_SGR[word] for word in style.split())}m{text}\x1b[0m"


stdout = Stream()
stderr = Stream(stderr=True)

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
    stderr.out(text)


def notice(text: str) -> None:
    stderr.print(("tfctl:", "cyan"), (f" {text}", None))


def warning(text: str) -> None:
    stderr.print(("warning:", "yellow"), (f" {text}", None))


def error(text: str) -> None:
    stderr.print(("error:", "bold red"), (f" {text}", None))


def print_json(document: Any) -> None:
    """Machine output: JSON alone on stdout."""
    stdout.out(json.dumps(document, indent=2, sort_keys=True))


def _table(title: str | None = None) -> Table:
    from rich.table import Table

    return Table(title=title, title_justify="left", show_edge=False, pad_edge=False)


def plan_summary(plan: PlanResult, *, critical: Sequence[ResourceChange] = ()) -> None:
    """The plan's changes as a table, destructive changes to stateful resources first in red."""
    title = f"Plan for {plan.environment}" + (" (destroy)" if plan.destroy else "")
    if not plan.has_changes:
        stdout.print(
            (f"{title}: no changes.", "green"), (" Infrastructure matches the configuration.", None)
        )
        return
    if critical:
        stdout.print(("Destroys or replaces stateful resources:", "bold red"))
        for change in critical:
            stdout.print((f"  {change.action:>7}  {change.address}", "bold red"))
    if plan.changes or plan.output_changes:
        from rich.markup import escape

        table = _table(title)
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
        stdout.rich().print(table)
    else:
        # terraform counts it (drift to record, outputs on 1.0) though its stream names nothing
        drift = f": drift in {', '.join(plan.drifted)}" if plan.drifted else ""
        stdout.out(f"{title}: terraform reports changes to state or outputs{drift}.")
    attribute_changes(plan)
    moves = ((", ", None), (f"{len(plan.moved)} to move", "cyan")) if plan.moved else ()
    stdout.print(
        (f"{plan.add} to add", "green"),
        (", ", None),
        (f"{plan.change} to change", "yellow"),
        (", ", None),
        (f"{plan.remove} to destroy", "red"),
        (" (", None),
        (f"{plan.replace} replaced", "red"),
        (")", None),
        *moves,
        (".", None),
    )


_ATTRIBUTE_STYLE = {"add": "green", "remove": "red", "update": "yellow"}


def attribute_changes(plan: PlanResult) -> None:
    """Under each change that has them, its attribute changes; forcing attributes marked."""
    for change in plan.changes:
        if not change.attributes:
            continue
        symbol, style = _ACTION_STYLE.get(change.action, ("?", "white"))
        forced: tuple[Part, ...] = (
            ((f" (forced by {', '.join(change.forced_by)})", "dim"),) if change.forced_by else ()
        )
        stdout.print((symbol, style), (" ", None), (change.address, "bold"), *forced)
        for attribute in change.attributes:
            colour = _ATTRIBUTE_STYLE.get(attribute.action, "yellow")
            note: tuple[Part, ...] = (
                ((" # forces replacement", "red"),) if attribute.forces_replacement else ()
            )
            stdout.print(("    ", None), (attribute.text(), colour), *note)
    if plan.output_attributes:
        stdout.print(("~", "dim"), (" ", None), ("outputs", "bold"))
        for attribute in plan.output_attributes:
            colour = _ATTRIBUTE_STYLE.get(attribute.action, "yellow")
            stdout.print(("    ", None), (attribute.text(), colour))


def apply_summary(result: ApplyResult) -> None:
    stdout.print(
        (f"{result.environment}:", "bold"),
        (
            f" applied: {result.add} added, {result.change} changed, {result.remove} destroyed.",
            None,
        ),
    )


def outputs_table(outputs: Mapping[str, OutputValue], *, reveal: Iterable[str] = ()) -> None:
    """Outputs, sensitive ones shown as (sensitive) unless named in `reveal`."""
    from rich.markup import escape

    shown = set(reveal)
    table = _table()
    table.add_column("output")
    table.add_column("value")
    for name, item in outputs.items():
        if item.sensitive and name not in shown:
            value = "[dim](sensitive)[/dim]"
        else:
            plain = item.reveal()
            value = escape(plain if isinstance(plain, str) else json.dumps(plain, sort_keys=True))
        table.add_row(escape(name), value)
    stdout.rich().print(table)


def simple_table(
    columns: Sequence[str], rows: Iterable[Sequence[str]], *, title: str | None = None
) -> None:
    from rich.markup import escape

    table = _table(title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(str(cell)) for cell in row))
    stdout.rich().print(table)


_STATUS_STYLE = {
    "created": "green",
    "repaired": "yellow",
    "in place": "dim",
    "drift": "red",
    "skipped": "cyan",
}


def bootstrap_report(report: BootstrapReport) -> None:
    """One row per backend setting: created / repaired / in place (or drift with --check)."""
    from rich.markup import escape

    title = f"State backend: s3://{report.bucket} + dynamodb:{report.table} ({report.region})"
    table = _table(title)
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
    stdout.rich().print(table)
    mutating = len(report.mutating_calls)
    stdout.out(
        f"{len(report.api_calls)} API calls ({mutating} changing) in {report.elapsed_seconds:.2f}s."
    )
