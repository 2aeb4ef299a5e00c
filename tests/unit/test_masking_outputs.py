"""Secrets inside sensitive outputs are masked on their own, apart from the whole value."""

from __future__ import annotations

import json
import logging

import pytest

from tfctl.masking import Masker


def masker() -> Masker:
    return Masker(github_actions=False)


def test_the_password_of_a_url_is_registered_on_its_own() -> None:
    m = masker()
    m.register_tree("rediss://default:Pw%2Fr3d1s+x@eu1-fine-cat.upstash.io:6379")
    assert m.mask("AUTH Pw/r3d1s+x") == "AUTH ***"
    assert m.mask("password=Pw%2Fr3d1s+x") == "password=***"
    # the user name is not a secret
    assert m.mask("user default") == "user default"


def test_secret_query_parameters_are_registered() -> None:
    m = masker()
    m.register_tree("https://qstash.upstash.io/v2?token=tok_abcdef123&region=eu-central-1")
    assert m.mask("token tok_abcdef123") == "token ***"
    assert "eu-central-1" in m.mask("region eu-central-1")


def test_members_of_a_json_string_are_registered(caplog: pytest.LogCaptureFixture) -> None:
    m = masker()
    document = json.dumps({"user": "app", "password": "hunter2-xyz", "nested": ["tok-9876"]})
    with caplog.at_level(logging.WARNING, logger="tfctl.masking"):
        m.register_tree({"credentials": document})
    assert m.mask("pw hunter2-xyz, token tok-9876") == "pw ***, token ***"
    # short members are skipped quietly: the whole document is masked anyway
    assert caplog.records == []
    assert m.mask(document) == "***"


def test_plain_values_register_only_themselves() -> None:
    m = masker()
    assert m.register_tree("just-a-password") == 1
    assert m.register_tree(["not a url: x://", "{not json"]) == 2
