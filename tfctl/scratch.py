"""Private scratch folders for files that hold secrets (plan files), and their cleanup.

A scratch folder is made 0700 in the temp directory, named `tfctl-scratch-<label>-*`, and holds
an `owner.pid` file naming the tfctl process that made it; files in it are created 0600. The
folder is removed when the run ends, on errors, Ctrl-C and SIGTERM included. A run killed with
SIGKILL cannot clean up: the next tfctl removes every such folder whose owner is gone.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tfctl.process import is_alive

__all__ = ["PREFIX", "private_file", "remove_stale", "scratch_dir"]

PREFIX = "tfctl-scratch-"
OWNER_FILE = "owner.pid"
# A folder without its owner file yet may be in the middle of being made.
_GRACE_SECONDS = 60


@contextmanager
def scratch_dir(label: str) -> Iterator[Path]:
    """A fresh 0700 folder owned by this process, removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{label}-"))
    try:
        (folder / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 (a program writing it later keeps that mode)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    return path


def _owner(folder: Path) -> int | None:
    try:
        return int((folder / OWNER_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def remove_stale(tempdir: Path | None = None) -> int:
    """Remove this user's scratch folders whose tfctl is no longer running; how many."""
    base = Path(tempdir) if tempdir is not None else Path(tempfile.gettempdir())
    removed = 0
    try:
        candidates = list(base.glob(f"{PREFIX}*"))
    except OSError:
        return 0
    for folder in candidates:
        try:
            info = folder.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            continue
        owner = _owner(folder)
        if owner == os.getpid() or (owner is not None and is_alive(owner)):
            continue
        if owner is None and time.time() - info.st_mtime < _GRACE_SECONDS:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += not folder.exists()
    return removed
