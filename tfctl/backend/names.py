"""AWS's naming rules for the state bucket and lock table, and the regions botocore knows.

Each rule answers with the problem in words (or None), so settings can check a name on every
command and the package face (validate_*) can raise one ConfigError naming the rule and the fix.
"""

from __future__ import annotations

import ipaddress
import re

_BUCKET_CHARS = re.compile(r"^[a-z0-9.-]+$")
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
# Reserved by S3 for access points, Object Lambda, directory buckets, table buckets and docs.
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


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


def known_regions() -> frozenset[str]:
    """Every region botocore knows for S3 or DynamoDB, across all partitions."""
    import botocore.session

    session = botocore.session.get_session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        for service in ("s3", "dynamodb"):
            regions.update(session.get_available_regions(service, partition_name=partition))
    return frozenset(regions)
