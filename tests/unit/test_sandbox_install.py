"""Sandbox layout, launchers, CLI config and the go-plugin handshake helpers (no processes)."""

from __future__ import annotations

import base64
import os
import ssl
import sys
from pathlib import Path

import pytest

from tfctl.sandbox.install import (
    FAKE_CREDENTIALS,
    copy_workspace,
    emulated_providers,
    install,
    launcher_text,
    terraform_environment,
)
from tfctl.sandbox.plugin_server import (
    MAGIC_COOKIE_KEY,
    MAGIC_COOKIE_VALUE,
    HandshakeError,
    check_handshake_environment,
    handshake_line,
)


def test_every_schema_document_is_an_emulated_provider() -> None:
    names = {p.name: p for p in emulated_providers()}
    assert set(names) == {"clickhouse", "clickhousedbops", "upstash"}
    assert names["clickhouse"].address == "registry.terraform.io/clickhouse/clickhouse"
    assert names["upstash"].binary_name == "terraform-provider-upstash_v2.0.1"


def test_install_writes_executable_launchers_and_a_mirror_only_config(tmp_path: Path) -> None:
    layout = install(tmp_path / "sbx")
    for provider in emulated_providers():
        package = layout.mirror / provider.address / provider.version / "linux_amd64"
        launcher = package / provider.binary_name
        assert os.access(launcher, os.X_OK)
        assert launcher.read_text().startswith(f"#!{sys.executable} -I\n")
        assert [p.name for p in package.iterdir()] == [provider.binary_name]
    config = layout.cli_config.read_text()
    assert "filesystem_mirror" in config
    assert "direct" not in config
    assert '"registry.terraform.io/upstash/upstash"' in config
    key = layout.root / "tls" / "server.key"
    assert key.stat().st_mode & 0o077 == 0
    # A second install changes nothing, so init's recorded hashes stay valid.
    before = (package / provider.binary_name).stat().st_mtime_ns
    install(tmp_path / "sbx")
    assert (package / provider.binary_name).stat().st_mtime_ns == before


def test_launcher_runs_one_provider_with_the_sandbox_dir() -> None:
    text = launcher_text("upstash", Path("/srv/sbx"), python="/opt/py/bin/python")
    assert text.splitlines()[0] == "#!/opt/py/bin/python -I"
    assert "serve('upstash', '/srv/sbx')" in text


def test_workspace_copy_leaves_lock_files_and_data_dirs_behind(tmp_path: Path) -> None:
    project = tmp_path / "project"
    env = project / "terraform" / "environments" / "dev"
    (env / ".terraform").mkdir(parents=True)
    (env / "main.tf").write_text("# main\n")
    (env / ".terraform.lock.hcl").write_text("# real lock\n")
    layout = install(tmp_path / "sbx")
    root = copy_workspace(project, layout)
    copied = root / "terraform" / "environments" / "dev"
    assert (copied / "main.tf").is_file()
    assert not (copied / ".terraform.lock.hcl").exists()
    assert not (copied / ".terraform").exists()
    assert (env / ".terraform.lock.hcl").read_text() == "# real lock\n"


def test_workspace_copy_keeps_the_sandbox_init_and_follows_the_repository(tmp_path: Path) -> None:
    project = tmp_path / "project"
    env = project / "terraform" / "environments" / "dev"
    env.mkdir(parents=True)
    (env / "main.tf").write_text("# one\n")
    (env / "old.tf").write_text("# gone soon\n")
    (project / "terraform" / "modules" / "m").mkdir(parents=True)
    layout = install(tmp_path / "sbx")
    copied = copy_workspace(project, layout) / "terraform" / "environments" / "dev"
    (copied / ".terraform").mkdir()  # the sandbox's own init of dev
    (copied / ".terraform" / "terraform.tfstate").write_text("{}")
    (copied / ".terraform.lock.hcl").write_text("# sandbox lock\n")
    (env / "main.tf").write_text("# two\n")
    (env / "old.tf").unlink()
    (project / "terraform" / "modules" / "m").rmdir()
    copy_workspace(project, layout)
    assert (copied / "main.tf").read_text() == "# two\n"
    assert not (copied / "old.tf").exists()
    assert not (layout.workspace / "terraform" / "modules" / "m").exists()
    assert (copied / ".terraform" / "terraform.tfstate").read_text() == "{}"
    assert (copied / ".terraform.lock.hcl").read_text() == "# sandbox lock\n"


def test_terraform_environment_points_at_the_sandbox(tmp_path: Path) -> None:
    layout = install(tmp_path / "sbx")
    env = terraform_environment(layout, "dev")
    assert env["TF_CLI_CONFIG_FILE"] == str(layout.cli_config)
    assert env["TF_DATA_DIR"] == str(layout.root / "data" / "dev")
    assert env["UPSTASH_API_KEY"] == FAKE_CREDENTIALS["UPSTASH_API_KEY"]


def test_handshake_line_has_unpadded_certificate(tmp_path: Path) -> None:
    layout = install(tmp_path / "sbx")
    der = ssl.PEM_cert_to_DER_cert((layout.root / "tls" / "server.pem").read_text())
    line = handshake_line(4242, der)
    parts = line.rstrip("\n").split("|")
    assert parts[:5] == ["1", "5", "tcp", "127.0.0.1:4242", "grpc"]
    assert "=" not in parts[5]
    padded = parts[5] + "=" * (-len(parts[5]) % 4)
    assert base64.b64decode(padded) == der


def test_handshake_environment_checks() -> None:
    with pytest.raises(HandshakeError, match="started by terraform"):
        check_handshake_environment({})
    ok = {MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, "PLUGIN_PROTOCOL_VERSIONS": "6,5"}
    check_handshake_environment(ok)
    with pytest.raises(HandshakeError, match="speaks only 5"):
        check_handshake_environment({**ok, "PLUGIN_PROTOCOL_VERSIONS": "6"})
