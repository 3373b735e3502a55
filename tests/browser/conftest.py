"""Real Chromium (Debian's) driven by Playwright against pytest-django's live server."""

import os
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


@pytest.fixture
def page(browser, live_server, playbook):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def playbook(transactional_db):
    from django.core.management import call_command

    call_command("loaddata", "playbook", verbosity=0)


def log_in(page, username="alice"):
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Home is the coverage dashboard.
    page.wait_for_url("**/coverage/")


@pytest.fixture
def logged_in_page(page, alice):
    log_in(page)
    return page


@pytest.fixture
def no_script_page(browser, live_server, playbook, alice):
    """Alice logged in, in a browser with JavaScript turned off."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page)
    yield page
    context.close()


@pytest.fixture
def alice(transactional_db):
    from tests.factories import make_user

    return make_user("alice")
