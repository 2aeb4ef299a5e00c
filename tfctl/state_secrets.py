"""The secrets in an environment's state, registered with the masker before terraform runs.

Terraform marks them itself: sensitive outputs, and each resource instance's
`sensitive_attributes` (provider-generated passwords and tokens included). The state is read with
one signed GET (tfctl.backend.fetch) or, when that does not cover the settings, with boto3.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tfctl.masking import Masker
    from tfctl.settings import Settings

log = logging.getLogger(__name__)


def _at_path(value: Any, path: Any) -> Any:
    """The value at one of terraform's `sensitive_attributes` paths (get_attr / index steps)."""
    for step in path if isinstance(path, list) else ():
        if not isinstance(step, dict):
            return None
        key = step.get("value")
        if isinstance(key, dict):  # index steps: {"value": 0, "type": "number"}
            key = key.get("value")
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int | float) and 0 <= key < len(value):
            value = value[int(key)]
        else:
            return None
    return value


def state_secrets(state: dict[str, Any]) -> list[Any]:
    """The values a terraform state marks sensitive: sensitive outputs and the sensitive
    attributes of every resource instance (provider-generated passwords included)."""
    found: list[Any] = []
    for output in (state.get("outputs") or {}).values():
        if isinstance(output, dict) and output.get("sensitive"):
            found.append(output.get("value"))
    for resource in state.get("resources") or ():
        for instance in resource.get("instances") or () if isinstance(resource, dict) else ():
            if not isinstance(instance, dict):
                continue
            attributes = instance.get("attributes") or {}
            for path in instance.get("sensitive_attributes") or ():
                found.append(_at_path(attributes, path))
    return [value for value in found if value is not None]


def _fetch_state(settings: Settings, state_key: str, environ: Mapping[str, str]) -> bytes:
    """The state object: one signed GET when that covers the settings (milliseconds), else
    boto3 (about 0.2 s of CPU for its imports and the S3 model)."""
    from tfctl.backend.aws import backend_client
    from tfctl.backend.fetch import fetch_object
    from tfctl.backend.render import endpoint_from_environment

    endpoint = endpoint_from_environment(environ, "S3")
    body = fetch_object(
        settings.state_bucket, state_key, region=settings.region, environ=environ, endpoint=endpoint
    )
    if body is None:
        s3 = backend_client("s3", region=settings.region, environ=environ, endpoint=endpoint)
        body = s3.get_object(Bucket=settings.state_bucket, Key=state_key)["Body"].read()
    return bytes(body)


def register_state_secrets(
    settings: Settings, state_key: str, environ: Mapping[str, str], masker: Masker
) -> int:
    """Register the sensitive values of the state at `state_key` with `masker`, before terraform
    prints anything (a fresh process otherwise learns provider-generated secrets only when it
    reads outputs). Best effort: a state that cannot be read registers nothing."""
    try:
        body = _fetch_state(settings, state_key, environ)
        state = json.loads(body)
    except Exception as exc:  # no state yet, no access, not JSON: terraform will say so itself
        log.debug("state secrets not read: %s", type(exc).__name__)
        return 0
    if not isinstance(state, dict):
        return 0
    count = 0
    for value in state_secrets(state):
        count += masker.register_tree(value, quiet=True)
    return count
