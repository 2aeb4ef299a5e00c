"""The real providers' schema validators (behaviour.RULES), run on the emulator's values.

Each rule runs on every value its path reaches, with that library's diagnostic summaries and
texts (helpers/validatordiag, stringvalidator, int64validator, mapvalidator, schemavalidator,
resourcevalidator). Values are the emulator's: dicts and lists, None for null, cty.UNKNOWN for
unknown; an unknown value defers a check, as the library does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfctl.sandbox import behaviour
from tfctl.sandbox.cty import UNKNOWN

AttrPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One diagnostic, shaped like emulator.Diagnostic (which this module cannot import)."""

    summary: str
    detail: str = ""
    path: AttrPath = ()
    severity: str = "error"


def run_rules(rules: tuple[behaviour.Rule, ...], config: Any) -> Iterator[Finding]:
    """Each rule on every value its path reaches; validators never run inside a null object."""
    if not isinstance(config, dict):
        return
    for rule in rules:
        for where, value in _reach(config, rule.path, ()):
            yield from _apply(rule, config, where, value)


def _reach(value: Any, path: tuple[str, ...], prefix: AttrPath) -> Iterator[tuple[AttrPath, Any]]:
    if not path:
        yield prefix, value
        return
    if not isinstance(value, dict | list):
        return
    step, rest = path[0], path[1:]
    if step == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _reach(item, rest, (*prefix, index))
        return
    if isinstance(value, dict):
        yield from _reach(value.get(step), rest, (*prefix, step))


def _lookup(config: Any, path: AttrPath) -> Any:
    """The value at a concrete path; a null or unknown parent stands for the whole path."""
    value = config
    for step in path:
        if value is None or value is UNKNOWN:
            return value
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def _null(value: Any) -> bool:
    # The framework turns an empty list block into null (fwschemadata.NullifyCollectionBlocks);
    # no rule here names a list attribute, so an empty list is null for every rule.
    return value is None or value == []


def _resolve(where: AttrPath, other: tuple[str, ...]) -> tuple[AttrPath, str]:
    """A concrete path and its expression text; ("<", name) is a sibling (MatchRelative)."""
    if other and other[0] == "<":
        return (*where[:-1], *other[1:]), ".".join([format_path(where), *other])
    return other, format_path(other)


def format_path(path: AttrPath) -> str:
    """Like the framework's path.Path String(): a.b[0].c."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


def go_quote(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _got(rule: behaviour.Rule, value: Any) -> str:
    if rule.sensitive:
        return "(sensitive value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return go_quote(value)
    return str(value)


def _go_regex(pattern: str) -> str:
    # Go's $ (no multi-line flag) is the end of the text; Python's also matches before a final \n.
    return (
        pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern
    )


def _attr_problem(rule: behaviour.Rule, value: Any) -> tuple[str, str] | None:
    """(summary, description) when a value-level validator fails."""
    kind = rule.kind
    if kind == "one_of" and value not in rule.values:
        listed = " ".join(go_quote(v) for v in rule.values)
        return "Invalid Attribute Value Match", f"value must be one of: [{listed}]"
    if kind == "one_of_number" and value not in rule.values:
        listed = " ".join(go_quote(str(v)) for v in rule.values)
        return "Invalid Attribute Value Match", f"value must be one of: [{listed}]"
    if kind == "none_of" and value in rule.values:
        listed = " ".join(go_quote(v) for v in rule.values)
        return "Invalid Attribute Value Match", f"value must be none of: [{listed}]"
    if kind == "regex" and not re.search(_go_regex(rule.values[0]), value):
        text = rule.message or f"value must match regular expression '{rule.values[0]}'"
        return "Invalid Attribute Value Match", text
    if kind == "at_least" and value < rule.values[0]:
        return "Invalid Attribute Value", f"value must be at least {rule.values[0]}"
    return None


def _length_problem(rule: behaviour.Rule, text: str) -> str | None:
    length = len(text)  # runes, as utf8.RuneCountInString
    if rule.kind == "length_at_least" and length < rule.values[0]:
        return f"string length must be at least {rule.values[0]}"
    if rule.kind == "length_at_most" and length > rule.values[0]:
        return f"string length must be at most {rule.values[0]}"
    if rule.kind == "length_between" and not rule.values[0] <= length <= rule.values[1]:
        return f"string length must be between {rule.values[0]} and {rule.values[1]}"
    return None


def _apply(rule: behaviour.Rule, config: Any, where: AttrPath, value: Any) -> Iterator[Finding]:
    kind = rule.kind
    here = format_path(where)
    if kind in ("also_requires", "conflicts_with"):
        if _null(value) or value is UNKNOWN:
            return
        for other in rule.others:
            path, _text = _resolve(where, other)
            other_value = _lookup(config, path)
            if other_value is UNKNOWN:
                return
            if kind == "also_requires" and _null(other_value):
                verb = "must"
            elif kind == "conflicts_with" and not _null(other_value):
                verb = "cannot"
            else:
                continue
            detail = (
                f"Attribute {go_quote(format_path(path))} {verb} be specified "
                f"when {go_quote(here)} is specified"
            )
            yield Finding("Invalid Attribute Combination", detail, where)
        return
    if kind == "at_least_one_of":
        if not _null(value):
            return
        texts = []
        for other in rule.others:
            path, text = _resolve(where, other)
            texts.append(text)
            other_value = _lookup(config, path)
            if other_value is UNKNOWN or not _null(other_value):
                return
        if here not in texts:
            texts.append(here)
        detail = f"At least one attribute out of [{','.join(texts)}] must be specified"
        yield Finding("Invalid Attribute Combination", detail, where)
        return
    if kind == "exactly_one_of":
        if value is UNKNOWN:
            return
        count = 0 if _null(value) else 1
        texts = []
        for other in rule.others:
            path, text = _resolve(where, other)
            texts.append(text)
            if path == where:
                continue
            other_value = _lookup(config, path)
            if other_value is UNKNOWN:
                return
            count += 0 if _null(other_value) else 1
        listed = f"[{','.join(texts)}]"
        if count == 0:
            detail = f"No attribute specified when one (and only one) of {listed} is required"
        elif count > 1:
            detail = f"{count} attributes specified when one (and only one) of {listed} is required"
        else:
            return
        yield Finding("Invalid Attribute Combination", detail, where)
        return
    if kind == "config_at_least_one_of":  # resourcevalidator.AtLeastOneOf on the whole resource
        values = [_lookup(config, tuple(p)) for p in rule.others]
        if any(v is UNKNOWN for v in values) or not all(_null(v) for v in values):
            return
        listed = ",".join(format_path(tuple(p)) for p in rule.others)
        detail = f"At least one of these attributes must be configured: [{listed}]"
        yield Finding("Missing Attribute Configuration", detail)
        return
    if value is None or value is UNKNOWN:
        return
    if kind == "deprecated":  # the framework (and the SDK) warn for a configured value
        summary, message = rule.values
        yield Finding(summary, message, where, "warning")
        return
    if kind.startswith("map_"):
        yield from _map_problems(rule, where, value)
        return
    if kind.startswith("length_"):
        problem = _length_problem(rule, value)
        if problem:
            detail = f"Attribute {here} {problem}, got: {len(value)}"
            yield Finding("Invalid Attribute Value Length", detail, where)
        return
    found = _attr_problem(rule, value)
    if found:
        summary, description = found
        yield Finding(summary, f"Attribute {here} {description}, got: {_got(rule, value)}", where)


def _map_problems(rule: behaviour.Rule, where: AttrPath, value: Any) -> Iterator[Finding]:
    here = format_path(where)
    if not isinstance(value, dict):
        return
    if rule.kind == "map_size_at_most":
        if len(value) > rule.values[0]:
            limit = rule.values[0]
            detail = (
                f"Attribute {here} map must contain at most {limit} elements, got: {len(value)}"
            )
            yield Finding("Invalid Attribute Value", detail, where)
        return
    # KeysAre / ValueStringsAre: each key or value with the path tags["key"].
    inner = behaviour.Rule(
        "length_between" if rule.kind == "map_keys_length_between" else "length_at_most",
        (),
        rule.values,
    )
    for key, item in value.items():
        text = key if rule.kind == "map_keys_length_between" else item
        if not isinstance(text, str):
            continue
        problem = _length_problem(inner, text)
        if problem:
            detail = f"Attribute {here}[{go_quote(key)}] {problem}, got: {len(text)}"
            yield Finding("Invalid Attribute Value Length", detail, where)
