from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


@pytest.fixture
def imported_list(db, settings, tmp_path, django_capture_on_commit_callbacks, supervisor):
    """The worked examples, uploaded by the supervisor, read and evaluated."""
    from eligibility import services

    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        isp_list = services.list_store_file(
            path=EXAMPLES / "worked-examples.csv",
            filename="worked-examples.csv",
            as_of=date(2026, 11, 25),
            user=supervisor,
        )
    isp_list.refresh_from_db()
    return isp_list
