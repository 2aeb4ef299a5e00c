"""Secrets quoted by terraform inside its -json stream never reach any output, log or exception.

Each generated secret is planted the way terraform 1.x writes it: quoted with Go's %q inside a
diagnostic (alone, inside a template, inside jsonencode()), in a `@message`, and in a snippet, and
the event is then JSON-encoded the way Go's encoding/json does (`<>&` as \\u003c..., non-ASCII
raw). The stream goes through the masker in random chunks, then through every decoding step tfctl
applies (the streamed UI lines, parse_events, diagnostics_text, the exception, results, logs).
"""

from __future__ import annotations

import json
import logging

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tfctl.errors import TerraformCommandError
from tfctl.masking import Masker
from tfctl.results import PlanResult
from tfctl.terraform import diagnostics_text, parse_events, ui_message

PRINTABLE = [chr(code) for code in range(0x20, 0x7F)]
SPECIAL = list('"\\<>&')
NON_ASCII = list("éüßøñ漢字Ж€\u00a0\u2028🔑")
SECRET = st.text(
    alphabet=st.one_of(
        st.sampled_from(PRINTABLE), st.sampled_from(SPECIAL), st.sampled_from(NON_ASCII)
    ),
    min_size=4,
    max_size=32,
).filter(lambda s: bool(s.strip()))
# 1,000 secrets per run: 250 examples of four secrets each
PROFILE = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def json_unicode(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def go_json(value: str) -> str:
    """Go's encoding/json escaping, written independently of tfctl.masking."""
    out = json_unicode(value)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        out = out.replace(char, escape)
    return out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def go_quote(value: str) -> str:
    """Go's %q of printable text (plus U+00A0/U+2028, which %q writes as \\u00a0/\\u2028)."""
    out = json_unicode(value)
    return out.replace("\u00a0", "\\u00a0").replace("\u2028", "\\u2028")


def readable_forms(secret: str) -> set[str]:
    """The secret and what one or two layers of JSON / %q quoting make of it."""
    encoders = (json_unicode, go_json, go_quote, lambda v: json.dumps(v)[1:-1])
    forms, layer = {secret}, {secret}
    for _ in range(2):
        layer = {encode(form) for form in layer for encode in encoders}
        forms |= layer
    return {form for form in forms if len(form) >= 4}


def events_for(secret: str, address: str) -> list[dict[str, object]]:
    detail = (
        f'Invalid value for "v" parameter: cannot convert "{go_quote(secret)}" to number; '
        "given string must be a decimal representation of a number."
    )
    return [
        {"@level": "info", "@message": "Terraform 1.15.5", "type": "version"},
        {
            "@level": "info",
            "@message": f'{address}: Plan to create (value "{go_quote(secret)}")',
            "change": {
                "resource": {"addr": address, "resource_type": "null_resource"},
                "action": "create",
            },
            "type": "planned_change",
        },
        {
            "@level": "error",
            "@message": "Error: Invalid function argument",
            "diagnostic": {
                "severity": "error",
                "summary": "Invalid function argument",
                "detail": detail,
                "snippet": {"code": "  a = tonumber(nonsensitive(var.secret))", "values": []},
            },
            "type": "diagnostic",
        },
        {
            "@level": "error",
            "@message": "Error: Invalid function argument",
            "diagnostic": {
                "severity": "error",
                "summary": "Invalid function argument",
                "detail": f'cannot convert "{go_quote("xx" + secret + "yy")}" to number',
            },
            "type": "diagnostic",
        },
        {
            "@level": "error",
            "@message": "Error: Invalid function argument",
            "diagnostic": {
                "severity": "error",
                "summary": "Invalid function argument",
                "detail": f'cannot convert "{go_quote(go_json(json.dumps(secret)))}" to number',
            },
            "type": "diagnostic",
        },
        {
            "@level": "info",
            "@message": "Plan: 1 to add, 0 to change, 0 to destroy.",
            "changes": {"add": 1, "change": 0, "remove": 0, "operation": "plan"},
            "type": "change_summary",
        },
    ]


def go_line(event: dict[str, object]) -> str:
    """One line of terraform's -json stream: Go's encoding/json, non-ASCII left raw."""
    return go_json_document(json.dumps(event, ensure_ascii=False, separators=(",", ":"))) + "\n"


def go_json_document(text: str) -> str:
    # outside strings a document holds none of <, >, &, U+2028/9: replacing everywhere is exact
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def chunks(text: str, cuts: list[int]) -> list[str]:
    points = sorted({min(max(cut, 0), len(text)) for cut in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(text[start:point])
        start = point
    pieces.append(text[start:])
    return pieces


def pipeline(masker: Masker, secrets: list[str], cuts: list[int]) -> dict[str, str]:
    """Every text tfctl derives from the stream: what it shows, logs, raises and returns."""
    raw = "".join(
        go_line(event)
        for number, secret in enumerate(secrets)
        for event in events_for(secret, f"null_resource.r{number}")
    )
    stream = masker.stream()
    stdout = "".join(stream.feed(piece) for piece in chunks(raw, cuts)) + stream.flush()
    events = parse_events(stdout)
    assert len(events) == 6 * len(secrets)  # every line is still a JSON object after masking
    shown = [ui_message(line) or "" for line in stdout.splitlines()]
    diagnostics = diagnostics_text(events)
    error = TerraformCommandError(["terraform", "plan"], 1, stdout, diagnostics)
    plan = PlanResult.from_events("dev", events)
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    logger = logging.getLogger("tfctl.test.diagnostics")
    logger.propagate = False
    handler = Collect()
    handler.addFilter(masker.logging_filter())
    logger.addHandler(handler)
    try:
        for text in shown:
            logger.error("terraform: %s", text)
    finally:
        logger.removeHandler(handler)
    return {
        "stdout": stdout,
        "shown": "\n".join(shown),
        "diagnostics": diagnostics,
        "error": str(error),
        "error.stderr": error.stderr,
        "error.stdout": error.stdout,
        "plan": json.dumps(plan.to_json(), ensure_ascii=False),
        "events": json.dumps(masker.mask_json(events), ensure_ascii=False),
        "log": "\n".join(records),
    }


@PROFILE
@given(
    secrets=st.lists(SECRET, min_size=4, max_size=4, unique=True),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=10),
)
def test_quoted_secrets_in_json_events_never_leak(secrets: list[str], cuts: list[int]) -> None:
    # The same texts with every value already masked: a secret spelled by that structure alone
    # (`true`, `Error`, `*** to`) would be "found" whatever tfctl does, so it is not a test case.
    skeleton = "\n".join(
        pipeline(Masker(github_actions=False), ["***"] * len(secrets), []).values()
    )
    assume(not any(form in skeleton for s in secrets for form in readable_forms(s)))

    masker = Masker(github_actions=False)
    for secret in secrets:
        assert masker.register(secret)
    texts = pipeline(masker, secrets, cuts)
    for secret in secrets:
        for name, text in texts.items():
            leaked = [form for form in readable_forms(secret) if form in text]
            assert not leaked, f"{name} leaks {leaked!r}"
    # the masks really are where the values were
    assert '"***"' in texts["diagnostics"]


def test_an_exception_is_masked_again_in_every_field() -> None:
    masker = Masker(github_actions=False)
    secret = 'Pa$$w0rd&"x'
    masker.register(secret)
    quoted = f'cannot convert "{go_quote(secret)}" to number'
    error = TerraformCommandError(["terraform", "plan", secret], 1, quoted, f"Error: {quoted}")
    error.mask_fields(masker.mask)
    for text in (str(error), error.message, error.stdout, error.stderr, " ".join(error.argv)):
        assert not [form for form in readable_forms(secret) if form in text], text
    assert 'cannot convert "***" to number' in str(error)
