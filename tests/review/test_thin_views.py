"""The review views are thin (design.md "Inside an app"): they read through the selectors and
write through the services, and never build a query themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
VIEWS = ("review/views.py", "review/sample_views.py")
# Query methods a view would chain if it built a query itself (``get`` is left out: views call
# it on request.POST and on dictionaries).
QUERYING = {
    "aggregate",
    "all",
    "annotate",
    "count",
    "exclude",
    "exists",
    "filter",
    "only",
    "order_by",
    "prefetch_related",
    "select_for_update",
    "select_related",
    "values",
    "values_list",
}


def queries_built(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"line {node.lineno}: .objects")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERYING
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}()")
    return found


@pytest.mark.parametrize("path", VIEWS)
def test_a_review_view_builds_no_query_of_its_own(path: str) -> None:
    assert queries_built((ROOT / path).read_text()) == []


def test_the_check_sees_a_query_a_view_would_chain() -> None:
    """The check above cannot pass vacuously."""
    source = 'def page(sample):\n    return sample.items.filter(outcome="").count()\n'
    assert queries_built(source) == ["line 2: .count()", "line 2: .filter()"]
    assert queries_built("def page():\n    return Conviction.objects\n") == ["line 2: .objects"]
