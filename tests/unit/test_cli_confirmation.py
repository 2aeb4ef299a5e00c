"""Confirmations without a process: the typed-name match, the approver, `--yes --confirm ENV`
for a protected environment's state restore and unlock, and the warning when prod is unprotected."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tfctl.__main__ import app
from tfctl.cli import common
from tfctl.errors import PlanRefusedError
from tfctl.results import PlanResult, ResourceChange
from tfctl.safety import confirm_protected, protection_warning, typed_name_matches
from tfctl.settings import Settings

runner = CliRunner()

TYPED = [
    ("prod", True),
    ("prod\n", True),
    ("  prod  ", True),
    ("PROD", False),
    ("Prod", False),
    ("pro d", False),
    ("prod.", False),
    ("", False),
    ("\u0440rod", False),  # Cyrillic er
    ("pr\u043ed", False),  # Cyrillic o
    ("\uff50\uff52\uff4f\uff44", False),  # fullwidth, NFKC-equal to prod
    ("prod\u200b", False),  # zero-width space
    ("dev", False),
]


@pytest.mark.parametrize(("answer", "accepted"), TYPED)
def test_typed_name_is_matched_exactly(answer: str, accepted: bool) -> None:
    assert typed_name_matches(answer, "prod") is accepted


@dataclass
class FakeProject:
    settings: Settings = field(default_factory=Settings)


@dataclass
class FakeEnvironment:
    name: str
    protected: bool
    project: FakeProject = field(default_factory=FakeProject)


PLAN = PlanResult(
    environment="prod",
    changes=(ResourceChange("null_resource.a", "null_resource", "create"),),
    add=1,
    change=0,
    remove=0,
)


@pytest.mark.parametrize(("answer", "accepted"), TYPED)
def test_the_approver_applies_only_on_the_exact_name(
    monkeypatch: pytest.MonkeyPatch, answer: str, accepted: bool
) -> None:
    asked: list[str] = []

    def prompt(text: str, **kwargs: Any) -> str:
        asked.append(text)
        return answer

    monkeypatch.setattr(common, "is_terminal", lambda: True)
    monkeypatch.setattr("typer.prompt", prompt)
    monkeypatch.setattr("tfctl.console.plan_summary", lambda *a, **k: None)
    approve = common.approver(
        FakeEnvironment("prod", protected=True),  # type: ignore[arg-type]
        auto_approve=False,
        action="apply",
    )
    assert approve(PLAN) is accepted
    assert asked == ["prod is protected. Type its name to apply"]


def test_protected_restore_without_terminal_needs_yes_and_confirm() -> None:
    def ask(prompt: str) -> str:
        raise AssertionError("no terminal: nothing may be asked")

    def decide(yes: bool, confirm: str | None) -> bool:
        return confirm_protected(
            "prod", "restore", interactive=False, yes=yes, confirm=confirm, ask=ask
        )

    for yes, confirm in ((True, None), (False, None), (False, "prod")):
        with pytest.raises(PlanRefusedError, match="restore needs --yes --confirm prod"):
            decide(yes, confirm)
    for wrong in ("PROD", "dev", "\u0440rod"):
        with pytest.raises(PlanRefusedError, match="does not name prod"):
            decide(True, wrong)
    assert decide(True, "prod") is True


def test_protected_restore_in_a_terminal_asks_for_the_name_even_with_yes() -> None:
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "PROD"

    assert not confirm_protected(
        "prod", "unlock", interactive=True, yes=True, confirm=None, ask=ask
    )
    assert asked == ["prod is protected. Type its name to unlock"]


def test_unprotecting_prod_is_said() -> None:
    assert protection_warning("prod", Settings()) is None
    assert protection_warning("dev", Settings()) is None
    by_env = Settings(
        protected_environments=("staging",),
        sources={"protected_environments": "TFCTL_PROTECTED_ENVIRONMENTS"},
    )
    warning = protection_warning("prod", by_env)
    assert warning is not None
    assert "prod is NOT protected" in warning
    assert "TFCTL_PROTECTED_ENVIRONMENTS is [staging]" in warning
    emptied = Settings(protected_environments=(), sources={"protected_environments": "tfctl.toml"})
    assert "tfctl.toml is [none]" in str(protection_warning("prod", emptied))
    assert protection_warning("staging", by_env) is None


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for env in ("dev", "prod"):
        (tmp_path / "terraform" / "environments" / env).mkdir(parents=True)
    for name in ("TFCTL_ROOT", "TFCTL_PROTECTED_ENVIRONMENTS", "TFCTL_STATE_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["unlock", "prod", "0123-lock", "--yes"],
        ["state", "restore", "prod", "v1", "--yes"],
        ["state", "restore", "prod", "v1", "--yes", "--confirm", "Prod"],
    ],
)
def test_cli_refuses_protected_recovery_before_any_call(root: Path, argv: list[str]) -> None:
    result = runner.invoke(app, argv)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "--confirm prod" in errors[0]


def test_cli_warns_when_prod_lost_its_protection(root: Path) -> None:
    result = runner.invoke(
        app,
        ["state", "restore", "prod", "v1"],
        env={"TFCTL_PROTECTED_ENVIRONMENTS": "staging"},
    )
    assert result.exit_code == 1
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "prod is NOT protected" in warnings[0]
    (root / "tfctl.toml").write_text("[tfctl]\nprotected_environments = []\n")
    result = runner.invoke(app, ["apply", "prod", "--auto-approve"])
    assert "warning: prod is NOT protected: protected_environments from tfctl.toml" in (
        result.output
    )
