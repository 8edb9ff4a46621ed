"""Printing a query's plan for the benchmarks' ``--explain``."""

from __future__ import annotations

from typing import Any


def print_plan(sql: str, params: Any, title: str) -> None:
    """Run ``EXPLAIN (ANALYZE, BUFFERS)`` of a query and print its plan under ``title``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print(f"\nEXPLAIN ANALYZE of {title}:")
        for (line,) in cursor.fetchall():
            print("  " + line)
