"""Security hardening: the Content-Security-Policy and the htmx settings that go with
it, login throttling, the session at log-in, and error pages without tracebacks.
The walks over every route are in test_security_walk.py."""

import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import path, reverse

from interviewprep.urls import urlpatterns as project_urlpatterns
from tests.factories import PASSWORD


def boom(request):
    raise RuntimeError("SECRET-TRACEBACK-DETAIL")


urlpatterns = [path("boom/", boom), *project_urlpatterns]

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    Path(settings.BASE_DIR) / app / "templates"
    for app in ("accounts", "themes", "stories", "markup")
]
# What a strict policy blocks: inline code and styles, and htmx's eval-based hx-on.
INLINE = {
    "inline script": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"
    ),
    "style element": re.compile(r"<style[\s>]"),
    "style attribute": re.compile(r"\sstyle\s*="),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on attribute": re.compile(r"\s(?:data-)?hx-on"),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_has_inline_scripts_styles_or_handlers():
    found = []
    for directory in TEMPLATE_DIRS:
        for template in sorted(directory.rglob("*.html")):
            text = template.read_text()
            for what, pattern in INLINE.items():
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(
                        f"{template.relative_to(settings.BASE_DIR)}:{line}: {what}"
                    )
    assert not found, "\n".join(found)


def test_every_response_has_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert "Content-Security-Policy" in client.get("/no-such-page/")


def test_htmx_is_configured_for_the_policy_and_keeps_no_history_cache(client, db):
    page = client.get(reverse("login")).content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    config = json.loads(html.unescape(meta[1]))
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0
    assert config["selfRequestsOnly"] is True
    # htmx itself is a file we serve, not inline code.
    assert re.search(r'<script src="[^"]*htmx[^"]*\.js"', page)


def log_in(client, password, username="alice", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **extra
    )


def test_five_wrong_passwords_lock_the_account_from_that_address_with_a_message(
    client, alice
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong password")
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed log-ins" in text
    assert "paused for 15 minutes" in text
    assert "_auth_user_id" not in client.session


def test_a_locked_account_can_still_log_in_from_another_address(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong password")
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert log_in(other, PASSWORD).status_code == 302


def test_a_lock_on_one_account_leaves_other_accounts_alone(client, alice, bob):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong password")
    assert log_in(client, PASSWORD, username="bob").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong password")
    assert log_in(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong password")
    assert log_in(client, PASSWORD).status_code == 302


def test_the_session_key_changes_at_log_in(client, alice):
    session = client.session  # an anonymous session, saved, with its cookie set
    session["seen_before_log_in"] = True
    session.save()
    old_key = session.session_key
    assert log_in(client, PASSWORD).status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()


def test_sign_up_logs_in_with_a_fresh_session(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_an_unknown_address_gets_the_custom_404_page(alice_client):
    response = alice_client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "<h1>Page not found</h1>" in text
    assert "Traceback" not in text
    assert "urlpatterns" not in text  # Django's debug 404 lists them


@pytest.mark.urls(__name__)
def test_a_crash_shows_the_custom_500_page_without_a_traceback(db, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "<h1>Something went wrong</h1>" in text
    assert "SECRET-TRACEBACK-DETAIL" not in text
    assert "Traceback" not in text
