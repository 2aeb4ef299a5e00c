"""State history and restore against moto's versioned bucket and the real terraform."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

DEV_KEY = "env/dev/terraform.tfstate"


def current_state(p: FixtureProject) -> tuple[bytes, dict[str, object]]:
    body: bytes = p.client("s3").get_object(Bucket=p.bucket, Key=DEV_KEY)["Body"].read()
    return body, json.loads(body)


def digest(p: FixtureProject) -> str:
    item = p.client("dynamodb").get_item(
        TableName=p.table, Key={"LockID": {"S": f"{p.bucket}/{DEV_KEY}-md5"}}
    )["Item"]
    return str(item["Digest"]["S"])


def lock_items(p: FixtureProject) -> list[dict[str, object]]:
    items = p.client("dynamodb").scan(TableName=p.table)["Items"]
    return [item for item in items if not item["LockID"]["S"].endswith("-md5")]


def history(p: FixtureProject) -> list[dict[str, object]]:
    result = p.run("state", "history", "dev", "--json")
    assert result.returncode == 0, result.stderr
    versions: list[dict[str, object]] = json.loads(result.stdout)
    return versions


@pytest.fixture
def two_applies(basic_project: FixtureProject) -> FixtureProject:
    p = basic_project
    p.client("s3").put_bucket_versioning(
        Bucket=p.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    assert p.run("apply", "dev", "--auto-approve", TF_VAR_revision="first").returncode == 0
    assert p.run("apply", "dev", "--auto-approve", TF_VAR_revision="second").returncode == 0
    return p


def test_restore_makes_the_first_version_current_and_terraform_accepts_it(
    two_applies: FixtureProject,
) -> None:
    p = two_applies
    versions = history(p)
    assert len(versions) == 2
    newest, oldest = versions
    assert newest["is_latest"] is True and oldest["is_latest"] is False
    assert int(newest["serial"]) > int(oldest["serial"])  # type: ignore[call-overload]
    assert newest["lineage"] == oldest["lineage"]

    restored = p.run("state", "restore", "dev", str(oldest["version_id"]), "--yes", "--json")
    assert restored.returncode == 0, restored.stderr
    report = json.loads(restored.stdout)
    assert report["serial"] == int(newest["serial"]) + 1  # type: ignore[call-overload]

    body, state = current_state(p)
    assert state["serial"] == report["serial"]
    assert state["lineage"] == oldest["lineage"]
    assert digest(p) == hashlib.md5(body).hexdigest()
    assert lock_items(p) == []

    # The restored state is the first apply's: planning that configuration finds nothing to do,
    # and terraform raises no checksum error.
    plan = p.run("plan", "dev", "--detailed-exitcode", TF_VAR_revision="first")
    assert plan.returncode == 0, plan.stderr
    assert "checksum" not in plan.stderr.lower()
    assert len(history(p)) == 3


def test_restore_refuses_another_lineage_unless_forced(two_applies: FixtureProject) -> None:
    p = two_applies
    oldest = history(p)[-1]
    _, state = current_state(p)
    foreign = dict(state, lineage="00000000-0000-0000-0000-000000000000")
    foreign_body = json.dumps(foreign, indent=2).encode()
    p.client("s3").put_object(Bucket=p.bucket, Key=DEV_KEY, Body=foreign_body)
    p.client("dynamodb").put_item(
        TableName=p.table,
        Item={
            "LockID": {"S": f"{p.bucket}/{DEV_KEY}-md5"},
            "Digest": {"S": hashlib.md5(foreign_body).hexdigest()},
        },
    )

    refused = p.run("state", "restore", "dev", str(oldest["version_id"]), "--yes")
    assert refused.returncode == 1
    assert "it is another state" in refused.stderr
    assert current_state(p)[0] == foreign_body

    forced = p.run("state", "restore", "dev", str(oldest["version_id"]), "--yes", "--force")
    assert forced.returncode == 0, forced.stderr
    assert current_state(p)[1]["lineage"] == oldest["lineage"]


def test_restore_refuses_while_another_run_holds_the_lock(two_applies: FixtureProject) -> None:
    p = two_applies
    oldest = history(p)[-1]
    body_before = current_state(p)[0]
    info = {
        "ID": "11111111-2222-3333-4444-555555555555",
        "Operation": "OperationTypeApply",
        "Who": "someone@elsewhere",
        "Created": "2026-01-01T00:00:00Z",
        "Path": f"{p.bucket}/{DEV_KEY}",
    }
    p.client("dynamodb").put_item(
        TableName=p.table,
        Item={"LockID": {"S": f"{p.bucket}/{DEV_KEY}"}, "Info": {"S": json.dumps(info)}},
    )
    refused = p.run("state", "restore", "dev", str(oldest["version_id"]), "--yes")
    assert refused.returncode == 1
    assert "locked by someone@elsewhere" in refused.stderr
    assert "11111111-2222-3333-4444-555555555555" in refused.stderr
    assert current_state(p)[0] == body_before
    assert len(lock_items(p)) == 1


def test_restore_needs_confirmation_without_a_terminal(two_applies: FixtureProject) -> None:
    p = two_applies
    oldest = history(p)[-1]
    refused = p.run("state", "restore", "dev", str(oldest["version_id"]))
    assert refused.returncode == 1
    assert "no terminal to confirm restore of dev" in refused.stderr
    assert len(history(p)) == 2


def test_control_copying_a_version_without_the_digest_breaks_terraform(
    two_applies: FixtureProject,
) -> None:
    """Why restore updates the digest item: a bare S3 copy makes terraform reject the state."""
    p = two_applies
    oldest = history(p)[-1]
    p.client("s3").copy_object(
        Bucket=p.bucket,
        Key=DEV_KEY,
        CopySource={"Bucket": p.bucket, "Key": DEV_KEY, "VersionId": str(oldest["version_id"])},
    )
    plan = p.run("plan", "dev", TFCTL_RETRIES="0")
    assert plan.returncode == 1
    assert "does not have the expected content" in plan.stderr


def test_a_lock_put_retried_after_a_lost_answer_is_still_ours(
    basic_project: FixtureProject,
) -> None:
    from botocore.exceptions import ReadTimeoutError

    from tfctl.errors import StateLockError
    from tfctl.state import _acquire, _release

    p = basic_project
    dynamodb = p.client("dynamodb")
    path = f"{p.bucket}/{DEV_KEY}"
    lost: list[str] = []

    def lose_the_first_answer(**_: object) -> None:
        if not lost:  # the item is written; the caller never hears so, and retries
            lost.append("PutItem")
            raise ReadTimeoutError(endpoint_url=p.env["AWS_ENDPOINT_URL"])

    dynamodb.meta.events.register("after-call.dynamodb.PutItem", lose_the_first_answer)
    lock = _acquire(dynamodb, p.table, p.bucket, path, "v1")
    assert lost == ["PutItem"]
    (item,) = lock_items(p)
    assert item["Info"] == {"S": lock.info}

    with pytest.raises(StateLockError) as caught:  # another run still finds it taken
        _acquire(p.client("dynamodb"), p.table, p.bucket, path, "v2")
    assert json.loads(lock.info)["ID"] in str(caught.value)
    _release(dynamodb, p.table, lock)
    assert lock_items(p) == []
