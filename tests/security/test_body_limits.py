"""Request bodies: a body larger than its page accepts is refused with a 413 page before any of
it is read (an anonymous one to the login page too); the two upload pages take their file's limit
on top of the small one."""

from __future__ import annotations

import pytest
from django.conf import settings

from filings.exhibit_outcomes import MAX_UPLOAD_BYTES as EXHIBIT_MAX_BYTES

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class Tripwire:
    """A request body that records whether anything read it."""

    def __init__(self) -> None:
        self.read_from = False

    def read(self, *args: object) -> bytes:
        self.read_from = True
        return b"x" * 1024

    def readline(self, *args: object) -> bytes:
        return self.read()


def post_declaring(client, path: str, length: int):
    """A POST that declares ``length`` bytes of body, and what its body saw."""
    body = Tripwire()
    environ = {
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "CONTENT_LENGTH": str(length),
        "wsgi.input": body,
    }
    return client.post(path, **environ), body


@pytest.mark.parametrize("path", ["/accounts/login/", "/review/", "/policy/", "/admin/login/"])
def test_an_anonymous_post_larger_than_the_small_limit_gets_413_unread(client, path):
    response, body = post_declaring(client, path, 50 * MB)
    assert response.status_code == 413
    assert "Too large" in response.content.decode()
    assert not body.read_from, "nothing of the body was read"


def test_a_signed_in_user_gets_the_same_page_with_the_limit_named(client, supervisor):
    client.force_login(supervisor)
    response, body = post_declaring(client, "/review/", 2 * MB)
    assert response.status_code == 413
    page = response.content.decode()
    assert "2.0\xa0MB" in page and "at most 1.0\xa0MB" in page
    assert not body.read_from


def test_a_post_within_the_small_limit_reaches_its_page(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x" * 1000})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_the_list_upload_takes_the_list_limit_and_no_more(client, supervisor, settings):
    settings.LIST_UPLOAD_MAX_BYTES = 5 * MB
    client.force_login(supervisor)
    allowed = settings.LIST_UPLOAD_MAX_BYTES + settings.REQUEST_MAX_BYTES
    response, body = post_declaring(client, "/lists/upload/", allowed + 1)
    assert response.status_code == 413
    assert "Split it into smaller files" in response.content.decode()
    assert not body.read_from
    response, body = post_declaring(client, "/lists/upload/", allowed)
    assert response.status_code != 413 and body.read_from, "the page reads what it accepts"


def test_the_exhibit_upload_has_its_own_limit(client, clerk):
    client.force_login(clerk)
    allowed = EXHIBIT_MAX_BYTES + settings.REQUEST_MAX_BYTES
    response, body = post_declaring(client, "/filings/1/outcomes/upload/", allowed + 1)
    assert response.status_code == 413 and not body.read_from
    response, body = post_declaring(client, "/filings/1/outcomes/upload/", allowed)
    assert response.status_code == 404, "no packet 1: the page itself answered"


def test_form_data_beyond_the_small_limit_is_refused_even_where_files_may_be_large(
    client, supervisor
):
    """Django reads at most DATA_UPLOAD_MAX_MEMORY_SIZE of form fields (not files) anywhere."""
    client.force_login(supervisor)
    response = client.post("/lists/upload/", {"as_of": "2026-11-25", "notes": "x" * (2 * MB)})
    assert response.status_code == 400
