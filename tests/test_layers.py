"""The house in layers (design.md "Apps and what each owns, in layers"): each layer imports only
from the layers below it, and no template of an app loads, includes or extends one of a layer above.

The rules engine's own purity (no Django, no files) is tests/eligibility/rules/test_purity.py.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Top to bottom.
LAYERS = (
    "config",
    "demo",
    "reports",
    "people",
    "filings",
    "review",
    "eligibility",
    "accounts",
    "core",
)
RANK = {name: rank for rank, name in enumerate(LAYERS)}
# Outside the product: nothing in a layer may import them (the demo is a layer, the top one but
# config, and the product never imports it either).
NOT_PRODUCT = {"benchmarks", "tests", "demo"}
TAG = re.compile(r"{%\s*(load|include|extends)\s+(.+?)\s*%}")


def modules() -> Iterator[tuple[str, Path]]:
    for layer in LAYERS:
        folder = ROOT / layer
        if folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                yield layer, path


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Every absolute module name the file imports, wherever the import is (a function too)."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def reaching_up(layer: str, path: Path) -> list[str]:
    found = []
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    for line, name in imported(path):
        top = name.split(".")[0]
        where = f"{shown}:{line} imports {name}"
        if top in RANK and RANK[top] < RANK[layer]:
            found.append(f"{where} ({top} is above {layer})")
        elif top in NOT_PRODUCT and top != layer:
            found.append(f"{where} ({top} is not part of the product)")
    return found


MODULES = list(modules())


@pytest.mark.parametrize(
    ("layer", "path"), MODULES, ids=[str(path.relative_to(ROOT)) for _, path in MODULES]
)
def test_no_module_imports_a_layer_above_its_own(layer: str, path: Path) -> None:
    assert reaching_up(layer, path) == []


def tag_libraries() -> dict[str, str]:
    """Template tag library name -> the layer that defines it."""
    return {
        library.stem: layer
        for layer in LAYERS
        for library in (ROOT / layer).glob("templatetags/*.py")
        if library.stem != "__init__"
    }


TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(
    (ROOT / "templates").rglob("*.xml")
)


def template_layer(name: str) -> str | None:
    """The layer whose folder holds a template (``review/_item.html`` -> review); None for the
    shared ones at the top of templates/ (the base layout, error pages, login)."""
    top = name.split("/")[0]
    return top if top in RANK else None


@pytest.mark.parametrize(
    "path", TEMPLATES, ids=[str(path.relative_to(ROOT / "templates")) for path in TEMPLATES]
)
def test_no_template_loads_includes_or_extends_one_of_a_layer_above(path: Path) -> None:
    layer = template_layer(str(path.relative_to(ROOT / "templates")))
    libraries = tag_libraries()
    found = []
    for tag, argument in TAG.findall(path.read_text()):
        if tag == "load":
            owners = [libraries.get(name) for name in argument.split() if name != "from"]
        else:
            owners = [template_layer(argument.split()[0].strip("\"'"))]
        for owner in owners:
            if owner is None:
                continue
            if layer is None and owner is not None:
                found.append(f"the shared template {tag}s {argument} of {owner}")
            elif layer is not None and RANK[owner] < RANK[layer]:
                found.append(f"{tag} {argument}: {owner} is above {layer}")
    assert found == []


def test_the_layer_check_sees_an_import_that_reaches_up(tmp_path: Path) -> None:
    """The check above cannot pass vacuously: an accounts module importing review is caught."""
    module = tmp_path / "throwaway.py"
    module.write_text("def f():\n    from review.models import Batch\n    return Batch\n")
    (found,) = reaching_up("accounts", module)
    assert "review.models" in found and "review is above accounts" in found
