"""How the rules read a row, in words (the conviction's page): the engine's ``details`` are for
machines (a parsed statute is a dict, a class a letter); an attorney checks the reading."""

from __future__ import annotations

from datetime import date
from typing import Any

from eligibility.rules.classes import class_in_words
from eligibility.rules.statutes import Statute

# (key of the details, label), in the order a reader follows the rules.
LABELS = (
    ("statute", "Statute"),
    ("recorded_class", "Class recorded"),
    ("effective_class", "Class the rules apply"),
    ("amount_source", "Amount read from"),
    ("amount_table", "Amount table"),
    ("amount_more_than_grams", "More than"),
    ("amount_at_most_grams", "Not more than"),
    ("sentence_end", "Sentence ends"),
    ("duplicate_of", "Same as row"),
)


def _text(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if key == "statute" and isinstance(value, dict):
        try:
            return str(Statute(**value))
        except TypeError:
            return ", ".join(f"{k} {v}" for k, v in value.items() if v is not None)
    if key.endswith("_class"):
        return class_in_words(str(value))
    if key.startswith("amount_") and key.endswith("_grams"):
        return f"{value:g} g" if isinstance(value, int | float) else str(value)
    if key == "sentence_end":
        try:
            return date.fromisoformat(str(value)).strftime("%b %-d, %Y")
        except ValueError:
            return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def rules_reading(details: dict[str, Any]) -> list[tuple[str, str]]:
    """The engine's reading of a row as (label, text) pairs; keys it does not know come last,
    their names in words."""
    known = dict(LABELS)
    shown = [(label, _text(key, details[key])) for key, label in LABELS if key in details]
    shown += [
        (key.replace("_", " ").capitalize(), _text(key, value))
        for key, value in details.items()
        if key not in known and key != "basis"
    ]
    return shown
