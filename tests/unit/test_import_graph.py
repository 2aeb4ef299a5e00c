"""The package's import graph, read with `ast`: no cycles, bounded depth, layers that point down.

Every import counts: module level, inside functions, and under `if TYPE_CHECKING:`, because a
type-only cycle is still two modules that cannot be understood (or split) one without the other.
The implicit import of a parent package (`import tfctl.backend.render` runs tfctl/backend/__init__)
is not an edge: it is how Python loads packages, not a dependency the module chose.

Run `python -m tests.unit.test_import_graph` to print the longest chain (or the cycles).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGE = "tfctl"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE
#: The bound on the longest chain of tfctl-internal imports, counted in modules along it
#: (a -> b -> c is 3): __main__ -> a command module -> cli.common -> project -> a core module ->
#: its helper -> errors is 7, and so is the emulator's stack under sandbox.host.
MAX_DEPTH = 7
#: The CLI mounts the sandbox commands, so it may import the wing; nothing else in the core may.
SANDBOX_MOUNTS = frozenset({"tfctl.__main__", "tfctl.cli.sandbox"})
#: The backend modules the rest of tfctl may import: the face, and the leaves that core modules
#: use without loading the bootstrap machinery. bucket.py and table.py are private.
BACKEND_PUBLIC = frozenset(
    {
        "tfctl.backend",
        "tfctl.backend.render",
        "tfctl.backend.names",
        "tfctl.backend.report",
        "tfctl.backend.aws",
        "tfctl.backend.fetch",
    }
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The tfctl module that `name` (a module or a name inside one) lives in."""
    known = modules()
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> Iterator[str]:
    """Every tfctl module that `module` imports, anywhere in its source."""
    path = modules()[module]
    yield from imports_in(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool = False) -> Iterator[str]:
    """The tfctl modules imported anywhere in `source`: module level, in functions, under
    TYPE_CHECKING. Dynamic imports (importlib) are not seen: tfctl uses them only for the
    package face's lazy names, which it also imports under TYPE_CHECKING, and for the generated
    protobuf modules."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # `from . import x` in a package's __init__ is relative to the package itself.
                anchor = module.split(".")
                drop = node.level - 1 if is_package else node.level
                base = ".".join(anchor[: len(anchor) - drop] if drop else anchor)
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target)
            if resolved is not None and resolved != module:
                yield resolved


@cache
def graph() -> dict[str, frozenset[str]]:
    return {module: frozenset(imports_of(module)) for module in modules()}


def find_cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


def longest_chain(edges: dict[str, frozenset[str]]) -> list[str]:
    """The longest import chain of an acyclic graph, as the modules along it."""

    @cache
    def from_(node: str) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for target in sorted(edges.get(node, ())):
            candidate = from_(target)
            if len(candidate) > len(best):
                best = candidate
        return (node, *best)

    return list(max((from_(node) for node in sorted(edges)), key=len))


def test_the_graph_is_read() -> None:
    edges = graph()
    # A reader that found nothing would pass every other test here.
    assert "tfctl.__main__" in edges
    assert "tfctl.errors" in edges["tfctl.project"]
    assert sum(len(targets) for targets in edges.values()) > 50


def test_type_only_function_level_and_relative_imports_count() -> None:
    source = """
from typing import TYPE_CHECKING
import tfctl.errors
if TYPE_CHECKING:
    from tfctl.project import Project
def f():
    from tfctl import masking, __version__
    from .render import render_backend_config
"""
    found = set(imports_in(source, "tfctl.backend.aws"))
    assert found == {
        "tfctl.errors",
        "tfctl.project",
        "tfctl.masking",
        "tfctl",
        "tfctl.backend.render",
    }


def test_no_import_cycles_type_only_ones_included() -> None:
    cycles = find_cycles(graph())
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def _depth_line() -> tuple[int, str]:
    chain = longest_chain(graph())
    return len(chain), f"import depth {len(chain)} modules: {' -> '.join(chain)}"


def test_import_depth_is_at_most_seven() -> None:
    depth, line = _depth_line()
    print(line)  # shown with -s or -rP
    assert depth <= MAX_DEPTH, line


def test_the_core_never_imports_the_sandbox_wing() -> None:
    wrong = {
        (module, target)
        for module, targets in graph().items()
        if not module.startswith(f"{PACKAGE}.sandbox") and module not in SANDBOX_MOUNTS
        for target in targets
        if target.startswith(f"{PACKAGE}.sandbox")
    }
    assert not wrong, f"core modules importing the sandbox: {sorted(wrong)}"


def test_backend_internals_stay_inside_the_package() -> None:
    wrong = {
        (module, target)
        for module, targets in graph().items()
        if not module.startswith(f"{PACKAGE}.backend")
        for target in targets
        if target.startswith(f"{PACKAGE}.backend.") and target not in BACKEND_PUBLIC
    }
    assert not wrong, f"imports of tfctl.backend internals: {sorted(wrong)}"
    assert {"tfctl.backend.bucket", "tfctl.backend.table"} <= set(graph()), "backend moved?"


def test_the_checks_see_a_cycle_and_a_chain() -> None:
    edges = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset()}
    assert find_cycles(edges) == [["a", "b", "c"]]
    assert longest_chain({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset()}) == [
        "a",
        "b",
        "c",
    ]


if __name__ == "__main__":
    cycles = find_cycles(graph())
    for cycle in cycles:
        print("cycle:", " <-> ".join(cycle))
    if not cycles:
        print(_depth_line()[1])
