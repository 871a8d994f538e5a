"""Imports run one way: no component package imports one that imports it back.

The delivery gathers every component's files (components/delivery/bundle.py); the app layer renders
only its own and imports no other component, so a change in backup or proxy never drags the app.
"""
import ast
from pathlib import Path

from tests.stacks import ROOT

COMPONENTS = ROOT / "components"


def package_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in COMPONENTS.glob("*/*.py"):
        package = path.parent.name
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                parts = name.split(".")
                # components/images.py is a leaf of pinned data that every layer may read.
                if parts[0] == "components" and len(parts) > 1 and parts[1] != package \
                        and (COMPONENTS / parts[1]).is_dir():
                    graph.setdefault(package, set()).add(parts[1])
    return graph


def test_the_app_layer_imports_no_other_component():
    assert package_imports().get("app", set()) == set()


def test_component_packages_import_each_other_without_cycles():
    graph = package_imports()

    def reaches(start: str, seen: set[str]) -> set[str]:
        for nxt in graph.get(start, set()) - seen:
            seen.add(nxt)
            reaches(nxt, seen)
        return seen
    cycles = sorted(package for package in graph if package in reaches(package, set()))
    assert cycles == [], f"these component packages import themselves back through others: {cycles}"
