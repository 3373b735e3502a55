"""Real Chromium (Debian's) driven by Playwright against pytest-django's live server."""

import os
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium keeps reaching for the network, which is closed here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI: scripts/ensure-chromium.sh")
        pytest.skip("SKIPPED LOUDLY: /usr/bin/chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the live server's
    # database work happens in its own thread, so Django's async guard is moot here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def server_done_before_the_flush(transactional_db):
    """After the test and its browser fixtures (set up after this one, so torn down
    before it), wait for the live server's request threads to end, before the
    database is flushed (torn down after this one). A request the page sent last (a
    save, the coach) may still be writing when the test has seen what it waited
    for; on SQLite the flush then failed with "database table is locked". A thread
    ends once its request is answered and the browser, its context closed, has
    closed the connection."""
    yield
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        thread.name.endswith("(process_request_thread)")
        for thread in threading.enumerate()
    ):
        time.sleep(0.01)


@pytest.fixture
def page(browser, live_server, playbook):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def playbook(transactional_db):
    from tests.factories import load_playbook

    # The test before this one may have flushed it away with every other row.
    load_playbook()


def log_in(page, username="alice"):
    """Log in through the form, as a user does."""
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Home is the coverage dashboard.
    page.wait_for_url("**/coverage/")


def log_in_by_cookie(context, user, url):
    """Give the browser a session for `user` without the round trips of the form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": url}]
    )


@pytest.fixture
def logged_in_page(page, alice, live_server):
    """Alice logged in by cookie, on a blank page: the test goes where it needs."""
    log_in_by_cookie(page.context, alice, live_server.url)
    return page


@pytest.fixture
def page_logged_in_by_form(page, alice):
    """Alice logged in through the log-in form, on the page it leads to."""
    log_in(page)
    return page


@pytest.fixture
def no_script_page(browser, live_server, playbook, alice):
    """Alice logged in, in a browser with JavaScript turned off."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    log_in_by_cookie(context, alice, live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def alice(transactional_db, playbook):
    from tests.factories import make_user

    return make_user("alice")
