"""Attribute-level changes of a plan, from `terraform show -json PLANFILE`.

For every update and replace (and, on request, every create) the attributes that change: their
path (`ip_access[0].source`, `tags["team"]`), the value before and after, and for a replacement
the attributes that force it. Values terraform marks sensitive, and values that hold a secret the
masker knows, become SENSITIVE; values only known after apply become UNKNOWN. Lists of scalars
and sets are compared as added and removed elements; lists of objects of unchanged length are
compared element by element.

Terraform's JSON carries no schema, so maps and objects look alike: keys inside list elements and
at the top level are attributes (`.name`); a nested value whose keys change, or whose values are
all non-null scalars of one type, is read as a map (`["key"]`).

    diffs = resource_diffs(terraform.show_plan(plan_file), mask=masker.mask)
    for change in diffs["module.cache.upstash_redis_database.this"].attributes:
        print(change.text())  # budget: 100 → 150

Comparisons run on the document as terraform wrote it (a masked copy would hide a change from
one secret to another); every string that leaves this module (values, map keys, addresses) has
passed `mask` or been replaced by SENSITIVE. This module starts no process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "ADD",
    "REMOVE",
    "SENSITIVE",
    "UNKNOWN",
    "UPDATE",
    "AttributeChange",
    "Marker",
    "PlanDiff",
    "ResourceDiff",
    "diff_plan",
    "output_diffs",
    "render_value",
    "resource_diffs",
]

UPDATE: Final = "update"
ADD: Final = "add"
REMOVE: Final = "remove"

# `terraform show -json` action lists that carry attribute changes
_UPDATES = (["update"],)
_REPLACES = (["delete", "create"], ["create", "delete"])
_CREATES = (["create"],)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
#: What tfctl.masking puts in place of a secret (its MASK; a unit test holds the two equal): a
#: document masked before it gets here shows secrets only as this. Not imported, so that this
#: module stays a leaf that results.py can build on.
MASKED: Final = "***"


class Marker:
    """A value tfctl does not show: SENSITIVE or UNKNOWN. Compare with `is`."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    # one instance per meaning, so that `is` holds after copying and pickling
    def __copy__(self) -> Marker:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Marker:
        return self

    def __reduce__(self) -> str:
        return "SENSITIVE" if self.text == "(sensitive)" else "UNKNOWN"


SENSITIVE: Final = Marker("(sensitive)")
UNKNOWN: Final = Marker("(known after apply)")

Step = str | int
IsSecret = Callable[[str], bool]
Mask = Callable[[str], str]


def _unchanged(text: str) -> str:
    return text


def _secret_test(mask: Mask | None) -> IsSecret:
    masking = mask or _unchanged

    def secret(text: str) -> bool:
        return MASKED in text or masking(text) != text

    return secret


@dataclass(frozen=True)
class AttributeChange:
    """One attribute that a planned change sets, changes or removes.

    `action` is UPDATE (a value changes), ADD (a map key or list/set element appears, or an
    attribute of a created resource) or REMOVE (a map key or list/set element goes). `before` and
    `after` are JSON values (None: null or absent) or the markers SENSITIVE and UNKNOWN.
    """

    path: str
    action: str
    before: Any = None
    after: Any = None
    forces_replacement: bool = False

    @property
    def sensitive(self) -> bool:
        return self.before is SENSITIVE or self.after is SENSITIVE

    def text(self) -> str:
        """`path: before → after`, `path: + after` or `path: - before`."""
        if self.action == ADD:
            return f"{self.path}: + {render_value(self.after)}"
        if self.action == REMOVE:
            return f"{self.path}: - {render_value(self.before)}"
        return f"{self.path}: {render_value(self.before)} → {render_value(self.after)}"

    def to_json(self) -> dict[str, Any]:
        """JSON form; the markers become their text, flagged by `sensitive` and `unknown`."""
        return {
            "path": self.path,
            "action": self.action,
            "before": _plain(self.before),
            "after": _plain(self.after),
            "sensitive": self.sensitive,
            "unknown": self.after is UNKNOWN,
            "forces_replacement": self.forces_replacement,
            "text": self.text(),
        }


@dataclass(frozen=True)
class ResourceDiff:
    """The attribute changes of one resource, and what forces its replacement."""

    address: str
    attributes: tuple[AttributeChange, ...]
    forced_by: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class PlanDiff:
    """Everything a plan changes, attribute by attribute: resources by address, then outputs."""

    resources: Mapping[str, ResourceDiff]
    outputs: tuple[AttributeChange, ...] = ()


def render_value(value: Any) -> str:
    """A value as one line: JSON for data, the marker's text for SENSITIVE and UNKNOWN."""
    if isinstance(value, Marker):
        return value.text
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def _plain(value: Any) -> Any:
    return value.text if isinstance(value, Marker) else value


def render_path(steps: Sequence[Step], *, map_keys: Iterable[int] = ()) -> str:
    """`ip_access[0].source`, `tags["team"]`: steps at positions in `map_keys` are map keys."""
    keyed = set(map_keys)
    parts: list[str] = []
    for position, step in enumerate(steps):
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif position == 0:
            parts.append(step)
        elif position in keyed or not _IDENTIFIER.match(step):
            parts.append(f"[{json.dumps(step, ensure_ascii=False)}]")
        else:
            parts.append(f".{step}")
    return "".join(parts)


def _hidden(steps: Sequence[Step], secret: IsSecret) -> list[Step]:
    """Steps with any key that holds a secret replaced by SENSITIVE's text."""
    return [SENSITIVE.text if isinstance(s, str) and secret(s) else s for s in steps]


def resource_diffs(
    document: Mapping[str, Any],
    *,
    details: bool = False,
    mask: Mask | None = None,
) -> dict[str, ResourceDiff]:
    """Attribute changes of every update and replace (and create, with `details`) by address.

    `document` is `terraform show -json PLANFILE`, best unmasked, with the masker's `mask`: a
    value that `mask` changes, or that holds `***` (already masked), is shown as SENSITIVE.
    """
    masking = mask or _unchanged
    secret = _secret_test(mask)
    diffs: dict[str, ResourceDiff] = {}
    for entry in document.get("resource_changes") or ():
        if not isinstance(entry, Mapping) or entry.get("mode", "managed") != "managed":
            continue
        change = entry.get("change") or {}
        actions = list(change.get("actions") or ())
        address = masking(str(entry.get("address", "")))
        if actions in _UPDATES or actions in _REPLACES:
            diffs[address] = _changed(address, entry, change, secret)
        elif details and actions in _CREATES:
            diffs[address] = ResourceDiff(address, _configured(change, secret))
    return diffs


def output_diffs(
    document: Mapping[str, Any], *, mask: Mask | None = None
) -> tuple[AttributeChange, ...]:
    """The outputs a plan changes, as attribute changes whose path is the output's name."""
    secret = _secret_test(mask)
    walker = _Walker(secret, [])
    for name, item in sorted((document.get("output_changes") or {}).items()):
        if not isinstance(item, Mapping):
            continue
        actions = list(item.get("actions") or ())
        if actions in ([], ["no-op"]):
            continue
        marks_before, marks_after = item.get("before_sensitive"), item.get("after_sensitive")
        unknown = item.get("after_unknown")
        if actions == ["create"]:
            after = (
                UNKNOWN if _any_true(unknown) else _shown(item.get("after"), marks_after, secret)
            )
            walker.emit((name,), (), ADD, after=after)
        elif actions == ["delete"]:
            walker.emit(
                (name,), (), REMOVE, before=_shown(item.get("before"), marks_before, secret)
            )
        else:
            walker.value(
                (name,),
                (),
                item.get("before"),
                item.get("after"),
                marks_before,
                marks_after,
                unknown,
            )
    return tuple(walker.changes)


def diff_plan(
    document: Mapping[str, Any], *, details: bool = False, mask: Mask | None = None
) -> PlanDiff:
    """resource_diffs and output_diffs of one `terraform show -json PLANFILE` document."""
    return PlanDiff(
        resource_diffs(document, details=details, mask=mask), output_diffs(document, mask=mask)
    )


def _changed(
    address: str, entry: Mapping[str, Any], change: Mapping[str, Any], secret: IsSecret
) -> ResourceDiff:
    forcing = [
        [step for step in path if isinstance(step, str | int)]
        for path in change.get("replace_paths") or ()
        if isinstance(path, list)
    ]
    walker = _Walker(secret, forcing)
    before, after = change.get("before") or {}, change.get("after") or {}
    walker.object(
        (),
        before,
        after,
        change.get("before_sensitive") or {},
        change.get("after_sensitive") or {},
        change.get("after_unknown") or {},
    )
    # forcing attributes first, each group in path order
    attributes = sorted(walker.changes, key=lambda c: not c.forces_replacement)
    reason = entry.get("action_reason")
    return ResourceDiff(
        address,
        tuple(attributes),
        forced_by=tuple(render_path(_hidden(path, secret)) for path in forcing if path),
        reason=str(reason) if reason else None,
    )


def _configured(change: Mapping[str, Any], secret: IsSecret) -> tuple[AttributeChange, ...]:
    after = change.get("after") or {}
    marks = change.get("after_sensitive") or {}
    unknown = change.get("after_unknown") or {}
    shown: list[AttributeChange] = []
    for name in sorted(after):
        value = after[name]
        if _empty(value) or _sub(unknown, name) is True:
            continue
        rendered = _shown(value, _sub(marks, name), secret)
        if _any_true(_sub(unknown, name)):
            rendered = UNKNOWN
        shown.append(AttributeChange(name, ADD, after=rendered))
    return tuple(shown)


def _empty(value: Any) -> bool:
    if value is None or value == [] or value == {}:
        return True
    return isinstance(value, dict) and all(_empty(item) for item in value.values())


def _sub(marks: Any, step: Step) -> Any:
    """The part of a sensitivity/unknown structure at `step` (True covers everything below)."""
    if marks is True:
        return True
    if isinstance(step, str) and isinstance(marks, Mapping):
        return marks.get(step, False)
    if isinstance(step, int) and isinstance(marks, list) and 0 <= step < len(marks):
        return marks[step]
    return False


def _any_true(marks: Any) -> bool:
    if marks is True:
        return True
    if isinstance(marks, Mapping):
        return any(_any_true(item) for item in marks.values())
    if isinstance(marks, list):
        return any(_any_true(item) for item in marks)
    return False


def _leaves(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)


def _shown(value: Any, marks: Any, secret: IsSecret) -> Any:
    """The value as tfctl may show it: SENSITIVE when any part is marked or holds a secret."""
    if _any_true(marks) or any(secret(text) for text in _leaves(value)):
        return SENSITIVE
    return value


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _is_map(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    # Objects keep their attribute set (unset ones are null); maps gain and lose keys.
    if set(before) != set(after):
        return True
    values = [*before.values(), *after.values()]
    kinds = {type(item) for item in values}
    return bool(values) and len(kinds) == 1 and all(v is not None and _scalar(v) for v in values)


class _Walker:
    """Walks before/after with their sensitivity and unknown marks, collecting changes."""

    def __init__(self, secret: IsSecret, forcing: list[list[Step]]) -> None:
        self.secret = secret
        self.forcing = forcing
        self.changes: list[AttributeChange] = []

    def emit(
        self,
        steps: tuple[Step, ...],
        map_keys: tuple[int, ...],
        action: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        path = render_path(_hidden(steps, self.secret), map_keys=map_keys)
        forced = any(list(steps[: len(f)]) == f for f in self.forcing if f)
        self.changes.append(AttributeChange(path, action, before, after, forced))

    def object(
        self,
        steps: tuple[Step, ...],
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        before_marks: Any,
        after_marks: Any,
        unknown: Any,
        map_keys: tuple[int, ...] = (),
        *,
        is_map: bool = False,
    ) -> None:
        keys = sorted(
            set(before) | set(after) | (set(unknown) if isinstance(unknown, dict) else set())
        )
        keyed = (*map_keys, len(steps)) if is_map and steps else map_keys
        for key in keys:
            here = (*steps, key)
            b_marks, a_marks, unk = (
                _sub(before_marks, key),
                _sub(after_marks, key),
                _sub(unknown, key),
            )
            if is_map and unk is not True and (key not in before or key not in after):
                if key in after:
                    self.emit(here, keyed, ADD, after=_shown(after[key], a_marks, self.secret))
                else:
                    self.emit(here, keyed, REMOVE, before=_shown(before[key], b_marks, self.secret))
                continue
            self.value(here, keyed, before.get(key), after.get(key), b_marks, a_marks, unk)

    def value(
        self,
        steps: tuple[Step, ...],
        map_keys: tuple[int, ...],
        before: Any,
        after: Any,
        before_marks: Any,
        after_marks: Any,
        unknown: Any,
        *,
        in_list: bool = False,
    ) -> None:
        if unknown is True:
            self.emit(
                steps,
                map_keys,
                UPDATE,
                before=_shown(before, before_marks, self.secret),
                after=UNKNOWN,
            )
            return
        if before_marks is True or after_marks is True:
            if before != after:
                self.emit(
                    steps,
                    map_keys,
                    UPDATE,
                    before=_shown(before, before_marks, self.secret),
                    after=_shown(after, after_marks, self.secret),
                )
            return
        if isinstance(before, dict) and isinstance(after, dict):
            self.object(
                steps,
                before,
                after,
                before_marks,
                after_marks,
                unknown,
                map_keys,
                is_map=not in_list and _is_map(before, after),
            )
        elif isinstance(before, list) and isinstance(after, list):
            self.sequence(steps, map_keys, before, after, before_marks, after_marks, unknown)
        elif before != after or _any_true(unknown):
            after_shown = UNKNOWN if _any_true(unknown) else _shown(after, after_marks, self.secret)
            self.emit(
                steps,
                map_keys,
                UPDATE,
                before=_shown(before, before_marks, self.secret),
                after=after_shown,
            )

    def sequence(
        self,
        steps: tuple[Step, ...],
        map_keys: tuple[int, ...],
        before: list[Any],
        after: list[Any],
        before_marks: Any,
        after_marks: Any,
        unknown: Any,
    ) -> None:
        scalars = all(_scalar(item) for item in [*before, *after])
        if not scalars and len(before) == len(after):
            for index, (old, new) in enumerate(zip(before, after, strict=True)):
                self.value(
                    (*steps, index),
                    map_keys,
                    old,
                    new,
                    _sub(before_marks, index),
                    _sub(after_marks, index),
                    _sub(unknown, index),
                    in_list=True,
                )
            return
        removed = _missing(before, after)
        added = _missing(after, before)
        if not removed and not added:
            if before != after or _any_true(unknown):  # same elements, new order (or unknown)
                after_shown = (
                    UNKNOWN if _any_true(unknown) else _shown(after, after_marks, self.secret)
                )
                self.emit(
                    steps,
                    map_keys,
                    UPDATE,
                    before=_shown(before, before_marks, self.secret),
                    after=after_shown,
                )
            return
        for index in removed:
            self.emit(
                steps,
                map_keys,
                REMOVE,
                before=_shown(before[index], _sub(before_marks, index), self.secret),
            )
        for index in added:
            shown = _shown(after[index], _sub(after_marks, index), self.secret)
            if _any_true(_sub(unknown, index)):
                shown = UNKNOWN
            self.emit(steps, map_keys, ADD, after=shown)


def _missing(source: list[Any], other: list[Any]) -> list[int]:
    """Indexes of `source` elements not matched in `other` (a multiset difference, in order)."""
    remaining: dict[str, int] = {}
    for item in other:
        key = json.dumps(item, sort_keys=True)
        remaining[key] = remaining.get(key, 0) + 1
    missing: list[int] = []
    for index, item in enumerate(source):
        key = json.dumps(item, sort_keys=True)
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
        else:
            missing.append(index)
    return missing
