"""A fresh tfctl process masks the secrets its state holds before terraform prints anything.

Real terraform and a moto backend: dev is applied by one process; another process, which never
saw the value (it comes from a variable default, not from the environment), plans dev and must
already mask the sensitive output and the password inside it.
"""

from __future__ import annotations

import pytest

from tests.conftest import FixtureProject
from tfctl.project import Project
from tfctl.state_secrets import state_secrets

pytestmark = pytest.mark.integration

CONNECTION = "postgres://app:not-a-real-password@db.internal:5432/app"


def test_state_secrets_are_registered_before_the_plan(basic_project: FixtureProject) -> None:
    p = basic_project
    applied = p.run("apply", "dev", "--auto-approve")
    assert applied.returncode == 0, applied.stderr

    lines: list[str] = []
    fresh = Project.discover(p.root, environ=p.env, on_line=lines.append)
    assert fresh.masker.mask(CONNECTION) == CONNECTION  # control: not known before
    fresh.environment("dev").plan()
    assert fresh.masker.mask(CONNECTION) == "***"
    assert fresh.masker.mask("password not-a-real-password") == "password ***"


def test_sensitive_attributes_of_resources_are_found() -> None:
    state = {
        "version": 4,
        "outputs": {
            "url": {"value": "rediss://default:gen-pass-1@h:6379", "sensitive": True},
            "plain": {"value": "public-value", "sensitive": False},
        },
        "resources": [
            {
                "type": "upstash_redis_database",
                "instances": [
                    {
                        "attributes": {
                            "password": "gen-pass-2",
                            "endpoint": "h",
                            "keys": [{"secret": "gen-pass-3"}],
                        },
                        "sensitive_attributes": [
                            [{"type": "get_attr", "value": "password"}],
                            [
                                {"type": "get_attr", "value": "keys"},
                                {"type": "index", "value": {"value": 0, "type": "number"}},
                                {"type": "get_attr", "value": "secret"},
                            ],
                            [{"type": "get_attr", "value": "missing"}],
                        ],
                    }
                ],
            }
        ],
    }
    assert state_secrets(state) == [
        "rediss://default:gen-pass-1@h:6379",
        "gen-pass-2",
        "gen-pass-3",
    ]
