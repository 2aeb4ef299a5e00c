"""`tfctl doctor`: what tfctl would use, and what is missing, without changing anything.

The terraform binary, its version and where it came from (setting, PATH or bundled); per
environment: whether it meets the root's required_version, the backend settings rendered for it,
each credential present or missing (never its value), and the plugin cache. Nothing here raises
for an expected problem: each finding is a row, so one run shows everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tfctl.errors import TfctlError
from tfctl.project import Project


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was checked, what was found, and whether it is fine."""

    topic: str
    item: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class DoctorReport:
    """Findings for the project and each environment checked."""

    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(finding.ok for finding in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "findings": [
                {"topic": f.topic, "item": f.item, "ok": f.ok, "detail": f.detail}
                for f in self.findings
            ],
        }


def diagnose(
    project: Project, names: list[str] | None = None, *, check_aws: bool = True
) -> DoctorReport:
    """Check the project (settings, binary, AWS identity) and each environment (all if none)."""
    from tfctl.credentials import check_aws_identity, doctor_report

    findings: list[Finding] = []
    settings = project.settings
    for name in ("state_bucket", "lock_table", "region", "protected_environments"):
        value = getattr(settings, name)
        shown = ", ".join(value) if isinstance(value, tuple) else str(value)
        findings.append(Finding("settings", name, True, f"{shown} (from {settings.sources[name]})"))
    cache = settings.plugin_cache_dir
    findings.append(
        Finding(
            "settings",
            "plugin cache",
            True,
            f"{cache} ({'exists' if cache and cache.is_dir() else 'created on first init'})",
        )
    )
    environments = (
        [project.environment(name) for name in names] if names else project.environments()
    )
    if environments:
        first = environments[0]
        try:
            detail = f"terraform {first.version} at {first.terraform_binary.describe()}"
            findings.append(Finding("terraform", "binary", True, detail))
        except TfctlError as exc:
            findings.append(Finding("terraform", "binary", False, str(exc)))
    if check_aws:
        endpoint = first.backend_config().s3_endpoint if environments else None
        try:
            identity = check_aws_identity(settings.region, endpoint)
            detail = f"local endpoint {endpoint}" if identity is None else identity.arn
            findings.append(Finding("aws", "identity", True, detail))
        except TfctlError as exc:
            findings.append(Finding("aws", "identity", False, str(exc)))
    for environment in environments:
        topic = f"env {environment.name}"
        try:
            environment.check_required_version()
            findings.append(
                Finding(topic, "required_version", True, f"met by terraform {environment.version}")
            )
        except TfctlError as exc:
            findings.append(Finding(topic, "required_version", False, str(exc)))
        try:
            rendered = environment.rendered_backend()
            shown = ", ".join(f"{k}={v}" for k, v in sorted(rendered.items()))
            findings.append(Finding(topic, "backend", True, shown))
            findings.extend(
                Finding(topic, "backend", True, f"warning: {w}") for w in rendered.warnings
            )
        except TfctlError as exc:
            findings.append(Finding(topic, "backend", False, str(exc)))
        try:
            report = doctor_report(environment.path, project.environ)
        except TfctlError as exc:
            findings.append(Finding(topic, "credentials", False, str(exc)))
            continue
        if not report.entries:
            findings.append(Finding(topic, "credentials", True, "none needed by its providers"))
        for entry in report.entries:
            state = "present" if entry.present else ("missing" if entry.required else "not set")
            alternatives = f" (or {', '.join(entry.alternatives)})" if entry.alternatives else ""
            findings.append(
                Finding(
                    topic,
                    entry.name,
                    entry.present or not entry.required,
                    f"{state}{alternatives}; {entry.scope}; see {entry.documented_at}",
                )
            )
        findings.extend(
            Finding(topic, source, True, "no credential spec; nothing checked")
            for source in report.unknown_providers
        )
    return DoctorReport(findings=tuple(findings))
