"""A saved plan's metadata (`<plan>.tfctl.json`) cannot be edited to get past the guards.

Real terraform, a moto backend, prod protected and null_resource treated as stateful: removing
the stateful entries from the metadata, deleting its `used` key, or forging it for other plan
bytes is refused, and prod's state stays as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

PROD_KEY = "env/prod/terraform.tfstate"
STATEFUL = {"TFCTL_STATEFUL_RESOURCE_TYPES": "null_resource"}


def prod_state(p: FixtureProject) -> bytes:
    return bytes(p.client("s3").get_object(Bucket=p.bucket, Key=PROD_KEY)["Body"].read())


def sidecar(plan_file: Path) -> Path:
    return Path(f"{plan_file}.tfctl.json")


def test_editing_the_sidecar_never_gets_past_the_guards(
    basic_project: FixtureProject, tmp_path: Path
) -> None:
    p = basic_project
    create = tmp_path / "create.tfplan"
    assert p.run("plan", "prod", "--out", str(create), **STATEFUL).returncode == 0
    applied = p.run("apply", "prod", "--plan", str(create), "--auto-approve", **STATEFUL)
    assert applied.returncode == 0, applied.stderr
    before = prod_state(p)

    # 1. a destroy plan with its stateful entries removed from whatever summary the sidecar has
    destroy = tmp_path / "destroy.tfplan"
    made = p.run("plan", "prod", "--destroy", "--out", str(destroy), **STATEFUL)
    assert made.returncode == 0, made.stderr
    document = json.loads(sidecar(destroy).read_text())
    summary = document.get("summary")
    if isinstance(summary, dict):
        summary["changes"] = [c for c in summary["changes"] if c["type"] != "null_resource"]
        summary["destroy"] = 0
        sidecar(destroy).write_text(json.dumps(document))
    edited = p.run("destroy", "prod", "--plan", str(destroy), "--auto-approve", **STATEFUL)
    assert edited.returncode == 1
    assert "Traceback" not in edited.stderr
    assert len([line for line in edited.stderr.splitlines() if line.startswith("error:")]) == 1
    assert prod_state(p) == before

    # the unedited destroy plan is judged by what the plan file does: refused by the guard
    made = p.run("plan", "prod", "--destroy", "--out", str(destroy), **STATEFUL)
    assert made.returncode == 0, made.stderr
    honest = p.run("destroy", "prod", "--plan", str(destroy), "--auto-approve", **STATEFUL)
    assert honest.returncode == 1
    assert "prod is protected and the plan would delete null_resource.app" in honest.stderr
    assert prod_state(p) == before

    # 2. deleting `used` does not make the applied plan applicable again
    document = json.loads(sidecar(create).read_text())
    assert document.get("used")
    del document["used"]
    sidecar(create).write_text(json.dumps(document))
    replayed = p.run("apply", "prod", "--plan", str(create), "--auto-approve", **STATEFUL)
    assert replayed.returncode == 1
    assert "create.tfplan" in replayed.stderr
    assert prod_state(p) == before

    # 3. a forged sidecar: a genuine one, re-pointed at another plan's bytes
    other = tmp_path / "other.tfplan"
    shutil.copy(destroy, other)
    made = p.run("plan", "prod", "--destroy", "--out", str(destroy), **STATEFUL)
    assert made.returncode == 0, made.stderr
    document = json.loads(sidecar(destroy).read_text())
    document["plan_sha256"] = hashlib.sha256(other.read_bytes()).hexdigest()
    sidecar(other).write_text(json.dumps(document))
    forged = p.run("destroy", "prod", "--plan", str(other), "--auto-approve", **STATEFUL)
    assert forged.returncode == 1
    assert "other.tfplan.tfctl.json was altered" in forged.stderr
    assert prod_state(p) == before

    # the key signing the metadata is private and outside the repository
    key_file = Path(p.env["XDG_CONFIG_HOME"]) / "tfctl" / "plan-key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
