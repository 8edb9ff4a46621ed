"""Thin Celery tasks: ids in, one service call, idempotent (design.md).

Their results are never read (a list's progress is read from its row), so none is stored: sending
one then needs the broker alone, not the result store too.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def import_list(list_id: int) -> None:
    from eligibility import services
    from eligibility.models import IspList

    try:
        services.list_import(list_id=list_id)
    except Exception as error:
        # Keep what was stored (a restart resumes it) and say what stopped it.
        IspList.objects.filter(pk=list_id).update(
            message=f"The import stopped ({type(error).__name__}: {error}). "
            "Restart it below; it continues where it stopped."
        )
        raise


@shared_task(acks_late=True, ignore_result=True)
def parse_part(list_id: int, number: int) -> None:
    from eligibility import services
    from eligibility.models import IspList

    try:
        services.list_parse_part(list_id=list_id, number=number)
    except Exception as error:
        IspList.objects.filter(pk=list_id).update(
            message=f"The import stopped ({type(error).__name__}: {error}). "
            "Restart it below; it continues where it stopped."
        )
        raise


@shared_task(acks_late=True, ignore_result=True)
def evaluate_chunk(
    list_id: int, run: int, lo: int, hi: int, whole: bool = False, ids: list[int] | None = None
) -> int:
    from eligibility import services

    return services.list_evaluate_chunk(
        list_id=list_id, run=run, lo=lo, hi=hi, whole=whole, ids=ids
    )


@shared_task(ignore_result=True)
def restart_stalled_lists() -> None:
    """Every minute from `celery beat` (settings.CELERY_BEAT_SCHEDULE)."""
    from eligibility import services

    services.lists_restart_stalled()
