"""Settings for the test suite: the real settings, with a key, a fast hasher and eager tasks.

Tests that need a real Celery worker use the ``celery_worker`` fixture (tests/conftest.py),
which turns eager mode off for their duration.
"""

from __future__ import annotations

import os
import tempfile
import uuid

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("IDENTITY_KEY", "test-only-identity-key-not-for-production")

from config.settings import *  # noqa: F403
from config.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client speaks plain HTTP; tests of the redirect to HTTPS turn it back on.
SECURE_SSL_REDIRECT = False
CELERY_TASK_ALWAYS_EAGER = True
# Each test run has its own queue, so a worker started by one run never takes another's tasks.
CELERY_TASK_DEFAULT_QUEUE = f"test-{uuid.uuid4().hex[:12]}"

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a worker process can open the same test database.
    # One file per test run, so that two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"cmr-test-{os.getpid()}.sqlite3")
    }
else:
    # One database per test run (see above); pytest-django drops it at the end.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

# Tests read static files through the finders; no collectstatic manifest is needed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
# Every list read in parts is stored without the indexes built after it (eligibility.indexes),
# so that the pipeline's tests (killed workers, restarts, refusals) run through that path too.
LIST_DEFER_INDEXES_ROWS = 1
