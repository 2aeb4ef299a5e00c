"""The fake cloud the emulated providers manage: one JSON file shared by every provider process.

Separate terraform runs (and the up to ten RPCs one run makes in parallel) see the same objects:
every operation is a transaction under a thread lock and an exclusive `flock` on a lock file, and
the file is replaced atomically. Values are the resources' last applied states; their secrets are
the sandbox's own random values, and the file is readable by its owner only.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CLOUD_FILE = "cloud.json"
_LOCK_SUFFIX = ".lock"

Objects = dict[str, dict[str, Any]]  # resource type -> key -> state


class Cloud:
    """A persisted map of resource type -> key -> state, safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def in_dir(cls, sandbox_dir: Path) -> Cloud:
        """The cloud kept in `sandbox_dir`."""
        return cls(sandbox_dir / CLOUD_FILE)

    def get(self, type_name: str, key: str) -> Any | None:
        """The stored state of one object, or None when it does not exist."""
        with self._transaction(write=False) as objects:
            return objects.get(type_name, {}).get(key)

    def put(self, type_name: str, key: str, state: Any) -> None:
        """Create or replace an object."""
        with self._transaction(write=True) as objects:
            objects.setdefault(type_name, {})[key] = state

    def delete(self, type_name: str, key: str) -> bool:
        """Remove an object; False when it was not there."""
        with self._transaction(write=True) as objects:
            return objects.get(type_name, {}).pop(key, None) is not None

    def find(self, type_name: str, match: Callable[[str, Any], bool]) -> tuple[str, Any] | None:
        """The first (key, state) of `type_name` for which `match(key, state)` holds."""
        with self._transaction(write=False) as objects:
            for key, state in objects.get(type_name, {}).items():
                if match(key, state):
                    return key, state
        return None

    def objects(self) -> Objects:
        """A snapshot of everything."""
        with self._transaction(write=False) as objects:
            return objects

    def count(self) -> int:
        """How many objects exist, of every type."""
        return sum(len(v) for v in self.objects().values())

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Objects]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + _LOCK_SUFFIX)
        with self._lock:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
                objects = self._load()
                yield objects
                if write:
                    self._store(objects)
            finally:
                os.close(fd)  # closing releases the flock

    def _load(self) -> Objects:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return dict(data.get("objects", {}))

    def _store(self, objects: Objects) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"objects": objects}, handle, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
