"""No import loop anywhere in cfmonitor/: every import counts, including those inside
functions and under `if TYPE_CHECKING:` (a loop hidden there is still a dependency
running both ways, and the next refactor turns it into a crash at start-up)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cfmonitor"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The cfmonitor modules `path` imports, wherever in the file the import is."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), name, package, modules)


def imports_in(source: str, name: str, package: str, modules: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {module for module in found if module in modules and module != name}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): imports_of(path, modules) for path in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_walker_sees_imports_inside_functions_and_type_checking_blocks():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from cfmonitor.tui.app import CfmonitorApp\n"
        "def f():\n    from cfmonitor.tui import view\n"
        "    from . import bindings\n"
    )
    modules = {"cfmonitor.tui.app", "cfmonitor.tui.view", "cfmonitor.tui.bindings"}
    found = imports_in(source, "cfmonitor.tui.screen", "cfmonitor.tui", modules)
    assert found == modules
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_loop_in_cfmonitor():
    found = cycles(import_graph())
    assert not found, "import loops: " + "; ".join(" ↔ ".join(group) for group in found)


def test_screens_know_only_the_base_and_the_dialog_base_and_never_the_app():
    """State down, requests up: a screen imports no sibling screen and not the app."""
    graph = import_graph()
    allowed = {"cfmonitor.tui.screens.base", "cfmonitor.tui.screens.dialog"}
    for module, targets in graph.items():
        if not module.startswith("cfmonitor.tui.screens."):
            continue
        siblings = {t for t in targets if t.startswith("cfmonitor.tui.screens.")} - allowed
        assert not siblings, f"{module} imports the screens {sorted(siblings)}"
        assert "cfmonitor.tui.app" not in targets, f"{module} imports the app"
