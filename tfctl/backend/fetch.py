"""One S3 GetObject without boto3, for the path every plan takes.

Reading the state before a plan (tfctl.state_secrets) through boto3 costs about
0.2 s of CPU on every run (its imports and the S3 service model), which on a small root is more
than the rest of tfctl. When the credentials are static ones in the environment, one Signature
Version 4 GET over http.client reads the same object in a few milliseconds. Whatever it does not
cover returns None, and the caller uses boto3 as before: other credential sources (profiles, SSO,
instance roles), proxies, FIPS or dual-stack endpoints, partitions outside `aws`, TLS that the
system's CA store does not verify, and any answer but 200 or 404.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import time
import urllib.parse
from collections.abc import Mapping

#: SHA-256 of the empty payload of a GET.
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
_PROXIES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
_OFF_PATH = ("AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT")
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


class NoSuchObject(LookupError):
    """The bucket answered 404: there is no such key (no state yet)."""


def _url(bucket: str, key: str, region: str, endpoint: str | None) -> urllib.parse.SplitResult:
    quoted = urllib.parse.quote(key, safe="/~")
    if endpoint:  # custom endpoints are addressed path-style, as tfctl's boto3 clients do
        base = urllib.parse.urlsplit(endpoint)
        path = f"{base.path.rstrip('/')}/{urllib.parse.quote(bucket, safe='')}/{quoted}"
        return base._replace(path=path, query="", fragment="")
    if "." in bucket:  # a dotted name breaks the wildcard certificate of the virtual host
        return urllib.parse.SplitResult(
            "https", f"s3.{region}.amazonaws.com", f"/{bucket}/{quoted}", "", ""
        )
    return urllib.parse.SplitResult(
        "https", f"{bucket}.s3.{region}.amazonaws.com", f"/{quoted}", "", ""
    )


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signed_headers(
    host: str,
    path: str,
    *,
    region: str,
    access_key: str,
    secret_key: str,
    session_token: str | None = None,
    now: float | None = None,
) -> dict[str, str]:
    """The headers of a Signature Version 4 S3 GET of `path` on `host` (no query string)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    headers = {"host": host, "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": stamp}
    if session_token:
        headers["x-amz-security-token"] = session_token
    names = sorted(headers)
    canonical = "\n".join(
        [
            "GET",
            path,
            "",
            "".join(f"{name}:{headers[name].strip()}\n" for name in names),
            ";".join(names),
            EMPTY_SHA256,
        ]
    )
    scope = f"{stamp[:8]}/{region}/s3/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()]
    )
    key = _hmac(_hmac(_hmac(f"AWS4{secret_key}".encode(), stamp[:8]), region), "s3")
    signature = hmac.new(
        _hmac(key, "aws4_request"), to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return headers


def fetch_object(
    bucket: str,
    key: str,
    *,
    region: str | None,
    environ: Mapping[str, str],
    endpoint: str | None = None,
) -> bytes | None:
    """The object's bytes; NoSuchObject on 404; None when boto3 must do it (see the module)."""
    access_key = environ.get("AWS_ACCESS_KEY_ID", "")
    secret_key = environ.get("AWS_SECRET_ACCESS_KEY", "")
    if not (access_key and secret_key and region and bucket):
        return None
    if any(environ.get(name) for name in _PROXIES):
        return None
    if any(environ.get(name, "").lower() == "true" for name in _OFF_PATH):
        return None
    if not endpoint and region.startswith(("cn-", "us-iso")):
        return None
    url = _url(bucket, key, region, endpoint)
    if url.scheme not in ("http", "https") or not url.netloc:
        return None
    headers = signed_headers(
        url.netloc,
        url.path,
        region=region,
        access_key=access_key,
        secret_key=secret_key,
        session_token=environ.get("AWS_SESSION_TOKEN") or None,
    )
    connection: http.client.HTTPConnection
    if url.scheme == "https":
        import ssl

        context = ssl.create_default_context(cafile=environ.get("AWS_CA_BUNDLE") or None)
        connection = http.client.HTTPSConnection(
            url.netloc, timeout=CONNECT_TIMEOUT, context=context
        )
    else:
        connection = http.client.HTTPConnection(url.netloc, timeout=CONNECT_TIMEOUT)
    try:
        try:
            connection.connect()
        except OSError as exc:
            if type(exc).__name__.startswith("SSL"):
                return None  # a CA store that differs from boto3's (certifi): let boto3 try
            raise
        if connection.sock is not None:
            connection.sock.settimeout(READ_TIMEOUT)
        connection.request("GET", url.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status == 200:
        return body
    if response.status == 404:
        raise NoSuchObject(f"s3://{bucket}/{key}")
    return None  # redirects to another region, denials, throttling: boto3 says it properly
