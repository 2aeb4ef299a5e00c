"""Pure parts of the bootstrap: policy merging, retry classification, IAM action names, naming."""

from __future__ import annotations

from typing import Any

import pytest

from tfctl.backend import validate_bucket_name, validate_region
from tfctl.backend.aws import iam_action, translate_aws_error
from tfctl.backend.bucket import (
    TLS_STATEMENT_SID,
    has_tls_only_statement,
    merge_tls_only_statement,
    tls_only_statement,
)
from tfctl.backend.report import is_mutating
from tfctl.errors import BackendError, ConfigError, CredentialsError
from tfctl.retry import aws_retry_predicate, is_transient_aws_error


class FakeClientError(Exception):
    def __init__(self, code: str, status: int) -> None:
        super().__init__(code)
        self.response: dict[str, Any] = {
            "Error": {"Code": code, "Message": "m"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }


def test_merge_keeps_other_statements_and_a_single_statement_dict() -> None:
    other = {"Sid": "Audit", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    merged = merge_tls_only_statement({"Version": "2008-10-17", "Statement": other}, "b")
    assert merged["Version"] == "2008-10-17"
    assert merged["Statement"] == [other, tls_only_statement("b")]
    assert has_tls_only_statement(merged, "b")


def test_merge_replaces_a_stale_statement_with_our_sid() -> None:
    stale = {**tls_only_statement("b"), "Resource": "arn:aws:s3:::b"}  # objects not covered
    policy = {"Statement": [stale]}
    assert not has_tls_only_statement(policy, "b")
    merged = merge_tls_only_statement(policy, "b")
    assert [s["Sid"] for s in merged["Statement"]] == [TLS_STATEMENT_SID]
    assert has_tls_only_statement(merged, "b")


def test_an_equivalent_statement_under_another_sid_counts() -> None:
    statement = {**tls_only_statement("b", "aws-cn"), "Sid": "ForceTLS", "Principal": {"AWS": "*"}}
    statement["Condition"] = {"Bool": {"aws:SecureTransport": False}}
    assert has_tls_only_statement({"Statement": [statement]}, "b", "aws-cn")
    assert not has_tls_only_statement({"Statement": [statement]}, "b", "aws")


@pytest.mark.parametrize(
    ("code", "status", "transient"),
    [
        ("SlowDown", 503, True),
        ("ThrottlingException", 400, True),
        ("InternalError", 500, True),
        ("SomethingNew", 502, True),
        ("OperationAborted", 409, True),
        ("AccessDenied", 403, False),
        ("NoSuchBucket", 404, False),
        ("BucketAlreadyExists", 409, False),
    ],
)
def test_transient_classification(code: str, status: int, transient: bool) -> None:
    assert is_transient_aws_error(FakeClientError(code, status)) is transient


def test_not_yet_visible_is_retried_only_after_create() -> None:
    error = FakeClientError("NoSuchBucket", 404)
    assert not aws_retry_predicate()(error)
    assert aws_retry_predicate(after_create=True)(error)
    assert aws_retry_predicate(also=("NoSuchBucket",))(error)


def test_iam_actions_and_mutations() -> None:
    assert iam_action("s3", "HeadBucket") == "s3:ListBucket"
    assert iam_action("s3", "PutBucketEncryption") == "s3:PutEncryptionConfiguration"
    assert iam_action("dynamodb", "UpdateContinuousBackups") == "dynamodb:UpdateContinuousBackups"
    assert is_mutating("PutBucketPolicy")
    assert is_mutating("TagResource")
    assert not is_mutating("GetBucketPolicy")
    assert not is_mutating("DescribeTable")


def test_error_translation_is_one_line() -> None:
    denied = translate_aws_error(
        FakeClientError("AccessDenied", 403), "s3", "GetPublicAccessBlock", "bucket b"
    )
    assert isinstance(denied, BackendError)
    assert "s3:GetBucketPublicAccessBlock" in str(denied)
    expired = translate_aws_error(
        FakeClientError("ExpiredToken", 400), "s3", "HeadBucket", "bucket b"
    )
    assert isinstance(expired, CredentialsError)
    for error in (denied, expired):
        assert "\n" not in str(error)


@pytest.mark.parametrize("name", ["abc", "a.b-c", "tfctl-state-123", "a" * 63])
def test_valid_bucket_names_pass(name: str) -> None:
    assert validate_bucket_name(name) == name


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1"])
def test_known_regions_pass(region: str) -> None:
    assert validate_region(region) == region


def test_well_shaped_unlisted_region_needs_opt_in() -> None:
    with pytest.raises(ConfigError, match="unknown AWS region"):
        validate_region("xx-nowhere-9")
    assert validate_region("xx-nowhere-9", allow_unlisted=True) == "xx-nowhere-9"
