"""capcheck's import graph, read with ast: no module imports itself back, and the data floor
imports nothing above it.

Every import counts, also one inside a function or under TYPE_CHECKING: a lazy or typing-only
import still ties two modules together, and a loop of them is a knot a change must pass through.
"""
from __future__ import annotations

import ast
from pathlib import Path

import capcheck

PACKAGE = Path(capcheck.__file__).parent

FLOOR = {
    "capcheck.errors", "capcheck.requests", "capcheck.results", "capcheck.engine_info",
    "capcheck.paths", "capcheck.atomic", "capcheck.version",
}
"""Plain data and helpers every room may use; they import only each other."""


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under `root` (a package named `package`)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _target(name: str, modules: dict[str, Path]) -> str | None:
    """The module an imported dotted name lives in (an attribute's module, for `from m import f`)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """module -> the package's modules it imports (anywhere in its code)."""
    modules = module_names(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(filter(None, (_target(a.name, modules) for a in node.names)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = ".".join(here.split(".")[: len(here.split(".")) - node.level + 1])
                    base = f"{anchor}.{base}" if base else anchor
                for alias in node.names:  # `from pkg import module` names a module; else an attribute
                    target = _target(f"{base}.{alias.name}", modules)
                    if target is not None:
                        found.add(target)
        found.discard(name)
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def _describe(group: list[str], graph: dict[str, set[str]]) -> str:
    edges = [f"{a} -> {b}" for a in group for b in sorted(graph[a]) if b in group]
    return "import cycle: " + ", ".join(edges)


def test_capcheck_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE, "capcheck")
    assert len(graph) > 40, "the package was not read"
    found = cycles(graph)
    assert not found, "\n".join(_describe(group, graph) for group in found)


def test_the_data_floor_imports_nothing_above_it() -> None:
    graph = import_graph(PACKAGE, "capcheck")
    assert FLOOR <= set(graph), f"floor modules missing: {sorted(FLOOR - set(graph))}"
    upward = [f"{low} imports {high}" for low in sorted(FLOOR) for high in sorted(graph[low]) if high not in FLOOR]
    assert not upward, "the data floor imports upward: " + "; ".join(upward)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_cycle_through_a_lazy_or_typing_only_import_is_found(tmp_path: Path) -> None:
    _write(tmp_path, {
        "__init__.py": "",
        "a.py": "from pkg.b import thing\n",
        "b.py": "def thing():\n    from pkg import c\n",
        "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import x\n",
        "d.py": "import pkg.a\n",
    })
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.b"] == {"pkg.c"} and graph["pkg.d"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_relative_imports_and_packages_resolve(tmp_path: Path) -> None:
    _write(tmp_path, {
        "__init__.py": "from .sub import helper\n",
        "sub/__init__.py": "from . import leaf\n",
        "sub/leaf.py": "from .. import top\nfrom ..sub import helper\n",
        "top.py": "",
    })
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg"] == {"pkg.sub"}
    assert graph["pkg.sub"] == {"pkg.sub.leaf"}
    assert graph["pkg.sub.leaf"] == {"pkg.top", "pkg.sub"}
    assert cycles(graph) == [["pkg.sub", "pkg.sub.leaf"]]
