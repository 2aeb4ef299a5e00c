"""The preflight parse cache keeps structure only: no value of a .tf or .tfvars file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfctl.credentials import preflight, required_providers, variables


def test_cache_holds_no_values_and_gives_the_same_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "env"
    root.mkdir()
    (root / "main.tf").write_text(
        "terraform {\n  required_providers {\n"
        '    upstash = { source = "upstash/upstash" }\n  }\n}\n'
        'variable "admin_password" {\n  type = string\n  sensitive = true\n'
        '  default = "default-secret-value-1"\n}\n'
        'variable "qstash_token" {\n  type = string\n  sensitive = true\n}\n'
    )
    (root / "terraform.tfvars").write_text('region = "tfvars-secret-value-2"\n')
    environ = {"QSTASH_TOKEN": "tok-123456", "UPSTASH_EMAIL": "a@b.c", "UPSTASH_API_KEY": "k-98765"}

    first = preflight(root, environ)
    cached = list((tmp_path / "cache").rglob("*.json"))
    assert cached, "the parse cache was not written"
    text = "".join(path.read_text() for path in cached)
    assert "default-secret-value-1" not in text
    assert "tfvars-secret-value-2" not in text

    second = preflight(root, environ)  # served from the cache
    assert second == first
    assert required_providers(root) == {"upstash/upstash"}
    specs = {spec.name: spec for spec in variables(root)}
    assert specs["admin_password"].sensitive and specs["admin_password"].has_default
    assert specs["qstash_token"].sensitive and not specs["qstash_token"].has_default
    assert first.env["TF_VAR_qstash_token"] == "tok-123456"
