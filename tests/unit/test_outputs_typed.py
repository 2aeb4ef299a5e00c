"""Output values keep terraform's types (objects, lists, numbers); in a sensitive value each
string is a Secret, so nothing prints it unless revealed."""

from __future__ import annotations

import json

from tfctl.masking import Masker, Secret, secret_tree
from tfctl.results import OutputValue

TOKENS = {"primary": "tok-nested-secret-0001", "all": ["tok-a-0000000001", "tok-b-0000000002"]}


def _sensitive() -> OutputValue:
    return OutputValue(name="tokens", sensitive=True, type="object", value=secret_tree(TOKENS))


def test_reveal_gives_the_typed_value_not_a_json_string() -> None:
    output = _sensitive()
    assert output.reveal() == TOKENS
    assert output.to_json(reveal=True)["value"] == TOKENS


def test_each_string_inside_a_sensitive_value_is_a_secret() -> None:
    output = _sensitive()
    assert isinstance(output.value["primary"], Secret)
    assert all(isinstance(item, Secret) for item in output.value["all"])
    assert "tok-" not in repr(output) + str(output.value) + repr(output.value)
    assert output.to_json()["value"] is None


def test_non_string_leaves_keep_their_type() -> None:
    value = secret_tree({"port": 6379, "tls": True, "none": None, "name": "x-secret-value"})
    assert value["port"] == 6379 and value["tls"] is True and value["none"] is None


def test_plain_outputs_are_typed_as_terraform_gives_them() -> None:
    settings = {"budget": 150, "tls": True, "ports": [6379]}
    output = OutputValue(name="settings", sensitive=False, type="object", value=settings)
    assert output.reveal() == settings and output.to_json()["value"] == settings


def test_masked_json_masks_each_nested_string() -> None:
    masker = Masker()
    masker.register_tree(TOKENS)
    shown = json.dumps(masker.mask_json({"tokens": TOKENS}))
    assert "tok-" not in shown
