"""Thin Celery tasks: ids in, one service call, idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def generate_packet(packet_id: int) -> None:
    from filings import services

    services.packet_generate(packet_id=packet_id)


@shared_task
def purge_expunged() -> str:
    from filings.purge import purge_expunged as purge

    return str(purge())
