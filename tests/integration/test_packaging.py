"""`pip install -e .` warns about nothing of the project's own packaging: setuptools' metadata
and editable-wheel hooks run on a copy of the project with every warning shown."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

HOOKS = """
from setuptools import build_meta
build_meta.prepare_metadata_for_build_editable("out")
build_meta.build_editable("out")
"""


def test_editable_build_has_no_packaging_warnings(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "tfctl", project / "tfctl", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "out").mkdir()
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", HOOKS],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = done.stdout + done.stderr
    for warning in ("Deprecat", "license", "compat", "SetuptoolsWarning"):
        assert warning not in text, text[-3000:]
    assert list((project / "out").glob("tfctl-*.whl"))
