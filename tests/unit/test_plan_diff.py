"""Attribute-level changes from `terraform show -json` documents of real sandbox plans
(tests/fixtures/plans, Terraform 1.15.5), and edge cases on small hand-made entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfctl.masking import MASK, Masker
from tfctl.plan_diff import (
    ADD,
    MASKED,
    REMOVE,
    SENSITIVE,
    UNKNOWN,
    UPDATE,
    AttributeChange,
    diff_plan,
    output_diffs,
    render_path,
    resource_diffs,
)
from tfctl.results import PlanResult

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
CLICKHOUSE = "module.platform.module.data_warehouse.clickhouse_service.this"
REDIS = "module.platform.module.serverless_cache.upstash_redis_database.this"
TOPIC = 'module.platform.module.async_messaging.upstash_qstash_topic_v2.this["notifications-prod"]'
OLD_TOKEN, NEW_TOKEN = "Fixture-old-token-Q7!", "Fixture-new-token-Q7!"


def _plan(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((PLANS / f"{name}.json").read_text())
    return document


def _texts(document: dict[str, Any], address: str, **options: Any) -> list[str]:
    return [a.text() for a in resource_diffs(document, **options)[address].attributes]


def test_prod_scenario_shows_the_allow_list_the_tag_and_the_budget() -> None:
    document = _plan("prod_update")
    assert _texts(document, CLICKHOUSE) == [
        'ip_access[0].description: "Allowed by terraform: 203.0.113.0/24" → '
        '"Allowed by terraform: 203.0.113.0/25"',
        'ip_access[0].source: "203.0.113.0/24" → "203.0.113.0/25"',
        'tags["team"]: + "data-eng"',
    ]
    # a set of strings: the element removed and the element added, not the whole list
    assert _texts(document, REDIS) == [
        "budget: 100 → 150",
        'ip_allowlist: - "203.0.113.0/24"',
        'ip_allowlist: + "203.0.113.0/25"',
    ]


def test_only_updates_and_replaces_carry_attributes_unless_details() -> None:
    assert set(resource_diffs(_plan("prod_replace"))) == {REDIS}  # the delete shows its address
    assert resource_diffs(_plan("dev_create")) == {}
    created = resource_diffs(_plan("dev_create"), details=True)
    assert len(created) == 15
    topic = created[
        'module.platform.module.async_messaging.upstash_qstash_topic_v2.this["cdc-dev"]'
    ]
    assert [a.text() for a in topic.attributes] == [
        'endpoints: + ["https://ingest.dev.salla-analytics.example.com/cdc"]',
        'name: + "cdc-dev"',
    ]
    # configured values only: nothing unknown, nothing null or empty
    for diff in created.values():
        for attribute in diff.attributes:
            assert attribute.action == ADD
            assert attribute.after is not UNKNOWN and attribute.after not in (None, [], {})


def test_replace_names_the_forcing_attribute_first() -> None:
    diff = resource_diffs(_plan("prod_replace"))[REDIS]
    assert diff.forced_by == ("primary_region",)
    assert diff.reason == "replace_because_cannot_update"
    first, *rest = diff.attributes
    assert first == AttributeChange(
        "primary_region", UPDATE, "us-east-1", "us-west-1", forces_replacement=True
    )
    assert not any(a.forces_replacement for a in rest)
    by_path = {a.path: a for a in rest}
    assert by_path["endpoint"].after is UNKNOWN
    # sensitive before, unknown after: neither value is shown
    assert by_path["password"].before is SENSITIVE and by_path["password"].after is UNKNOWN
    assert by_path["password"].text() == "password: (sensitive) → (known after apply)"
    assert "Fixture-sensitive" not in json.dumps([a.to_json() for a in diff.attributes])


def test_replace_by_a_trigger_names_it() -> None:
    diff = resource_diffs(_plan("data_replace"))["terraform_data.client"]
    assert diff.forced_by == ("triggers_replace",)
    assert diff.attributes[0].text() == "triggers_replace: 1 → 2"
    assert diff.attributes[0].forces_replacement


def test_a_changed_sensitive_input_shows_only_sensitive() -> None:
    masker = Masker(github_actions=False)
    for token in (OLD_TOKEN, NEW_TOKEN):
        masker.register(token)
    diff = resource_diffs(_plan("data_sensitive_input"), mask=masker.mask)["terraform_data.client"]
    assert [a.text() for a in diff.attributes] == [
        'input["api_token"]: (sensitive) → (sensitive)',
        # not marked sensitive by terraform, but it holds a registered secret
        "output: (sensitive) → (known after apply)",
    ]
    shown = json.dumps([a.to_json() for a in diff.attributes])
    assert OLD_TOKEN not in shown and NEW_TOKEN not in shown


def test_a_masked_document_still_hides_secrets() -> None:
    masker = Masker(github_actions=False)
    masker.register(OLD_TOKEN)
    document = masker.mask_json(_plan("data_replace"))
    diff = resource_diffs(document)["terraform_data.client"]
    assert {a.path: a.before for a in diff.attributes}["output"] is SENSITIVE


def test_write_only_rotation_shows_the_version_not_the_password() -> None:
    assert _texts(_plan("prod_sensitive"), CLICKHOUSE) == ["password_wo_version: 1 → 2"]


def test_outputs_a_changed_sensitive_input_reaches_show_only_sensitive() -> None:
    # QSTASH_TOKEN changed: the sensitive output it passes through changes, both sides hidden
    assert [a.text() for a in output_diffs(_plan("prod_sensitive"))] == [
        "qstash_token: (sensitive) → (sensitive)"
    ]
    assert [a.text() for a in output_diffs(_plan("prod_replace"))] == [
        'qstash_topic_names: - "notifications-prod"',
        'redis_database_id: "01c3ec9e-1b83-4ecf-a34b-7b6deab12f3e" → (known after apply)',
        'redis_endpoint: "01c3ec9e-salla-cache-prod.upstash.io" → (known after apply)',
        'redis_rest_url: "https://01c3ec9e-salla-cache-prod.upstash.io" → (known after apply)',
        "redis_url: (sensitive) → (known after apply)",
    ]
    created = {a.path: a.after for a in diff_plan(_plan("dev_create")).outputs}
    assert created["qstash_token"] is SENSITIVE and created["redis_url"] is UNKNOWN
    assert created["qstash_topic_names"] == ["cdc-dev", "notifications-dev"]


def test_plan_result_carries_attributes_into_its_json() -> None:
    document = _plan("prod_update")
    plan = PlanResult.from_plan_document("prod", document).with_attributes(resource_diffs(document))
    (clickhouse,) = [c for c in plan.changes if c.address == CLICKHOUSE]
    assert 'ip_access[0].source: "203.0.113.0/24" → "203.0.113.0/25"' in [
        a.text() for a in clickhouse.attributes
    ]
    entry = next(c for c in plan.to_json()["changes"] if c["address"] == REDIS)
    assert entry["attributes"][0] == {
        "path": "budget",
        "action": "update",
        "before": 100,
        "after": 150,
        "sensitive": False,
        "unknown": False,
        "forces_replacement": False,
        "text": "budget: 100 → 150",
    }
    assert (
        plan.needs_attributes()
        and not PlanResult.from_plan_document("dev", _plan("dev_create")).needs_attributes()
    )


def _entry(before: Any, after: Any, **change: Any) -> dict[str, Any]:
    return {
        "resource_changes": [
            {
                "address": "x.y",
                "mode": "managed",
                "type": "x",
                "change": {"actions": ["update"], "before": before, "after": after, **change},
            }
        ]
    }


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # list of objects of one length: element by element
        (
            {"rules": [{"port": 80, "cidr": "a"}, {"port": 443, "cidr": "b"}]},
            {"rules": [{"port": 80, "cidr": "a"}, {"port": 8443, "cidr": "b"}]},
            ["rules[1].port: 443 → 8443"],
        ),
        # list of objects of another length: removed and added elements
        (
            {"rules": [{"port": 80}, {"port": 443}]},
            {"rules": [{"port": 443}]},
            ['rules: - {"port": 80}'],
        ),
        # same elements in another order
        ({"order": ["a", "b"]}, {"order": ["b", "a"]}, ['order: ["a", "b"] → ["b", "a"]']),
        # duplicates count
        ({"xs": ["a", "a"]}, {"xs": ["a"]}, ['xs: - "a"']),
        # map keys added, removed, changed; a key that is no identifier
        (
            {"tags": {"a": "1", "b": "2"}},
            {"tags": {"a": "3", "c d": "4"}},
            ['tags["a"]: "1" → "3"', 'tags["b"]: - "2"', 'tags["c d"]: + "4"'],
        ),
        # an object (null member) keeps attribute syntax
        (
            {"backup": {"hours": 24, "start": None}},
            {"backup": {"hours": 12, "start": None}},
            ["backup.hours: 24 → 12"],
        ),
        # null to a value and back
        ({"a": None, "b": "x"}, {"a": "y", "b": None}, ['a: null → "y"', 'b: "x" → null']),
    ],
)
def test_shapes(before: Any, after: Any, expected: list[str]) -> None:
    assert _texts(_entry(before, after), "x.y") == expected


def test_sensitive_element_of_a_list_and_unknown_parts() -> None:
    document = _entry(
        {"keys": ["k1", "secretvalue"], "n": 1},
        {"keys": ["k1", "othersecret"]},
        before_sensitive={"keys": [False, True]},
        after_sensitive={"keys": [False, True]},
        after_unknown={"n": True},
    )
    changes = resource_diffs(document)["x.y"].attributes
    assert [(c.path, c.action, c.before, c.after) for c in changes] == [
        ("keys", REMOVE, SENSITIVE, None),
        ("keys", ADD, None, SENSITIVE),
        ("n", UPDATE, 1, UNKNOWN),
    ]


def test_a_map_key_holding_a_secret_is_not_shown() -> None:
    masker = Masker(github_actions=False)
    masker.register("hunter2-secret")
    document = _entry({"m": {"hunter2-secret": "a"}}, {"m": {"hunter2-secret": "b"}})
    document["resource_changes"][0]["address"] = 'x.y["hunter2-secret"]'
    diffs = resource_diffs(document, mask=masker.mask)
    (address,) = diffs
    assert "hunter2" not in address
    assert [c.text() for c in diffs[address].attributes] == ['m["(sensitive)"]: "a" → "b"']


def test_markers_survive_copies() -> None:
    import copy
    import pickle

    change = AttributeChange("password", UPDATE, SENSITIVE, UNKNOWN)
    for twin in (copy.deepcopy(change), pickle.loads(pickle.dumps(change))):
        assert twin.before is SENSITIVE and twin.after is UNKNOWN and twin == change


def test_render_path() -> None:
    assert render_path(["ip_access", 0, "source"]) == "ip_access[0].source"
    assert render_path(["tags", "team"], map_keys=[1]) == 'tags["team"]'
    assert render_path(["a", "b.c"]) == 'a["b.c"]'


def test_the_marker_of_an_already_masked_value_is_the_maskers() -> None:
    assert MASKED == MASK
    document = {
        "resource_changes": [
            {
                "address": "a.b",
                "mode": "managed",
                "change": {"actions": ["update"], "before": {"v": "x"}, "after": {"v": MASK}},
            }
        ]
    }
    (change,) = resource_diffs(document)["a.b"].attributes
    assert change.after is SENSITIVE
