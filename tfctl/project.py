"""Project and Environment: the repository, its settings, and the root modules it runs.

The root is `--root`, else `TFCTL_ROOT`, else the nearest ancestor of the working directory holding
`terraform/environments/`. Environments are the sub-folders of `terraform/environments/`: one root
module each, with its state key and the operations on it. Every operation runs preflight
(credentials present, secrets registered with the masker), then `init` when the environment is
not initialized or its backend settings changed, then terraform.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tfctl import process
from tfctl.errors import (
    ConfigError,
    PlanRefusedError,
    ProjectNotFoundError,
    StateLockError,
    TerraformCommandError,
    UnknownEnvironmentError,
)
from tfctl.init_requirements import INIT_RECORD
from tfctl.results import ApplyResult, OutputValue, PlanResult
from tfctl.settings import Settings, resolve_settings
from tfctl.terraform import (
    Terraform,
    TerraformBinary,
    Version,
    detect_version,
    locate_terraform,
    parse_events,
    unmet_requirement,
)

if TYPE_CHECKING:
    from tfctl import safety
    from tfctl.backend.render import BackendConfig, RenderedBackend
    from tfctl.credentials import CredentialPlan
    from tfctl.diagnostics import Diagnostic
    from tfctl.masking import Masker
    from tfctl.plan_diff import PlanDiff
    from tfctl.process import LineCallback

ENVIRONMENTS_DIR = Path("terraform") / "environments"
_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: Longer names are refused before any file is looked up (the OS limit is 255 bytes).
MAX_ENV_NAME = 64


def _new_masker() -> Masker:
    from tfctl.masking import Masker

    return Masker()


def find_root(start: Path) -> Path | None:
    """The nearest ancestor of `start` (itself included) holding terraform/environments/."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ENVIRONMENTS_DIR).is_dir():
            return candidate
    return None


def validate_environment_name(name: str) -> str:
    """Refuse anything that is not a plain folder name (`../x`, `/etc`, empty, hidden, long)."""
    if len(name) > MAX_ENV_NAME:
        raise ConfigError(
            f"environment name is too long ({len(name)} characters, at most {MAX_ENV_NAME})",
            hint="use a plain folder name under terraform/environments/, such as dev",
        )
    if not name or not _ENV_NAME.fullmatch(name) or name in {".", ".."}:
        raise ConfigError(
            f"{name!r} is not a valid environment name",
            hint="use a plain folder name under terraform/environments/, such as dev",
        )
    return name


@dataclass(frozen=True)
class Project:
    """A tfctl project: its root folder, resolved settings and the process environment it reads."""

    root: Path
    settings: Settings
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)
    debug: bool = False
    masker: Masker = field(default_factory=lambda: _new_masker(), repr=False)
    on_line: LineCallback | None = field(default=None, repr=False)
    on_notice: LineCallback | None = field(default=None, repr=False)

    @classmethod
    def discover(
        cls,
        root: str | Path | None = None,
        *,
        cwd: Path | None = None,
        environ: Mapping[str, str] | None = None,
        flags: Mapping[str, Any] | None = None,
        debug: bool = False,
        masker: Masker | None = None,
        on_line: LineCallback | None = None,
        on_notice: LineCallback | None = None,
    ) -> Project:
        """Find the project root and resolve its settings."""
        environ = dict(os.environ if environ is None else environ)
        if root is None and environ.get("TFCTL_ROOT"):
            root = environ["TFCTL_ROOT"]
        if root is not None:
            path = Path(root).expanduser().resolve()
            if not (path / ENVIRONMENTS_DIR).is_dir():
                raise ProjectNotFoundError(
                    f"{path} has no {ENVIRONMENTS_DIR}/ folder",
                    hint="pass --root (or TFCTL_ROOT) pointing at the repository root",
                )
        else:
            found = find_root(cwd or Path.cwd())
            if found is None:
                raise ProjectNotFoundError(
                    f"no {ENVIRONMENTS_DIR}/ folder in {cwd or Path.cwd()} or any parent",
                    hint="run tfctl inside the repository, or pass --root / set TFCTL_ROOT",
                )
            path = found
        settings = resolve_settings(path, flags=flags, environ=environ)
        return cls(
            root=path,
            settings=settings,
            environ=environ,
            debug=debug,
            masker=masker if masker is not None else _new_masker(),
            on_line=on_line,
            on_notice=on_notice,
        )

    @property
    def environments_dir(self) -> Path:
        return self.root / ENVIRONMENTS_DIR

    def environment_names(self) -> list[str]:
        """Names of every environment folder, sorted."""
        return sorted(
            entry.name
            for entry in self.environments_dir.iterdir()
            if entry.is_dir() and not entry.name.startswith(".")
        )

    def environment(self, name: str) -> Environment:
        """The environment called `name`; unknown names fail with the list of valid ones."""
        validate_environment_name(name)
        path = self.environments_dir / name
        if not path.is_dir():
            names = ", ".join(self.environment_names()) or "none"
            raise UnknownEnvironmentError(
                f"unknown environment {name!r}",
                hint=f"valid environments: {names}",
            )
        return Environment(project=self, name=name, path=path)

    def environments(self) -> list[Environment]:
        """Every environment of the project."""
        return [self.environment(name) for name in self.environment_names()]


log = logging.getLogger(__name__)

T = TypeVar("T")

BACKEND_MARKER = "tfctl-backend.sha256"
#: Plans made again (and approved again) when another run applied first.
STALE_PLAN_ATTEMPTS = 10

_STARTING = threading.Lock()  # a background reader starts once, whichever thread asks first


def _register_state_secrets(env: Environment) -> None:
    # imported here, in the reader's thread: its imports stay off the main thread
    from tfctl.state_secrets import register_state_secrets

    project = env.project
    register_state_secrets(project.settings, env.state_key, project.environ, project.masker)


#: Called with the plan before it is applied; return False to cancel.
Approver = Callable[[PlanResult], bool]


@dataclass(eq=False)
class Environment:
    """One environment of a project: its folder, state key and operations."""

    project: Project
    name: str
    path: Path
    _credentials: CredentialPlan | None = field(default=None, init=False, repr=False)
    _version_checked: bool = field(default=False, init=False, repr=False)
    _state_secrets: threading.Thread | None = field(default=None, init=False, repr=False)

    @property
    def state_key(self) -> str:
        return f"env/{self.name}/terraform.tfstate"

    @property
    def protected(self) -> bool:
        return self.project.settings.is_protected(self.name)

    @property
    def data_dir(self) -> Path:
        """Terraform's data directory for this environment (TF_DATA_DIR or .terraform)."""
        custom = self.project.environ.get("TF_DATA_DIR")
        return self.path / custom if custom else self.path / ".terraform"

    # -- terraform binary and backend ---------------------------------------------------------

    @cached_property
    def terraform_binary(self) -> TerraformBinary:
        """The terraform this environment runs, and where it came from (see locate_terraform)."""
        settings = self.project.settings
        return locate_terraform(
            settings.terraform_bin,
            self.project.environ,
            origin=settings.sources.get("terraform_bin", "default"),
        )

    @cached_property
    def binary(self) -> str:
        return self.terraform_binary.path

    @cached_property
    def version(self) -> Version:
        cache_dir = self.project.settings.plugin_cache_dir
        return detect_version(self.binary, cache_dir=cache_dir.parent if cache_dir else None)

    def check_required_version(self) -> None:
        """RequiredVersionError (one line, nothing started) when the terraform found does not
        satisfy a `required_version` of this root or of its local modules."""
        if self._version_checked:
            return
        from tfctl.credentials import required_versions
        from tfctl.errors import RequiredVersionError

        unmet = unmet_requirement(self.version, required_versions(self.path))
        if unmet is not None:
            constraint, where = unmet
            try:
                shown = str(Path(where).relative_to(self.project.root.resolve()))
            except ValueError:
                shown = where
            raise RequiredVersionError(
                str(self.version), constraint, binary=self.terraform_binary.describe(), where=shown
            )
        self._version_checked = True

    def backend_config(self) -> BackendConfig:
        from tfctl.backend.render import BackendConfig

        settings = self.project.settings
        return BackendConfig.from_environment(
            bucket=settings.state_bucket,
            key=self.state_key,
            region=settings.region,
            table=settings.lock_table,
            environ=self.project.environ,
            use_lockfile=settings.use_lockfile,
            kms_key_id=settings.kms_key_id,
        )

    def rendered_backend(self) -> RenderedBackend:
        from tfctl.backend.render import render_backend_config

        return render_backend_config(self.backend_config(), self.version.tuple)

    # -- credentials and the child process ------------------------------------------------------

    def credentials(self) -> CredentialPlan:
        """Preflight: every credential this root needs, or CredentialsError listing all missing."""
        if self._credentials is None:
            from tfctl.credentials import preflight, require

            plan = preflight(self.path, self.project.environ)
            require(plan)
            for secret in plan.secrets:
                self.project.masker.register(secret)
            self._credentials = plan
        return self._credentials

    def terraform(self) -> Terraform:
        """A Terraform runner for this environment, with the child environment built once."""
        self.check_required_version()
        settings = self.project.settings
        env = process.child_environment(
            self.project.environ,
            extra=self.credentials().env,
            debug=self.project.debug,
            plugin_cache_dir=settings.plugin_cache_dir,
        )
        from tfctl.failures import classify_failure

        return Terraform(
            binary=self.binary,
            workdir=self.path,
            env=env,
            masker=self.project.masker,
            on_line=self.project.on_line,
            on_notice=self.project.on_notice,
            lock_timeout=settings.lock_timeout,
            classify=classify_failure,
            while_running=self._read_state_secrets,
            secrets_ready=self.secrets_ready,
        )

    # -- operations -----------------------------------------------------------------------------

    def is_initialized(self) -> bool:
        """True when init ran with the current backend settings."""
        marker = self.data_dir / BACKEND_MARKER
        if not (self.data_dir / "terraform.tfstate").is_file() or not marker.is_file():
            return False
        from tfctl.backend.render import backend_fingerprint

        return marker.read_text().strip() == backend_fingerprint(self.rendered_backend())

    def init(self, *, upgrade: bool = False, reconfigure: bool = False) -> None:
        """`terraform init` with the rendered backend settings; records their fingerprint."""
        from tfctl.backend.render import backend_config_args, backend_fingerprint

        self.check_required_version()
        rendered = self.rendered_backend()
        for warning in rendered.warnings:
            self._notice(warning)
        marker = self.data_dir / BACKEND_MARKER
        fingerprint = backend_fingerprint(rendered)
        recorded = marker.read_text().strip() if marker.is_file() else None
        if (self.data_dir / "terraform.tfstate").is_file() and recorded != fingerprint:
            # Settings changed, or an earlier init failed half-way (no marker): point at the
            # backend tfctl renders now, never migrate state silently.
            reconfigure = True
        tf = self.terraform()
        args = backend_config_args(rendered, self.path)
        from tfctl.init_requirements import current_record, write_record

        record = current_record(self.path, fingerprint)  # read before terraform: an edit
        self._retrying(  # during init makes the next command init again
            "init", lambda: tf.init(backend_config=args, upgrade=upgrade, reconfigure=reconfigure)
        )
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(fingerprint + "\n")
        write_record(self.data_dir / INIT_RECORD, record)

    def init_changes(self) -> list[str]:
        """What changed since tfctl's last init of this environment, in words: provider
        requirements, module sources/versions, backend settings (tfctl.init_requirements)."""
        from tfctl.backend.render import backend_fingerprint
        from tfctl.init_requirements import changes_since_init, current_record

        current = current_record(self.path, backend_fingerprint(self.rendered_backend()))
        return changes_since_init(self.data_dir / INIT_RECORD, current)

    def ensure_initialized(self) -> None:
        self.check_required_version()  # preflight first: nothing starts with the wrong terraform
        self.credentials()  # and a missing credential is reported before anything
        if not self.is_initialized():
            self._notice(f"{self.name}: not initialized with the current backend; running init")
            self.init()
        elif changed := self.init_changes():
            self._notice(f"{self.name}: {', '.join(changed)} changed since init; running init")
            self.init()
        if self._state_secrets is None:
            # secrets the state holds (provider-generated ones too) are masked before terraform
            # prints anything, not only once outputs are read. They are read while the next
            # terraform starts (_read_state_secrets), and its output waits for them (secrets_ready)
            self._state_secrets = threading.Thread(
                target=_register_state_secrets,
                args=(self,),
                name=f"tfctl-state-secrets-{self.name}",
                daemon=True,
            )

    def _read_state_secrets(self) -> None:
        # Started once terraform runs, not before: its imports (boto) would hold up the start.
        reader = self._state_secrets
        if reader is not None and reader.ident is None:
            with _STARTING:
                if reader.ident is None:
                    reader.start()

    def secrets_ready(self) -> None:
        """Wait until the secrets of this environment's state are registered with the masker."""
        self._read_state_secrets()
        if self._state_secrets is not None:
            self._state_secrets.join()

    def validate(self) -> list[Diagnostic]:
        """`terraform validate`: its diagnostics are rendered through `on_line` (masked); an
        error raises TerraformCommandError carrying them. Returns the warnings."""
        self.ensure_initialized()
        tf = self.terraform()
        return self._retrying("validate", tf.validate)

    def plan(
        self,
        *,
        out: Path | None = None,
        targets: Sequence[str] = (),
        refresh: bool = True,
        destroy: bool = False,
        detailed_exitcode: bool = False,
        save_metadata: bool = True,
        details: bool = False,
        attributes: bool = True,
    ) -> PlanResult:
        """Plan, and summarise from terraform's -json stream.

        `out` saves the plan file (mode 0600) and, unless `save_metadata` is False, tfctl's
        metadata beside it (see tfctl.safety), which `apply(plan=...)` checks.
        With `attributes`, updates and replaces (and creates, with `details`) carry their masked
        attribute changes (ResourceChange.attributes), read once from the saved plan by
        `terraform show -json` and only when there are such changes; without `out` the plan is
        saved to a private scratch file for that, removed before this returns.

        Terraform always runs with `-detailed-exitcode`: `has_changes` is its verdict, so an
        output-only plan on Terraform 1.0 (whose -json stream has no outputs event), a plan of
        moves alone and drift that an apply records all count as changes, as terraform counts
        them. (`detailed_exitcode` is kept for callers; it changes nothing.)
        """
        from tfctl import safety

        if out is None and attributes:
            with self._scratch_plan() as scratch:
                result = self.plan(
                    out=scratch,
                    targets=targets,
                    refresh=refresh,
                    destroy=destroy,
                    detailed_exitcode=detailed_exitcode,
                    save_metadata=False,
                    details=details,
                )
            return dataclasses.replace(result, plan_file=None)
        for target in targets:
            safety.validate_target_address(target)
        self.ensure_initialized()
        # Hashed before terraform reads the files, so an edit during the plan makes it stale.
        parts = self.plan_content_parts() if out is not None and save_metadata else None
        tf = self.terraform()
        completed = self._retrying(
            "plan",
            lambda: tf.plan(
                out=out,
                targets=targets,
                refresh=refresh,
                destroy=destroy,
                detailed_exitcode=True,
            ),
        )
        result = PlanResult.from_events(
            self.name,
            parse_events(completed.stdout),
            plan_file=out,
            destroy=destroy,
            terraform_changes=completed.returncode == 2,
        )
        if out is not None and parts is not None:
            out.chmod(0o600)  # a plan file holds variable values, secrets included
            safety.write_plan_metadata(result, parts, environ=self.project.environ)
        # changes terraform counts but its stream does not list (outputs on 1.0, drift):
        # the saved plan says what they are
        unlisted = result.has_changes and not (result.changes or result.output_changes)
        wanted = unlisted or result.needs_attributes(details=details)
        if out is not None and attributes and wanted:
            diff = self.attribute_changes(out, details=details)
            result = result.with_attributes(diff.resources, diff.outputs)
            if unlisted:
                names = dict.fromkeys(a.path.split(".")[0].split("[")[0] for a in diff.outputs)
                result = dataclasses.replace(result, output_changes=tuple(names))
        return result

    def attribute_changes(self, plan_file: Path, *, details: bool = False) -> PlanDiff:
        """The attribute changes in a saved plan (tfctl.plan_diff.diff_plan), masked.

        One `terraform show -json PLANFILE`; empty (with a notice) when terraform cannot show
        it, so a plan that succeeded is never lost to its details.
        """
        from tfctl.plan_diff import PlanDiff, diff_plan

        try:
            document = self.terraform().show_plan(plan_file)
        except (TerraformCommandError, ValueError) as exc:
            masked = self.project.masker.mask(str(exc))
            self._notice(f"{self.name}: attribute changes unavailable: {masked}")
            return PlanDiff({})
        return diff_plan(document, details=details, mask=self.project.masker.mask)

    def apply(
        self,
        plan: PlanResult | Path | None = None,
        *,
        targets: Sequence[str] = (),
        approve: Approver | None = None,
        allow_destroy: Sequence[str] = (),
    ) -> ApplyResult:
        """Apply a saved plan, or plan now and apply exactly that plan once `approve` agrees.

        A saved plan must pass tfctl.safety.check_saved_plan (same environment, unchanged
        configuration, fresh). A protected environment needs `approve` or a saved plan, and
        every stateful resource the plan deletes or replaces named in `allow_destroy`.
        """
        return self._change(plan, targets=targets, approve=approve, allow_destroy=allow_destroy)

    def destroy(
        self,
        plan: PlanResult | Path | None = None,
        *,
        targets: Sequence[str] = (),
        approve: Approver | None = None,
        allow_destroy: Sequence[str] = (),
    ) -> ApplyResult:
        """Plan a destroy (or take a saved destroy plan), and apply it once `approve` agrees."""
        return self._change(
            plan, targets=targets, approve=approve, allow_destroy=allow_destroy, destroy=True
        )

    def outputs(self) -> dict[str, OutputValue]:
        """Every output, typed; each string of a sensitive value is registered with the masker
        and wrapped in Secret (OutputValue.reveal() gives the plain value)."""
        from tfctl.masking import secret_tree

        self.ensure_initialized()
        document = self._retrying("output", self.terraform().output)
        values: dict[str, OutputValue] = {}
        for name, item in sorted(document.items()):
            sensitive = bool(item.get("sensitive"))
            value: Any = item.get("value")
            if sensitive:
                self.project.masker.register_tree(value)
                value = secret_tree(value)  # typed; each string inside a Secret
            values[name] = OutputValue(
                name=name, sensitive=sensitive, type=item.get("type"), value=value
            )
        return values

    def exec(
        self,
        args: Sequence[str],
        *,
        on_stdout: Callable[[str], None] | None = None,
        stdin: int | None = None,
    ) -> int:
        """Run any terraform command in this root the tfctl way (tfctl.passthrough): refused
        ones raise PlanRefusedError before anything starts; returns terraform's exit code."""
        from tfctl import passthrough

        why = passthrough.refusal(args, environment=self.name, protected=self.protected)
        if why is not None:
            raise PlanRefusedError(why)
        self.check_required_version()
        self.credentials()
        if passthrough.needs_init(args):
            self.ensure_initialized()
        return self.terraform().passthrough(args, on_stdout=on_stdout, stdin=stdin).returncode

    def force_unlock(self, lock_id: str) -> None:
        self.ensure_initialized()
        self.terraform().force_unlock(lock_id)

    # -- saved plans ----------------------------------------------------------------------------

    def plan_content_parts(self) -> dict[str, str]:
        """Hashes of what a plan of this environment depends on (tfctl.safety.content_parts)."""
        from tfctl import safety

        return safety.content_parts(self.path, self.project.root, self.rendered_backend())

    def check_saved_plan(
        self,
        plan_file: Path,
        *,
        destroy: bool = False,
        now: float | None = None,
        max_age_minutes: int | None = None,
    ) -> safety.PlanMetadata:
        """tfctl.safety.check_saved_plan for this environment: its name, the age limit of its
        settings (unless `max_age_minutes`), and its content parts as they are now."""
        from tfctl import safety

        return safety.check_saved_plan(
            self.name,
            plan_file,
            environ=self.project.environ,
            parts=self.plan_content_parts,
            max_age_minutes=self.project.settings.plan_max_age_minutes
            if max_age_minutes is None
            else max_age_minutes,
            destroy=destroy,
            now=now,
        )

    def summarize_saved_plan(self, plan_file: Path, *, destroy: bool) -> PlanResult:
        """What `plan_file` will do, read from the plan itself (`terraform show -json`), masked."""
        from tfctl import safety

        raw = self.terraform().show_plan(plan_file)
        return safety.summarize_saved_plan(
            self.name, plan_file, raw, self.project.masker, destroy=destroy
        )

    # -- helpers --------------------------------------------------------------------------------

    def _change(
        self,
        plan: PlanResult | Path | None,
        *,
        targets: Sequence[str],
        approve: Approver | None,
        allow_destroy: Sequence[str],
        destroy: bool = False,
    ) -> ApplyResult:
        from tfctl import safety

        for address in allow_destroy:
            safety.validate_resource_address(address)
        if plan is not None:
            plan_file = plan.plan_file if isinstance(plan, PlanResult) else plan
            if plan_file is None:
                raise PlanRefusedError("this plan was not saved to a file; plan with out=...")
            if targets:
                raise PlanRefusedError(
                    "--target belongs to the plan, not to applying a saved plan",
                    hint="plan with --target and --out, then apply that plan",
                )
            meta = self.check_saved_plan(plan_file, destroy=destroy)
            self.ensure_initialized()  # after the checks: a refused plan changes nothing
            # the guards judge what the plan file will do, never what the metadata claims
            result = self.summarize_saved_plan(plan_file, destroy=meta.destroy)
            return self._approve_and_apply(result, approve, allow_destroy, saved=True)
        if self.protected and approve is None:
            raise PlanRefusedError(
                f"{self.name} is protected: changes need an approval or a saved plan",
                hint=f"plan with out=FILE and pass it, or pass approve=... for {self.name}",
            )
        from tfctl.failures import STALE_PLAN

        for attempt in range(1, STALE_PLAN_ATTEMPTS + 1):
            with self._scratch_plan() as scratch:
                result = self.plan(
                    out=scratch, targets=targets, destroy=destroy, save_metadata=False
                )
                try:
                    return self._approve_and_apply(result, approve, allow_destroy)
                except TerraformCommandError as exc:
                    if exc.kind != STALE_PLAN or attempt == STALE_PLAN_ATTEMPTS:
                        raise
            # Another run applied between our plan and apply; terraform changed nothing.
            self._notice(f"{self.name}: the state changed since the plan; planning again")
        raise AssertionError("unreachable")

    def _approve_and_apply(
        self,
        result: PlanResult,
        approve: Approver | None,
        allow_destroy: Sequence[str] = (),
        *,
        saved: bool = False,
    ) -> ApplyResult:
        from tfctl import safety

        if not result.has_changes:
            return ApplyResult(environment=self.name, add=0, change=0, remove=0)
        safety.check_destructive_changes(
            self.name,
            result,
            protected=self.protected,
            stateful_types=self.project.settings.stateful_resource_types,
            allow_destroy=allow_destroy,
        )
        if approve is not None and not approve(result):
            raise PlanRefusedError("not applied: the plan was not approved")
        assert result.plan_file is not None
        if saved:
            safety.mark_used(result.plan_file, environ=self.project.environ)
        return self._apply_file(result.plan_file, destroy=result.destroy)

    def _retrying(self, command: str, func: Callable[[], T]) -> T:
        """Run one terraform command under tfctl.retry's rules (settings.retries); once more
        after releasing a lock that turns out to be the run's own (failures.own_lock_id)."""
        from tfctl.failures import retry_terraform

        def run() -> T:
            return retry_terraform(
                command, func, retries=self.project.settings.retries, notify=self._notice
            )

        started = time.time()
        try:
            try:
                return run()
            except StateLockError as exc:
                lock_id = self._own_lock(command, exc, started)
                if lock_id is None:
                    raise
                self._notice(
                    f"{self.name}: terraform {command} waited on the lock it had taken itself "
                    f"(its lock request was sent twice); releasing lock {lock_id}, running again"
                )
                try:  # terraform's force-unlock removes that lock only, by its ID
                    self.terraform().force_unlock(lock_id)
                except TerraformCommandError:
                    raise exc from None
            return run()
        except TerraformCommandError as exc:
            # one line naming this environment and the operation, never the binary's path
            exc.describe(environment=self.name, operation=command)
            # its text was decoded from terraform's -json stream: masked again before it leaves
            exc.mask_fields(self.project.masker.mask)
            raise

    def _own_lock(self, command: str, error: StateLockError, started: float) -> str | None:
        """The lock's ID when it is this run's own and no other terraform of this user runs
        here (which could have taken a lock that looks the same); else None."""
        import pwd
        import socket

        from tfctl.failures import own_lock_id

        try:
            user = pwd.getpwuid(os.getuid()).pw_name
        except KeyError:  # no passwd entry: terraform's Who would not match either
            return None
        lock_id = own_lock_id(
            error,
            command=command,
            started=started,
            ended=time.time(),
            who=f"{user}@{socket.gethostname()}",
            version=str(self.version),
        )
        if lock_id is None or process.terraform_running() is not False:
            return None
        return lock_id

    def _apply_file(self, plan_file: Path, *, destroy: bool = False) -> ApplyResult:
        tf = self.terraform()
        completed = self._retrying(
            "destroy" if destroy else "apply", lambda: tf.apply(plan_file=plan_file)
        )
        result = ApplyResult.from_events(self.name, parse_events(completed.stdout))
        try:
            self.outputs()  # registers new sensitive outputs so later output stays masked
        except TerraformCommandError as exc:
            log.debug("could not read outputs after apply: %s", exc)
        return result

    @contextmanager
    def _scratch_plan(self) -> Iterator[Path]:
        # Plan files hold variable values (secrets included): 0600 in a 0700 folder, removed in
        # every case (SIGKILL too: tfctl.scratch.remove_stale at the next start).
        from tfctl import scratch

        with scratch.scratch_dir(self.name) as folder:
            yield scratch.private_file(folder / "scratch.tfplan")

    def _notice(self, message: str) -> None:
        log.info("%s", message)
        if self.project.on_notice is not None:
            self.project.on_notice(message)
