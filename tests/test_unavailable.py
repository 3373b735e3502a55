"""The database is down: a 503 that asks to retry and says the typing is kept, one
log line per request, no traceback. The failure is real: the default connection is
swapped for one the driver cannot open (a directory on SQLite, a closed port on
PostgreSQL), not a mock."""

import logging

import pytest
from django.db import IntegrityError, connections
from django.test import Client
from django.urls import reverse

from interviewprep.middleware import DatabaseUnavailableMiddleware


@pytest.fixture
def database_down(db, tmp_path):
    """Every query from here on fails to connect, with the driver's own error."""
    real = connections["default"]
    settings_dict = dict(real.settings_dict)
    if real.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path)  # a directory: "unable to open"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")  # nothing listens there
    down = type(real)(settings_dict, alias="default")
    connections["default"] = down
    yield
    down.close()
    connections["default"] = real


@pytest.fixture
def alice_logged_in(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


@pytest.mark.parametrize(
    "method, route", [("get", "stories:list"), ("post", "stories:create")]
)
def test_a_database_outage_is_a_503_that_asks_to_retry_and_keeps_the_typing(
    alice_logged_in, database_down, method, route
):
    response = getattr(alice_logged_in, method)(reverse(route))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "unsaved text is kept in the editor" in page


def test_a_database_outage_logs_one_line_without_a_traceback(
    alice_logged_in, database_down, caplog
):
    with caplog.at_level(logging.WARNING):
        alice_logged_in.get(reverse("stories:list"))
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    record = caplog.records[0]
    assert record.exc_info is None
    assert "Database unavailable for GET /stories/: OperationalError" in (
        record.getMessage()
    )
    assert "\n" not in record.getMessage()


def test_a_logged_out_visitor_gets_the_503_too(client, database_down):
    response = client.get(reverse("login"))
    assert response.status_code in (200, 503)  # the log-in page may need no query
    response = client.post(reverse("login"), {"username": "a", "password": "b"})
    assert response.status_code == 503


def test_other_database_errors_are_still_server_errors():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(None, IntegrityError("dup")) is None
