"""The exception tree. Every error tfctl raises on purpose is a TfctlError.

Each carries a one-line message that names the problem and the fix, and an exit code the CLI uses.
Messages are masked by the CLI before they are printed; fields that hold terraform's output are
masked when the error is built (see TerraformCommandError).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


class TfctlError(Exception):
    """Base of every expected tfctl error. `str(err)` is one line fit for a user."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} ({hint})" if hint else message)


class ConfigError(TfctlError):
    """Bad settings, a malformed tfctl.toml, or an invalid flag value."""


class ProjectNotFoundError(ConfigError):
    """No root holding terraform/environments/ was found."""


class UnknownEnvironmentError(ConfigError):
    """The environment name is not a folder under terraform/environments/."""


class TerraformNotFoundError(TfctlError):
    """The terraform binary is missing."""


class TerraformVersionError(TfctlError):
    """The terraform binary is outside the supported range."""

    def __init__(self, actual: str, minimum: str, maximum: str | None = None) -> None:
        self.actual = actual
        self.minimum = minimum
        self.maximum = maximum
        allowed = f">= {minimum}" + (f", < {maximum}" if maximum else "")
        super().__init__(
            f"terraform {actual} is not supported (need {allowed})",
            hint="install a supported terraform or point TFCTL_TERRAFORM_BIN at one",
        )


class RequiredVersionError(TerraformVersionError):
    """The terraform found does not satisfy a root's (or a module's) `required_version`."""

    def __init__(self, actual: str, constraint: str, *, binary: str, where: str) -> None:
        self.actual = actual
        self.minimum = constraint
        self.maximum = None
        self.constraint = constraint
        TfctlError.__init__(
            self,
            f"terraform {actual} ({binary}) does not satisfy required_version "
            f'"{constraint}" of {where}',
            hint=(
                "install a Terraform that does, point TFCTL_TERRAFORM_BIN at one, or set "
                "TFCTL_TERRAFORM_BIN=bundled for the bundled one (tfctl[terraform])"
            ),
        )


class CredentialsError(TfctlError):
    """Provider or backend credentials are missing."""


class TerraformCommandError(TfctlError):
    """A terraform command exited non-zero. Fields are already masked.

    `diagnostics` are terraform's errors and warnings (tfctl.diagnostics); the message is one
    line naming the environment and the operation, never the binary's path:
    `dev: validate failed: 1 error` (the diagnostics themselves are rendered apart).
    """

    def __init__(
        self,
        argv: Sequence[str],
        returncode: int,
        stdout: str,
        stderr: str,
        *,
        summary: str | None = None,
    ) -> None:
        self.argv = list(argv)
        self.kind = "fatal"  # set by failures.classify_failure: transient, locked or fatal
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.summary = summary
        self.diagnostics: tuple[Diagnostic, ...] = ()
        self.environment: str | None = None
        self.operation = self.argv[1] if len(self.argv) > 1 else "terraform"
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f"{self.environment}: " if self.environment else ""
        counted = None if self.summary else count_text(self.diagnostics)
        detail = (
            self.summary
            or counted
            or _first_error_line(self.stderr)
            or f"exit code {self.returncode}"
        )
        return f"{where}{self.operation} failed: {detail}"

    def describe(
        self,
        *,
        environment: str | None = None,
        operation: str | None = None,
        diagnostics: Sequence[Diagnostic] | None = None,
    ) -> None:
        """Name the environment and operation, or set the diagnostics; the message follows."""
        if environment is not None:
            self.environment = environment
        if operation is not None:
            self.operation = operation
        if diagnostics is not None:
            self.diagnostics = tuple(diagnostics)
        self.message = self._describe()
        self.args = (f"{self.message} ({self.hint})" if self.hint else self.message,)

    def mask_fields(self, mask: Callable[[str], str]) -> None:
        """Mask every text field again (message, hint, argv, stdout, stderr, diagnostics)."""
        self.message = mask(self.message)
        self.hint = mask(self.hint) if self.hint is not None else None
        self.argv = [mask(part) for part in self.argv]
        self.stdout = mask(self.stdout)
        self.stderr = mask(self.stderr)
        self.summary = mask(self.summary) if self.summary is not None else None
        self.diagnostics = tuple(d.masked(mask) for d in self.diagnostics)
        self.args = tuple(mask(arg) if isinstance(arg, str) else arg for arg in self.args)

    def to_json(self) -> dict[str, object]:
        """The JSON error document of `--json` (fields already masked)."""
        return {
            "error": {
                "message": self.message,
                "environment": self.environment,
                "operation": self.operation,
                "exit_code": self.exit_code,
                "diagnostics": [d.to_json() for d in self.diagnostics],
            }
        }


class StateLockError(TerraformCommandError):
    """Terraform could not acquire the state lock; carries the holder's lock info when known."""

    def __init__(
        self,
        argv: Sequence[str],
        returncode: int,
        stdout: str,
        stderr: str,
        *,
        lock_info: dict[str, str] | None = None,
    ) -> None:
        self.lock_info = dict(lock_info or {})
        who = self.lock_info.get("Who", "unknown")
        since = self.lock_info.get("Created", "unknown time")
        operation = self.lock_info.get("Operation", "unknown operation")
        lock_id = self.lock_info.get("ID", "?")
        super().__init__(
            argv,
            returncode,
            stdout,
            stderr,
            summary=(
                f"the state is locked by {who} since {since} for {operation} (lock id {lock_id}); "
                "wait for it, or run `tfctl unlock ENV LOCK_ID` if that run is dead"
            ),
        )
        self.kind = "locked"


class UnexpectedOutputError(TfctlError):
    """Terraform exited 0 but its output lacks what every run of it reports (a plan summary)."""


class PlanRefusedError(TfctlError):
    """A safety rule refused to apply or destroy."""


class BackendError(TfctlError):
    """The S3 bucket or DynamoDB table could not be bootstrapped or read."""


class DriftDetected(TfctlError):
    """Something differs from what it should be (bootstrap --check, drift)."""

    exit_code = 2


class Interrupted(TfctlError):
    """The user pressed Ctrl-C; terraform was asked to stop cleanly."""

    exit_code = 130


class Terminated(Interrupted):
    """tfctl got SIGTERM (a CI cancellation); terraform was asked to stop cleanly, like Ctrl-C."""

    exit_code = 143


def _first_error_line(stderr: str) -> str:
    for line in stderr.splitlines():
        text = line.strip().lstrip("│").strip()
        if text.startswith("Error:"):
            return text.removeprefix("Error:").strip()
    for line in stderr.splitlines():
        if line.strip():
            return line.strip()
    return ""


# Terraform's diagnostics as values: here, at the bottom of the import graph, because
# TerraformCommandError carries them. Parsing and rendering them in bulk is tfctl.diagnostics.

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning terraform reported."""

    severity: str
    summary: str
    detail: str = ""
    #: the file, relative to the environment's root when terraform gave a relative path
    filename: str | None = None
    line: int | None = None
    column: int | None = None
    #: what holds the range, e.g. `resource "null_resource" "app"`
    context: str | None = None
    #: the source line(s) and the character range to underline in the first one
    code: str | None = None
    code_line: int | None = None
    highlight: tuple[int, int] | None = None
    address: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str | None:
        """`file:line:col` (or `file:line`), or None when terraform named no file."""
        if self.filename is None:
            return None
        parts = [self.filename]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    @classmethod
    def from_json(cls, item: Mapping[str, Any], *, root: Path | None = None) -> Diagnostic:
        """From one of terraform's JSON diagnostics (validate -json, or a UI stream event)."""
        range_ = item.get("range") if isinstance(item.get("range"), Mapping) else None
        snippet = item.get("snippet") if isinstance(item.get("snippet"), Mapping) else None
        filename = line = column = None
        if range_ is not None:
            filename = _relative(str(range_.get("filename", "")), root) or None
            start = range_.get("start") or {}
            line, column = _int(start.get("line")), _int(start.get("column"))
        code = code_line = highlight = context = None
        if snippet is not None:
            code = str(snippet.get("code", "")) or None
            code_line = _int(snippet.get("start_line"))
            context = snippet.get("context") or None
            if code is not None:
                highlight = _char_range(
                    code,
                    _int(snippet.get("highlight_start_offset")),
                    _int(snippet.get("highlight_end_offset")),
                )
        return cls(
            severity=WARNING if str(item.get("severity")) == WARNING else ERROR,
            summary=str(item.get("summary", "")),
            detail=str(item.get("detail") or ""),
            filename=filename,
            line=line,
            column=column,
            context=str(context) if context else None,
            code=code,
            code_line=code_line,
            highlight=highlight,
            address=str(item["address"]) if item.get("address") else None,
        )

    def masked(self, mask: Callable[[str], str]) -> Diagnostic:
        """A copy with every text masked (summary, detail, context and the source line)."""

        def text(value: str | None) -> str | None:
            return mask(value) if value is not None else None

        code = text(self.code)
        return replace(
            self,
            summary=mask(self.summary),
            detail=mask(self.detail),
            context=text(self.context),
            code=code,
            # a masked line has other lengths: underline only where it still fits
            highlight=self.highlight if code == self.code else None,
            filename=text(self.filename),
            address=text(self.address),
        )

    def render(self) -> str:
        """The diagnostic as terraform shows it, without the box."""
        lines = [f"{self.severity.capitalize()}: {self.summary}"]
        if self.location is not None:
            lines.append("")
            where = f"  on {self.location}"
            lines.append(f"{where}, in {self.context}:" if self.context else f"{where}:")
            if self.code is not None:
                number = self.code_line if self.code_line is not None else self.line
                prefix = f"  {number}: " if number is not None else "  "
                first, *rest = self.code.splitlines() or [""]
                lines.append(prefix + first)
                if self.highlight is not None:
                    start, end = self.highlight
                    start = min(start, len(first))
                    end = min(max(end, start + 1), max(len(first), start + 1))
                    lines.append(" " * (len(prefix) + start) + "^" * (end - start))
                lines.extend(" " * len(prefix) + more for more in rest)
        if self.detail:
            lines.append("")
            lines.extend(self.detail.splitlines())
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "summary": self.summary,
            "detail": self.detail,
            "location": self.location,
            "filename": self.filename,
            "line": self.line,
            "column": self.column,
            "context": self.context,
            "code": self.code,
            "address": self.address,
        }


def count_text(diagnostics: Sequence[Diagnostic]) -> str | None:
    """The errors counted ("1 error", "2 errors"); None when there is none. Warnings are
    shown, not counted."""
    errors = sum(d.is_error for d in diagnostics)
    return f"{errors} error{'s' if errors != 1 else ''}" if errors else None


def _relative(filename: str, root: Path | None) -> str:
    if root is None or not filename or not Path(filename).is_absolute():
        return filename
    try:
        return str(Path(filename).relative_to(root))
    except ValueError:
        return filename


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _char_range(code: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """Terraform's byte offsets into the snippet, as character offsets into its first line."""
    if start is None or end is None:
        return None
    data = code.encode()
    first_end = data.find(b"\n")
    first_end = len(data) if first_end < 0 else first_end
    start_chars = len(data[: min(start, first_end)].decode(errors="ignore"))
    end_chars = len(data[: min(end, first_end)].decode(errors="ignore"))
    return start_chars, max(end_chars, start_chars + 1)
