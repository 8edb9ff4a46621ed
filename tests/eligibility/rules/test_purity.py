"""The engine is plain Python: no Django, no file or database access, typed modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from eligibility import rules

MODULES = sorted(Path(rules.__file__).resolve().parent.glob("*.py"))
FORBIDDEN_IMPORTS = {"django", "eligibility.models", "eligibility.listfiles", "sqlite3", "psycopg2"}
FORBIDDEN_CALLS = {"open", "read_text", "read_bytes", "listdir", "scandir", "urlopen"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_no_module_of_the_engine_imports_django_or_storage(path: Path) -> None:
    for name in _imports(path):
        assert not any(
            name == forbidden or name.startswith(forbidden + ".") for forbidden in FORBIDDEN_IMPORTS
        ), name


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_no_module_of_the_engine_reads_files(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            assert name not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}"


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_every_module_postpones_annotations(path: Path) -> None:
    tree = ast.parse(path.read_text())

    assert any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )


def test_the_package_exports_its_public_api() -> None:
    for name in rules.__all__:
        assert hasattr(rules, name), name
