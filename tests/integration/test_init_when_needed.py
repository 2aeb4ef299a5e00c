"""tfctl runs `terraform init` before validate/plan when what init installs or configures
changed since the last one (a provider added, a provider version constraint, a module source,
the backend settings), and only then: no user reads terraform's "Please run terraform init".

The providers come from the sandbox's mirror (upstash and clickhouse); the backend is moto.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import FixtureProject, make_fixture_project
from tests.harness import MotoServer
from tfctl.sandbox.install import FAKE_CREDENTIALS, install

pytestmark = pytest.mark.integration

INIT = "running init"
REINIT = "terraform init"  # terraform's "Please run terraform init" / "Plugin reinitialization"


@pytest.fixture
def project(
    tmp_path: Path, moto_server: MotoServer, terraform_bin: Path, terraform_cli_config: Path
) -> FixtureProject:
    layout = install(tmp_path / "sandbox")
    p = make_fixture_project(
        "updates",
        tmp_path,
        moto=moto_server,
        terraform_bin=terraform_bin,
        cli_config=terraform_cli_config,
    )
    p.env.update(FAKE_CREDENTIALS)
    p.env["TF_CLI_CONFIG_FILE"] = str(layout.cli_config)
    first = p.run("validate", "dev")
    assert first.returncode == 0 and INIT in first.stderr, first.stderr
    return p


def _main(p: FixtureProject) -> Path:
    return p.root / "terraform" / "environments" / "dev" / "main.tf"


def _edit(p: FixtureProject, old: str, new: str) -> None:
    text = _main(p).read_text()
    assert old in text, old
    _main(p).write_text(text.replace(old, new))


def _validated(p: FixtureProject, **env: str) -> subprocess.CompletedProcess[str]:
    result = p.run("validate", "dev", **env)
    assert result.returncode == 0, result.stderr
    assert REINIT not in result.stderr
    return result


def test_nothing_changed_means_no_init(project: FixtureProject) -> None:
    assert INIT not in _validated(project).stderr
    plan = project.run("plan", "dev")
    assert plan.returncode == 0 and INIT not in plan.stderr, plan.stderr
    # values are not requirements: a new variable value or tfvars never starts init
    assert INIT not in _validated(project, TF_VAR_budget="150").stderr


def test_a_provider_added_runs_init(project: FixtureProject) -> None:
    _edit(
        project,
        "    upstash = {",
        '    clickhouse = {\n      source  = "ClickHouse/clickhouse"\n'
        '      version = "3.25.3"\n    }\n    upstash = {',
    )
    result = _validated(project)
    assert "provider requirements changed since init; running init" in result.stderr
    assert INIT not in _validated(project).stderr


def test_a_provider_version_constraint_change_runs_init(project: FixtureProject) -> None:
    _edit(project, 'version = "2.0.1"', 'version = "~> 2.0"')
    assert "provider requirements changed since init" in _validated(project).stderr


def test_a_module_source_change_runs_init(project: FixtureProject) -> None:
    for name in ("one", "two"):
        module = _main(project).parent / name
        module.mkdir()
        (module / "main.tf").write_text(f'output "name" {{\n  value = "{name}"\n}}\n')
    text = _main(project).read_text()
    _main(project).write_text(text + '\nmodule "extra" {\n  source = "./one"\n}\n')
    assert "module sources/versions changed since init" in _validated(project).stderr
    _edit(project, 'source = "./one"', 'source = "./two"')
    assert "module sources/versions changed since init" in _validated(project).stderr
    # editing a local module's content is not a source change
    (_main(project).parent / "two" / "main.tf").write_text('output "name" {\n  value = "2"\n}\n')
    assert INIT not in _validated(project).stderr


def test_backend_settings_changed_runs_init(project: FixtureProject) -> None:
    result = _validated(project, TFCTL_USE_LOCKFILE="true")
    assert "not initialized with the current backend; running init" in result.stderr
