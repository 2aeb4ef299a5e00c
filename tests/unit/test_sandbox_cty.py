"""cty msgpack/JSON codec used by the emulated providers."""

from __future__ import annotations

from typing import Any

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


# ---- unknown values with refinements (msgpack extension 12, go-cty cty/msgpack/unknown.go) ----
def ext(code: int, body: bytes) -> bytes:
    return bytes(msgpack.packb(msgpack.ExtType(code, body)))


def refined(refinements: dict[int, Any], trailing: bytes = b"") -> bytes:
    return ext(12, bytes(msgpack.packb(refinements)) + trailing)


@pytest.mark.parametrize(
    ("wire", "cty_type"),
    [
        # The payloads of the protocol facts: not-null, +prefix, +number range, +length range.
        (bytes.fromhex("c7030c8101c2"), "string"),
        (bytes.fromhex("d70c8201c202a3616263"), "string"),
        (bytes.fromhex("c70b0c8301c203920 0c304920ac2".replace(" ", "")), "number"),
        (bytes.fromhex("c7070c8301c205010603"), ["list", "string"]),
        (bytes.fromhex("c7070c8301c205010603"), ["map", "string"]),
        (bytes.fromhex("c7070c8301c205010603"), ["set", "number"]),
    ],
)
def test_refined_unknowns_decode_as_unknown(wire: bytes, cty_type: Any) -> None:
    assert decode_msgpack(wire, cty_type) is UNKNOWN


def test_refined_unknown_inside_an_object() -> None:
    data = msgpack.packb(
        {"name": msgpack.ExtType(12, msgpack.packb({1: False})), "port": 1, "tags": [], "on": True}
    )
    assert decode_msgpack(data, OBJ)["name"] is UNKNOWN


@pytest.mark.parametrize("code", [0, 1, 12, 99])
@pytest.mark.parametrize("body", [b"", b"\x00", b"\x7f"])
def test_body_of_at_most_one_byte_is_unknown_whatever_the_code(code: int, body: bytes) -> None:
    assert decode_msgpack(ext(code, body), "string") is UNKNOWN


def test_longer_body_needs_extension_type_12() -> None:
    with pytest.raises(CtyError, match="unsupported extension type 0x05 with len 3"):
        decode_msgpack(ext(5, msgpack.packb({1: False})), "string")
    with pytest.raises(CtyError, match="unsupported extension type 0x00 with len 2"):
        decode_msgpack(ext(0, b"\x00\x00"), "string")


def test_refinement_body_over_1024_bytes_is_an_error() -> None:
    body = bytes(msgpack.packb({1: False, 2: "a" * 1100}))
    assert len(body) > 1024
    with pytest.raises(CtyError, match="oversize unknown value refinement"):
        decode_msgpack(ext(12, body), "string")
    assert decode_msgpack(ext(12, bytes(msgpack.packb({1: False, 2: "a" * 1000}))), "string") is (
        UNKNOWN
    )


def test_refinement_body_must_be_a_map() -> None:
    with pytest.raises(CtyError, match="not a map"):
        decode_msgpack(ext(12, bytes(msgpack.packb([1, 2]))), "string")


def test_unknown_refinement_keys_are_ignored() -> None:
    assert decode_msgpack(refined({1: False, 7: "future", 200: [1, 2]}), "string") is UNKNOWN
    assert decode_msgpack(refined({9: True}), "bool") is UNKNOWN


@pytest.mark.parametrize(
    ("refinements", "cty_type", "message"),
    [
        ({2: "abc"}, "number", "string prefix refinement for non-string type"),
        ({2: "abc"}, ["list", "string"], "string prefix refinement for non-string type"),
        ({3: [0, True]}, "string", "numeric bound refinement for non-number type"),
        ({4: [9, False]}, ["set", "number"], "numeric bound refinement for non-number type"),
        ({5: 1}, "string", "length bound refinement for non-collection type"),
        ({6: 3}, ["object", {"a": "string"}], "length bound refinement for non-collection type"),
        ({1: "no"}, "string", "null refinement is not boolean"),
        ({2: 5}, "string", "string prefix refinement is not string"),
        ({3: 5}, "number", "must be a \\[number, bool\\] array"),
        ({5: "x"}, ["list", "string"], "length bound refinement must be an integer"),
    ],
)
def test_refinement_that_does_not_fit_the_type_is_an_error(
    refinements: dict[int, Any], cty_type: Any, message: str
) -> None:
    with pytest.raises(CtyError, match=message):
        decode_msgpack(refined(refinements), cty_type)


def test_dynamic_type_ignores_every_refinement() -> None:
    # Even ones that fit no type: go-cty returns before looking at the keys.
    assert decode_msgpack(refined({2: "abc", 3: [1, True], 5: 7}), "dynamic") is UNKNOWN
    assert decode_msgpack(ext(0, b"\x00"), "dynamic") is UNKNOWN


def test_trailing_bytes_after_the_refinement_map_are_ignored() -> None:
    assert decode_msgpack(refined({1: False}, trailing=b"\xc0\x01\x02"), "string") is UNKNOWN


def test_refinements_that_pin_the_value_collapse_as_go_cty_does() -> None:
    assert decode_msgpack(refined({1: True}), "string") is None  # "definitely null"
    assert decode_msgpack(refined({1: False, 3: [5, True], 4: [5, True]}), "number") == 5
    assert decode_msgpack(refined({1: False, 3: [5, True], 4: [6, False]}), "number") is UNKNOWN
    assert decode_msgpack(refined({1: False, 6: 0}), ["list", "string"]) == []
    assert decode_msgpack(refined({1: False, 5: 2, 6: 2}), ["list", "string"]) == [
        UNKNOWN,
        UNKNOWN,
    ]
    assert decode_msgpack(refined({1: False, 5: 1, 6: 1}), ["set", "string"]) == [UNKNOWN]
    assert decode_msgpack(refined({1: False, 5: 2, 6: 2}), ["set", "string"]) is UNKNOWN
    assert decode_msgpack(refined({5: 2, 6: 2}), ["list", "string"]) is UNKNOWN  # may be null
    with pytest.raises(CtyError, match="greater than upper bound"):
        decode_msgpack(refined({3: [9, True], 4: [1, True]}), "number")


def test_number_bounds_accept_cty_number_encodings() -> None:
    wire = refined({3: ["12345678901234567890", True], 4: [1.5e30, False]})
    assert decode_msgpack(wire, "number") is UNKNOWN


def test_known_dynamic_values_carry_their_type() -> None:
    data = msgpack.packb([b'["list","string"]', ["a", "b"]], use_bin_type=True)
    assert decode_msgpack(data, "dynamic") == ["a", "b"]


def test_the_sandbox_answers_with_plain_unknowns() -> None:
    assert encode_msgpack(UNKNOWN, "string") == b"\xd4\x00\x00"


def test_impossible_ranges_are_errors() -> None:
    with pytest.raises(CtyError, match="greater than upper bound"):
        decode_msgpack(refined({1: False, 3: [2, True], 4: [2, False]}), "number")
    with pytest.raises(CtyError, match="length upper bound"):
        decode_msgpack(refined({5: 3, 6: 1}), ["list", "string"])
