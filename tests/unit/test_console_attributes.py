"""The terminal plan summary lists attribute changes under each update and replace."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tfctl import console
from tfctl.plan_diff import diff_plan
from tfctl.results import PlanResult

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"


def _shown(name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    document = json.loads((PLANS / f"{name}.json").read_text())
    diff = diff_plan(document)
    plan = PlanResult.from_plan_document("prod", document).with_attributes(
        diff.resources, diff.outputs
    )
    buffer = io.StringIO()
    monkeypatch.setattr(console, "stdout", console.Stream(buffer, color=False, width=300))
    console.plan_summary(plan, critical=plan.destructive_changes(["upstash_redis_database"]))
    return buffer.getvalue()


def test_updates_show_paths_before_and_after(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _shown("prod_update", monkeypatch)
    assert '    ip_access[0].source: "203.0.113.0/24" → "203.0.113.0/25"\n' in text
    assert "    budget: 100 → 150\n" in text
    # attributes come after the table and before the totals
    assert text.index("budget: 100 → 150") < text.index("0 to add, 2 to change")


def test_replace_names_what_forces_it(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _shown("prod_replace", monkeypatch)
    assert "upstash_redis_database.this (forced by primary_region)" in text
    assert 'primary_region: "us-east-1" → "us-west-1" # forces replacement' in text
    assert "password: (sensitive) → (known after apply)" in text
    assert "Fixture-sensitive" not in text
    assert '~ outputs\n    qstash_topic_names: - "notifications-prod"' in text
