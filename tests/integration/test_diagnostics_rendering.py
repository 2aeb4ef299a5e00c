"""Terraform's diagnostics through tfctl, on the real binary: each error and warning rendered
as terraform shows it (severity, summary, file:line:col, the source line underlined, detail),
masked, then one newline-terminated line naming the environment and the operation, never the
binary's path; with --json one JSON error document carrying the diagnostics."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

BAD = 'resource "null_resource" "bad" {\n  colour = "blue-not-a-secret"\n}\n'


def _break(p: FixtureProject) -> None:
    (p.root / "terraform" / "environments" / "dev" / "bad.tf").write_text(BAD)


def test_validate_error_is_rendered_with_location_and_source(basic_project: FixtureProject) -> None:
    _break(basic_project)
    result = basic_project.run("validate", "dev")
    assert result.returncode == 1
    err = result.stderr
    assert "Error: Unsupported argument" in err
    assert 'on bad.tf:2:3, in resource "null_resource" "bad":' in err
    assert '  2:   colour = "blue-not-a-secret"\n' in err
    assert "\n       ^^^^^^\n" in err  # under `colour`, past the "  2: " prefix
    assert 'An argument named "colour" is not expected here.' in err
    assert err.endswith("error: dev: validate failed: 1 error\n"), err[-300:]
    assert basic_project.env["TFCTL_TERRAFORM_BIN"] not in err
    assert '"diagnostics"' not in err and "byte" not in err  # not the raw -json document


def test_validate_json_is_one_error_document(basic_project: FixtureProject) -> None:
    _break(basic_project)
    result = basic_project.run("validate", "dev", "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)["error"]
    assert (document["environment"], document["operation"]) == ("dev", "validate")
    assert document["message"] == "dev: validate failed: 1 error"
    (diagnostic,) = document["diagnostics"]
    assert diagnostic["severity"] == "error"
    assert diagnostic["location"] == "bad.tf:2:3"
    assert diagnostic["summary"] == "Unsupported argument"


def test_plan_error_names_file_line_and_the_environment(basic_project: FixtureProject) -> None:
    _break(basic_project)
    result = basic_project.run("plan", "dev")
    assert result.returncode == 1
    assert "on bad.tf:2:3" in result.stderr and "^^^^^^" in result.stderr
    assert result.stderr.endswith("error: dev: plan failed: 1 error\n"), result.stderr[-300:]
    assert basic_project.env["TFCTL_TERRAFORM_BIN"] not in result.stderr
    as_json = basic_project.run("plan", "dev", "--json")
    diagnostics = json.loads(as_json.stdout)["error"]["diagnostics"]
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert [d["location"] for d in errors] == ["bad.tf:2:3"]
    # the backend's deprecation warning of this terraform is carried too
    assert any(d["severity"] == "warning" for d in diagnostics)


def test_warnings_are_never_dropped(basic_project: FixtureProject) -> None:
    tfvars = basic_project.root / "terraform" / "environments" / "dev" / "terraform.tfvars"
    tfvars.write_text('not_declared = "x"\n')
    result = basic_project.run("plan", "dev")
    assert result.returncode == 0, result.stderr
    assert "Warning: Value for undeclared variable" in result.stderr
    assert 'variable named "not_declared"' in result.stderr


def test_a_secret_in_a_diagnostic_is_masked(basic_project: FixtureProject) -> None:
    secret = "Sup3r-secret-value-in-diag"
    (basic_project.root / "terraform" / "environments" / "dev" / "bad.tf").write_text(
        "locals {\n  n = tonumber(nonsensitive(var.db_password))\n}\n"
        'output "n" {\n  value = local.n\n}\n'
    )
    result = basic_project.run("plan", "dev", "--json", TF_VAR_db_password=secret)
    assert result.returncode == 1
    assert secret not in result.stdout + result.stderr
    assert json.loads(result.stdout)["error"]["diagnostics"]
    assert result.stderr.endswith("error: dev: plan failed: 1 error\n"), result.stderr[-300:]


def test_plan_all_names_each_failed_environment_once(basic_project: FixtureProject) -> None:
    _break(basic_project)
    result = basic_project.run("plan", "--all")
    assert result.returncode == 1
    assert "error: dev: plan failed: 1 error\n" in result.stderr
    assert "dev: dev:" not in result.stderr and "on bad.tf:2:3" in result.stderr
    as_json = basic_project.run("plan", "--all", "--json")
    outcomes = {o["environment"]: o for o in json.loads(as_json.stdout)}
    assert outcomes["dev"]["diagnostics"][-1]["location"] == "bad.tf:2:3"
    assert outcomes["prod"]["status"] != "error", (outcomes["prod"], as_json.stderr[-3000:])


def test_init_errors_end_with_the_same_one_line(basic_project: FixtureProject) -> None:
    (basic_project.root / "terraform" / "environments" / "dev" / "bad.tf").write_text(
        'module "gone" {\n  source = "./missing"\n}\n'
    )
    result = basic_project.run("validate", "dev", "--json")
    assert result.returncode == 1
    assert "Unreadable module directory" in result.stderr  # terraform's own words, shown
    # terraform 1.15.5 reports this one twice; tfctl counts what terraform reported
    assert result.stderr.endswith("error: dev: init failed: 2 errors\n"), result.stderr[-300:]
    diagnostics = json.loads(result.stdout)["error"]["diagnostics"]
    assert {d["summary"] for d in diagnostics} == {"Unreadable module directory"}
    assert basic_project.env["TFCTL_TERRAFORM_BIN"] not in result.stderr + result.stdout
