"""House rules a reader of the code relies on, checked over the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "models", "evaluation", "tests")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(path: Path) -> list[str]:
    """``file:line: name`` for each private name of another of our modules that ``path`` imports
    or reads from an imported module (``from pipeline.x import _y``; ``import pipeline.x as m``
    then ``m._y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    modules: set[str] = set()  # local names bound to one of our modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] not in PACKAGES:
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{path}:{node.lineno}: {node.module}.{alias.name}")
                elif node.module in PACKAGES:  # ``from pipeline import quotes``
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES and alias.asname:
                    modules.add(alias.asname)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"{path}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_the_checker_finds_both_ways_of_reaching_a_private_name(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from pipeline.quotes import _helper, public\n"
        "from pipeline import speakers\n"
        "import models.train as train\n"
        "from os import _exit\n"
        "speakers._ORG\ntrain.run_cv\n",
        encoding="utf-8",
    )
    assert private_imports(source) == [
        f"{source}:1: pipeline.quotes._helper",
        f"{source}:5: speakers._ORG",
    ]


def test_no_module_imports_another_modules_private_names():
    files = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
    assert len(files) > 50
    found = [line for path in files for line in private_imports(path)]
    assert found == [], (
        "private names used across modules; make them public or keep them local:\n"
        + "\n".join(found)
    )
