"""The exception tree. Every error tfctl raises on purpose is a TfctlError.

Each carries a one-line message that names the problem and the fix, and an exit code the CLI uses.
Messages are masked by the CLI before they are printed; fields that hold terraform's output are
masked when the error is built (see TerraformCommandError).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfctl.diagnostics import Diagnostic


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
        self.kind = "fatal"  # set by retry.classify_failure: transient, locked or fatal
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.summary = summary
        self.diagnostics: tuple[Diagnostic, ...] = ()
        self.environment: str | None = None
        self.operation = self.argv[1] if len(self.argv) > 1 else "terraform"
        super().__init__(self._describe())

    def _describe(self) -> str:
        from tfctl.diagnostics import count_text

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
