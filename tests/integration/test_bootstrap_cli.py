"""`tfctl bootstrap` end to end through the CLI against the moto server."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration


def test_bootstrap_twice_then_check(basic_project: FixtureProject) -> None:
    p = basic_project
    bucket = p.bucket + "-boot"
    p.env["TFCTL_LOCK_TABLE"] = p.table + "-boot"  # both made by bootstrap, not by the fixture
    first = p.tfctl("bootstrap", "--bucket", bucket, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert {row["status"] for row in report["settings"] if row["resource"] == "bucket"} >= {
        "created"
    }
    second = p.tfctl("bootstrap", "--bucket", bucket, "--json")
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["mutating_calls"] == []
    assert {row["status"] for row in again["settings"]} <= {"in place", "skipped"}
    check = p.tfctl("bootstrap", "--bucket", bucket, "--check")
    assert check.returncode == 0, check.stderr
    assert "0 changing" in check.stdout

    p.client("s3").put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}
    )
    drift = p.tfctl("bootstrap", "--bucket", bucket, "--check")
    assert drift.returncode == 2
    assert "bucket versioning" in drift.stderr
    repaired = p.tfctl("bootstrap", "--bucket", bucket)
    assert repaired.returncode == 0
    assert "repaired" in repaired.stdout
    status = p.client("s3").get_bucket_versioning(Bucket=bucket)["Status"]
    assert status == "Enabled"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bucket", "Bad_Bucket"], "invalid S3 bucket name"),
        (["--bucket", "192.168.1.1"], "IP address"),
        (["--bucket", "a" * 64], "63"),
        (["--region", "moon-east-1"], "region"),
        (["--tag", "novalue"], "KEY=VALUE"),
    ],
)
def test_bad_input_is_one_line_and_creates_nothing(
    basic_project: FixtureProject, args: list[str], message: str
) -> None:
    before = {b["Name"] for b in basic_project.client("s3").list_buckets()["Buckets"]}
    result = basic_project.tfctl("bootstrap", *args)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    after = {b["Name"] for b in basic_project.client("s3").list_buckets()["Buckets"]}
    assert after == before
