"""Backend bootstrap against a real moto S3 + DynamoDB server: create, re-run, drift, check mode,
concurrency, injected faults, access denied, bad input."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3
import pytest

from tfctl.backend import BootstrapReport, bootstrap, is_mutating, raise_if_drifted
from tfctl.backend.bucket import LIFECYCLE_RULE_ID, TLS_STATEMENT_SID
from tfctl.errors import BackendError, ConfigError, CredentialsError, DriftDetected

pytestmark = pytest.mark.integration

REGION = "eu-west-1"


class MotoServer(Protocol):
    """What these tests need of the shared `moto_server` fixture."""

    endpoint: str


TAGS = {"project": "analytics", "managed-by": "tfctl"}


@dataclass
class Names:
    bucket: str
    table: str


@dataclass
class CallLog:
    """Every API call seen by a botocore hook on the session, independent of tfctl's own count."""

    calls: list[str] = field(default_factory=list)

    def record(self, event_name: str = "", **_: Any) -> None:
        self.calls.append(event_name.split(".", 1)[1])

    @property
    def mutating(self) -> list[str]:
        return [call for call in self.calls if is_mutating(call.split(".", 1)[1])]


@pytest.fixture
def names() -> Names:
    suffix = uuid.uuid4().hex[:10]
    return Names(bucket=f"tfctl-state-{suffix}", table=f"tfctl-lock-{suffix}")


def make_session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


@pytest.fixture
def session() -> boto3.Session:
    return make_session()


@pytest.fixture
def s3(moto_server: MotoServer, session: boto3.Session) -> Any:
    return session.client("s3", endpoint_url=moto_server.endpoint)


@pytest.fixture
def dynamodb(moto_server: MotoServer, session: boto3.Session) -> Any:
    return session.client("dynamodb", endpoint_url=moto_server.endpoint)


def run(
    moto_server: MotoServer,
    names: Names,
    session: boto3.Session | None = None,
    **kwargs: Any,
) -> BootstrapReport:
    return bootstrap(
        bucket=names.bucket,
        table=names.table,
        region=REGION,
        tags=TAGS,
        endpoint=moto_server.endpoint,
        session=session or make_session(),
        **{"enforce_tls": True, **kwargs},  # moto speaks plain HTTP; test the policy anyway
    )


def statuses(report: BootstrapReport) -> dict[tuple[str, str], str]:
    return {(row.resource, row.setting): row.status for row in report.settings}


def counting_session() -> tuple[boto3.Session, CallLog]:
    session = make_session()
    log = CallLog()
    session.events.register("before-call", log.record)
    return session, log


# --- fresh bootstrap, read back every setting ------------------------------------------------


def test_fresh_bootstrap_creates_every_setting(
    moto_server: MotoServer, names: Names, s3: Any, dynamodb: Any
) -> None:
    report = run(moto_server, names)

    assert report.changed
    assert not report.drifted
    assert set(statuses(report).values()) == {"created"}
    assert ("bucket", "tls-only policy") in statuses(report)

    assert s3.get_bucket_location(Bucket=names.bucket)["LocationConstraint"] == REGION
    ownership = s3.get_bucket_ownership_controls(Bucket=names.bucket)["OwnershipControls"]
    assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert s3.get_bucket_versioning(Bucket=names.bucket)["Status"] == "Enabled"
    encryption = s3.get_bucket_encryption(Bucket=names.bucket)["ServerSideEncryptionConfiguration"]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=names.bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    policy = json.loads(s3.get_bucket_policy(Bucket=names.bucket)["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert f"arn:aws:s3:::{names.bucket}/*" in statement["Resource"]
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=names.bucket)["Rules"]
    assert rule["ID"] == LIFECYCLE_RULE_ID
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 90
    assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 7
    tag_set = s3.get_bucket_tagging(Bucket=names.bucket)["TagSet"]
    assert {t["Key"]: t["Value"] for t in tag_set} == TAGS

    table = dynamodb.describe_table(TableName=names.table)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [{"AttributeName": "LockID", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "LockID", "AttributeType": "S"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert table["DeletionProtectionEnabled"] is True
    backups = dynamodb.describe_continuous_backups(TableName=names.table)
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    table_tags = dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    assert {t["Key"]: t["Value"] for t in table_tags} == TAGS


def test_kms_key_gives_aws_kms_with_bucket_key(
    moto_server: MotoServer, names: Names, s3: Any
) -> None:
    run(moto_server, names, kms_key_id="alias/tfctl-state", retention_days=30)
    rules = s3.get_bucket_encryption(Bucket=names.bucket)["ServerSideEncryptionConfiguration"]
    (rule,) = rules["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": "alias/tfctl-state",
    }
    assert rule["BucketKeyEnabled"] is True
    (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=names.bucket)["Rules"]
    assert lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30


def test_us_east_1_bucket_has_no_location_constraint(moto_server: MotoServer, names: Names) -> None:
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    report = bootstrap(
        bucket=names.bucket,
        table=names.table,
        region="us-east-1",
        endpoint=moto_server.endpoint,
        session=session,
    )
    assert statuses(report)[("bucket", "bucket")] == "created"
    s3 = session.client("s3", endpoint_url=moto_server.endpoint)
    assert s3.get_bucket_location(Bucket=names.bucket)["LocationConstraint"] is None


# --- idempotency -----------------------------------------------------------------------------


def test_second_run_makes_zero_mutating_calls(moto_server: MotoServer, names: Names) -> None:
    first_session, first_log = counting_session()
    first = run(moto_server, names, first_session)
    second_session, second_log = counting_session()
    second = run(moto_server, names, second_session)

    assert first_log.mutating, "the first run must have created things"
    assert second_log.mutating == []
    assert second.mutating_calls == ()
    assert not second.changed
    assert set(statuses(second).values()) == {"in place"}
    # tfctl's own count agrees with the independent hook.
    assert len(second.api_calls) == len(second_log.calls)
    assert len(first.api_calls) == len(first_log.calls)


# --- drift -----------------------------------------------------------------------------------


def make_drift(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_bucket_encryption(Bucket=bucket)
    s3.delete_public_access_block(Bucket=bucket)
    other = {
        "Sid": "AllowAuditRead",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:role/audit"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [other]})
    )


DRIFTED = {
    ("bucket", "versioning"),
    ("bucket", "encryption"),
    ("bucket", "public access block"),
    ("bucket", "tls-only policy"),
}


def test_check_reports_drift_and_changes_nothing(
    moto_server: MotoServer, names: Names, s3: Any
) -> None:
    run(moto_server, names)
    make_drift(s3, names.bucket)

    session, log = counting_session()
    report = run(moto_server, names, session, check=True)

    assert report.drifted
    assert not report.changed
    assert {key for key, status in statuses(report).items() if status == "drift"} == DRIFTED
    assert log.mutating == []
    assert s3.get_bucket_versioning(Bucket=names.bucket)["Status"] == "Suspended"
    with pytest.raises(DriftDetected, match="drift in 4 settings") as caught:
        raise_if_drifted(report)
    assert caught.value.exit_code == 2


def test_drift_is_repaired_keeping_other_policy_statements(
    moto_server: MotoServer, names: Names, s3: Any
) -> None:
    run(moto_server, names)
    make_drift(s3, names.bucket)

    report = run(moto_server, names)

    repaired = {key for key, status in statuses(report).items() if status == "repaired"}
    assert repaired == DRIFTED
    assert s3.get_bucket_versioning(Bucket=names.bucket)["Status"] == "Enabled"
    assert s3.get_bucket_encryption(Bucket=names.bucket)
    assert s3.get_public_access_block(Bucket=names.bucket)["PublicAccessBlockConfiguration"][
        "RestrictPublicBuckets"
    ]
    policy = json.loads(s3.get_bucket_policy(Bucket=names.bucket)["Policy"])
    sids = [statement["Sid"] for statement in policy["Statement"]]
    assert sids == ["AllowAuditRead", TLS_STATEMENT_SID]
    # Repaired means converged: a check now finds nothing.
    assert not run(moto_server, names, check=True).drifted


def test_table_drift_is_repaired(moto_server: MotoServer, names: Names, dynamodb: Any) -> None:
    run(moto_server, names)
    dynamodb.update_table(TableName=names.table, DeletionProtectionEnabled=False)
    dynamodb.update_continuous_backups(
        TableName=names.table,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False},
    )

    check = run(moto_server, names, check=True)
    drifted = {key for key, status in statuses(check).items() if status == "drift"}
    assert drifted == {("table", "deletion protection"), ("table", "point-in-time recovery")}

    report = run(moto_server, names)
    assert statuses(report)[("table", "deletion protection")] == "repaired"
    assert dynamodb.describe_table(TableName=names.table)["Table"]["DeletionProtectionEnabled"]


def test_check_on_missing_backend_reports_drift_and_creates_nothing(
    moto_server: MotoServer, names: Names, s3: Any
) -> None:
    session, log = counting_session()
    report = run(moto_server, names, session, check=True)
    assert statuses(report) == {("bucket", "bucket"): "drift", ("table", "table"): "drift"}
    assert log.mutating == []
    assert names.bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_existing_tags_and_lifecycle_rules_are_kept(
    moto_server: MotoServer, names: Names, s3: Any
) -> None:
    s3.create_bucket(Bucket=names.bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_tagging(
        Bucket=names.bucket, Tagging={"TagSet": [{"Key": "team", "Value": "data"}]}
    )
    logs_rule = {
        "ID": "expire-logs",
        "Status": "Enabled",
        "Filter": {"Prefix": "logs/"},
        "Expiration": {"Days": 30},
    }
    s3.put_bucket_lifecycle_configuration(
        Bucket=names.bucket, LifecycleConfiguration={"Rules": [logs_rule]}
    )

    report = run(moto_server, names)

    assert statuses(report)[("bucket", "bucket")] == "in place"
    assert statuses(report)[("bucket", "tags")] == "repaired"
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=names.bucket)["TagSet"]}
    assert tags == {"team": "data", **TAGS}
    rule_ids = [
        r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=names.bucket)["Rules"]
    ]
    assert rule_ids == ["expire-logs", LIFECYCLE_RULE_ID]


# --- concurrency -----------------------------------------------------------------------------


class Turnstile:
    """Lets two threads reach a call together, then lets them through it one at a time."""

    def __init__(self) -> None:
        self.arrived = threading.Barrier(2)
        self.first_done = threading.Event()

    def before(self, **_: Any) -> None:
        if self.arrived.wait(timeout=30) != 0:
            self.first_done.wait(timeout=30)

    def after(self, **_: Any) -> None:
        self.first_done.set()


def test_two_concurrent_bootstraps_both_succeed(
    moto_server: MotoServer, names: Names, s3: Any
) -> None:
    # Both runs see "missing", then create one after the other, so the loser gets
    # BucketAlreadyOwnedByYou / ResourceInUseException. (Truly simultaneous CreateTable calls both
    # succeed on moto, which does not serialise them as DynamoDB does, so the order is forced.)
    at_create = {"s3.CreateBucket": Turnstile(), "dynamodb.CreateTable": Turnstile()}
    results: list[BootstrapReport | BaseException] = []

    def worker() -> None:
        session = make_session()
        for event, turnstile in at_create.items():
            session.events.register(f"before-call.{event}", turnstile.before)
            session.events.register(f"after-call.{event}", turnstile.after)
        try:
            results.append(run(moto_server, names, session))
        except BaseException as exc:  # collected and asserted on by the main thread
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    reports = [r for r in results if isinstance(r, BootstrapReport)]
    assert len(reports) == 2
    for resource, create in (("bucket", "s3:CreateBucket"), ("table", "dynamodb:CreateTable")):
        outcomes = sorted(statuses(r)[(resource, resource)] for r in reports)
        assert outcomes == ["created", "in place"], resource
        assert [r.api_calls.count(create) for r in reports] == [1, 1]
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert buckets.count(names.bucket) == 1
    # Exactly one TLS statement, whichever run wrote last.
    policy = json.loads(s3.get_bucket_policy(Bucket=names.bucket)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [TLS_STATEMENT_SID]
    assert not run(moto_server, names, check=True).drifted


# --- injected faults -------------------------------------------------------------------------


class FakeHttpResponse:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.headers: dict[str, str] = {}
        self.content = b""
        self.text = ""


def inject_faults(
    session: boto3.Session, event: str, codes: list[tuple[int, str]]
) -> Callable[[], int]:
    """Fail the next calls of `event` with the given (status, code) pairs, then let them through."""
    pending = list(codes)
    seen = [0]

    def hook(**_: Any) -> tuple[FakeHttpResponse, dict[str, Any]] | None:
        seen[0] += 1
        if not pending:
            return None
        status, code = pending.pop(0)
        parsed = {
            "Error": {"Code": code, "Message": f"injected {code}"},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}},
        }
        return FakeHttpResponse(status), parsed

    session.events.register(f"before-call.{event}", hook)
    return lambda: seen[0]


def test_throttling_5xx_and_not_yet_visible_are_retried(
    moto_server: MotoServer, names: Names, s3: Any
) -> None:
    session = make_session()
    versioning = inject_faults(
        session, "s3.PutBucketVersioning", [(503, "SlowDown"), (500, "InternalError")]
    )
    # S3's eventual consistency: a fresh bucket briefly answers NoSuchBucket.
    policy = inject_faults(
        session, "s3.GetBucketPolicy", [(404, "NoSuchBucket"), (404, "NoSuchBucket")]
    )
    table = inject_faults(session, "dynamodb.CreateTable", [(400, "ThrottlingException")])

    started = time.monotonic()
    report = run(moto_server, names, session)
    elapsed = time.monotonic() - started

    assert versioning() == 3
    assert policy() == 3
    assert table() == 2
    assert report.api_calls.count("s3:PutBucketVersioning") == 3
    assert s3.get_bucket_versioning(Bucket=names.bucket)["Status"] == "Enabled"
    assert not run(moto_server, names, check=True).drifted
    assert elapsed < 30


def test_no_such_bucket_on_an_existing_bucket_is_not_retried(
    moto_server: MotoServer, names: Names
) -> None:
    run(moto_server, names)
    session = make_session()
    calls = inject_faults(session, "s3.GetBucketPolicy", [(404, "NoSuchBucket")] * 20)
    with pytest.raises(BackendError, match=r"GetBucketPolicy on bucket .* failed: NoSuchBucket"):
        run(moto_server, names, session)
    assert calls() == 1


def test_access_denied_fails_at_once_naming_the_permission(
    moto_server: MotoServer, names: Names
) -> None:
    session = make_session()
    calls = inject_faults(session, "s3.PutBucketEncryption", [(403, "AccessDenied")] * 20)
    started = time.monotonic()
    with pytest.raises(BackendError) as caught:
        run(moto_server, names, session)
    assert time.monotonic() - started < 5
    assert calls() == 1
    message = str(caught.value)
    assert "s3:PutEncryptionConfiguration" in message
    assert "\n" not in message


def test_access_denied_on_table_names_dynamodb_action(
    moto_server: MotoServer, names: Names
) -> None:
    session = make_session()
    inject_faults(session, "dynamodb.CreateTable", [(400, "AccessDeniedException")])
    with pytest.raises(BackendError, match="needs the IAM permission dynamodb:CreateTable"):
        run(moto_server, names, session)


def test_bucket_owned_by_another_account_is_explained(
    moto_server: MotoServer, names: Names
) -> None:
    session = make_session()
    inject_faults(session, "s3.HeadBucket", [(404, "404")])
    inject_faults(session, "s3.CreateBucket", [(409, "BucketAlreadyExists")])
    with pytest.raises(BackendError, match="owned by another AWS account"):
        run(moto_server, names, session)


def test_bucket_in_another_region_is_refused(moto_server: MotoServer, names: Names) -> None:
    run(moto_server, names)
    with pytest.raises(BackendError, match=f"exists in region {REGION}, not us-west-2"):
        bootstrap(
            bucket=names.bucket,
            table=names.table,
            region="us-west-2",
            endpoint=moto_server.endpoint,
            session=make_session(),
        )


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bucket", "rule"),
    [
        ("Tfctl-State", "uppercase"),
        ("a" * 64, "3 to 63 characters"),
        ("ab", "3 to 63 characters"),
        ("192.168.1.10", "IP address"),
        ("xn--state", "prefix 'xn--'"),
        ("state-s3alias", "suffix '-s3alias'"),
        ("state..bucket", "two adjacent dots"),
        ("state_bucket", "only lowercase letters"),
        ("-state", "begin and end"),
    ],
)
def test_invalid_bucket_names_fail_before_any_call(
    moto_server: MotoServer, names: Names, bucket: str, rule: str
) -> None:
    session, log = counting_session()
    with pytest.raises(ConfigError, match=rule) as caught:
        bootstrap(
            bucket=bucket,
            table=names.table,
            region=REGION,
            endpoint=moto_server.endpoint,
            session=session,
        )
    assert "\n" not in str(caught.value)
    assert log.calls == []


@pytest.mark.parametrize("region", ["eu-west-99", "mars-1", "EU-WEST-1", ""])
def test_unknown_region_fails_before_any_call(
    moto_server: MotoServer, names: Names, region: str
) -> None:
    session, log = counting_session()
    with pytest.raises(ConfigError, match="region"):
        bootstrap(
            bucket=names.bucket,
            table=names.table,
            region=region,
            endpoint=moto_server.endpoint,
            session=session,
        )
    assert log.calls == []


@pytest.mark.parametrize("table", ["ab", "lock table", "lock/table"])
def test_invalid_table_names_fail(moto_server: MotoServer, names: Names, table: str) -> None:
    with pytest.raises(ConfigError, match="invalid DynamoDB table name"):
        bootstrap(bucket=names.bucket, table=table, region=REGION, endpoint=moto_server.endpoint)


def test_missing_credentials_fail_with_one_line(
    names: Names, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(CredentialsError, match="no AWS credentials found") as caught:
        bootstrap(bucket=names.bucket, table=names.table, region=REGION)
    assert "\n" not in str(caught.value)
