"""tfctl.diagnostics: terraform's JSON and human diagnostics become one value, rendered one way
(severity, summary, file:line:col, the source line with the range underlined, detail), masked."""

from __future__ import annotations

from pathlib import Path

from tfctl import diagnostics
from tfctl.diagnostics import Diagnostic
from tfctl.masking import Masker

JSON_ITEM = {
    "severity": "error",
    "summary": "Unsupported argument",
    "detail": 'An argument named "colour" is not expected here.',
    "range": {
        "filename": "main.tf",
        "start": {"line": 12, "column": 3, "byte": 200},
        "end": {"line": 12, "column": 9, "byte": 206},
    },
    "snippet": {
        "context": 'resource "null_resource" "app"',
        "code": '  colour = "blue"',
        "start_line": 12,
        "highlight_start_offset": 2,
        "highlight_end_offset": 8,
        "values": [],
    },
}


def test_a_json_diagnostic_renders_like_terraform() -> None:
    diagnostic = Diagnostic.from_json(JSON_ITEM)
    assert diagnostic.location == "main.tf:12:3"
    assert diagnostic.render() == (
        "Error: Unsupported argument\n"
        "\n"
        '  on main.tf:12:3, in resource "null_resource" "app":\n'
        '  12:   colour = "blue"\n'
        "        ^^^^^^\n"
        "\n"
        'An argument named "colour" is not expected here.'
    )


def test_the_highlight_counts_characters_not_bytes() -> None:
    item = {
        **JSON_ITEM,
        "snippet": {
            **JSON_ITEM["snippet"],  # type: ignore[dict-item]
            "code": '  name = "café" + x',
            "highlight_start_offset": 19,  # bytes: "é" is two
            "highlight_end_offset": 20,
        },
    }
    lines = Diagnostic.from_json(item).render().splitlines()
    code, carets = lines[3], lines[4]
    assert code[carets.index("^")] == "x"


def test_absolute_paths_are_shown_relative_to_the_environment(tmp_path: Path) -> None:
    item = {**JSON_ITEM, "range": {"filename": str(tmp_path / "main.tf"), "start": {"line": 1}}}
    assert Diagnostic.from_json(item, root=tmp_path).location == "main.tf:1"


def test_a_warning_without_a_range() -> None:
    warning = Diagnostic.from_json({"severity": "warning", "summary": "Deprecated", "detail": ""})
    assert warning.render() == "Warning: Deprecated" and not warning.is_error


def test_validate_document_and_error_count() -> None:
    document = {
        "valid": False,
        "diagnostics": [JSON_ITEM, {"severity": "warning", "summary": "W"}, JSON_ITEM],
    }
    found = diagnostics.from_validate(document)
    assert [d.severity for d in found] == ["error", "warning", "error"]
    assert diagnostics.count_text(found) == "2 errors"
    assert diagnostics.count_text(found[1:2]) is None


HUMAN = """\
There are some problems with the CLI configuration:
╷
│ Warning: Unable to open CLI configuration file
│
│ The CLI configuration file at "missing.rc" does not exist.
╵

╷
│ Error: Unsupported argument
│
│   on main.tf line 12, in resource "null_resource" "app":
│   12:   colour = "blue"
│
│ An argument named "colour" is not expected here.
╵
"""


def test_terraforms_human_output_is_parsed() -> None:
    warning, error = diagnostics.from_text(HUMAN)
    assert (warning.severity, warning.summary) == (
        "warning",
        "Unable to open CLI configuration file",
    )
    assert error.location == "main.tf:12"
    assert (error.code_line, error.code) == (12, '  colour = "blue"')
    assert error.detail == 'An argument named "colour" is not expected here.'
    assert 'on main.tf:12, in resource "null_resource" "app":' in error.render()


def test_masked_hides_secrets_in_every_text() -> None:
    masker = Masker()
    masker.register("s3cr3t-value-xyz")
    item = {
        **JSON_ITEM,
        "detail": 'cannot convert "s3cr3t-value-xyz" to number',
        "snippet": {**JSON_ITEM["snippet"], "code": '  x = "s3cr3t-value-xyz"'},  # type: ignore[dict-item]
    }
    shown = Diagnostic.from_json(item).masked(masker.mask)
    assert "s3cr3t" not in shown.render() and "s3cr3t" not in str(shown.to_json())


def test_split_text_keeps_text_outside_the_boxes() -> None:
    other, found = diagnostics.split_text(HUMAN)
    assert other == ["There are some problems with the CLI configuration:"]
    assert [d.severity for d in found] == ["warning", "error"]
    plain = "Error: Failed to install provider\n\nno network\n"
    assert diagnostics.split_text(plain)[1][0].detail == "no network"
    assert diagnostics.split_text("just text\n") == (["just text"], [])
