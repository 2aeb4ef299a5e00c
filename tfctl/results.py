"""Frozen result types built from terraform's -json output."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfctl.errors import UnexpectedOutputError
from tfctl.plan_diff import AttributeChange, ResourceDiff

ACTIONS = ("create", "update", "delete", "replace", "move", "import", "read", "noop")
# `terraform show -json PLAN` writes actions as lists; these are the ones tfctl names
_PLAN_ACTIONS = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    ("read",): "read",
    ("no-op",): "noop",
}


def _action_order(change: ResourceChange) -> tuple[int, str]:
    order = ACTIONS.index(change.action) if change.action in ACTIONS else len(ACTIONS)
    return (order, change.address)


@dataclass(frozen=True)
class ResourceChange:
    """One planned change: its address, resource type and terraform's action.

    `attributes` (tfctl.plan_diff.AttributeChange, masked) are filled for updates and replaces
    from the saved plan, and for creates when asked (`Environment.plan(details=True)`);
    `forced_by` names the attributes that force a replacement, `reason` is terraform's
    action_reason (e.g. replace_because_cannot_update, replace_by_request).

        for change in plan.by_action("update"):
            for attribute in change.attributes:
                print(attribute.text())  # ip_access[0].source: "203.0.113.0/24" → "203.0.113.0/25"
    """

    address: str
    resource_type: str
    action: str
    attributes: tuple[AttributeChange, ...] = ()
    forced_by: tuple[str, ...] = ()
    reason: str | None = None
    #: where a `moved` block takes it from (the action is "move" when nothing else changes)
    previous_address: str | None = None

    @property
    def destructive(self) -> bool:
        """True for actions that remove the existing object (delete, replace)."""
        return self.action in {"delete", "replace"}


@dataclass(frozen=True)
class PlanResult:
    """What `terraform plan` proposes, from its -json UI stream (no second terraform process)."""

    environment: str
    changes: tuple[ResourceChange, ...]
    add: int
    change: int
    remove: int
    plan_file: Path | None = None
    output_changes: tuple[str, ...] = ()
    drifted: tuple[str, ...] = ()
    destroy: bool = False
    #: the changing outputs' values (path = output name), masked; read with the attributes
    output_attributes: tuple[AttributeChange, ...] = ()
    #: terraform's own verdict: `plan -detailed-exitcode` exited 2, or the plan file is
    #: `applyable`; None when terraform did not say (a stream or document without it)
    terraform_changes: bool | None = None

    @property
    def has_changes(self) -> bool:
        """True exactly when `terraform plan -detailed-exitcode` returns 2: resources to add,
        change or destroy, moves, root output changes, and (on Terraform >= 1.x) drift that
        the apply records in state. Terraform's verdict when it gave one, else counted."""
        if self.terraform_changes is not None:
            return self.terraform_changes
        return bool(self.add or self.change or self.remove or self.output_changes or self.moved)

    @property
    def moved(self) -> tuple[ResourceChange, ...]:
        """Changes that move an object to a new address (alone or with another action)."""
        return tuple(c for c in self.changes if c.previous_address is not None)

    @property
    def replace(self) -> int:
        return sum(1 for c in self.changes if c.action == "replace")

    def by_action(self, action: str) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.changes if c.action == action)

    def destructive_changes(self, resource_types: Iterable[str]) -> tuple[ResourceChange, ...]:
        """Deletes and replacements of resources of the given types (stateful data)."""
        types = set(resource_types)
        return tuple(c for c in self.changes if c.destructive and c.resource_type in types)

    def needs_attributes(self, *, details: bool = False) -> bool:
        """True when attribute changes are worth reading: updates or replaces (creates too,
        with `details`)."""
        wanted = {"update", "replace", "create"} if details else {"update", "replace"}
        return any(c.action in wanted for c in self.changes)

    def with_attributes(
        self, diffs: Mapping[str, ResourceDiff], outputs: Iterable[AttributeChange] = ()
    ) -> PlanResult:
        """A copy whose changes carry the attribute changes in `diffs` (by address), and
        whose `output_attributes` are `outputs` (see tfctl.plan_diff.diff_plan)."""
        changes = tuple(
            dataclasses.replace(c, attributes=d.attributes, forced_by=d.forced_by, reason=d.reason)
            if (d := diffs.get(c.address)) is not None
            else c
            for c in self.changes
        )
        return dataclasses.replace(self, changes=changes, output_attributes=tuple(outputs))

    def to_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "has_changes": self.has_changes,
            "add": self.add,
            "change": self.change,
            "destroy": self.remove,
            "replace": self.replace,
            "plan_file": str(self.plan_file) if self.plan_file else None,
            "changes": [
                {
                    "address": c.address,
                    "type": c.resource_type,
                    "action": c.action,
                    "attributes": [a.to_json() for a in c.attributes],
                    "forced_by": list(c.forced_by),
                    "reason": c.reason,
                    "previous_address": c.previous_address,
                }
                for c in self.changes
            ],
            "output_changes": list(self.output_changes),
            "output_attributes": [a.to_json() for a in self.output_attributes],
            "drifted": list(self.drifted),
            "moved": len(self.moved),
        }

    @classmethod
    def from_events(
        cls,
        environment: str,
        events: Iterable[Mapping[str, Any]],
        *,
        plan_file: Path | None = None,
        destroy: bool = False,
        terraform_changes: bool | None = None,
    ) -> PlanResult:
        """Build from the events of `terraform plan -json`; `terraform_changes` is what
        `-detailed-exitcode` said (exit 2), when it was asked.

        Raises UnexpectedOutputError when the stream never reports a change summary: silence is
        not "no changes" (a binary that is not terraform, a truncated stream).
        """
        changes: dict[str, ResourceChange] = {}
        summarized = False
        outputs: list[str] = []
        drifted: list[str] = []
        totals = {"add": 0, "change": 0, "remove": 0}
        for event in events:
            kind = event.get("type")
            if kind == "planned_change":
                change = event.get("change", {})
                resource = change.get("resource", {})
                address = str(resource.get("addr", ""))
                action = str(change.get("action", "noop"))
                previous = change.get("previous_resource", {}).get("addr")
                if action != "noop" and address:
                    changes[address] = ResourceChange(
                        address=address,
                        resource_type=str(resource.get("resource_type", "")),
                        action=action,
                        previous_address=str(previous) if previous else None,
                    )
            elif kind == "resource_drift":
                address = str(event.get("change", {}).get("resource", {}).get("addr", ""))
                if address:
                    drifted.append(address)
            elif kind == "change_summary":
                summary = event.get("changes", {})
                totals = {k: int(summary.get(k, 0)) for k in totals}
                summarized = True
            elif kind == "outputs":
                for name, item in (event.get("outputs") or {}).items():
                    if isinstance(item, Mapping) and item.get("action", "noop") != "noop":
                        outputs.append(str(name))
        if not summarized:
            raise UnexpectedOutputError(
                f"terraform plan of {environment} reported no change summary: its output is "
                "not terraform's -json stream, so tfctl cannot tell whether anything changes",
                hint="check that TFCTL_TERRAFORM_BIN (or terraform on PATH) is terraform",
            )
        ordered = tuple(sorted(changes.values(), key=_action_order))
        return cls(
            environment=environment,
            changes=ordered,
            plan_file=plan_file,
            output_changes=tuple(outputs),
            drifted=tuple(drifted),
            destroy=destroy,
            add=totals["add"],
            change=totals["change"],
            remove=totals["remove"],
            terraform_changes=terraform_changes,
        )

    @classmethod
    def from_plan_document(
        cls,
        environment: str,
        document: Mapping[str, Any],
        *,
        plan_file: Path | None = None,
        destroy: bool = False,
    ) -> PlanResult:
        """Build from `terraform show -json PLAN`: what the plan file itself will do.

        Terraform's `applyable` (>= 1.6) is its verdict on whether applying changes anything;
        older documents are judged as their `-detailed-exitcode` judged them (resource
        changes, moves, root output changes).
        Raises ValueError when the document is not a plan (no `resource_changes` list).
        """
        entries = document.get("resource_changes", [])
        if not isinstance(entries, list) or "format_version" not in document:
            raise ValueError("not a terraform plan document")
        changes: list[ResourceChange] = []
        totals = {"add": 0, "change": 0, "remove": 0}
        for entry in entries:
            actions = tuple(str(a) for a in entry.get("change", {}).get("actions", ()))
            action = _PLAN_ACTIONS.get(actions, "-".join(actions) or "noop")
            address = str(entry.get("address", ""))
            previous = entry.get("previous_address")
            previous = str(previous) if previous and previous != address else None
            if action == "noop" and previous is not None:
                action = "move"
            if action == "noop" and entry.get("change", {}).get("importing"):
                action = "import"
            if action == "noop":
                continue
            managed = entry.get("mode", "managed") == "managed"
            changes.append(
                ResourceChange(
                    address=address,
                    resource_type=str(entry.get("type", "")),
                    action=action,
                    previous_address=previous,
                )
            )
            if managed:
                totals["add"] += action in {"create", "replace"}
                totals["change"] += action == "update"
                totals["remove"] += action in {"delete", "replace"}
        outputs = [
            str(name)
            for name, item in sorted((document.get("output_changes") or {}).items())
            if isinstance(item, Mapping)
            and tuple(item.get("actions", ("no-op",))) not in {("no-op",), ()}
        ]
        drifted = [
            str(entry.get("address", ""))
            for entry in document.get("resource_drift") or ()
            if isinstance(entry, Mapping)
        ]
        applyable = document.get("applyable")
        return cls(
            environment=environment,
            changes=tuple(sorted(changes, key=_action_order)),
            plan_file=plan_file,
            output_changes=tuple(outputs),
            drifted=tuple(drifted),
            destroy=destroy,
            add=totals["add"],
            change=totals["change"],
            remove=totals["remove"],
            terraform_changes=applyable if isinstance(applyable, bool) else None,
        )


@dataclass(frozen=True)
class ApplyResult:
    """What `terraform apply` did, from its -json UI stream."""

    environment: str
    add: int
    change: int
    remove: int
    applied: tuple[str, ...] = ()

    @classmethod
    def from_events(cls, environment: str, events: Iterable[Mapping[str, Any]]) -> ApplyResult:
        totals = {"add": 0, "change": 0, "remove": 0}
        applied = []
        for event in events:
            kind = event.get("type")
            if kind == "apply_complete":
                applied.append(str(event.get("hook", {}).get("resource", {}).get("addr", "")))
            elif kind == "change_summary":
                summary = event.get("changes", {})
                totals = {k: int(summary.get(k, 0)) for k in totals}
        return cls(environment=environment, applied=tuple(applied), **totals)

    def to_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "add": self.add,
            "change": self.change,
            "destroy": self.remove,
            "applied": list(self.applied),
        }


@dataclass(frozen=True)
class OutputValue:
    """One terraform output, typed as `terraform output -json` gives it (strings, numbers,
    bools, lists, objects). In a sensitive value each string is a masking `Secret`, inside
    lists and objects too; `reveal()` gives the plain value.

        outputs["tokens"].value["primary"]  # Secret('***')
        outputs["tokens"].reveal()          # {"primary": "tok-...", "all": [...]}
    """

    name: str
    sensitive: bool
    type: Any
    value: Any = field(repr=False)

    def reveal(self) -> Any:
        """The plain typed value, for code that really needs it."""
        from tfctl.masking import reveal_tree

        return reveal_tree(self.value)

    def to_json(self, *, reveal: bool = False) -> dict[str, Any]:
        shown = self.reveal() if (reveal or not self.sensitive) else None
        return {"sensitive": self.sensitive, "type": self.type, "value": shown}
