"""The Markdown plan summary against golden files (tests/fixtures/markdown/*.md).

The plans come from real `terraform show -json` documents (tests/fixtures/plans). After an
intended change of the format, rewrite the golden files with TFCTL_UPDATE_GOLDEN=1 and review
the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tfctl import markdown
from tfctl.masking import Masker
from tfctl.plan_diff import diff_plan
from tfctl.results import PlanResult

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLDEN = FIXTURES / "markdown"
STATEFUL = ("clickhouse_service", "upstash_redis_database")
DIGEST = "0" * 56 + "5ca1ab1e"


def _plan(name: str, environment: str = "prod", *, details: bool = False) -> PlanResult:
    raw = json.loads((FIXTURES / "plans" / f"{name}.json").read_text())
    masker = Masker(github_actions=False)
    document = masker.mask_json(raw)
    plan = PlanResult.from_plan_document(environment, document)
    diff = diff_plan(raw, details=details, mask=masker.mask)
    return plan.with_attributes(diff.resources, diff.outputs)


def _summary(name: str, environment: str = "prod", **options: bool) -> markdown.PlanSummary:
    plan = _plan(name, environment, **options)
    return markdown.PlanSummary(
        environment,
        plan,
        terraform_version="1.15.5",
        plan_sha256=DIGEST,
        critical=plan.destructive_changes(STATEFUL),
    )


def _check(text: str, golden: str) -> None:
    path = GOLDEN / golden
    if os.environ.get("TFCTL_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("plan", "golden"),
    [
        ("prod_update", "prod_update.md"),
        ("prod_replace", "prod_replace.md"),
        ("prod_sensitive", "prod_sensitive.md"),
    ],
)
def test_one_environment(plan: str, golden: str) -> None:
    _check(markdown.render(_summary(plan)), golden)


def test_creates_with_details() -> None:
    _check(markdown.render(_summary("dev_create", "dev", details=True)), "dev_create_details.md")


def test_many_environments_with_a_failure_and_no_changes() -> None:
    empty = PlanResult("staging", (), 0, 0, 0)
    summaries = [
        _summary("dev_create", "dev"),
        _summary("prod_replace"),
        markdown.PlanSummary("staging", empty, terraform_version="1.15.5"),
        markdown.PlanSummary("sandbox", None, error="ClickHouse credentials are missing"),
    ]
    _check(markdown.render_many(summaries), "all_environments.md")


def test_stateful_replacements_come_first_and_bold() -> None:
    text = markdown.render(_summary("prod_replace"))
    caution = text.index("[!CAUTION]")
    replace_row = text.index("| -/+ | **replace** |")
    delete_row = text.index("| - | delete |")
    assert caution < replace_row < delete_row
    assert "(forced by `primary_region`)" in text
    assert "Fixture-sensitive" not in text


def test_deterministic_and_escaped() -> None:
    first = markdown.render(_summary("prod_update"))
    assert first == markdown.render(_summary("prod_update"))
    assert markdown._cell("`a|b`") == "`a\\|b`"
    assert markdown._code("a`b") == "``a`b``"
    assert markdown._fenced("```x", "diff").startswith("````diff\n")


def test_write_appends_to_the_github_job_summary(tmp_path: Path) -> None:
    target, job = tmp_path / "plan.md", tmp_path / "step_summary.md"
    job.write_text("earlier step\n")
    assert markdown.write("# plan\n", target, {"GITHUB_STEP_SUMMARY": str(job)})
    assert target.read_text() == "# plan\n"
    assert job.read_text() == "earlier step\n# plan\n"
    assert not markdown.write("# plan\n", target, {})


def test_a_long_resource_is_cut_with_a_count() -> None:
    plan = _plan("dev_create", "dev", details=True)
    clickhouse = next(c for c in plan.changes if c.resource_type == "clickhouse_service")
    limit = markdown.MAX_ATTRIBUTE_LINES
    try:
        markdown.MAX_ATTRIBUTE_LINES = 2  # type: ignore[misc]
        text = "\n".join(markdown._details(clickhouse))
    finally:
        markdown.MAX_ATTRIBUTE_LINES = limit  # type: ignore[misc]
    assert f"and {len(clickhouse.attributes) - 2} more changes" in text
