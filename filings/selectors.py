"""Reads of the filings app that views and services share."""

from __future__ import annotations

from eligibility.models import Conviction
from filings.models import Packet


def packet_holds_purged(*, packet: Packet) -> bool:
    """Whether the packet's stored file still names a conviction whose personal data was purged
    (``filings.services.packet_purge`` takes it out, or deletes the file): such a file is never
    served."""
    return (
        Conviction.objects.filter(batch_item__batch_id=packet.batch_id, purged_at__isnull=False)
        .exclude(pk__in=packet.removed_convictions)
        .exists()
    )


def packet_downloadable(*, packet: Packet) -> bool:
    """A file to download that names nobody purged."""
    return bool(packet.file) and packet.purged_at is None and not packet_holds_purged(packet=packet)
