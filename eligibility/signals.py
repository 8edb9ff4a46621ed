"""What the eligibility app tells the apps above it (they connect in their ``AppConfig.ready``;
the layers rule keeps eligibility from calling them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``isp_list`` and ``known`` (how many of its rows are on an earlier list) inside the
# transaction that marks a list ready, after its rows were matched to the lists before it
# (``Conviction.copy_of``, ``Conviction.changes``). A receiver writes in the same transaction (if
# it fails, the list is not marked ready and its import is restarted) and returns a dict of
# counts to add to the list's ``history`` (or None).
list_evaluated = Signal()
