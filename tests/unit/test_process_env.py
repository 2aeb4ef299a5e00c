"""The child environment is built in one place, with automation defaults."""

from __future__ import annotations

from pathlib import Path

from tfctl.process import child_environment


def test_automation_defaults_and_debug_variables_cleared(tmp_path: Path) -> None:
    base = {"PATH": "/bin", "TF_LOG": "TRACE", "TF_LOG_PATH": "/tmp/x.log", "HOME": "/home/u"}
    env = child_environment(base, plugin_cache_dir=tmp_path / "cache")
    assert env["TF_IN_AUTOMATION"] == "1"
    assert env["TF_INPUT"] == "0"
    assert "TF_LOG" not in env and "TF_LOG_PATH" not in env
    assert env["TF_PLUGIN_CACHE_DIR"] == str(tmp_path / "cache")
    assert (tmp_path / "cache").is_dir()
    assert base["TF_LOG"] == "TRACE"  # the caller's mapping is not changed


def test_debug_keeps_tf_log_and_extra_wins(tmp_path: Path) -> None:
    env = child_environment(
        {"TF_LOG": "DEBUG"},
        extra={"UPSTASH_API_KEY": "k-123456", "TF_PLUGIN_CACHE_DIR": str(tmp_path / "mine")},
        debug=True,
        plugin_cache_dir=tmp_path / "default",
    )
    assert env["TF_LOG"] == "DEBUG"
    assert env["UPSTASH_API_KEY"] == "k-123456"
    assert env["TF_PLUGIN_CACHE_DIR"] == str(tmp_path / "mine")
    assert not (tmp_path / "default").exists()
