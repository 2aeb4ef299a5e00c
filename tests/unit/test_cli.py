"""Exit codes and one-line errors through typer's CliRunner (no terraform process is started)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tfctl import __version__
from tfctl.__main__ import COMMANDS, VALUED_GLOBAL_OPTIONS, app, build_app, command_named

runner = CliRunner()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for env in ("dev", "prod"):
        (tmp_path / "terraform" / "environments" / env).mkdir(parents=True)
    for name in ("TFCTL_ROOT", "TFCTL_TERRAFORM_BIN", "TFCTL_STATE_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_line_error(output: str) -> str:
    """The single `error:` line; anything else printed must be tfctl's own notices."""
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    others = [
        line for line in output.splitlines() if line.strip() and not line.startswith("error:")
    ]
    assert len(errors) == 1, output
    assert all(line.startswith("tfctl:") for line in others), output
    assert "Traceback" not in output
    return errors[0]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"tfctl {__version__}"


def test_envs_lists_environments_and_protection(root: Path) -> None:
    result = runner.invoke(app, ["envs", "--json"])
    assert result.exit_code == 0, result.output
    assert '"name": "prod"' in result.stdout and '"protected": true' in result.stdout


def test_unknown_environment(root: Path) -> None:
    result = runner.invoke(app, ["plan", "dve"])
    assert result.exit_code == 1
    line = one_line_error(result.output)
    assert "unknown environment 'dve'" in line and "dev, prod" in line


def test_path_like_environment_name_is_refused(root: Path) -> None:
    result = runner.invoke(app, ["plan", "../etc"])
    assert result.exit_code == 1
    assert "not a valid environment name" in one_line_error(result.output)


def test_missing_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFCTL_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["plan", "dev"])
    assert result.exit_code == 1
    assert "no terraform/environments/ folder" in one_line_error(result.output)


def test_missing_terraform_binary(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFCTL_TERRAFORM_BIN", str(root / "nowhere" / "terraform"))
    result = runner.invoke(app, ["plan", "dev"])
    assert result.exit_code == 1
    line = one_line_error(result.output)
    assert "not found" in line and "TFCTL_TERRAFORM_BIN" in line


def test_too_old_terraform_binary(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = root / "old-terraform"
    fake.write_text('#!/bin/sh\necho \'{"terraform_version": "0.14.11"}\'\n')
    fake.chmod(0o755)
    monkeypatch.setenv("TFCTL_TERRAFORM_BIN", str(fake))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))
    result = runner.invoke(app, ["init", "dev"])
    assert result.exit_code == 1
    assert "terraform 0.14.11 is not supported" in one_line_error(result.output)


def test_malformed_settings_file(root: Path) -> None:
    (root / "tfctl.toml").write_text("[tfctl]\nretries = 'many'\n")
    result = runner.invoke(app, ["envs"])
    assert result.exit_code == 1
    assert "retries" in one_line_error(result.output)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["plan", "dev"], "plan"),
        (["--root", "plan", "apply", "dev"], "apply"),  # a valued option's value is not a command
        (["--root=x", "--debug", "--sandbox", "state", "history", "dev"], "state"),
        (["--retries", "2", "--log-file", "f", "doctor"], "doctor"),
        (["--help"], None),
        (["--version", "plan"], None),
        (["bogus", "dev"], None),
        (["--debug"], None),
        ([], None),
    ],
)
def test_one_run_builds_the_command_it_runs(argv: list[str], expected: str | None) -> None:
    assert command_named(argv) == expected


def test_the_valued_global_options_are_the_callbacks() -> None:
    import typer.main

    command = typer.main.get_command(app)
    valued = {
        opt
        for param in command.params
        if not getattr(param, "is_flag", False) and param.param_type_name == "option"
        for opt in param.opts
    }
    assert valued == VALUED_GLOBAL_OPTIONS


@pytest.mark.parametrize("name", [name for name, _register in COMMANDS])
def test_a_command_built_alone_is_the_same_command(name: str) -> None:
    import typer.main

    whole: Any = typer.main.get_command(app)
    alone: Any = typer.main.get_command(build_app(name))
    assert list(alone.commands) == [name]
    assert name in whole.commands
    full_help = runner.invoke(app, [name, "--help"])
    assert full_help.exit_code == 0 and name in full_help.output
    assert runner.invoke(build_app(name), [name, "--help"]).output == full_help.output
