"""The GitHub-flavoured Markdown summary of plans: for a pull request comment or a job summary.

Per environment: the counts, stateful resources destroyed or replaced first and in bold, a table
of changes, the attribute changes of each resource in a collapsed `<details>` block, the outputs
that change, the Terraform version and the plan file's digest. Output is deterministic (no
clock, no machine paths): the same plans give the same bytes, which golden-file tests pin.

    text = render(PlanSummary("prod", plan, terraform_version="1.15.5", plan_sha256=digest))
    write(text, Path("plan.md"), os.environ)  # also appended to $GITHUB_STEP_SUMMARY

Everything passed in is already masked (PlanResult holds masked values only).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tfctl.plan_diff import ADD, REMOVE, AttributeChange, render_value
from tfctl.results import PlanResult, ResourceChange

__all__ = ["MAX_ATTRIBUTE_LINES", "PlanSummary", "file_sha256", "render", "render_many", "write"]

#: Attribute changes shown per resource; the rest are counted (a PR comment holds 65,536 chars).
MAX_ATTRIBUTE_LINES: Final = 60
_SYMBOL = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "read": "<="}
_TABLE_PATHS = 3


@dataclass(frozen=True)
class PlanSummary:
    """One environment's plan as the summary shows it (`plan` None with `error`: it failed)."""

    environment: str
    plan: PlanResult | None
    terraform_version: str | None = None
    plan_sha256: str | None = None
    critical: tuple[ResourceChange, ...] = ()
    error: str | None = None


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file (a saved plan), hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def render(summary: PlanSummary, *, heading: str | None = None) -> str:
    """The summary of one environment, as Markdown ending in one newline."""
    title = heading or f"## Terraform plan: {_code(summary.environment)}"
    lines = [title, ""]
    plan = summary.plan
    if plan is None:
        lines += ["**The plan failed.**", "", _fenced(summary.error or "unknown error", "text")]
        lines += _footer(summary)
        return "\n".join(lines) + "\n"
    if plan.destroy:
        lines += ["**Destroy plan**: every resource of this environment goes.", ""]
    if not plan.has_changes:
        lines += ["No changes. Infrastructure matches the configuration.", ""]
        lines += _drift(plan)
        lines += _footer(summary)
        return "\n".join(lines) + "\n"
    lines += [f"**{_counts(plan)}**", ""]
    critical = {c.address for c in summary.critical}
    if summary.critical:
        lines += ["> [!CAUTION]", "> **Destroys or replaces stateful resources:**"]
        lines += [f"> - **{c.action}** {_code(c.address)}{_forced(c)}" for c in summary.critical]
        lines.append("")
    ordered = [c for c in plan.changes if c.address in critical]
    ordered += [c for c in plan.changes if c.address not in critical]
    lines += ["| | Action | Resource | Attributes |", "|---|---|---|---|"]
    for change in ordered:
        action, address = change.action, _code(change.address)
        if change.address in critical:
            action, address = f"**{action}**", f"**{address}**"
        row = [_SYMBOL.get(change.action, "?"), action, address, _attribute_cell(change)]
        lines.append("| " + " | ".join(_cell(part) for part in row) + " |")
    lines.append("")
    for change in ordered:
        lines += _details(change)
    if plan.output_changes:
        lines += ["Outputs that change: " + ", ".join(_code(n) for n in plan.output_changes), ""]
    if plan.output_attributes:
        body = [line for attribute in plan.output_attributes for line in _diff_lines(attribute)]
        lines += [
            "<details><summary>outputs</summary>",
            "",
            _fenced("\n".join(body), "diff"),
            "",
            "</details>",
            "",
        ]
    lines += _drift(plan)
    lines += _footer(summary)
    return "\n".join(lines) + "\n"


def render_many(summaries: Sequence[PlanSummary]) -> str:
    """Several environments: an overview table, then one section per environment."""
    count = len(summaries)
    lines = [
        f"# Terraform plan: {count} environment{'s' if count != 1 else ''}",
        "",
        "| Environment | Result | Add | Change | Destroy | Replace |",
        "|---|---|---|---|---|---|",
    ]
    for summary in summaries:
        plan = summary.plan
        name = _code(summary.environment)
        if plan is None:
            lines.append(f"| {_cell(name)} | **error** | - | - | - | - |")
            continue
        result = "changes" if plan.has_changes else "no changes"
        if summary.critical:
            result = "**stateful resources destroyed or replaced**"
        numbers = (plan.add, plan.change, plan.remove, plan.replace)
        lines.append(f"| {_cell(name)} | {result} | " + " | ".join(map(str, numbers)) + " |")
    lines.append("")
    sections = [render(s, heading=f"## {_code(s.environment)}").rstrip("\n") for s in summaries]
    return "\n".join(lines) + "\n" + "\n\n".join(sections) + "\n"


def write(text: str, path: Path, environ: Mapping[str, str]) -> bool:
    """Write `text` to `path`; under GitHub Actions also append it to $GITHUB_STEP_SUMMARY.

    Returns True when it was appended to the job summary.
    """
    path.write_text(text, encoding="utf-8")
    step_summary = environ.get("GITHUB_STEP_SUMMARY")
    if not step_summary:
        return False
    with open(step_summary, "a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return True


# -- pieces -------------------------------------------------------------------------------------


def _counts(plan: PlanResult) -> str:
    text = f"{plan.add} to add, {plan.change} to change, {plan.remove} to destroy"
    return text + (f" ({plan.replace} replaced)" if plan.replace else "")


def _forced(change: ResourceChange) -> str:
    if not change.forced_by:
        return ""
    return " (forced by " + ", ".join(_code(p) for p in change.forced_by) + ")"


def _attribute_cell(change: ResourceChange) -> str:
    if change.action == "delete":
        return ""
    paths: list[str] = []
    for attribute in change.attributes:
        if attribute.path not in paths:
            paths.append(attribute.path)
    shown = [
        _code(p) + (" (forces replacement)" if p in change.forced_by else "")
        for p in paths[:_TABLE_PATHS]
    ]
    if len(paths) > _TABLE_PATHS:
        shown.append(f"and {len(paths) - _TABLE_PATHS} more")
    return ", ".join(shown)


def _diff_lines(attribute: AttributeChange) -> list[str]:
    note = "  # forces replacement" if attribute.forces_replacement else ""
    if attribute.action == ADD:
        return [f"+ {attribute.path}: {render_value(attribute.after)}{note}"]
    if attribute.action == REMOVE:
        return [f"- {attribute.path}: {render_value(attribute.before)}{note}"]
    return [
        f"- {attribute.path}: {render_value(attribute.before)}{note}",
        f"+ {attribute.path}: {render_value(attribute.after)}{note}",
    ]


def _details(change: ResourceChange) -> list[str]:
    if not change.attributes:
        return []
    count = len({attribute.path for attribute in change.attributes})
    summary = (
        f"{html.escape(_SYMBOL.get(change.action, '?'))} {html.escape(change.action)} "
        f"<code>{html.escape(change.address)}</code>: "
        f"{count} attribute{'s' if count != 1 else ''}"
    )
    if change.forced_by:
        summary += ", forced by " + ", ".join(
            f"<code>{html.escape(p)}</code>" for p in change.forced_by
        )
    body: list[str] = []
    for attribute in change.attributes[:MAX_ATTRIBUTE_LINES]:
        body += _diff_lines(attribute)
    hidden = len(change.attributes) - MAX_ATTRIBUTE_LINES
    if hidden > 0:
        body.append(f"# ... and {hidden} more changes (tfctl plan --json lists all)")
    return [
        f"<details><summary>{summary}</summary>",
        "",
        _fenced("\n".join(body), "diff"),
        "",
        "</details>",
        "",
    ]


def _drift(plan: PlanResult) -> list[str]:
    if not plan.drifted:
        return []
    return ["Changed outside Terraform: " + ", ".join(_code(a) for a in plan.drifted), ""]


def _footer(summary: PlanSummary) -> list[str]:
    parts = [f"Terraform {summary.terraform_version or 'version unknown'}"]
    if summary.plan_sha256:
        parts.append(f"plan file sha256 {_code(summary.plan_sha256)}")
    else:
        parts.append("plan not saved")
    return ["<sub>" + " · ".join(parts) + "</sub>"]


def _longest_run(text: str, char: str) -> int:
    return max((len(m) for m in re.findall(re.escape(char) + "+", text)), default=0)


def _code(text: str) -> str:
    """An inline code span that holds any text (backticks included)."""
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fenced(text: str, language: str) -> str:
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def _cell(text: str) -> str:
    # a pipe ends a table cell even inside a code span unless escaped; newlines end the row
    return text.replace("|", "\\|").replace("\n", " ")
