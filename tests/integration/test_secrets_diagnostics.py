"""Secrets that terraform quotes in its own diagnostics never leave tfctl (issue: %q in -json).

The `diagnostics` fixture root fails to convert a sensitive input three ways (the value itself,
the value inside a template, the value inside jsonencode()), so the real terraform quotes it with
Go's %q and its -json stream escapes it a second time (`<>&` as \\u003c..., `\\"` as `\\\\\\"`,
non-ASCII raw). Every stream, the log file and every exception field are searched for the value
in each form a reader could decode it from.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FixtureProject, MotoServer, make_fixture_project
from tfctl.errors import TerraformCommandError
from tfctl.project import Project

pytestmark = pytest.mark.integration

# The values the review found leaking: `"` with `<`; `"` with a non-ASCII letter; `\` with `&`.
LEAKED_BEFORE = ['Pa$$w0rd&"x', 'q"w<ert>y', 'sé"cret-é', "back\\slash&amp", 'all"\\<>&é漢🔑']


def _json_unicode(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _go_json(value: str) -> str:
    text = _json_unicode(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def readable_forms(secret: str) -> set[str]:
    """The value, and every form one to three layers of JSON or %q quoting give it.

    For printable text Go's %q and JSON's escaping agree, so these are computed with json alone.
    """
    encoders = (_json_unicode, _go_json, lambda v: json.dumps(v)[1:-1])
    forms, layer = {secret}, {secret}
    for _ in range(3):
        layer = {encode(form) for form in layer for encode in encoders}
        forms |= layer
    return forms


def leaks(text: str, secret: str) -> list[str]:
    return sorted(form for form in readable_forms(secret) if form in text)


@pytest.fixture
def project(
    tmp_path: Path, moto_server: MotoServer, terraform_bin: Path, terraform_cli_config: Path
) -> FixtureProject:
    fixture = make_fixture_project(
        "diagnostics",
        tmp_path,
        moto=moto_server,
        terraform_bin=terraform_bin,
        cli_config=terraform_cli_config,
    )
    fixture.env["TF_VAR_secret"] = "placeholder-before-init"
    result = fixture.tfctl("init", "dev", timeout=180)
    assert result.returncode == 0, result.stderr
    return fixture


def test_quoted_secrets_in_diagnostics_are_masked_everywhere(
    project: FixtureProject, tmp_path: Path
) -> None:
    log_file = tmp_path / "tfctl.log"
    found: dict[str, list[str]] = {}
    masked = 0
    for secret in LEAKED_BEFORE:
        env = {**project.env, "TF_VAR_secret": secret, "TFCTL_LOG_FILE": str(log_file)}
        for mode in ([], ["--debug"], ["--json"]):
            argv = [sys.executable, "-m", "tfctl"]
            argv += [*mode, "plan", "dev"] if mode != ["--json"] else ["plan", "dev", "--json"]
            result = subprocess.run(
                argv,
                cwd=project.root,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
            assert result.returncode == 1, result.stderr
            assert "Traceback" not in result.stderr
            for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
                hits = leaks(text, secret)
                if hits:
                    found[f"{secret!r} {mode} {stream}"] = hits
            # positive control: terraform did quote the value where tfctl shows a mask
            assert "cannot convert" in result.stderr
            masked += '"***"' in result.stderr
        hits = leaks(log_file.read_text(encoding="utf-8"), secret)
        if hits:
            found[f"{secret!r} log file"] = hits
    assert found == {}
    assert masked == 3 * len(LEAKED_BEFORE)


def test_quoted_secrets_never_reach_exception_fields(project: FixtureProject) -> None:
    for secret in LEAKED_BEFORE:
        lines: list[str] = []
        library = Project.discover(
            project.root,
            environ={**project.env, "TF_VAR_secret": secret, "TFCTL_RETRIES": "0"},
            on_line=lines.append,
        )
        with pytest.raises(TerraformCommandError) as caught:
            library.environment("dev").plan()
        error = caught.value
        assert "cannot convert" in error.stderr
        fields = {
            "str": str(error),
            "message": error.message,
            "stdout": error.stdout,
            "stderr": error.stderr,
            "argv": " ".join(error.argv),
            "streamed": "\n".join(lines),
        }
        leaked = {name: leaks(text, secret) for name, text in fields.items()}
        assert {name: hits for name, hits in leaked.items() if hits} == {}, secret
