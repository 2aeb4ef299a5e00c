"""What a bootstrap found and did: one row per setting, and every AWS API call it made.

Plain data with no AWS dependency, so the console can render a report without the machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["created", "repaired", "in place", "drift", "skipped"]
STATUSES: tuple[Status, ...] = ("created", "repaired", "in place", "drift", "skipped")
#: Operation-name prefixes of API calls that change something (used to prove idempotency).
MUTATING_PREFIXES = ("Create", "Put", "Update", "Delete", "Tag", "Untag")


@dataclass(frozen=True)
class SettingResult:
    """One row of a bootstrap report: what one setting of one resource was, or became."""

    resource: str
    setting: str
    status: Status
    detail: str


def is_mutating(operation: str) -> bool:
    """True for API operations that change something (Create*, Put*, Update*, Delete*, Tag*)."""
    return operation.startswith(MUTATING_PREFIXES)


@dataclass(frozen=True)
class BootstrapReport:
    """What a bootstrap found and did: one row per setting, and every AWS API call it made."""

    bucket: str
    table: str
    region: str
    check: bool
    settings: tuple[SettingResult, ...]
    api_calls: tuple[str, ...]
    elapsed_seconds: float

    @property
    def changed(self) -> bool:
        """True when anything was created or repaired."""
        return any(row.status in ("created", "repaired") for row in self.settings)

    @property
    def drifted(self) -> bool:
        """True when a check found a setting (or a whole resource) differing from the design."""
        return any(row.status == "drift" for row in self.settings)

    @property
    def mutating_calls(self) -> tuple[str, ...]:
        """The calls that changed something (Create*/Put*/Update*/Delete*/Tag*)."""
        return tuple(call for call in self.api_calls if is_mutating(call.split(":", 1)[1]))

    @property
    def drifted_settings(self) -> tuple[str, ...]:
        """ "resource setting" for every row that differs (check=True); see raise_if_drifted."""
        return tuple(
            f"{row.resource} {row.setting}" for row in self.settings if row.status == "drift"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for `--json`."""
        return {
            "bucket": self.bucket,
            "table": self.table,
            "region": self.region,
            "check": self.check,
            "changed": self.changed,
            "drifted": self.drifted,
            "settings": [
                {
                    "resource": row.resource,
                    "setting": row.setting,
                    "status": row.status,
                    "detail": row.detail,
                }
                for row in self.settings
            ],
            "api_calls": list(self.api_calls),
            "mutating_calls": list(self.mutating_calls),
            "elapsed_seconds": round(self.elapsed_seconds, 3),
        }
