"""Bad input, table-driven: each case gives one `error:` line naming the problem, exit code 1,
no traceback, and changes nothing in the state bucket or the lock table.

The project is shared by every case (dev applied once, saved plans made once), so each case
restores any file it touched.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FixtureProject, MotoServer, make_fixture_project

pytestmark = pytest.mark.integration

#: tfctl's exit code for every expected error (2 is reserved for drift/changes, 130 for Ctrl-C).
EXIT_ERROR = 1
UUID = "63bcb7fa-61a8-6c6b-0270-bea5121e64f2"


@dataclass(frozen=True)
class World:
    p: FixtureProject
    tmp: Path
    dev_plan: Path
    prod_plan: Path
    dev_destroy_plan: Path

    @property
    def envs(self) -> Path:
        return self.p.root / "terraform" / "environments"


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    moto_server: MotoServer,
    terraform_bin: Path,
    terraform_cli_config: Path,
) -> World:
    tmp = tmp_path_factory.mktemp("bad-input")
    p = make_fixture_project(
        "basic", tmp, moto=moto_server, terraform_bin=terraform_bin, cli_config=terraform_cli_config
    )
    p.client("s3").put_bucket_versioning(
        Bucket=p.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    for args in (
        ["apply", "dev", "--auto-approve"],
        ["plan", "dev", "--out", str(tmp / "dev.tfplan")],
        ["plan", "dev", "--destroy", "--out", str(tmp / "dev-destroy.tfplan")],
        ["plan", "prod", "--out", str(tmp / "prod.tfplan")],
    ):
        result = p.tfctl(*args, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr
    return World(p, tmp, tmp / "dev.tfplan", tmp / "prod.tfplan", tmp / "dev-destroy.tfplan")


Setup = Callable[[World], None]


@dataclass(frozen=True)
class Case:
    id: str
    args: Callable[[World], list[str]]
    message: str
    env: dict[str, str] = field(default_factory=dict)
    setup: Setup | None = None
    code: int = EXIT_ERROR


def _write(relative: str, text: str) -> Setup:
    def setup(w: World) -> None:
        path = w.p.root / relative
        path.write_text(text)

    return setup


def _copy_plan_without_metadata(w: World) -> None:
    shutil.copy2(w.dev_plan, w.tmp / "bare.tfplan")


def _copy_plan_with_corrupt_metadata(w: World) -> None:
    shutil.copy2(w.dev_plan, w.tmp / "corrupt.tfplan")
    (w.tmp / "corrupt.tfplan.tfctl.json").write_text("{not json")


def _old_terraform(w: World) -> None:
    script = w.tmp / "old-terraform"
    script.write_text('#!/bin/sh\necho \'{"terraform_version": "0.14.11"}\'\n')
    script.chmod(0o755)


def _silent_terraform(w: World) -> None:
    """A "terraform" that reports the real binary's version and then prints no -json stream."""
    real = subprocess.run(
        [w.p.env["TFCTL_TERRAFORM_BIN"], "version", "-json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\n", " ")
    script = w.tmp / "silent-terraform"
    script.write_text(
        f"#!/bin/sh\nif [ \"$1\" = version ]; then echo '{real}'; exit 0; fi\n"
        'echo "Terraform has nothing to say"\nexit 0\n'
    )
    script.chmod(0o755)


def fixed(*args: str) -> Callable[[World], list[str]]:
    return lambda w: list(args)


CASES = [
    Case("unknown-environment", fixed("plan", "nope"), "unknown environment 'nope'"),
    Case("path-as-environment", fixed("plan", "../dev"), "is not a valid environment name"),
    Case(
        "unknown-environment-apply",
        fixed("apply", "nope", "--auto-approve"),
        "unknown environment 'nope'",
    ),
    Case("unknown-environment-locks", fixed("locks", "nope"), "unknown environment 'nope'"),
    Case(
        "no-project-root",
        fixed("plan", "dev"),
        "has no terraform/environments/ folder",
        env={"TFCTL_ROOT": "/"},
    ),
    Case(
        "malformed-tfctl-toml",
        fixed("plan", "dev"),
        "tfctl.toml is not valid TOML",
        setup=_write("tfctl.toml", "state_bucket = \n"),
    ),
    Case(
        "unknown-setting",
        fixed("plan", "dev"),
        "tfctl.toml: unknown setting 'colour'",
        setup=_write("tfctl.toml", 'colour = "red"\n'),
    ),
    Case(
        "retries-not-a-number",
        fixed("plan", "dev"),
        "setting retries from TFCTL_RETRIES is 'many'",
        env={"TFCTL_RETRIES": "many"},
    ),
    Case(
        "lock-timeout-not-a-duration",
        fixed("plan", "dev"),
        "setting lock_timeout from TFCTL_LOCK_TIMEOUT is 'soon'",
        env={"TFCTL_LOCK_TIMEOUT": "soon"},
    ),
    Case(
        "negative-plan-age",
        fixed("plan", "dev"),
        "setting plan_max_age_minutes from TFCTL_PLAN_MAX_AGE_MINUTES is '-5'",
        env={"TFCTL_PLAN_MAX_AGE_MINUTES": "-5"},
    ),
    Case(
        "tfvars-syntax-error",
        fixed("plan", "dev"),
        "terraform.tfvars",
        setup=_write("terraform/environments/dev/terraform.tfvars", "revision = \n"),
    ),
    Case(
        "hcl-syntax-error",
        fixed("plan", "dev"),
        "broken.tf",
        setup=_write("terraform/environments/dev/broken.tf", 'resource "null_resource" "x" {\n'),
    ),
    Case(
        "plan-of-another-environment",
        lambda w: ["apply", "prod", "--plan", str(w.dev_plan), "--auto-approve"],
        "dev.tfplan was made for dev, not prod",
    ),
    Case(
        "stale-plan",
        lambda w: ["apply", "dev", "--plan", str(w.dev_plan), "--auto-approve"],
        "dev.tfplan is stale",
        env={"TFCTL_PLAN_MAX_AGE_MINUTES": "0"},
    ),
    Case(
        "plan-file-missing",
        lambda w: ["apply", "dev", "--plan", str(w.tmp / "missing.tfplan"), "--auto-approve"],
        "missing.tfplan does not exist",
    ),
    Case(
        "plan-without-metadata",
        lambda w: ["apply", "dev", "--plan", str(w.tmp / "bare.tfplan"), "--auto-approve"],
        "bare.tfplan was not made by tfctl",
        setup=_copy_plan_without_metadata,
    ),
    Case(
        "plan-with-corrupt-metadata",
        lambda w: ["apply", "dev", "--plan", str(w.tmp / "corrupt.tfplan"), "--auto-approve"],
        "corrupt.tfplan.tfctl.json is unreadable or corrupt",
        setup=_copy_plan_with_corrupt_metadata,
    ),
    Case(
        "destroy-plan-given-to-apply",
        lambda w: ["apply", "dev", "--plan", str(w.dev_destroy_plan), "--auto-approve"],
        "dev-destroy.tfplan is a destroy plan",
    ),
    Case(
        "apply-plan-given-to-destroy",
        lambda w: ["destroy", "dev", "--plan", str(w.dev_plan), "--auto-approve"],
        "dev.tfplan is not a destroy plan",
    ),
    Case(
        "target-with-saved-plan",
        lambda w: [
            "apply",
            "dev",
            "--plan",
            str(w.dev_plan),
            "--auto-approve",
            "--target",
            "null_resource.app",
        ],
        "--target belongs to the plan",
    ),
    Case(
        "bad-target-address",
        fixed("plan", "dev", "--target", "not an address!"),
        "--target 'not an address!' is not a resource or module address",
    ),
    Case(
        "bad-allow-destroy-address",
        lambda w: [
            "apply",
            "prod",
            "--plan",
            str(w.prod_plan),
            "--auto-approve",
            "--allow-destroy",
            "nope",
        ],
        "--allow-destroy 'nope' is not a resource address",
    ),
    Case("bad-lock-id", fixed("unlock", "dev", "xyz", "--yes"), "'xyz' is not a lock id"),
    Case("lock-not-held", fixed("unlock", "dev", UUID, "--yes"), f"dev holds no lock {UUID}"),
    Case(
        "missing-bucket-terraform",
        fixed("plan", "prod"),
        "the state bucket does not exist; run tfctl bootstrap",
        env={"TFCTL_STATE_BUCKET": "tfctl-no-such-bucket", "TFCTL_RETRIES": "0"},
    ),
    Case(
        "missing-bucket-history",
        fixed("state", "history", "dev"),
        "run tfctl bootstrap",
        env={"TFCTL_STATE_BUCKET": "tfctl-no-such-bucket"},
    ),
    Case(
        "missing-table-locks",
        fixed("locks"),
        "lock table tfctl-no-such-table does not exist",
        env={"TFCTL_LOCK_TABLE": "tfctl-no-such-table"},
    ),
    Case(
        "missing-table-terraform",
        fixed("plan", "prod"),
        "the lock table does not exist; run tfctl bootstrap",
        env={"TFCTL_LOCK_TABLE": "tfctl-no-such-table", "TFCTL_RETRIES": "0"},
    ),
    Case(
        "terraform-too-old",
        fixed("plan", "dev"),
        "terraform 0.14.11 is not supported",
        setup=_old_terraform,
        env={"TFCTL_TERRAFORM_BIN": "@tmp/old-terraform"},
    ),
    Case(
        "terraform-missing",
        fixed("plan", "dev"),
        "not found",
        env={"TFCTL_TERRAFORM_BIN": "/nonexistent/terraform"},
    ),
    Case(
        "environment-name-too-long",
        fixed("plan", "x" * 5000),
        "environment name is too long (5000 characters, at most 64)",
    ),
    Case(
        "plan-without-change-summary",
        fixed("plan", "dev"),
        "terraform plan of dev reported no change summary",
        setup=_silent_terraform,
        env={"TFCTL_TERRAFORM_BIN": "@tmp/silent-terraform"},
    ),
    Case(
        "drift-without-change-summary",
        fixed("drift", "dev"),
        "dev: terraform plan of dev reported no change summary",
        setup=_silent_terraform,
        env={"TFCTL_TERRAFORM_BIN": "@tmp/silent-terraform"},
    ),
    Case(
        "invalid-bucket-name-plan",
        fixed("plan", "dev"),
        "setting state_bucket from TFCTL_STATE_BUCKET is 'Bad_Bucket!!'; it must be a valid S3",
        env={"TFCTL_STATE_BUCKET": "Bad_Bucket!!"},
    ),
    Case(
        "invalid-table-name-plan",
        fixed("plan", "dev"),
        "setting lock_table from TFCTL_LOCK_TABLE is 'x'; it must be a valid DynamoDB table name",
        env={"TFCTL_LOCK_TABLE": "x"},
    ),
    Case(
        "invalid-bucket-name-history",
        fixed("state", "history", "dev"),
        "it must be a valid S3 bucket name",
        env={"TFCTL_STATE_BUCKET": "Bad_Bucket!!"},
    ),
    Case(
        "prod-unlock-yes-without-confirm",
        fixed("unlock", "prod", UUID, "--yes"),
        "prod is protected: without a terminal, unlock needs --yes --confirm prod",
    ),
    Case(
        "prod-restore-yes-without-confirm",
        fixed("state", "restore", "prod", "v1", "--yes"),
        "prod is protected: without a terminal, restore needs --yes --confirm prod",
    ),
    Case(
        "parallel-zero",
        fixed("plan", "--all", "--parallel", "0"),
        "--parallel must be at least 1",
    ),
    Case("environment-and-all", fixed("plan", "dev", "--all"), "both 'dev' and --all given"),
    Case("no-environment", fixed("plan"), "no environment given"),
    Case(
        "all-with-out",
        lambda w: ["plan", "--all", "--out", str(w.tmp / "x.tfplan")],
        "--out cannot be combined with --all",
    ),
    Case(
        "unknown-state-version",
        fixed("state", "restore", "dev", "no-such-version", "--yes"),
        "dev has no state version no-such-version",
    ),
    Case("history-limit-zero", fixed("state", "history", "dev", "--limit", "0"), "--limit"),
    Case(
        "prod-apply-without-terminal",
        fixed("apply", "prod"),
        "no terminal to confirm apply of protected environment prod",
    ),
    Case(
        "prod-auto-approve-without-plan",
        fixed("apply", "prod", "--auto-approve"),
        "prod is protected: --auto-approve needs a saved plan",
    ),
    Case(
        "prod-destroy-without-terminal",
        fixed("destroy", "prod"),
        "no terminal to confirm destroy of protected environment prod",
    ),
]


def _snapshot(p: FixtureProject) -> Any:
    versions = p.client("s3").list_object_versions(Bucket=p.bucket)
    objects = sorted(
        (v["Key"], v["VersionId"], v.get("IsLatest"))
        for v in versions.get("Versions", []) + versions.get("DeleteMarkers", [])
    )
    items = p.client("dynamodb").scan(TableName=p.table)["Items"]
    return objects, sorted(str(sorted(item.items())) for item in items)


@pytest.fixture
def clean(world: World) -> Iterator[None]:
    created = [
        world.p.root / "tfctl.toml",
        world.envs / "dev" / "terraform.tfvars",
        world.envs / "dev" / "broken.tf",
    ]
    yield
    for path in created:
        path.unlink(missing_ok=True)


def test_there_are_at_least_25_cases() -> None:
    assert len(CASES) >= 25
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.usefixtures("clean")
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(world: World, case: Case) -> None:
    if case.setup is not None:
        case.setup(world)
    env = {key: value.replace("@tmp", str(world.tmp)) for key, value in case.env.items()}
    before = _snapshot(world.p)
    result = world.p.tfctl(*case.args(world), env={**world.p.env, **env}, stdin=subprocess.DEVNULL)
    assert result.returncode == case.code, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr[-3000:]
    assert case.message in errors[0], errors[0]
    assert _snapshot(world.p) == before, "bad input must change nothing"
