"""Thin Celery tasks: ids in, one service call, idempotent."""

from __future__ import annotations

from celery import shared_task


# The packet's state is read from its row, never from a result: none is stored, so sending the
# task needs the broker alone.
@shared_task(acks_late=True, ignore_result=True)
def generate_packet(packet_id: int) -> None:
    from filings import services

    services.packet_generate(packet_id=packet_id)


@shared_task
def purge_expunged() -> str:
    from filings.purge import purge_expunged as purge

    return str(purge())
