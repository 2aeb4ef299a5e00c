"""Terraform's diagnostics (errors and warnings) as values, and the one renderer for them.

Terraform reports them as JSON objects in `validate -json` and in the -json UI stream of plan and
apply, and as boxed text on stderr elsewhere (init, output, state, ...). Both become Diagnostic;
`render` shows one as terraform does, without the box: severity and summary, `file:line:col`
(relative to the environment's root), the source line with the range underlined, the detail.

    Error: Unsupported argument

      on main.tf:12:3, in resource "null_resource" "app":
      12:   colour = "blue"
            ^^^^^^

    An argument named "colour" is not expected here.

Callers mask what they print (`masked`), as everything terraform says may hold a secret.

The Diagnostic value itself is defined in tfctl.errors (TerraformCommandError carries them, and
errors is the bottom of the import graph) and re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tfctl.errors import ERROR as ERROR
from tfctl.errors import WARNING as WARNING
from tfctl.errors import Diagnostic as Diagnostic
from tfctl.errors import count_text as count_text


def from_validate(document: Mapping[str, Any], *, root: Path | None = None) -> list[Diagnostic]:
    """The diagnostics of a `terraform validate -json` document."""
    items = document.get("diagnostics") or []
    return [Diagnostic.from_json(d, root=root) for d in items if isinstance(d, Mapping)]


def from_events(
    events: Iterable[Mapping[str, Any]], *, root: Path | None = None
) -> list[Diagnostic]:
    """The diagnostics of a -json UI stream (plan, apply)."""
    return [
        Diagnostic.from_json(event["diagnostic"], root=root)
        for event in events
        if event.get("type") == "diagnostic" and isinstance(event.get("diagnostic"), Mapping)
    ]


_HEADING = re.compile(r"^(Error|Warning): (.*)$")
_ON = re.compile(r"^\s+on (.+?) line (\d+)(?:, in (.+?))?:\s*$")
_CODE = re.compile(r"^\s+(\d+):(.*)$")


def from_text(text: str) -> list[Diagnostic]:
    """Diagnostics of terraform's human output (stderr of init, output, state, ...), boxed
    (`│ Error: ...`) or not. Text outside them is not a diagnostic and is left out."""
    found: list[Diagnostic] = []
    block: list[str] | None = None
    for raw in text.splitlines():
        line = raw[2:] if raw.startswith(("│ ", "║ ")) else raw.lstrip("│║").rstrip()
        if line.startswith(("╷", "╵")):
            continue
        heading = _HEADING.match(line)
        if heading is not None:
            if block is not None:
                found.append(_from_block(block))
            block = [line]
        elif block is not None:
            block.append(line)
    if block is not None:
        found.append(_from_block(block))
    return found


def split_text(text: str) -> tuple[list[str], list[Diagnostic]]:
    """Terraform's human output as (the lines outside its boxed diagnostics, the diagnostics).
    Without boxes, all of it is other text unless a line starts a diagnostic."""
    if "╷" not in text:
        found = from_text(text)
        return ([] if found else [line for line in text.splitlines() if line.strip()]), found
    other: list[str] = []
    boxed: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("╷"):
            inside = True
        if inside:
            boxed.append(line)
        elif line.strip():
            other.append(line)
        if line.startswith("╵"):
            inside = False
    return other, from_text("\n".join(boxed))


def _from_block(lines: list[str]) -> Diagnostic:
    heading = _HEADING.match(lines[0])
    assert heading is not None
    severity = ERROR if heading.group(1) == "Error" else WARNING
    filename = context = code = None
    line_number = code_line = None
    detail: list[str] = []
    for line in lines[1:]:
        on = _ON.match(line)
        if on is not None and filename is None:
            filename, line_number, context = on.group(1), int(on.group(2)), on.group(3)
            continue
        source = _CODE.match(line)
        if source is not None and filename is not None and code is None and not any(detail):
            code_line, code = int(source.group(1)), source.group(2).removeprefix(" ")
            continue
        detail.append(line)
    text = "\n".join(detail).strip("\n")
    return Diagnostic(
        severity=severity,
        summary=heading.group(2).strip(),
        detail=text,
        filename=filename,
        line=line_number,
        context=context,
        code=code,
        code_line=code_line,
    )


def render_all(diagnostics: Sequence[Diagnostic]) -> str:
    """Each diagnostic rendered, a blank line between them."""
    return "\n\n".join(d.render() for d in diagnostics)
