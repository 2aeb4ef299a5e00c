"""Deterministic tests of tfctl.masking: refusal, Secret, transit forms, streaming, add-mask."""

from __future__ import annotations

import base64
import json
import logging
import os
import pickle
import urllib.parse
from pathlib import Path

import pytest

from tfctl.masking import MASK, MAX_HOLD, Masker, Secret

PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo\n"
    "-----END RSA PRIVATE KEY-----"
)


@pytest.fixture
def masker() -> Masker:
    return Masker(github_actions=False)


def test_short_values_are_refused_with_a_warning(
    masker: Masker, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tfctl.masking"):
        assert masker.register("abc", name="DB_PIN") is False
    assert "DB_PIN" in caplog.text
    assert "abc" not in caplog.text
    assert masker.mask("abc abcd") == "abc abcd"
    assert len(masker) == 0


def test_blank_and_empty_values_are_refused(masker: Masker) -> None:
    assert masker.register("") is False
    assert masker.register("    \n\t ") is False
    assert masker.mask("a    \n\t b") == "a    \n\t b"


def test_four_characters_is_enough(masker: Masker) -> None:
    assert masker.register("abcd") is True
    assert masker.mask("xabcdx") == f"x{MASK}x"


def test_secret_never_prints_its_value() -> None:
    secret = Secret("hunter2-very-secret")
    assert str(secret) == MASK
    assert "hunter2" not in repr(secret)
    assert f"{secret}" == MASK
    assert f"{secret:>6}" == f"   {MASK}"
    assert "%s" % (secret,) == MASK  # noqa: UP031
    assert secret.reveal() == "hunter2-very-secret"


def test_secret_equality_and_hash_follow_the_value() -> None:
    assert Secret("value-one") == Secret("value-one")
    assert Secret("value-one") != Secret("value-two")
    assert Secret("value-one") != "value-one"
    assert len({Secret("value-one"), Secret("value-one"), Secret("value-two")}) == 2


def test_secret_is_frozen_and_not_picklable() -> None:
    secret = Secret("value-one")
    with pytest.raises(AttributeError):
        secret._value = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_registering_a_secret_object(masker: Masker) -> None:
    assert masker.register(Secret("from-a-secret-object"))
    assert masker.mask("x from-a-secret-object") == f"x {MASK}"


def test_password_in_a_connection_string(masker: Masker) -> None:
    password = "p@ss:w/rd%41 +x"
    masker.register(password, name="redis_password")
    url_forms = {
        urllib.parse.quote(password, safe=""),
        urllib.parse.quote(password),
        urllib.parse.quote_plus(password),
    }
    for form in url_forms:
        text = f"rediss://default:{form}@eu1-big-cat.upstash.io:6379"
        assert masker.mask(text) == f"rediss://default:{MASK}@eu1-big-cat.upstash.io:6379"
    lower = urllib.parse.quote(password, safe="").lower()
    assert password not in masker.mask(f"u:{lower}@h")
    assert lower not in masker.mask(f"u:{lower}@h")


def test_json_forms_including_go_html_escaping(masker: Masker) -> None:
    password = 'a<b>&"c\\d\u00e9'
    masker.register(password)
    go_style = 'a\\u003cb\\u003e\\u0026\\"c\\\\d\u00e9'
    for form in (
        json.dumps(password)[1:-1],
        json.dumps(password, ensure_ascii=False)[1:-1],
        go_style,
    ):
        assert form not in masker.mask(f'{{"value":"{form}"}}')
    nested = json.dumps(json.dumps({"password": password}))
    assert password not in masker.mask(nested)
    assert json.dumps(password)[1:-1] not in masker.mask(nested)


@pytest.mark.parametrize("offset", [0, 1, 2, 3, 4, 5])
def test_base64_at_every_alignment(masker: Masker, offset: int) -> None:
    secret = "correct horse battery staple"
    masker.register(secret)
    blob = base64.b64encode(os.urandom(offset) + secret.encode() + b"--trailer--").decode()
    masked = masker.mask(f"data: {blob}")
    assert MASK in masked
    # the characters that encode only the secret's bytes are all gone
    start = -(-8 * offset // 6)
    end = (8 * (offset + len(secret))) // 6
    assert blob[start:end] not in masked


def test_standalone_base64_is_masked_whole(masker: Masker) -> None:
    masker.register("s3cr3t-t0ken!")
    encoded = base64.b64encode(b"s3cr3t-t0ken!").decode()
    assert masker.mask(f"auth={encoded};") == f"auth={MASK};"


def test_secrets_registered_later_are_masked_by_existing_streams(masker: Masker) -> None:
    stream = masker.stream()
    assert stream.feed("before first-secret\n") == "before first-secret\n"
    masker.register("first-secret")
    assert stream.feed("after first-secret\n") == f"after {MASK}\n"


def test_overlapping_secrets_hide_both(masker: Masker) -> None:
    masker.register("abcdef")
    masker.register("defghi")
    assert masker.mask("xxabcdefghixx") == f"xx{MASK}xx"


def test_secret_containing_the_token(masker: Masker) -> None:
    masker.register("0***")
    assert "0***" not in masker.mask("000***")


def test_stream_emits_each_complete_line_at_once(masker: Masker) -> None:
    masker.register("top-secret-value")
    stream = masker.stream()
    assert stream.feed("line one\n") == "line one\n"
    assert stream.feed("value top-secret-value\n") == f"value {MASK}\n"
    assert stream.feed("partial top-sec") == ""
    assert stream.feed("ret-value end\nnext") == f"partial {MASK} end\n"
    assert stream.flush() == "next"
    assert stream.flush() == ""


def test_stream_masks_a_secret_split_into_single_characters(masker: Masker) -> None:
    masker.register("split-me-secret")
    stream = masker.stream()
    out = "".join(stream.feed(char) for char in "a split-me-secret b\nc split-me-") + stream.flush()
    assert out == f"a {MASK} b\nc split-me-"


def test_stream_masks_a_pem_key_fed_line_by_line(masker: Masker) -> None:
    masker.register(PEM, name="tls_key")
    stream = masker.stream()
    outputs = [stream.feed("before\n"), stream.feed("key = " + PEM.splitlines()[0] + "\n")]
    assert outputs == ["before\n", ""]  # the header may start the key: held back
    for line in PEM.splitlines(keepends=True)[1:]:
        outputs.append(stream.feed(line))
    outputs.append(stream.feed(" end\n"))
    outputs.append(stream.feed("after\n"))
    outputs.append(stream.flush())
    text = "".join(outputs)
    assert text == f"before\nkey = {MASK} end\nafter\n"
    assert outputs[-2] == "after\n"


def test_stream_releases_a_held_line_once_it_cannot_be_a_secret(masker: Masker) -> None:
    masker.register(PEM)
    stream = masker.stream()
    assert stream.feed("-----BEGIN RSA PRIVATE KEY-----\n") == ""
    released = stream.feed("not a key\n")
    assert released.startswith("-----BEGIN RSA PRIVATE KEY-----\nnot a key")


def test_pem_lines_reindented_by_terraform_are_masked(masker: Masker) -> None:
    masker.register(PEM)
    reindented = "".join(f"          {line}\n" for line in PEM.splitlines())
    masked = masker.mask(reindented)
    for line in PEM.splitlines()[1:-1]:
        assert line not in masked


def test_stream_bounds_an_endless_line(masker: Masker) -> None:
    masker.register("needle-in-haystack")
    stream = masker.stream()
    first = stream.feed("x" * (MAX_HOLD + 10) + "needle-in-")
    assert first
    assert len(first) <= MAX_HOLD + 10
    rest = stream.feed("haystack y") + stream.flush()
    assert (first + rest).endswith(f"{MASK} y")
    assert "needle" not in first + rest


def test_logging_filter_masks_message_args_and_traceback(masker: Masker) -> None:
    masker.register("log-secret-value")
    logger = logging.getLogger("tfctl.test.masking")
    logger.propagate = False
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(masker.logging_filter())
    logger.addHandler(handler)
    try:
        logger.warning("token is %s", "log-secret-value")
        logger.warning("inline log-secret-value %d", 3)
        try:
            raise ValueError("bad log-secret-value")
        except ValueError:
            logger.exception("failed with %r", {"k": "log-secret-value"})
    finally:
        logger.removeHandler(handler)
    text = "\n".join(records)
    assert "log-secret-value" not in text
    assert text.count(MASK) >= 4
    assert "ValueError" in text


def test_mask_json_masks_keys_and_values(masker: Masker) -> None:
    masker.register("json-secret")
    document = {"a": ["json-secret", 1, None, {"json-secret": "x json-secret y"}], "b": True}
    assert masker.mask_json(document) == {
        "a": [MASK, 1, None, {MASK: f"x {MASK} y"}],
        "b": True,
    }


def test_register_tree_registers_every_leaf(masker: Masker) -> None:
    count = masker.register_tree(
        {"host": "db.example.com", "creds": ["user-name", "pass-word"], "port": 5432, "x": "ab"}
    )
    assert count == 3
    assert (
        masker.mask("db.example.com user-name pass-word 5432 ab") == f"{MASK} {MASK} {MASK} 5432 ab"
    )


def _read_pipe(fd: int) -> str:
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 65536).decode()
    except BlockingIOError:
        return ""


def test_add_mask_once_per_value_to_the_given_fd() -> None:
    read_fd, write_fd = os.pipe()
    try:
        masker = Masker(github_actions=True, add_mask_fd=write_fd)
        masker.register("gh-secret-1%\r")
        masker.register("gh-secret-1%\r")
        masker.register("abc")
        masker.register(PEM)
        written = _read_pipe(read_fd)
    finally:
        os.close(read_fd)
        os.close(write_fd)
    lines = written.splitlines()
    assert lines[0] == "::add-mask::gh-secret-1%25%0D"
    assert written.count("gh-secret-1") == 1
    assert "abc" not in written
    # the whole key, escaped, and each of its lines on its own
    assert "::add-mask::" + PEM.replace("\n", "%0A") in lines
    for line in PEM.splitlines()[1:-1]:
        assert f"::add-mask::{line}" in lines
    assert "::add-mask::-----BEGIN RSA PRIVATE KEY-----" not in lines


def test_add_mask_is_not_written_into_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "redirected.log"
    with target.open("w") as handle:
        masker = Masker(github_actions=True, add_mask_fd=handle.fileno())
        assert masker.register("would-land-on-disk")
    assert "would-land-on-disk" not in target.read_text()


def test_add_mask_follows_github_actions_env(monkeypatch: pytest.MonkeyPatch) -> None:
    read_fd, write_fd = os.pipe()
    try:
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        Masker(add_mask_fd=write_fd).register("in-actions-value")
        monkeypatch.setenv("GITHUB_ACTIONS", "false")
        Masker(add_mask_fd=write_fd).register("local-run-value")
        written = _read_pipe(read_fd)
    finally:
        os.close(read_fd)
        os.close(write_fd)
    assert written == "::add-mask::in-actions-value\n"


def test_masker_repr_shows_no_value(masker: Masker) -> None:
    masker.register("repr-secret")
    assert "repr-secret" not in repr(masker)
    assert masker.secret_count == 1
