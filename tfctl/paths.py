"""Where tfctl keeps its own files, outside any repository: the cache and the per-user folder."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """tfctl's cache folder: $XDG_CACHE_HOME/tfctl, else ~/.cache/tfctl."""
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tfctl"


def config_dir(environ: Mapping[str, str]) -> Path:
    """tfctl's per-user folder: $XDG_CONFIG_HOME/tfctl, else ~/.config/tfctl (outside any repo)."""
    base = environ.get("XDG_CONFIG_HOME") or os.path.join(
        environ.get("HOME") or str(Path.home()), ".config"
    )
    return Path(base) / "tfctl"
