"""The signed S3 GET of tfctl.backend.fetch signs exactly as botocore does, and leaves to boto3
every setting it does not cover. No process or network here."""

from __future__ import annotations

import calendar
import time

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tfctl.backend.fetch import EMPTY_SHA256, _url, fetch_object, signed_headers

KEYS = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalr/K7MDENG+bPxRfiCY"}


@pytest.mark.parametrize("token", [None, "session/token+="])
@pytest.mark.parametrize(
    ("bucket", "key", "endpoint"),
    [
        ("state-bucket", "env/dev/terraform.tfstate", None),
        ("dotted.bucket", "env/a b~c/x+y=é.tfstate", None),
        ("state", "env/dev/terraform.tfstate", "http://127.0.0.1:4566/base/"),
    ],
)
def test_the_signature_is_botocores(
    bucket: str, key: str, endpoint: str | None, token: str | None
) -> None:
    url = _url(bucket, key, "eu-central-1", endpoint)
    request = AWSRequest(
        method="GET", url=url.geturl(), headers={"X-Amz-Content-SHA256": EMPTY_SHA256}
    )
    credentials = Credentials(KEYS["AWS_ACCESS_KEY_ID"], KEYS["AWS_SECRET_ACCESS_KEY"], token)
    S3SigV4Auth(credentials, "s3", "eu-central-1").add_auth(request)
    now = calendar.timegm(time.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
    ours = signed_headers(
        url.netloc,
        url.path,
        region="eu-central-1",
        access_key=KEYS["AWS_ACCESS_KEY_ID"],
        secret_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        session_token=token,
        now=now,
    )
    assert ours["authorization"] == request.headers["Authorization"]
    assert KEYS["AWS_SECRET_ACCESS_KEY"] not in str(ours)


def test_addressing() -> None:
    assert (
        _url("b", "k/s", "us-east-1", None).geturl() == "https://b.s3.us-east-1.amazonaws.com/k/s"
    )
    assert (
        _url("a.b", "k", "eu-west-1", None).geturl() == "https://s3.eu-west-1.amazonaws.com/a.b/k"
    )
    assert _url("b", "k", "x", "https://h:9000").geturl() == "https://h:9000/b/k"


@pytest.mark.parametrize(
    "environ",
    [
        {},  # credentials from a profile, SSO or an instance role: boto3's chain
        {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"},
        {**KEYS, "HTTPS_PROXY": "http://proxy:3128"},
        {**KEYS, "AWS_USE_FIPS_ENDPOINT": "true"},
        {**KEYS, "AWS_USE_DUALSTACK_ENDPOINT": "TRUE"},
    ],
)
def test_what_it_does_not_cover_is_left_to_boto3(environ: dict[str, str]) -> None:
    assert fetch_object("b", "k", region="us-east-1", environ=environ) is None


def test_other_partitions_and_missing_regions_are_left_to_boto3() -> None:
    assert fetch_object("b", "k", region="cn-north-1", environ=KEYS) is None
    assert fetch_object("b", "k", region=None, environ=KEYS) is None
    assert fetch_object("b", "k", region="us-east-1", environ=KEYS, endpoint="ftp://h") is None
