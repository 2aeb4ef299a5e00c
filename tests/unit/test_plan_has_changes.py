"""PlanResult.has_changes agrees with `terraform plan -detailed-exitcode`: updates alone,
outputs alone and moves alone are changes; drift terraform ignores is not; terraform's own
verdict (exit 2, or the plan file's `applyable`) wins whenever it was given."""

from __future__ import annotations

from typing import Any

import pytest

from tfctl.results import PlanResult

ADDR = "upstash_redis_database.this"


def _resource(addr: str) -> dict[str, Any]:
    return {"addr": addr, "resource_type": "upstash_redis_database"}


def _events(*changes: dict[str, Any], counts: tuple[int, int, int] = (0, 0, 0)) -> list[Any]:
    add, change, remove = counts
    return [
        *changes,
        {
            "type": "change_summary",
            "changes": {"add": add, "change": change, "remove": remove, "operation": "plan"},
        },
    ]


UPDATE = {"type": "planned_change", "change": {"resource": _resource(ADDR), "action": "update"}}
MOVE = {
    "type": "planned_change",
    "change": {
        "resource": _resource(ADDR),
        "previous_resource": _resource("upstash_redis_database.old"),
        "action": "move",
    },
}
DRIFT = {"type": "resource_drift", "change": {"resource": _resource(ADDR), "action": "update"}}


def test_an_update_only_stream_has_changes() -> None:
    # fails if has_changes ignores the `change` count (issue 15, problem 7)
    plan = PlanResult.from_events("dev", _events(UPDATE, counts=(0, 1, 0)))
    assert (plan.add, plan.change, plan.remove) == (0, 1, 0)
    assert plan.has_changes


def test_an_update_only_plan_document_has_changes() -> None:
    document = {
        "format_version": "1.0",
        "resource_changes": [
            {"address": ADDR, "type": "upstash_redis_database", "change": {"actions": ["update"]}}
        ],
    }
    plan = PlanResult.from_plan_document("dev", document)
    assert plan.change == 1 and plan.has_changes


def test_a_moves_only_stream_has_changes_and_names_the_move() -> None:
    # Terraform 1.15.5's -detailed-exitcode returns 2 for a plan of `moved` blocks alone
    plan = PlanResult.from_events("dev", _events(MOVE))
    assert (plan.add, plan.change, plan.remove) == (0, 0, 0)
    assert plan.has_changes
    (moved,) = plan.moved
    assert (moved.action, moved.previous_address) == ("move", "upstash_redis_database.old")
    assert plan.to_json()["moved"] == 1


def test_a_moves_only_plan_document_has_changes() -> None:
    document = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": ADDR,
                "previous_address": "upstash_redis_database.old",
                "type": "upstash_redis_database",
                "change": {"actions": ["no-op"]},
            }
        ],
    }
    plan = PlanResult.from_plan_document("dev", document)
    assert plan.has_changes and plan.moved[0].action == "move"


def test_drift_alone_is_not_a_change_when_terraform_says_so() -> None:
    # 1.15.5 emits resource_drift for a computed attribute changed outside, and exits 0
    plan = PlanResult.from_events("dev", _events(DRIFT), terraform_changes=False)
    assert plan.drifted == (ADDR,) and not plan.has_changes
    assert not PlanResult.from_events("dev", _events(DRIFT)).has_changes


def test_terraforms_exit_code_wins_for_an_output_only_plan_on_1_0() -> None:
    # Terraform 1.0's -json stream has no outputs event, but -detailed-exitcode exits 2
    plan = PlanResult.from_events("dev", _events(), terraform_changes=True)
    assert plan.has_changes


@pytest.mark.parametrize("applyable", [True, False])
def test_the_plan_files_applyable_is_terraforms_verdict(applyable: bool) -> None:
    document = {"format_version": "1.2", "resource_changes": [], "applyable": applyable}
    assert PlanResult.from_plan_document("dev", document).has_changes is applyable


def test_an_output_only_plan_document_without_applyable_has_changes() -> None:
    document = {
        "format_version": "1.0",
        "resource_changes": [],
        "output_changes": {"label": {"actions": ["update"]}},
    }
    plan = PlanResult.from_plan_document("dev", document)
    assert plan.output_changes == ("label",) and plan.has_changes
