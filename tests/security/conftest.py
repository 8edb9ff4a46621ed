from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def upload(media, django_capture_on_commit_callbacks):
    """Post a file to the real upload page and run what it starts on commit (the pipeline)."""

    def post(client, name: str, content: bytes, **extra):
        data = {"file": SimpleUploadedFile(name, content), "as_of": "2026-11-25", **extra}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/lists/upload/", data)

    return post
