"""No module of `app` takes part in an import cycle at module level (imports inside
functions and under `TYPE_CHECKING` aside): each module can be imported on its own."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def module_imports() -> dict[str, set[str]]:
    """Each module of `app` -> the modules of `app` its top level imports (`from package
    import submodule` counts as the submodule)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found |= {
                    f"{node.module}.{a.name}"
                    if f"{node.module}.{a.name}" in modules
                    else node.module
                    for a in node.names
                }
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_the_graph_sees_the_imports() -> None:
    graph = module_imports()
    assert "app.db" in graph["app.main"]
    assert "app.web.security" in graph["app.web.pages"]


def test_no_module_level_import_cycle() -> None:
    try:
        graphlib.TopologicalSorter(module_imports()).prepare()
    except graphlib.CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None
