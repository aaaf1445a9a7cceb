"""The CLI, the report and the TUI reach the data layer through `engine` alone.

Walks every import statement (top level or inside a function, `TYPE_CHECKING` ones
too) of cli.py, report.py and cfmonitor/tui/, with `ast`, so a new shortcut into
`cfmonitor.data` fails here with the file and line that took it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cfmonitor
from cfmonitor.data import engine

PACKAGE = Path(cfmonitor.__file__).resolve().parent
ABOVE_THE_ENGINE = [
    PACKAGE / "cli.py",
    PACKAGE / "report.py",
    PACKAGE / "scenario_report.py",
    PACKAGE / "redact.py",
    *sorted((PACKAGE / "tui").rglob("*.py")),
]
THE_WAY_IN = "cfmonitor.data.engine"


def _data_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of each import from `cfmonitor.data` in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "cfmonitor.data" or node.module.startswith("cfmonitor.data."):
                found.append((node.lineno, node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cfmonitor.data"):
                    found.append((node.lineno, alias.name, []))
    return found


def test_only_the_engine_is_imported_from_the_data_layer() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {module}"
        for path in ABOVE_THE_ENGINE
        for line, module, _ in _data_imports(path)
        if module != THE_WAY_IN
    ]
    assert not wrong, "import these through cfmonitor.data.engine instead:\n" + "\n".join(wrong)


def test_what_they_import_from_the_engine_is_there() -> None:
    missing = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for path in ABOVE_THE_ENGINE
        for line, module, names in _data_imports(path)
        if module == THE_WAY_IN
        for name in names
        if not hasattr(engine, name)
    ]
    assert not missing


def test_the_walk_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from cfmonitor.data.trend import Trend\nimport cfmonitor.data.store\n",
        encoding="utf-8",
    )
    assert {module for _, module, _ in _data_imports(sample)} == {
        "cfmonitor.data.trend",
        "cfmonitor.data.store",
    }
