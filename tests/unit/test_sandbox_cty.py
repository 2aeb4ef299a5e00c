"""cty msgpack/JSON codec used by the emulated providers."""

from __future__ import annotations

import msgpack  # type: ignore[import-untyped]
import pytest

from tfctl.sandbox.cty import (
    UNKNOWN,
    CtyError,
    conform,
    decode_json,
    decode_msgpack,
    encode_msgpack,
    is_known,
    type_json,
)

OBJ = ["object", {"name": "string", "port": "number", "tags": ["set", "string"], "on": "bool"}]


def test_unknown_is_extension_type_zero_and_null_is_nil() -> None:
    data = encode_msgpack({"name": UNKNOWN, "port": None, "tags": None, "on": True}, OBJ)
    raw = msgpack.unpackb(data)
    assert raw["name"] == msgpack.ExtType(0, b"\x00")
    assert raw["port"] is None
    assert decode_msgpack(data, OBJ)["name"] is UNKNOWN


def test_objects_carry_every_attribute() -> None:
    raw = msgpack.unpackb(encode_msgpack({"name": "a"}, OBJ))
    assert sorted(raw) == ["name", "on", "port", "tags"]
    assert decode_msgpack(msgpack.packb({"name": "a"}), OBJ) == {
        "name": "a",
        "port": None,
        "tags": None,
        "on": None,
    }


def test_numbers_accept_decimal_strings_and_sets_drop_known_duplicates() -> None:
    value = decode_msgpack(msgpack.packb({"port": "8443", "tags": ["a", "a", "b"]}), OBJ)
    assert value["port"] == 8443
    assert value["tags"] == ["a", "b"]
    assert conform(2.5, "number") == 2.5
    assert conform(3.0, "number") == 3


def test_type_mismatch_and_unexpected_attribute_raise() -> None:
    with pytest.raises(CtyError, match="expected a bool"):
        conform({"on": "maybe"}, OBJ)
    with pytest.raises(CtyError, match="unexpected attribute 'nope'"):
        conform({"nope": 1}, OBJ)


def test_json_state_drops_attributes_the_schema_no_longer_has() -> None:
    assert decode_json(b'{"name": "x", "gone": 1}', OBJ)["name"] == "x"


def test_type_json_is_compact_json() -> None:
    assert type_json(["list", ["object", {"source": "string", "description": "string"}]]) == (
        b'["list",["object",{"description":"string","source":"string"}]]'
    )


def test_is_known_looks_inside_collections() -> None:
    assert is_known({"a": [1, 2]})
    assert not is_known({"a": [1, UNKNOWN]})
