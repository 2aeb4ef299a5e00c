"""A schema-driven provider: validation, plan, apply, read, import and upgrade over the fake cloud.

Free of gRPC and protobuf (plugin_server.py translates), so it is unit-tested on plain values.
Rules Terraform core enforces on a provider are kept here: planned values of attributes set in
configuration equal the configuration, computed attributes null in configuration become unknown on
create (or a plan-time default), apply keeps every known planned value, and a changed force-new
attribute is reported as requiring replacement.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfctl.sandbox import behaviour
from tfctl.sandbox.cloud import Cloud
from tfctl.sandbox.cty import UNKNOWN, CtyType, conform, is_known, kind

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "provider_schemas"

AttrPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning, with the attribute it is about when known."""

    summary: str
    detail: str = ""
    path: AttrPath = ()
    severity: str = "error"


@dataclass(frozen=True)
class PlanResult:
    """The planned state, the attributes whose change forces replacement, and diagnostics."""

    planned: Any
    requires_replace: list[AttrPath] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class ApplyResult:
    """The new state (None once destroyed), the private data to keep with it, and diagnostics."""

    new_state: Any
    private: bytes = b""
    diagnostics: list[Diagnostic] = field(default_factory=list)


def attribute_type(attr: Mapping[str, Any]) -> CtyType:
    """The cty type of one schema attribute; nested attributes become objects (protocol 5)."""
    nested = attr.get("nested")
    if nested is None:
        return attr["type"]
    inner = ["object", {n: attribute_type(a) for n, a in nested["attributes"].items()}]
    return inner if nested["nesting"] == "single" else [nested["nesting"], inner]


def block_type(attributes: Mapping[str, Any]) -> CtyType:
    """The cty object type of a whole resource, data source or provider block."""
    return ["object", {name: attribute_type(a) for name, a in attributes.items()}]


def load_schema_document(provider: str, schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """Read tfctl/provider_schemas/<provider>.json (the one schema source)."""
    document: dict[str, Any] = json.loads((schema_dir / f"{provider}.json").read_text())
    return document


class ProviderEmulator:
    """One emulated provider, built from its schema document and behaviour tables."""

    def __init__(
        self,
        name: str,
        document: Mapping[str, Any],
        cloud: Cloud,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.document = document
        self.cloud = cloud
        self.environ = dict(environ or {})
        self.provider_attributes: dict[str, Any] = dict(document["provider"]["attributes"])
        self.resources: dict[str, dict[str, Any]] = {
            t: dict(s["attributes"]) for t, s in document.get("resources", {}).items()
        }
        self.data_sources: dict[str, dict[str, Any]] = {
            t: dict(s["attributes"]) for t, s in document.get("data_sources", {}).items()
        }
        self.provider_config: dict[str, Any] = {}

    # ---- schema -----------------------------------------------------------------------------
    def provider_type(self) -> CtyType:
        """The cty type of the provider configuration block."""
        return block_type(self.provider_attributes)

    def resource_type(self, type_name: str) -> CtyType:
        """The cty type of one resource."""
        return block_type(self._attrs(type_name))

    def data_source_type(self, type_name: str) -> CtyType:
        """The cty type of one data source."""
        return block_type(self._attrs(type_name, data=True))

    def provider_attribute_flags(self) -> dict[str, dict[str, Any]]:
        """Provider attributes as offered to Terraform: credentials with env fallbacks are optional.

        The SDK reports a required attribute with an environment default as optional.
        """
        fallbacks = behaviour.PROVIDER_CREDENTIALS.get(self.name, {})
        flags = {}
        for name, attr in self.provider_attributes.items():
            attr = dict(attr)
            if name in fallbacks and attr.get("required"):
                attr["required"], attr["optional"] = False, True
            flags[name] = attr
        return flags

    # ---- provider ---------------------------------------------------------------------------
    def validate_provider(self, config: Any) -> list[Diagnostic]:
        """Nested-field checks on the provider block."""
        return list(_nested_checks(self.provider_attributes, config, ()))

    def configure(self, config: Any) -> list[Diagnostic]:
        """Keep the configuration; fail like the real provider when credentials are missing."""
        config = config or {}
        diags = []
        for name, env_names in behaviour.PROVIDER_CREDENTIALS.get(self.name, {}).items():
            value = config.get(name)
            if value is None and not any(self.environ.get(e) for e in env_names):
                where = " or ".join(env_names)
                diags.append(
                    Diagnostic(
                        f"Missing provider configuration {name!r}",
                        f"Set {name} in the provider block" + (f" or {where}." if where else "."),
                        (name,),
                    )
                )
            elif value is None:
                config = {
                    **config,
                    name: next(self.environ[e] for e in env_names if self.environ.get(e)),
                }
        self.provider_config = {k: v for k, v in config.items() if is_known(v)}
        return diags

    # ---- validation -------------------------------------------------------------------------
    def validate_resource(
        self, type_name: str, config: Any, *, data: bool = False
    ) -> list[Diagnostic]:
        """The emulator's own checks: required nested fields, read-only nested fields, rules."""
        attrs = self._attrs(type_name, data=data)
        if config is None or config is UNKNOWN:
            return []
        diags = list(_nested_checks(attrs, config, ()))
        for rule in behaviour.RULES.get(type_name, ()):
            diags.extend(_check_rule(rule, config))
        return diags

    # ---- lifecycle --------------------------------------------------------------------------
    def upgrade(self, type_name: str, value: Any) -> Any:
        """State of an older write, already decoded against the current type, kept as it is."""
        return conform(value, self.resource_type(type_name))

    def plan(self, type_name: str, prior: Any, proposed: Any, config: Any) -> PlanResult:
        """PlanResourceChange: fill computed values on create, find force-new changes on update."""
        if proposed is None:
            return PlanResult(None)
        attrs = self._attrs(type_name)
        diags = self.validate_resource(type_name, config)
        if diags:
            return PlanResult(None, diagnostics=diags)
        planned = dict(proposed)
        if prior is None:
            defaults = behaviour.PLAN_DEFAULTS.get(type_name, {})
            for name, attr in attrs.items():
                if attr.get("computed") and (config or {}).get(name) is None:
                    planned[name] = (
                        conform(defaults[name], attribute_type(attr))
                        if name in defaults
                        else UNKNOWN
                    )
            return PlanResult(planned)
        replace: list[AttrPath] = [
            (name,)
            for name, attr in attrs.items()
            if attr.get("force_new")
            and not _equal(prior.get(name), planned.get(name), attribute_type(attr))
        ]
        return PlanResult(planned, requires_replace=replace)

    def apply(self, type_name: str, prior: Any, planned: Any, private: bytes = b"") -> ApplyResult:
        """ApplyResourceChange: create, update in place, or delete (planned None) in the cloud."""
        if planned is None:
            key = self._key(type_name, prior, private)
            if key is not None:
                self.cloud.delete(type_name, key)
            return ApplyResult(None)
        resource_type = self.resource_type(type_name)
        context = self._template_context(planned)
        templates = behaviour.COMPUTED.get(type_name, {})
        attrs = self._attrs(type_name)
        new_state = {
            name: _fill_unknown(
                planned.get(name), attribute_type(attr), templates.get(name), context
            )
            for name, attr in attrs.items()
        }
        new_state = conform(new_state, resource_type)
        key = self._key(type_name, prior, private) if prior is not None else None
        if key is None:
            key = str(
                new_state.get(behaviour.KEY_ATTRIBUTE.get(type_name, "id")) or context["uuid"]
            )
        self.cloud.put(type_name, key, new_state)
        return ApplyResult(new_state, _private(key))

    def read(self, type_name: str, state: Any, private: bytes = b"") -> ApplyResult:
        """ReadResource: the object as the fake cloud holds it, or None when it has gone."""
        if state is None:
            return ApplyResult(None, private)
        key = self._key(type_name, state, private)
        stored = self.cloud.get(type_name, key) if key is not None else None
        if key is None or stored is None:
            return ApplyResult(None, private)
        return ApplyResult(_relaxed_conform(stored, self.resource_type(type_name)), _private(key))

    def import_state(self, type_name: str, import_id: str) -> ApplyResult:
        """ImportResourceState: find an object by its key or its id-like attribute."""
        key_attr = behaviour.KEY_ATTRIBUTE.get(type_name, "id")
        found = self.cloud.find(
            type_name,
            lambda key, state: key == import_id or str(state.get(key_attr)) == import_id,
        )
        if found is None:
            return ApplyResult(
                None,
                diagnostics=[
                    Diagnostic(
                        "Cannot import non-existent remote object",
                        f"No {type_name} with id {import_id!r} exists in the sandbox cloud.",
                    )
                ],
            )
        key, stored = found
        return ApplyResult(_relaxed_conform(stored, self.resource_type(type_name)), _private(key))

    def read_data_source(self, type_name: str, config: Any) -> ApplyResult:
        """ReadDataSource: the configuration with computed values filled from templates."""
        attrs = self._attrs(type_name, data=True)
        context = self._template_context(config or {})
        templates = behaviour.COMPUTED.get(type_name, {})
        state = {
            name: _fill_unknown(
                UNKNOWN
                if a.get("computed") and (config or {}).get(name) is None
                else (config or {}).get(name),
                attribute_type(a),
                templates.get(name),
                context,
            )
            for name, a in attrs.items()
        }
        return ApplyResult(conform(state, self.data_source_type(type_name)))

    # ---- helpers ----------------------------------------------------------------------------
    def _attrs(self, type_name: str, *, data: bool = False) -> dict[str, Any]:
        table = self.data_sources if data else self.resources
        if type_name not in table:
            raise KeyError(
                f"provider {self.name} has no {'data source' if data else 'resource'} {type_name}"
            )
        return table[type_name]

    def _key(self, type_name: str, state: Any, private: bytes) -> str | None:
        if private:
            try:
                key = json.loads(private).get("key")
            except (ValueError, AttributeError):
                key = None
            if isinstance(key, str):
                return key
        if state is None:
            return None
        value = state.get(behaviour.KEY_ATTRIBUTE.get(type_name, "id"))
        if isinstance(value, str) and value:
            return value
        found = self.cloud.find(type_name, lambda _key, stored: stored == state)
        return found[0] if found else None

    def _template_context(self, planned: Mapping[str, Any]) -> dict[str, Any]:
        ident = uuid.uuid4()
        context: dict[str, Any] = {
            name: value for name, value in planned.items() if isinstance(value, str | int | float)
        }
        context.update({f"provider_{k}": v for k, v in self.provider_config.items()})
        context.update(
            uuid=str(ident),
            short=ident.hex[:8],
            secret=secrets.token_urlsafe(24),
            secret2=secrets.token_urlsafe(32),
            secret3=secrets.token_urlsafe(32),
            epoch=int(time.time()),
            epoch_ms=int(time.time() * 1000),
        )
        return context


# ---- values ---------------------------------------------------------------------------------
class _Context(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "unset"


def _render(template: Any, context: Mapping[str, Any]) -> Any:
    if isinstance(template, str):
        return template.format_map(_Context(context))
    if isinstance(template, dict):
        return {k: _render(v, context) for k, v in template.items()}
    if isinstance(template, list):
        return [_render(v, context) for v in template]
    return template


def _generated(cty_type: CtyType, context: Mapping[str, Any]) -> Any:
    """A plausible value of a type, for computed attributes without a template."""
    k = kind(cty_type)
    if k == "string":
        return str(context["short"])
    if k == "number":
        return 0
    if k == "bool":
        return False
    if k in ("list", "set"):
        return []
    if k == "map":
        return {}
    return {n: _generated(t, context) for n, t in cty_type[1].items()}


def _fill_unknown(value: Any, cty_type: CtyType, template: Any, context: Mapping[str, Any]) -> Any:
    """Replace unknowns (only) with template or generated values; known values stay as planned."""
    if value is UNKNOWN:
        if template is None:
            return _generated(cty_type, context)
        return conform(_render(template, context), cty_type)
    k = kind(cty_type)
    if isinstance(value, dict) and k == "object":
        inner = template if isinstance(template, dict) else {}
        return {
            n: _fill_unknown(value.get(n), t, inner.get(n), context) for n, t in cty_type[1].items()
        }
    if isinstance(value, list) and k in ("list", "set"):
        return [_fill_unknown(v, cty_type[1], None, context) for v in value]
    if isinstance(value, dict) and k == "map":
        return {n: _fill_unknown(v, cty_type[1], None, context) for n, v in value.items()}
    return value


def _relaxed_conform(value: Any, cty_type: CtyType) -> Any:
    # Objects stored under an older schema may hold attributes it no longer has.
    if isinstance(value, dict) and kind(cty_type) == "object":
        return {n: _relaxed_conform(value.get(n), t) for n, t in cty_type[1].items()}
    return conform(value, cty_type)


def _equal(a: Any, b: Any, cty_type: CtyType) -> bool:
    """cty equality: sets ignore order; anything unknown is not equal."""
    if not is_known(a) or not is_known(b):
        return False
    if a is None or b is None:
        return a is None and b is None
    k = kind(cty_type)
    if k == "set":
        return len(a) == len(b) and all(any(_equal(x, y, cty_type[1]) for y in b) for x in a)
    if k == "list":
        return len(a) == len(b) and all(
            _equal(x, y, cty_type[1]) for x, y in zip(a, b, strict=True)
        )
    if k == "map":
        return set(a) == set(b) and all(_equal(a[n], b[n], cty_type[1]) for n in a)
    if k == "object":
        return all(_equal(a.get(n), b.get(n), t) for n, t in cty_type[1].items())
    return bool(a == b)


def _private(key: str) -> bytes:
    return json.dumps({"key": key}).encode()


# ---- validation -----------------------------------------------------------------------------
def _nested_checks(attrs: Mapping[str, Any], value: Any, path: AttrPath) -> Iterator[Diagnostic]:
    """Required fields inside nested attributes must be set; read-only ones must not be."""
    if not isinstance(value, dict):
        return
    for name, attr in attrs.items():
        nested = attr.get("nested")
        item = value.get(name)
        if nested is None or item is None or item is UNKNOWN:
            continue
        if nested["nesting"] == "single":
            elements: list[tuple[AttrPath, Any]] = [((*path, name), item)]
        elif nested["nesting"] == "map":
            elements = [((*path, name, k), v) for k, v in item.items()]
        elif nested["nesting"] == "list":
            elements = [((*path, name, i), v) for i, v in enumerate(item)]
        else:  # sets have no stable index to point at
            elements = [((*path, name), v) for v in item]
        for where, element in elements:
            if not isinstance(element, dict):
                continue
            for inner_name, inner in nested["attributes"].items():
                inner_value = element.get(inner_name)
                if inner.get("required") and inner_value is None:
                    yield Diagnostic(
                        "Missing required argument",
                        f'The argument "{inner_name}" is required in {_dotted(where)}, '
                        "but it is null.",
                        (*where, inner_name),
                    )
                elif (
                    inner.get("computed")
                    and not inner.get("optional")
                    and inner_value is not None
                    and inner_value is not UNKNOWN
                ):
                    yield Diagnostic(
                        "Invalid configuration",
                        f'"{inner_name}" in {_dotted(where)} is read-only; '
                        "remove it or set it to null.",
                        (*where, inner_name),
                    )
            yield from _nested_checks(nested["attributes"], element, where)


def _values_at(
    value: Any, path: tuple[str, ...], prefix: AttrPath = ()
) -> Iterator[tuple[AttrPath, Any]]:
    if not path:
        yield prefix, value
        return
    if value is None or value is UNKNOWN:
        yield prefix, value
        return
    step, rest = path[0], path[1:]
    if step == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _values_at(item, rest, (*prefix, i))
        return
    if isinstance(value, dict):
        yield from _values_at(value.get(step), rest, (*prefix, step))


def _dotted(path: AttrPath) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _is_set(config: Any, path: tuple[str, ...]) -> bool | None:
    """True/False when known, None when unknown."""
    values = [v for _p, v in _values_at(config, path)]
    if any(v is UNKNOWN for v in values):
        return None
    return any(v is not None for v in values) and len(values) > 0


def _check_rule(rule: behaviour.Rule, config: Any) -> Iterator[Diagnostic]:
    if rule.kind == "any_of":
        states = [_is_set(config, tuple(p)) for p in rule.values]
        if all(s is False for s in states):
            yield Diagnostic(
                "Invalid configuration", rule.message or "one of the arguments must be set"
            )
        return
    if rule.kind in ("requires", "conflicts"):
        mine, other = _is_set(config, rule.path), _is_set(config, rule.other)
        if rule.kind == "requires" and mine and other is False:
            yield Diagnostic(
                "Missing dependent argument",
                f"{_dotted(rule.path)} requires {_dotted(rule.other)} to be set.",
                rule.path,
            )
        if rule.kind == "conflicts" and mine and other:
            yield Diagnostic(
                "Conflicting arguments",
                f"{_dotted(rule.path)} cannot be set together with {_dotted(rule.other)}.",
                rule.path,
            )
        return
    for where, value in _values_at(config, rule.path):
        if value is None or not is_known(value):
            continue
        problem = _rule_problem(rule, value)
        if problem:
            yield Diagnostic("Invalid value", f"{_dotted(where)} {problem}.", where)


def _rule_problem(rule: behaviour.Rule, value: Any) -> str | None:
    if rule.kind == "one_of":
        if value not in rule.values:
            allowed = ", ".join(str(v) for v in rule.values)
            return f"must be one of {allowed}; got {value!r}"
    elif rule.kind == "min":
        if isinstance(value, int | float) and value < rule.values[0]:
            return f"must be at least {rule.values[0]}; got {value}"
    elif rule.kind == "pattern":
        if isinstance(value, str) and not re.search(rule.values[0], value):
            return f"{rule.message or 'has an invalid format'}; got {value!r}"
    elif rule.kind == "cidr":
        try:
            ipaddress.ip_network(str(value), strict=False)
        except ValueError:
            return f"must be an IP address or CIDR block such as 203.0.113.0/24; got {value!r}"
    elif rule.kind == "url":
        if not re.match(r"^https?://[^/\s]+", str(value)):
            return f"must be an http(s) URL; got {value!r}"
    elif rule.kind == "max_items" and len(value) > rule.values[0]:
        return f"may hold at most {rule.values[0]} entries; got {len(value)}"
    return None
