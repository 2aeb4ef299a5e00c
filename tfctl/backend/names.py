"""Validate bootstrap input before any AWS call: bucket and table names, region, tags.

Each check raises ConfigError with one line naming the rule that failed and what to do, so a bad
name never half-creates anything.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from tfctl.errors import ConfigError

_BUCKET_CHARS = re.compile(r"^[a-z0-9.-]+$")
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_REGION_SHAPE = re.compile(r"^[a-z]{2,4}(-[a-z0-9]+)+-\d+$")
# Reserved by S3 for access points, Object Lambda, directory buckets, table buckets and docs.
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def validate_bucket_name(name: str) -> str:
    """Check `name` against S3's general-purpose bucket naming rules; return it unchanged."""
    rule = _bucket_rule_broken(name)
    if rule:
        raise ConfigError(
            f"invalid S3 bucket name {name!r}: {rule}",
            hint="pick a name of 3-63 lowercase letters, digits, hyphens or dots",
        )
    return name


def _bucket_rule_broken(name: str) -> str | None:
    if not 3 <= len(name) <= 63:
        return f"must be 3 to 63 characters long, not {len(name)}"
    if name != name.lower() and _BUCKET_CHARS.match(name.lower()):
        return "uppercase letters are not allowed"
    if not _BUCKET_CHARS.match(name):
        return "only lowercase letters, digits, hyphens (-) and dots (.) are allowed"
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "must begin and end with a letter or digit"
    if ".." in name:
        return "must not contain two adjacent dots"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "must not be formatted as an IP address"
    for prefix in _RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"the prefix {prefix!r} is reserved by AWS"
    for suffix in _RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"the suffix {suffix!r} is reserved by AWS"
    return None


def bucket_name_problem(name: str) -> str | None:
    """The S3 naming rule `name` breaks, or None (for settings, which phrase their own error)."""
    return _bucket_rule_broken(name)


def table_name_problem(name: str) -> str | None:
    """The DynamoDB naming rule `name` breaks, or None."""
    if _TABLE_NAME.match(name):
        return None
    return "3-255 characters of letters, digits, underscore (_), hyphen (-) or dot (.)"


def validate_table_name(name: str) -> str:
    """Check `name` against DynamoDB's table naming rules; return it unchanged."""
    if not _TABLE_NAME.match(name):
        raise ConfigError(
            f"invalid DynamoDB table name {name!r}: "
            "must be 3-255 characters of letters, digits, underscore (_), hyphen (-) or dot (.)",
            hint="pick another lock table name",
        )
    return name


def known_regions() -> frozenset[str]:
    """Every region botocore knows for S3 or DynamoDB, across all partitions."""
    import botocore.session

    session = botocore.session.get_session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        for service in ("s3", "dynamodb"):
            regions.update(session.get_available_regions(service, partition_name=partition))
    return frozenset(regions)


def validate_region(region: str, *, allow_unlisted: bool = False) -> str:
    """Check `region` is one botocore knows (with `allow_unlisted`, merely shaped like one)."""
    if not region:
        raise ConfigError(
            "no AWS region given", hint="pass --region or set AWS_REGION / the project's region"
        )
    if not _REGION_SHAPE.match(region):
        raise ConfigError(
            f"invalid AWS region {region!r}: expected a name like eu-west-1",
            hint="pass --region with a real AWS region",
        )
    if not allow_unlisted and region not in known_regions():
        raise ConfigError(
            f"unknown AWS region {region!r}: not in botocore's list of S3/DynamoDB regions",
            hint="check the spelling, or upgrade boto3 if the region is new",
        )
    return region


def validate_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Check tags fit both S3 and DynamoDB (50 tags, key 1-128, value <= 256, no aws: prefix)."""
    if len(tags) > 50:
        raise ConfigError(f"too many tags: {len(tags)}, S3 allows 50", hint="drop some tags")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise ConfigError(f"tag key {key!r} must be 1-128 characters", hint="shorten the key")
        if len(value) > 256:
            raise ConfigError(f"tag {key!r} value is over 256 characters", hint="shorten the value")
        if key.lower().startswith("aws:"):
            raise ConfigError(f"tag key {key!r} uses the reserved aws: prefix", hint="rename it")
    return dict(tags)
