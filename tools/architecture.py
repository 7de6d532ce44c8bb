"""Architecture figures for the layering note: app import cycles, function-local imports,
function lengths and module sizes, measured with ``ast`` over ``src/tandem``.

Run: ``python tools/architecture.py`` (prints a JSON object). Imports guarded by
``if TYPE_CHECKING:`` are left out; imports inside functions are counted, because they still
tie the two apps together at run time.
"""

from __future__ import annotations

import ast
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent / "src" / "tandem"
PURE = {"matching", "privacy"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def unit_of(module: str) -> str:
    """The app (or top-level module) a dotted module name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


class ImportCollector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.depth = 0
        self.imports: list[tuple[str, bool]] = []  # (target, inside a function)

    def visit_If(self, node: ast.If) -> None:
        if is_type_checking(node):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _function(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.imports.append((alias.name, self.depth > 0))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        target = resolve(self.module, node, self.is_package)
        for alias in node.names:
            self.imports.append(
                (f"{target}.{alias.name}" if target else alias.name, self.depth > 0)
            )


def function_lengths(tree: ast.AST) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            found.append((node.name, length))
    return found


def percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    local_imports: list[str] = []
    lengths: dict[str, list[int]] = {"all": [], "matching": []}
    longest: list[tuple[int, str]] = []
    sizes: list[tuple[int, str]] = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = module_name(path)
        source = path.read_text()
        tree = ast.parse(source)
        rel = str(path.relative_to(ROOT.parent.parent))
        sizes.append((len(source.splitlines()), rel))
        collector = ImportCollector(module, path.name == "__init__.py")
        collector.visit(tree)
        here = unit_of(module)
        for target, local in collector.imports:
            if not target.startswith("tandem."):
                continue
            there = unit_of(target)
            if there != here:
                graph[here].add(there)
                if local:
                    local_imports.append(f"{rel}: {target}")
        for name, length in function_lengths(tree):
            lengths["all"].append(length)
            if here == "matching":
                lengths["matching"].append(length)
                longest.append((length, f"{rel}:{name}"))
    digraph = nx.DiGraph([(a, b) for a, targets in graph.items() for b in targets])
    components = [sorted(c) for c in nx.strongly_connected_components(digraph) if len(c) > 1]
    sizes.sort(reverse=True)
    longest.sort(reverse=True)
    report = {
        "import_cycles": components,
        "function_local_tandem_imports": len(local_imports),
        "function_local_examples": local_imports[:50],
        "functions": {
            key: {
                "count": len(values),
                "median": statistics.median(values),
                "p90": percentile(values, 0.9),
                "max": max(values),
            }
            for key, values in lengths.items()
        },
        "longest_engine_functions": [f"{n} {name}" for n, name in longest[:10]],
        "modules_over_600_lines": [f"{n} {name}" for n, name in sizes if n > 600],
        "largest_modules": [f"{n} {name}" for n, name in sizes[:10]],
        "module_lines": {
            "count": len(sizes),
            "median": statistics.median(n for n, _ in sizes),
            "p90": percentile([n for n, _ in sizes], 0.9),
            "max": sizes[0][0],
        },
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
