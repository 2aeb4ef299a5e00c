"""What a fresh interpreter loads: the happy path stays off modules it does not need (issue 13).
Each check runs in its own `python -c`, since this process has imported everything already."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def loaded_after(script: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.split()


def test_tenacity_loads_only_when_a_retry_may_happen() -> None:
    script = """
import sys
from tfctl.failures import retry_terraform
from tfctl.retry import AWS_API
assert retry_terraform("plan", lambda: "ok", retries=3) == "ok"
assert AWS_API.call(lambda exc: True, lambda: "ok") == "ok"
print("tenacity" in sys.modules)
flaky = iter([ValueError("once")])
def once():
    for error in flaky:
        raise error
    return "ok"
assert AWS_API.call(lambda exc: isinstance(exc, ValueError), once) == "ok"
print("tenacity" in sys.modules)
"""
    assert loaded_after(script) == ["False", "True"]


def test_the_backend_leaves_load_without_the_bootstrap_machinery() -> None:
    script = """
import sys
import tfctl.backend.names, tfctl.backend.render, tfctl.settings
machinery = ("tenacity", "tfctl.backend.aws", "tfctl.backend.bucket")
print(sorted(m for m in machinery if m in sys.modules))
from tfctl.backend import translate_aws_error
print("tfctl.backend.aws" in sys.modules)
"""
    assert loaded_after(script) == ["[]", "False"]
