"""Settings resolution order and project discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfctl.errors import ConfigError, ProjectNotFoundError, UnknownEnvironmentError
from tfctl.project import Project, find_root
from tfctl.settings import resolve_settings


def make_root(tmp_path: Path, *envs: str) -> Path:
    for env in envs or ("dev", "prod"):
        (tmp_path / "terraform" / "environments" / env).mkdir(parents=True)
    return tmp_path


def test_flag_beats_environment_beats_file_beats_default(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    (root / "tfctl.toml").write_text('[tfctl]\nstate_bucket = "from-file"\nlock_table = "t-file"\n')
    env = {"TFCTL_STATE_BUCKET": "from-env", "TFCTL_LOCK_TABLE": "t-env"}
    settings = resolve_settings(root, flags={"state_bucket": "from-flag"}, environ=env)
    assert settings.state_bucket == "from-flag"
    assert settings.sources["state_bucket"] == "--state-bucket"
    assert settings.lock_table == "t-env"
    assert settings.sources["lock_table"] == "TFCTL_LOCK_TABLE"
    assert resolve_settings(root, environ={}).lock_table == "t-file"
    assert resolve_settings(root, environ={}).region == "us-east-1"
    assert resolve_settings(root, environ={}).sources["region"] == "default"


def test_aws_region_variables_are_read(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    assert resolve_settings(root, environ={"AWS_REGION": "eu-west-1"}).region == "eu-west-1"
    assert (
        resolve_settings(root, environ={"AWS_DEFAULT_REGION": "eu-central-1"}).region
        == "eu-central-1"
    )


def test_protected_environments_default_and_override(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    assert resolve_settings(root, environ={}).protected_environments == ("prod",)
    settings = resolve_settings(root, environ={"TFCTL_PROTECTED_ENVIRONMENTS": "prod, staging"})
    assert settings.protected_environments == ("prod", "staging")
    assert settings.is_protected("staging") and not settings.is_protected("dev")


def test_plugin_cache_dir_defaults_under_xdg_cache(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    settings = resolve_settings(root, environ={"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert settings.plugin_cache_dir == tmp_path / "c" / "tfctl" / "plugins"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("state_bucket = ", "not valid TOML"),
        ('[tfctl]\nbuckett = "x"\n', "unknown setting 'buckett'"),
        ("[tfctl]\nretries = -1\n", "retries"),
        ('[tfctl]\nlock_timeout = "soon"\n', "duration"),
    ],
)
def test_malformed_config_file_is_one_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    root = make_root(tmp_path)
    (root / "tfctl.toml").write_text(content)
    with pytest.raises(ConfigError, match=message):
        resolve_settings(root, environ={})


def test_discover_walks_up_from_a_subfolder(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    sub = root / "terraform" / "environments" / "dev"
    assert find_root(sub) == root.resolve()
    project = Project.discover(cwd=sub, environ={})
    assert project.root == root.resolve()
    assert project.environment_names() == ["dev", "prod"]


def test_root_flag_beats_tfctl_root(tmp_path: Path) -> None:
    a = make_root(tmp_path / "a", "one")
    b = make_root(tmp_path / "b", "two")
    assert Project.discover(a, environ={"TFCTL_ROOT": str(b)}).environment_names() == ["one"]
    assert Project.discover(environ={"TFCTL_ROOT": str(b)}).environment_names() == ["two"]


def test_missing_root_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match="TFCTL_ROOT"):
        Project.discover(cwd=tmp_path, environ={})
    with pytest.raises(ProjectNotFoundError, match="no terraform/environments"):
        Project.discover(tmp_path, environ={})


def test_unknown_environment_lists_valid_ones(tmp_path: Path) -> None:
    project = Project.discover(make_root(tmp_path), environ={})
    with pytest.raises(UnknownEnvironmentError, match="valid environments: dev, prod"):
        project.environment("dve")


@pytest.mark.parametrize("name", ["", "../x", "/etc", "..", ".", "dev/../prod", ".hidden"])
def test_non_folder_names_are_refused(tmp_path: Path, name: str) -> None:
    project = Project.discover(make_root(tmp_path), environ={})
    with pytest.raises(ConfigError, match="not a valid environment name"):
        project.environment(name)


def test_environment_state_key(tmp_path: Path) -> None:
    project = Project.discover(make_root(tmp_path), environ={})
    env = project.environment("prod")
    assert env.state_key == "env/prod/terraform.tfstate"
    assert env.protected
