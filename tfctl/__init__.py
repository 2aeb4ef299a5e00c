"""tfctl: run the analytics platform's Terraform from Python or the command line.

    from tfctl import Project
    project = Project.discover()
    dev = project.environment("dev")
    plan = dev.plan()
    if plan.has_changes:
        dev.apply()
    print(dev.outputs()["redis_url"])  # a Secret: prints ***; .reveal() gives the value

Names are imported lazily so that `import tfctl` (and `tfctl --version`) stays cheap.
"""

from __future__ import annotations

from tfctl._version import __version__

#: typing.TYPE_CHECKING without importing typing (~8 ms with re): the tfctl-terraform launcher
#: imports this package on every terraform run.
TYPE_CHECKING = False

__all__ = [
    "ApplyResult",
    "AttributeChange",
    "BackendError",
    "ConfigError",
    "CredentialsError",
    "Diagnostic",
    "Environment",
    "Masker",
    "OutputValue",
    "PlanRefusedError",
    "PlanResult",
    "Project",
    "ResourceChange",
    "Secret",
    "Settings",
    "StateLockError",
    "TerraformCommandError",
    "TerraformNotFoundError",
    "TerraformVersionError",
    "TfctlError",
    "__version__",
]

_LOCATIONS = {
    "ApplyResult": "tfctl.results",
    "AttributeChange": "tfctl.plan_diff",
    "Diagnostic": "tfctl.diagnostics",
    "OutputValue": "tfctl.results",
    "PlanResult": "tfctl.results",
    "ResourceChange": "tfctl.results",
    "Environment": "tfctl.project",
    "Project": "tfctl.project",
    "Settings": "tfctl.settings",
    "Masker": "tfctl.masking",
    "Secret": "tfctl.masking",
    "BackendError": "tfctl.errors",
    "ConfigError": "tfctl.errors",
    "CredentialsError": "tfctl.errors",
    "PlanRefusedError": "tfctl.errors",
    "StateLockError": "tfctl.errors",
    "TerraformCommandError": "tfctl.errors",
    "TerraformNotFoundError": "tfctl.errors",
    "TerraformVersionError": "tfctl.errors",
    "TfctlError": "tfctl.errors",
}

if TYPE_CHECKING:
    from typing import Any

    from tfctl.diagnostics import Diagnostic
    from tfctl.errors import (
        BackendError,
        ConfigError,
        CredentialsError,
        PlanRefusedError,
        StateLockError,
        TerraformCommandError,
        TerraformNotFoundError,
        TerraformVersionError,
        TfctlError,
    )
    from tfctl.masking import Masker, Secret
    from tfctl.plan_diff import AttributeChange
    from tfctl.project import Environment, Project
    from tfctl.results import ApplyResult, OutputValue, PlanResult, ResourceChange
    from tfctl.settings import Settings


def __getattr__(name: str) -> Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module 'tfctl' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
