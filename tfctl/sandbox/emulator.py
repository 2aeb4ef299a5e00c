"""A schema-driven provider: validation, plan, apply, read, import and upgrade over the fake cloud.

Free of gRPC and protobuf (grpc_service.py translates), so it is unit-tested on plain values.
Rules Terraform core enforces on a provider are kept here: planned values of attributes set in
configuration equal the configuration, computed attributes null in configuration become unknown on
create (or a plan-time default), inside nested attributes and blocks too, a configured nested
attribute is never planned as wholly unknown, apply keeps every known planned value, write-only
attributes are null in every state returned, and a changed force-new attribute is reported as
requiring replacement.

A schema "block" is the document's {"attributes": {...}, "blocks": {...}} pair; a nested block
adds "nesting" (single | list | set). Absent, a single block is null and a list or set block empty.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfctl.sandbox import behaviour, validators
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
    """The cty type of one schema attribute; a nested attribute is its implied object type."""
    nested = attr.get("nested")
    if nested is None:
        return attr["type"]
    inner = ["object", {n: attribute_type(a) for n, a in nested["attributes"].items()}]
    return inner if nested["nesting"] == "single" else [nested["nesting"], inner]


def block_type(attributes: Mapping[str, Any], blocks: Mapping[str, Any] | None = None) -> CtyType:
    """The cty object type of a block: its attributes and its nested blocks."""
    members = {name: attribute_type(a) for name, a in attributes.items()}
    for name, nested in (blocks or {}).items():
        members[name] = nested_block_type(nested)
    return ["object", members]


def nested_block_type(nested: Mapping[str, Any]) -> CtyType:
    """The cty type of a nested block: an object, or a list or set of objects."""
    inner = block_type(nested.get("attributes", {}), nested.get("blocks", {}))
    return inner if nested["nesting"] == "single" else [nested["nesting"], inner]


def null_write_only(value: Any, block: Mapping[str, Any]) -> Any:
    """The value with every write-only attribute, at any depth, set to null."""
    if not isinstance(value, dict):
        return value
    out = dict(value)
    for name, attr in block.get("attributes", {}).items():
        if attr.get("write_only"):
            out[name] = None
        elif attr.get("nested") is not None and _has_write_only(attr["nested"]):
            out[name] = _null_write_only_elements(out.get(name), attr["nested"])
    for name, nested in block.get("blocks", {}).items():
        if _has_write_only(nested):
            out[name] = _null_write_only_elements(out.get(name), nested)
    return out


def write_only_values(value: Any, block: Mapping[str, Any], path: AttrPath = ()) -> list[AttrPath]:
    """Paths of the write-only attributes that are not null (unknown counts) in a value."""
    if not isinstance(value, dict):
        return []
    found: list[AttrPath] = []
    for name, attr in block.get("attributes", {}).items():
        item = value.get(name)
        if attr.get("write_only"):
            if item is not None:
                found.append((*path, name))
        elif attr.get("nested") is not None:
            found += _write_only_in_elements(item, attr["nested"], (*path, name))
    for name, nested in block.get("blocks", {}).items():
        found += _write_only_in_elements(value.get(name), nested, (*path, name))
    return found


def _write_only_in_elements(
    value: Any, nested: Mapping[str, Any], path: AttrPath
) -> list[AttrPath]:
    if value is None or value is UNKNOWN:
        return []
    if nested["nesting"] == "single":
        return write_only_values(value, nested, path)
    if nested["nesting"] == "map":
        items: list[tuple[AttrPath, Any]] = [((*path, k), v) for k, v in value.items()]
    else:
        items = [((*path, i), v) for i, v in enumerate(value)]
    return [p for where, item in items for p in write_only_values(item, nested, where)]


def _has_write_only(block: Mapping[str, Any]) -> bool:
    for attr in block.get("attributes", {}).values():
        if attr.get("write_only") or (
            attr.get("nested") is not None and _has_write_only(attr["nested"])
        ):
            return True
    return any(_has_write_only(nested) for nested in block.get("blocks", {}).values())


def _null_write_only_elements(value: Any, nested: Mapping[str, Any]) -> Any:
    """null_write_only over the object(s) of a nested attribute or block value."""
    if value is None or value is UNKNOWN:
        return value
    if nested["nesting"] == "single":
        return null_write_only(value, nested)
    if nested["nesting"] == "map":
        return {key: null_write_only(item, nested) for key, item in value.items()}
    return [null_write_only(item, nested) for item in value]


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
        # 6: a terraform-plugin-framework provider; 5: terraform-plugin-sdk v2, as served today.
        self.protocol: int = int(document.get("protocol", 5))
        self.provider_attributes: dict[str, Any] = dict(document["provider"]["attributes"])
        self.provider_blocks: dict[str, Any] = dict(document["provider"].get("blocks", {}))
        self.resources: dict[str, dict[str, Any]] = {
            t: dict(s["attributes"]) for t, s in document.get("resources", {}).items()
        }
        self.resource_blocks: dict[str, dict[str, Any]] = {
            t: dict(s.get("blocks", {})) for t, s in document.get("resources", {}).items()
        }
        self.data_sources: dict[str, dict[str, Any]] = {
            t: dict(s["attributes"]) for t, s in document.get("data_sources", {}).items()
        }
        self.data_source_blocks: dict[str, dict[str, Any]] = {
            t: dict(s.get("blocks", {})) for t, s in document.get("data_sources", {}).items()
        }
        self.provider_config: dict[str, Any] = {}

    # ---- schema -----------------------------------------------------------------------------
    def provider_type(self) -> CtyType:
        """The cty type of the provider configuration block."""
        return block_type(self.provider_attributes, self.provider_blocks)

    def resource_type(self, type_name: str) -> CtyType:
        """The cty type of one resource."""
        return block_type(self._attrs(type_name), self.resource_blocks[type_name])

    def data_source_type(self, type_name: str) -> CtyType:
        """The cty type of one data source."""
        return block_type(self._attrs(type_name, data=True), self.data_source_blocks[type_name])

    def resource_block(self, type_name: str) -> dict[str, Any]:
        """One resource's schema block: {"attributes": ..., "blocks": ...}."""
        return {"attributes": self._attrs(type_name), "blocks": self.resource_blocks[type_name]}

    def data_source_block(self, type_name: str) -> dict[str, Any]:
        """One data source's schema block: {"attributes": ..., "blocks": ...}."""
        return {
            "attributes": self._attrs(type_name, data=True),
            "blocks": self.data_source_blocks[type_name],
        }

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
        """Nested-field checks and the real provider's validators on the provider block."""
        diags = list(_nested_checks(self.provider_attributes, config, ()))
        return diags + _from_findings(validators.validate_provider(self.name, config))

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
        return diags + _from_findings(validators.configure(self.name, config, self.environ))

    # ---- validation -------------------------------------------------------------------------
    def validate_resource(
        self, type_name: str, config: Any, *, data: bool = False
    ) -> list[Diagnostic]:
        """The emulator's own checks: required nested fields, read-only nested fields, rules."""
        attrs = self._attrs(type_name, data=data)
        if config is None or config is UNKNOWN:
            return []
        diags = list(_nested_checks(attrs, config, ()))
        if not data:
            diags += _from_findings(validators.validate_resource(type_name, config))
        return diags

    # ---- lifecycle --------------------------------------------------------------------------
    def upgrade(self, type_name: str, value: Any) -> Any:
        """State of an older write, already decoded against the current type, kept as it is."""
        state = conform(value, self.resource_type(type_name))
        return null_write_only(state, self.resource_block(type_name))

    def plan(self, type_name: str, prior: Any, proposed: Any, config: Any) -> PlanResult:
        """PlanResourceChange: fill computed values on create, find force-new changes on update.

        A destroy (proposed null, as Terraform sends when the provider asks to plan destroys)
        plans null.
        """
        if proposed is None:
            return PlanResult(None)
        attrs = self._attrs(type_name)
        block = self.resource_block(type_name)
        diags = self.validate_resource(type_name, config)
        if any(d.severity == "error" for d in diags):
            return PlanResult(None, diagnostics=diags)
        planned = dict(proposed)
        # Schema defaults fill a null configuration on every plan (SDKv2 does so for optional,
        # non-computed attributes too: its legacy type system lets Terraform accept that).
        for name, default in behaviour.PLAN_DEFAULTS.get(type_name, {}).items():
            if name in attrs and (config or {}).get(name) is None:
                planned[name] = conform(default, attribute_type(attrs[name]))
        if prior is None:
            planned = _plan_new_computed(planned, config, block)
        planned, findings = validators.modify_plan(type_name, prior, config, planned)
        if any(f.severity == "error" for f in findings):
            return PlanResult(None, diagnostics=_from_findings(findings))
        if prior is None:
            return PlanResult(null_write_only(planned, block))
        planned = null_write_only(planned, block)
        replace: list[AttrPath] = [
            (name,)
            for name, attr in attrs.items()
            if attr.get("force_new")
            and not attr.get("write_only")
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
        for name, nested in self.resource_blocks[type_name].items():
            new_state[name] = _fill_unknown(
                planned.get(name), nested_block_type(nested), templates.get(name), context
            )
        new_state = null_write_only(
            conform(new_state, resource_type), self.resource_block(type_name)
        )
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
        state = _relaxed_conform(stored, self.resource_type(type_name))
        return ApplyResult(null_write_only(state, self.resource_block(type_name)), _private(key))

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
        state = _relaxed_conform(stored, self.resource_type(type_name))
        return ApplyResult(null_write_only(state, self.resource_block(type_name)), _private(key))

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
        for name in self.data_source_blocks[type_name]:
            state[name] = (config or {}).get(name)
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
def _plan_new_computed(planned: Any, config: Any, block: Mapping[str, Any]) -> Any:
    """On create: computed attributes null in configuration become unknown, at every depth.

    Configured nested attributes and blocks are walked, never replaced, so a configured value is
    never planned as wholly unknown (Terraform rejects that for nested attributes).
    """
    if not isinstance(planned, dict):
        return planned
    config = config if isinstance(config, dict) else {}
    out = dict(planned)
    for name, attr in block.get("attributes", {}).items():
        configured = config.get(name)
        if configured is None:
            if attr.get("computed") and out.get(name) is None:
                out[name] = UNKNOWN
        elif configured is not UNKNOWN and attr.get("nested") is not None:
            out[name] = _plan_nested(out.get(name), configured, attr["nested"])
    for name, nested in block.get("blocks", {}).items():
        configured = config.get(name)
        if configured is not None and configured is not UNKNOWN:
            out[name] = _plan_nested(out.get(name), configured, nested)
    return out


def _plan_nested(planned: Any, config: Any, nested: Mapping[str, Any]) -> Any:
    nesting = nested["nesting"]
    if planned is None or planned is UNKNOWN:
        return planned
    if nesting == "single":
        return _plan_new_computed(planned, config, nested)
    if nesting == "map" and isinstance(config, dict):
        return {k: _plan_new_computed(v, config.get(k), nested) for k, v in planned.items()}
    if nesting == "list" and isinstance(config, list) and len(config) == len(planned):
        return [_plan_new_computed(v, c, nested) for v, c in zip(planned, config, strict=True)]
    # Set elements have no identity to pair them with configuration: each is its own guide,
    # since a proposed set element holds the configured values and nulls for computed ones.
    return [_plan_new_computed(v, v, nested) for v in planned]


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
    if k == "dynamic":
        return None
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


def _dotted(path: AttrPath) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _from_findings(findings: list[validators.Finding]) -> list[Diagnostic]:
    return [Diagnostic(f.summary, f.detail, f.path, f.severity) for f in findings]
