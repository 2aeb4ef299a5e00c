"""The emulated providers under Terraform 1.15.5 (the default lane): plan, apply, destroy."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import SandboxRoot
from tfctl.sandbox.cloud import Cloud
from tfctl.sandbox.install import install, terraform_environment

pytestmark = pytest.mark.integration


TINY = Path(__file__).parent.parent / "fixtures" / "sandbox" / "tiny"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, terraform_bin: Path) -> Iterator[SandboxRoot]:
    base = tmp_path_factory.mktemp("sandbox")
    root = base / "tiny"
    shutil.copytree(TINY, root)
    r = SandboxRoot.create(root, base / "sandbox", terraform_bin, "tiny")
    r.run("init", "-input=false")
    yield r
    r.run("destroy", "-auto-approve", "-input=false", check=False)


def test_init_installs_from_the_mirror_and_validate_passes(tiny: SandboxRoot) -> None:
    lock = (tiny.path / ".terraform.lock.hcl").read_text()
    assert 'provider "registry.terraform.io/clickhouse/clickhouse"' in lock
    assert not (tiny.path / ".terraform").exists()  # TF_DATA_DIR keeps it in the sandbox
    assert "configuration is valid" in tiny.run("validate").stdout


def test_apply_replan_update_replace_destroy(tiny: SandboxRoot) -> None:
    apply = tiny.run("apply", "-auto-approve", "-input=false")
    assert "Resources: 3 added" in apply.stdout
    assert tiny.cloud.count() == 3
    host = json.loads(tiny.run("output", "-json").stdout)["clickhouse_host"]["value"]
    assert host.endswith(".us-east-1.aws.clickhouse.cloud")

    replan = tiny.run("plan", "-input=false", "-detailed-exitcode", check=False)
    assert replan.returncode == 0, replan.stdout + replan.stderr
    assert "No changes" in replan.stdout

    actions = tiny.plan_actions("-var", "service_name=renamed", "-var", "redis_name=other")
    assert actions["clickhouse_service.this"] == ["update"]
    assert actions["upstash_redis_database.this"] == ["replace"]

    destroy = tiny.run("destroy", "-auto-approve", "-input=false")
    assert "3 destroyed" in destroy.stdout
    assert tiny.cloud.count() == 0
    assert set(tiny.plan_actions()) == {
        "clickhouse_service.this",
        "upstash_redis_database.this",
        "upstash_qstash_topic_v2.this",
    }


def test_resource_deleted_outside_terraform_is_planned_again(tiny: SandboxRoot) -> None:
    tiny.run("apply", "-auto-approve", "-input=false")
    found = tiny.cloud.find("upstash_redis_database", lambda _key, _state: True)
    assert found is not None
    tiny.cloud.delete("upstash_redis_database", found[0])
    assert tiny.plan_actions() == {"upstash_redis_database.this": ["create"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("-var", "backup_period=7"),
            "backup_configuration.backup_period_in_hours value must be one of:",
        ),
        (
            ("-var", "min_memory=0"),
            "Attribute min_replica_memory_gb value must be at least 1, got: 0",
        ),
    ],
)
def test_emulator_validation_fails_the_plan(
    tiny: SandboxRoot, args: tuple[str, ...], message: str
) -> None:
    result = tiny.run("plan", "-input=false", *args, check=False)
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split())


def _edit(root: SandboxRoot, tmp_path: Path, old: str, new: str) -> SandboxRoot:
    copy = tmp_path / "edited"
    shutil.copytree(root.path, copy, ignore=shutil.ignore_patterns("terraform.tfstate*"))
    main = copy / "main.tf"
    text = main.read_text()
    assert old in text
    main.write_text(text.replace(old, new))
    env = dict(root.env, TF_DATA_DIR=str(tmp_path / "data"))
    edited = SandboxRoot(copy, root.terraform, env, root.cloud)
    edited.run("init", "-input=false")
    return edited


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'region         = "us-east-1"\n',
            'region = "us-east-1"\n  regoin = "x"\n',
            "Unsupported argument",
        ),
        ('  cloud_provider = "aws"\n', "", 'The argument "cloud_provider" is required'),
        ("    description = var.allow_description\n", "", 'attribute "description" is required'),
        (
            "    description = var.allow_description\n",
            "    description = null\n",
            'The argument "description" is required in ip_access[0]',
        ),
        (
            "  tls            = true\n",
            '  tls            = "maybe"\n',
            "Incorrect attribute value type",
        ),
    ],
)
def test_validate_reports_schema_errors(
    tiny: SandboxRoot, tmp_path: Path, old: str, new: str, message: str
) -> None:
    edited = _edit(tiny, tmp_path, old, new)
    result = edited.run("validate", check=False)
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split())


def _provider_processes(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "terraform-provider-" in cmdline and marker in cmdline:
            found.append(int(entry.name))
    return found


def test_launched_providers_exit_when_terraform_is_done(tiny: SandboxRoot) -> None:
    # Terraform asks each launched provider to Shutdown; one that lingers would be SIGKILLed
    # after go-plugin's 2 s grace, or leak if Terraform died first.
    tiny.run("plan", "-input=false")
    assert _provider_processes(tiny.env["TF_DATA_DIR"]) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  region         = var.cloud_region\n",
            '  region = var.cloud_region\n  regoin = "x"\n',
            "Unsupported argument",
        ),
        (
            "  cloud_provider = var.cloud_provider\n",
            "",
            'The argument "cloud_provider" is required',
        ),
    ],
)
def test_real_module_copy_fails_validate_on_schema_errors(
    tmp_path: Path, terraform_bin: Path, old: str, new: str, message: str
) -> None:
    repo = Path(__file__).resolve().parents[2]
    copy = tmp_path / "terraform"
    shutil.copytree(repo / "terraform", copy, ignore=shutil.ignore_patterns(".terraform*"))
    main = copy / "modules" / "data_warehouse" / "main.tf"
    text = main.read_text()
    assert old in text
    main.write_text(text.replace(old, new, 1))
    layout = install(tmp_path / "sandbox")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "AWS_"))}
    env.update(terraform_environment(layout, "dev"))
    root = SandboxRoot(copy / "environments" / "dev", terraform_bin, env, Cloud.in_dir(layout.root))
    root.run("init", "-input=false", "-backend=false")
    result = root.run("validate", check=False)
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split())
