"""The one refusal: what a user asked for cannot be done, and why, in words they act on.

Every app's refusals (a list, an exhibit, a decision, a batch, a packet, a sample, an account,
the demo) are ``Refused``: ``message`` is the sentence to show, ``str()`` is the same sentence,
and ``problems`` lists each problem when there are several (a file with many bad rows; empty
otherwise). Views show ``message``; pages that list problems show ``problems``.
"""

from __future__ import annotations

from collections.abc import Iterable


class Refused(Exception):
    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def __str__(self) -> str:
        return self.message
