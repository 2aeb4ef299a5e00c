"""Argv builders: python-terraform builds them; each of its known defects is guarded."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tfctl import terraform as tf
from tfctl.errors import TerraformVersionError

BIN = "/opt/terraform"


def test_every_command_gets_no_color_and_input_false_where_accepted() -> None:
    for argv in (
        tf.init_argv(BIN),
        tf.plan_argv(BIN),
        tf.apply_argv(BIN, plan_file=Path("p.tfplan")),
        tf.destroy_argv(BIN, auto_approve=True),
    ):
        assert "-no-color" in argv
        assert "-input=false" in argv
    for argv in (tf.output_argv(BIN), tf.validate_argv(BIN), tf.show_argv(BIN, Path("p"))):
        assert "-no-color" in argv
        assert "-input=false" not in argv  # terraform rejects -input on these commands


def test_destroy_never_gets_force() -> None:
    # python-terraform's destroy() adds -force, which terraform >= 0.15 rejects.
    argv = tf.destroy_argv(BIN, auto_approve=True)
    assert "-force" not in argv
    assert "-auto-approve" in argv
    assert "-auto-approve" not in tf.destroy_argv(BIN)


def test_apply_auto_approve_is_a_bare_flag_only_when_asked() -> None:
    # python-terraform 0.10.1 turns skip_plan into -auto-approve=<bool>.
    assert not [a for a in tf.apply_argv(BIN) if a.startswith("-auto-approve")]
    assert "-auto-approve" in tf.apply_argv(BIN, auto_approve=True)
    saved = tf.apply_argv(BIN, plan_file=Path("x.tfplan"), auto_approve=True)
    assert saved[-1] == "x.tfplan"
    assert not [a for a in saved if a.startswith("-auto-approve")]


def test_dict_values_are_refused_instead_of_written_to_temp_files() -> None:
    with pytest.raises(ValueError, match="TF_VAR_"):
        tf.build_argv(BIN, "plan", var={"password": "hunter2-secret"})


def test_synchronous_kwarg_does_not_leak_into_argv() -> None:
    argv = tf.build_argv(BIN, "plan", synchronous=False)
    assert not [a for a in argv if "synchronous" in a]


def test_python_terraform_logs_no_command_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    tf.plan_argv(BIN, targets=["null_resource.a"])
    assert not [r for r in caplog.records if r.name.startswith("python_terraform")]
    assert not [r for r in caplog.records if BIN in r.getMessage()]


def test_plan_argv_options() -> None:
    argv = tf.plan_argv(
        BIN,
        out=Path("/x/p.tfplan"),
        targets=["a.b", "c.d"],
        refresh=False,
        detailed_exitcode=True,
        lock_timeout="2m",
    )
    assert argv[:2] == [BIN, "plan"]
    assert "-out=/x/p.tfplan" in argv
    assert argv.count("-target=a.b") == 1 and "-target=c.d" in argv
    assert "-refresh=false" in argv
    assert "-detailed-exitcode" in argv
    assert "-lock-timeout=2m" in argv
    assert "-json" in argv
    assert "-refresh=false" not in tf.plan_argv(BIN)


def test_init_argv_appends_backend_config() -> None:
    argv = tf.init_argv(BIN, backend_config=["-backend-config=bucket=b"], upgrade=True)
    assert argv[-1] == "-backend-config=bucket=b"
    assert "-upgrade" in argv and "-reconfigure" not in argv


def test_apply_refuses_targets_with_saved_plan() -> None:
    with pytest.raises(ValueError, match="targets"):
        tf.apply_argv(BIN, plan_file=Path("p"), targets=["a.b"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.0.3", (1, 0, 3)), ("v1.6.0-beta1", (1, 6, 0)), ("1.10", (1, 10, 0))],
)
def test_version_parse(text: str, expected: tuple[int, int, int]) -> None:
    assert tf.Version.parse(text).tuple == expected


@pytest.mark.parametrize("text", ["0.15.5", "1.0.2", "2.0.0"])
def test_unsupported_versions_are_refused(text: str) -> None:
    with pytest.raises(TerraformVersionError, match=r">= 1\.0\.3"):
        tf._checked(tf.Version.parse(text))


def test_ui_message_renders_diagnostics_and_hides_version() -> None:
    assert tf.ui_message('{"type":"version","@message":"Terraform 1.0.3"}') is None
    text = tf.ui_message(
        '{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Bad","detail":"Why"}}'
    )
    assert text == "Error: Bad\n\nWhy"  # tfctl.diagnostics.render
    assert tf.ui_message("plain text") == "plain text"
