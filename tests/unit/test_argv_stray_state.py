"""Building argv never reads a state file: python-terraform's constructor parses
./terraform.tfstate, so an empty one there used to fail every command and a large one cost
time on every argv."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfctl.terraform import output_argv, plan_argv, validate_argv


@pytest.mark.parametrize("content", ["", "{not json", '{"version": 4, "resources": []}'])
def test_a_stray_state_file_in_the_current_directory_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    (tmp_path / "terraform.tfstate").write_text(content)
    monkeypatch.chdir(tmp_path)
    import python_terraform

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("argv building read a state file")

    monkeypatch.setattr(python_terraform.Terraform, "read_state_file", refuse)
    assert plan_argv("terraform", detailed_exitcode=True) == [
        "terraform",
        "plan",
        "-no-color",
        "-input=false",
        "-lock-timeout=0s",
        "-detailed-exitcode",
        "-json",
    ]
    assert validate_argv("terraform") == ["terraform", "validate", "-no-color", "-json"]
    assert output_argv("terraform") == ["terraform", "output", "-no-color", "-json"]
