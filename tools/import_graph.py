"""The shape of the ``synth`` package, measured from its imports (``ast``, nothing is run).

    python tools/import_graph.py            # a report; exit 1 when a rule below is broken
    python tools/import_graph.py --edges    # also every module -> module import

Rules (the layout of ``docs/architecture.md``):
- no import cycle between modules (lazy imports inside functions and ``TYPE_CHECKING``
  imports count: a cycle deferred to run time is still a cycle in the design);
- the stage packages stack in floors: the graph of top-level packages is acyclic once the
  few upward imports named in :data:`ALLOWED_UP` (each with its reason) are taken out;
- no module imports the face (``synth``) or the facade (``synth.api``), except the entry
  points that exist to call it (:data:`API_USERS`);
- no private module (``_name.py``) is imported from outside its own package;
- no module is longer than :data:`MAX_LINES` lines.

The test suite runs :func:`check` (``tests/unit/test_layout.py``), so a new cycle fails CI.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "synth"
MAX_LINES = 500

FLOORS: tuple[tuple[str, ...], ...] = (
    ("errors", "_version"),
    ("internal",),
    ("model",),
    ("traits",),
    ("profiler", "generator"),
    ("writers", "spark"),
    ("loader",),
    ("checks", "review"),
    ("api",),
    ("pytest_plugin", "cli"),
    ("__init__", "__main__"),
)
"""The top-level units of the package, bottom floor first. A unit imports only units on
lower floors (or on its own floor, when the two do not import each other)."""

ALLOWED_UP: dict[tuple[str, str], str] = {}
"""Imports from a lower floor to a higher one that stay, each with the reason it stays."""

API_USERS = ("synth.cli", "synth.pytest_plugin", "synth.__init__", "synth.__main__")
"""Modules (and packages) that may import the facade ``synth.api``."""


@dataclass
class Graph:
    """Modules of the package and the imports between them."""

    files: dict[str, Path] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)

    def unit(self, module: str) -> str:
        """The top-level unit a module belongs to: ``synth.generate.plan`` -> ``generate``."""
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
        return ".".join(parts) + ".__init__" if len(parts) == 1 else ".".join(parts)
    return ".".join(parts)


def _resolve(graph: Graph, name: str) -> str | None:
    """The module a dotted name refers to (the longest prefix that is a module)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate == PACKAGE:
            return f"{PACKAGE}.__init__"
        if candidate in graph.files:
            return candidate
        parts.pop()
    return None


def _parents_run(graph: Graph, module: str, target: str) -> set[str]:
    """The package ``__init__`` modules Python runs before ``target`` (``a.b.c`` runs
    ``a.b`` first): a heavy package face is a dependency of everyone importing inside it.
    Packages holding ``module`` are running already, and the root face is lazy."""
    out = set()
    parts = target.split(".")
    for depth in range(2, len(parts)):
        package = ".".join(parts[:depth])
        if package in graph.files and not (module == package or module.startswith(package + ".")):
            out.add(package)
    return out


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterable[str]:
    """Dotted names imported anywhere in a module (functions and TYPE_CHECKING included)."""
    base = module.split(".")
    if not is_package or base[-1] == "__init__":
        base = base[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                prefix = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                prefix = node.module or ""
            for alias in node.names:
                yield f"{prefix}.{alias.name}"


def build(root: Path = ROOT) -> Graph:
    graph = Graph()
    for path in sorted((root / PACKAGE).rglob("*.py")):
        graph.files[module_name(path, root)] = path
    for module, path in graph.files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = set()
        for name in _imports(tree, module, path.name == "__init__.py"):
            if name.split(".")[0] != PACKAGE:
                continue
            target = _resolve(graph, name)
            if target is not None and target != module:
                targets.add(target)
                targets |= _parents_run(graph, module, target)
        graph.edges[module] = targets
    return graph


def cycles(nodes: Iterable[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def unit_edges(graph: Graph) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Unit -> unit imports, each with the module imports behind it."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for module, targets in graph.edges.items():
        for target in targets:
            a, b = graph.unit(module), graph.unit(target)
            if a != b:
                out.setdefault((a, b), []).append((module, target))
    return out


def floor_of(unit: str) -> int | None:
    for level, units in enumerate(FLOORS):
        if unit in units:
            return level
    return None


def check(root: Path = ROOT) -> list[str]:
    """Every broken rule, one line each (empty when the layout holds)."""
    graph = build(root)
    problems: list[str] = []
    for component in cycles(graph.files, graph.edges):
        problems.append("import cycle: " + " -> ".join(component))
    units = unit_edges(graph)
    for unit in sorted({graph.unit(m) for m in graph.files}):
        if floor_of(unit) is None:
            problems.append(f"unit {unit!r} is on no floor of FLOORS (tools/import_graph.py)")
    for (a, b), why in sorted(units.items()):
        fa, fb = floor_of(a), floor_of(b)
        if fa is None or fb is None:
            continue
        if fb > fa and (a, b) not in ALLOWED_UP:
            shown = ", ".join(f"{m} -> {t}" for m, t in sorted(why)[:3])
            problems.append(f"upward import {a} -> {b}: {shown}")
        if fa == fb and (b, a) in units:
            problems.append(f"units {a} and {b} on one floor import each other")
    for module, targets in graph.edges.items():
        for target in targets:
            if target == f"{PACKAGE}.__init__" and module not in API_USERS:
                problems.append(f"{module} imports the face 'synth'; import the defining module")
            if target == f"{PACKAGE}.api" and not module.startswith(API_USERS):
                problems.append(f"{module} imports the facade synth.api; call the stage itself")
            leaf = target.rsplit(".", 1)[-1]
            if leaf.startswith("_") and not leaf.startswith("__"):
                home = target.rsplit(".", 1)[0]
                if not (module == home or module.startswith(home + ".")):
                    problems.append(f"{module} imports {target}, private to {home}")
    for path in graph.files.values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            problems.append(f"{path.relative_to(root)} has {lines} lines (more than {MAX_LINES})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="print every module import")
    args = parser.parse_args(argv)
    graph = build()
    if args.edges:
        for module in sorted(graph.edges):
            for target in sorted(graph.edges[module]):
                print(f"{module} -> {target}")
    units = unit_edges(graph)
    print(f"{len(graph.files)} modules, {sum(map(len, graph.edges.values()))} imports")
    for level in range(len(FLOORS) - 1, -1, -1):
        print(f"  floor {level}: {', '.join(FLOORS[level])}")
    up = [(a, b) for a, b in units if (floor_of(a) or 0) < (floor_of(b) or 0)]
    print(f"upward imports kept: {len(up)} (allowed: {len(ALLOWED_UP)})")
    problems = check()
    for line in problems:
        print(line)
    print("layout holds" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
