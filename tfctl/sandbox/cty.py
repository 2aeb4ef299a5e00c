"""cty values over the wire: the msgpack and JSON encodings of Terraform's plugin protocols 5 and 6.

Python values stand for cty values: None is null, `UNKNOWN` is an unknown value, objects and maps
are dicts (objects always carry every attribute), lists and sets are lists, numbers are int/float.
Types are the schema description's CTY form: "string" | "number" | "bool" | "dynamic" |
["list", T] | ["set", T] | ["map", T] | ["object", {name: T}].

Unknown values arrive either plain (ext type 0) or refined (ext type 12, go-cty 1.14+, sent by
Terraform 1.6 and later); refinements are checked against the type as go-cty does and then
dropped, which Terraform allows: it compares planned values with their refinements removed.
"""

from __future__ import annotations

import json
from typing import Any, Final

import msgpack  # type: ignore[import-untyped]

CtyType = Any  # str | list: recursive JSON-ish type expressions do not fit mypy's aliases neatly


class _Unknown:
    """The single unknown value; unknown propagates through a plan until apply knows it."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _Unknown()
# go-cty writes an unknown as msgpack fixext1 of extension type 0.
_UNKNOWN_EXT: Final = msgpack.ExtType(0, b"\x00")
_REFINED_EXT_CODE: Final = 12
_MAX_REFINEMENT_BYTES: Final = 1024
_NULLNESS, _PREFIX, _NUMBER_MIN, _NUMBER_MAX, _LENGTH_MIN, _LENGTH_MAX = range(1, 7)


class _Refined:
    """An unknown value with go-cty refinements, until `conform` knows its type."""

    def __init__(self, refinements: dict[int, Any]) -> None:
        self.refinements = refinements


class CtyError(ValueError):
    """A value does not fit the type it is decoded or encoded as."""


def type_json(cty_type: CtyType) -> bytes:
    """The JSON type expression Terraform expects in Schema.Attribute.type."""
    return json.dumps(cty_type, separators=(",", ":"), sort_keys=True).encode()


def kind(cty_type: CtyType) -> str:
    """'string', 'number', 'bool', 'list', 'set', 'map' or 'object'."""
    return cty_type if isinstance(cty_type, str) else str(cty_type[0])


def is_known(value: Any) -> bool:
    """True unless the value is unknown or holds an unknown anywhere inside it."""
    if value is UNKNOWN:
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


def conform(value: Any, cty_type: CtyType, path: str = "") -> Any:
    """Check and normalise a value to `cty_type` (objects gain missing attributes as null)."""
    if value is None or value is UNKNOWN:
        return value
    k = kind(cty_type)
    where = path or "value"
    if isinstance(value, _Refined):
        return _refined_value(value.refinements, cty_type, where)
    if k == "dynamic":
        return _dynamic_value(value, where)
    if k == "string":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise CtyError(f"{where}: expected a string, got {type(value).__name__}")
        return value if isinstance(value, str) else _number_text(value)
    if k == "number":
        if isinstance(value, bool):
            raise CtyError(f"{where}: expected a number, got bool")
        if isinstance(value, str):
            return _parse_number(value, where)
        if not isinstance(value, int | float):
            raise CtyError(f"{where}: expected a number, got {type(value).__name__}")
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if k == "bool":
        if isinstance(value, str) and value in ("true", "false"):
            return value == "true"
        if not isinstance(value, bool):
            raise CtyError(f"{where}: expected a bool, got {type(value).__name__}")
        return value
    if k in ("list", "set"):
        if not isinstance(value, list | tuple):
            raise CtyError(f"{where}: expected a {k}, got {type(value).__name__}")
        items = [conform(v, cty_type[1], f"{where}[{i}]") for i, v in enumerate(value)]
        return _dedupe(items) if k == "set" else items
    if k == "map":
        if not isinstance(value, dict):
            raise CtyError(f"{where}: expected a map, got {type(value).__name__}")
        return {str(key): conform(v, cty_type[1], f"{where}.{key}") for key, v in value.items()}
    if k == "object":
        if not isinstance(value, dict):
            raise CtyError(f"{where}: expected an object, got {type(value).__name__}")
        attrs: dict[str, CtyType] = cty_type[1]
        extra = set(value) - set(attrs)
        if extra:
            raise CtyError(f"{where}: unexpected attribute {sorted(extra)[0]!r}")
        return {
            name: conform(value.get(name), t, f"{where}.{name}" if where else name)
            for name, t in attrs.items()
        }
    raise CtyError(f"unsupported cty type {cty_type!r}")


def decode_msgpack(data: bytes, cty_type: CtyType) -> Any:
    """A DynamicValue.msgpack payload as a Python value of `cty_type`."""
    if not data:
        return None
    raw = msgpack.unpackb(data, raw=False, strict_map_key=False, ext_hook=_ext_hook)
    return conform(raw, cty_type)


def encode_msgpack(value: Any, cty_type: CtyType) -> bytes:
    """A value of `cty_type` as a DynamicValue.msgpack payload (objects carry every attribute)."""
    return bytes(msgpack.packb(_to_wire(conform(value, cty_type), cty_type), use_bin_type=True))


def decode_json(data: bytes, cty_type: CtyType) -> Any:
    """A JSON-encoded value (RawState.json, DynamicValue.json); unknown attributes are dropped."""
    if not data:
        return None
    return conform(_drop_unknown_attrs(json.loads(data), cty_type), cty_type)


def _drop_unknown_attrs(value: Any, cty_type: CtyType) -> Any:
    # State written by an older schema may hold attributes this one no longer has.
    k = kind(cty_type)
    if value is None:
        return None
    if k == "object" and isinstance(value, dict):
        attrs = cty_type[1]
        return {n: _drop_unknown_attrs(value.get(n), t) for n, t in attrs.items()}
    if k in ("list", "set") and isinstance(value, list):
        return [_drop_unknown_attrs(v, cty_type[1]) for v in value]
    if k == "map" and isinstance(value, dict):
        return {n: _drop_unknown_attrs(v, cty_type[1]) for n, v in value.items()}
    return value


def _ext_hook(code: int, data: bytes) -> Any:
    """go-cty's unmarshalUnknownValue: every msgpack extension is an unknown value."""
    if len(data) <= 1:
        return UNKNOWN  # whatever the type code: go-cty checks it only for longer bodies
    if code != _REFINED_EXT_CODE:
        raise CtyError(f"unsupported extension type 0x{code:02x} with len {len(data)}")
    if len(data) > _MAX_REFINEMENT_BYTES:
        raise CtyError("oversize unknown value refinement")
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
    unpacker.feed(data)
    try:
        body = unpacker.unpack()  # one map; trailing bytes are ignored, as go-cty does
    except (msgpack.OutOfData, ValueError) as err:
        raise CtyError(f"failed to decode msgpack extension body: {err}") from None
    if not isinstance(body, dict):
        raise CtyError("failed to decode msgpack extension body: not a map")
    if not all(isinstance(key, int) and not isinstance(key, bool) for key in body):
        raise CtyError("failed to decode msgpack extension body: non-integer key in map")
    return _Refined(body)


def _refined_value(refinements: dict[int, Any], cty_type: CtyType, where: str) -> Any:
    """Check refinements against the type; the value they describe, usually UNKNOWN."""
    k = kind(cty_type)
    if k == "dynamic":
        return UNKNOWN  # go-cty ignores every refinement of a dynamically typed unknown
    bad = f"{where}: failed to decode msgpack extension body"
    not_null = None
    bounds: dict[int, Any] = {}
    for key, raw in refinements.items():
        if key == _NULLNESS:
            if not isinstance(raw, bool):
                raise CtyError(f"{bad}: null refinement is not boolean")
            not_null = not raw
        elif key == _PREFIX:
            if k != "string":
                raise CtyError(f"{bad}: string prefix refinement for non-string type")
            if not isinstance(raw, str):
                raise CtyError(f"{bad}: string prefix refinement is not string")
        elif key in (_LENGTH_MIN, _LENGTH_MAX):
            if k not in ("list", "set", "map"):
                raise CtyError(f"{bad}: length bound refinement for non-collection type")
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise CtyError(f"{bad}: length bound refinement must be an integer")
            bounds[key] = raw
        elif key in (_NUMBER_MIN, _NUMBER_MAX):
            if k != "number":
                raise CtyError(f"{bad}: numeric bound refinement for non-number type")
            if (
                not isinstance(raw, list)
                or len(raw) != 2
                or raw[0] is None
                or not isinstance(raw[1], bool)
            ):
                raise CtyError(f"{bad}: number bound refinement must be a [number, bool] array")
            bounds[key] = (conform(raw[0], "number", where), raw[1])
        # Other keys are refinements newer than this decoder: ignored, as go-cty does.
    _check_bounds(bounds, where)
    if not_null is False:
        return None  # a "definitely null" unknown is the null value
    if not_null:
        return _collapsed(k, bounds)
    return UNKNOWN


def _check_bounds(bounds: dict[int, Any], where: str) -> None:
    # go-cty's refinement builder rejects (panics on) a range that cannot hold any value.
    if _NUMBER_MIN in bounds and _NUMBER_MAX in bounds:
        (low, low_inc), (high, high_inc) = bounds[_NUMBER_MIN], bounds[_NUMBER_MAX]
        if low > high or (low == high and low_inc != high_inc):
            raise CtyError(f"{where}: number lower bound {low} is greater than upper bound {high}")
    if bounds.get(_LENGTH_MAX, bounds.get(_LENGTH_MIN, 0)) < bounds.get(_LENGTH_MIN, 0):
        raise CtyError(f"{where}: collection length upper bound is less than the lower bound")


def _collapsed(k: str, bounds: dict[int, Any]) -> Any:
    """The value a not-null unknown's bounds pin down (go-cty's RefinementBuilder.NewValue)."""
    if k == "number" and _NUMBER_MIN in bounds and _NUMBER_MAX in bounds:
        (low, low_inc), (high, high_inc) = bounds[_NUMBER_MIN], bounds[_NUMBER_MAX]
        if low == high and low_inc and high_inc:
            return low
    if k in ("list", "set", "map"):
        low = bounds.get(_LENGTH_MIN, 0)
        high = bounds.get(_LENGTH_MAX)
        if high == low:
            if low == 0:
                return {} if k == "map" else []
            if k == "list" or (k == "set" and low == 1):
                return [UNKNOWN] * low
    return UNKNOWN


def _dynamic_value(value: Any, where: str) -> Any:
    # A known value of a dynamic attribute travels as [type JSON, value].
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], bytes | str):
        try:
            inner_type = json.loads(value[0])
        except ValueError:
            raise CtyError(f"{where}: invalid type in a dynamic value") from None
        return conform(value[1], inner_type, where)
    raise CtyError(f"{where}: a dynamic value must be a [type, value] pair")


def _to_wire(value: Any, cty_type: CtyType) -> Any:
    if value is UNKNOWN:
        return _UNKNOWN_EXT
    if value is None:
        return None
    k = kind(cty_type)
    if k == "dynamic":
        raise CtyError("the sandbox does not send known values of dynamic type")
    if k in ("list", "set"):
        return [_to_wire(v, cty_type[1]) for v in value]
    if k == "map":
        return {n: _to_wire(v, cty_type[1]) for n, v in value.items()}
    if k == "object":
        return {n: _to_wire(value.get(n), t) for n, t in sorted(cty_type[1].items())}
    return value


def _parse_number(text: str, where: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise CtyError(f"{where}: {text!r} is not a number") from None
        return int(number) if number.is_integer() else number


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _dedupe(items: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        # Unknown elements may turn out equal or not; only known duplicates collapse.
        if not is_known(item) or item not in seen:
            seen.append(item)
    return seen
