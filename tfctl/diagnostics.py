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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning terraform reported."""

    severity: str
    summary: str
    detail: str = ""
    #: the file, relative to the environment's root when terraform gave a relative path
    filename: str | None = None
    line: int | None = None
    column: int | None = None
    #: what holds the range, e.g. `resource "null_resource" "app"`
    context: str | None = None
    #: the source line(s) and the character range to underline in the first one
    code: str | None = None
    code_line: int | None = None
    highlight: tuple[int, int] | None = None
    address: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str | None:
        """`file:line:col` (or `file:line`), or None when terraform named no file."""
        if self.filename is None:
            return None
        parts = [self.filename]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    @classmethod
    def from_json(cls, item: Mapping[str, Any], *, root: Path | None = None) -> Diagnostic:
        """From one of terraform's JSON diagnostics (validate -json, or a UI stream event)."""
        range_ = item.get("range") if isinstance(item.get("range"), Mapping) else None
        snippet = item.get("snippet") if isinstance(item.get("snippet"), Mapping) else None
        filename = line = column = None
        if range_ is not None:
            filename = _relative(str(range_.get("filename", "")), root) or None
            start = range_.get("start") or {}
            line, column = _int(start.get("line")), _int(start.get("column"))
        code = code_line = highlight = context = None
        if snippet is not None:
            code = str(snippet.get("code", "")) or None
            code_line = _int(snippet.get("start_line"))
            context = snippet.get("context") or None
            if code is not None:
                highlight = _char_range(
                    code,
                    _int(snippet.get("highlight_start_offset")),
                    _int(snippet.get("highlight_end_offset")),
                )
        return cls(
            severity=WARNING if str(item.get("severity")) == WARNING else ERROR,
            summary=str(item.get("summary", "")),
            detail=str(item.get("detail") or ""),
            filename=filename,
            line=line,
            column=column,
            context=str(context) if context else None,
            code=code,
            code_line=code_line,
            highlight=highlight,
            address=str(item["address"]) if item.get("address") else None,
        )

    def masked(self, mask: Callable[[str], str]) -> Diagnostic:
        """A copy with every text masked (summary, detail, context and the source line)."""

        def text(value: str | None) -> str | None:
            return mask(value) if value is not None else None

        code = text(self.code)
        return replace(
            self,
            summary=mask(self.summary),
            detail=mask(self.detail),
            context=text(self.context),
            code=code,
            # a masked line has other lengths: underline only where it still fits
            highlight=self.highlight if code == self.code else None,
            filename=text(self.filename),
            address=text(self.address),
        )

    def render(self) -> str:
        """The diagnostic as terraform shows it, without the box."""
        lines = [f"{self.severity.capitalize()}: {self.summary}"]
        if self.location is not None:
            lines.append("")
            where = f"  on {self.location}"
            lines.append(f"{where}, in {self.context}:" if self.context else f"{where}:")
            if self.code is not None:
                number = self.code_line if self.code_line is not None else self.line
                prefix = f"  {number}: " if number is not None else "  "
                first, *rest = self.code.splitlines() or [""]
                lines.append(prefix + first)
                if self.highlight is not None:
                    start, end = self.highlight
                    start = min(start, len(first))
                    end = min(max(end, start + 1), max(len(first), start + 1))
                    lines.append(" " * (len(prefix) + start) + "^" * (end - start))
                lines.extend(" " * len(prefix) + more for more in rest)
        if self.detail:
            lines.append("")
            lines.extend(self.detail.splitlines())
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "summary": self.summary,
            "detail": self.detail,
            "location": self.location,
            "filename": self.filename,
            "line": self.line,
            "column": self.column,
            "context": self.context,
            "code": self.code,
            "address": self.address,
        }


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


def count_text(diagnostics: Sequence[Diagnostic]) -> str | None:
    """The errors counted ("1 error", "2 errors"); None when there is none. Warnings are
    shown, not counted."""
    errors = sum(d.is_error for d in diagnostics)
    return f"{errors} error{'s' if errors != 1 else ''}" if errors else None


def _relative(filename: str, root: Path | None) -> str:
    if root is None or not filename or not Path(filename).is_absolute():
        return filename
    try:
        return str(Path(filename).relative_to(root))
    except ValueError:
        return filename


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _char_range(code: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """Terraform's byte offsets into the snippet, as character offsets into its first line."""
    if start is None or end is None:
        return None
    data = code.encode()
    first_end = data.find(b"\n")
    first_end = len(data) if first_end < 0 else first_end
    start_chars = len(data[: min(start, first_end)].decode(errors="ignore"))
    end_chars = len(data[: min(end, first_end)].decode(errors="ignore"))
    return start_chars, max(end_chars, start_chars + 1)
