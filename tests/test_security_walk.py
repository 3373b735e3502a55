"""Walks of every route the project defines (see tests/walk.py): another user's ids
always get 404 or 405 and change nothing, no mutating request gets past CSRF, and
every response carries the Content-Security-Policy and, for a logged-in user, no-store.
"""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.test import Client
from django.urls import path

from interviewprep.urls import urlpatterns as project_urlpatterns
from stories.models import Story
from tests.factories import make_user, shared_rows
from tests.walk import (
    METHODS,
    SECRET,
    combos,
    fill,
    make_bank,
    reached,
    snapshot,
    touches_user_rows,
    url_patterns,
)

EXPECTED_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
UNSAFE = ["post", "put", "patch", "delete"]
# Ids of alice's that reach a route: a few are enough to catch a missing owner check.
REACHED_PER_ROUTE = 2
HTMX = {"plain": {}, "htmx": {"headers": {"HX-Request": "true"}}}


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def request(client, method, url, variant="plain"):
    response = getattr(client, method)(url, **HTMX[variant])
    policy = set(response["Content-Security-Policy"].split("; "))
    assert policy == EXPECTED_CSP, (method, url)
    return response


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def reachable(client, url, refused):
    """Whether the owner gets anything but 404 on some method (rolled back).

    `refused` collects the methods the route answers 405: the decorators refuse
    them before any id is looked at, so they need no trying with other ids.
    """
    for method in METHODS:
        if method in refused:
            continue
        with transaction.atomic():
            status = getattr(client, method)(url).status_code
            transaction.set_rollback(True)
        if status == 405:
            refused.add(method)
        elif status != 404:
            return True
    return False


@pytest.fixture
def bank(playbook, alice):
    return make_bank(alice)


@pytest.fixture
def alice_urls(bank, alice):
    return urls_of(alice, bank)


@pytest.fixture(scope="class")
def walked(django_db_setup, django_db_blocker):
    """alice, bob, alice's bank and her URLs, made once for a class of walks, each
    of which rolls back to them: finding the URLs tries every route."""
    with shared_rows(django_db_blocker):
        alice, bob = make_user("alice"), make_user("bob")
        bank = make_bank(alice)
        yield {
            "alice": alice,
            "bob": bob,
            "bank": bank,
            "alice_urls": urls_of(alice, bank),
        }


def urls_of(alice, bank):
    """Every URL alice can reach with her own ids, for every route that takes one.

    A route for which no filling of its arguments reaches alice's data fails here:
    the walk would otherwise pass it without testing anything.
    """
    # A view that crashes for its owner still has to 404 for bob: count it reached.
    client = logged_in(alice, raise_request_exception=False)
    urls = {}
    for route, name in url_patterns():
        if not touches_user_rows(route):
            continue
        refused = set()
        found = reached(
            route,
            bank,
            lambda url: reachable(client, url, refused),  # noqa: B023
            limit=REACHED_PER_ROUTE,
        )
        assert found, (
            f"{name} ({route}): alice gets 404 with every id the walk has; "
            "make_bank in tests/walk.py needs the object this view expects"
        )
        urls[name] = found
    return urls


def other_urls(bank):
    """The routes that take no user's id: each user sees their own data there."""
    return [
        fill(route, c)
        for route, _ in url_patterns()
        if not touches_user_rows(route)
        for c in combos(route, bank)
    ]


def test_the_walk_finds_the_project_routes_and_none_of_the_admin(db):
    names = {name for _, name in url_patterns()}
    assert {"login", "signup", "themes:index", "themes:detail"} <= names
    assert not any(route.startswith("admin/") for route, _ in url_patterns())


def walk_as(client, alice_urls):
    for name, urls in alice_urls.items():
        for url in urls:
            for method in METHODS:
                for variant in HTMX:
                    response = request(client, method, url, variant)
                    assert response.status_code in (404, 405), (
                        f"bob got {response.status_code} for {method.upper()} "
                        f"{url} ({name}, {variant})"
                    )
                    assert SECRET.encode() not in body(response), (method, url)


class TestWalks:
    def test_another_users_ids_get_404_or_405_on_every_route_and_method_and_change_nothing(
        self, walked, db
    ):
        alice, bob, alice_urls = walked["alice"], walked["bob"], walked["alice_urls"]
        before = snapshot(alice)
        walk_as(logged_in(bob), alice_urls)
        assert snapshot(alice) == before

    def test_every_mutating_request_without_a_csrf_token_is_refused(self, walked, db):
        alice, bank, alice_urls = walked["alice"], walked["bank"], walked["alice_urls"]
        before = snapshot(alice)
        client = logged_in(alice, enforce_csrf_checks=True)
        urls = [u for found in alice_urls.values() for u in found] + other_urls(bank)
        for url in urls:
            for method in UNSAFE:
                for variant in HTMX:
                    response = request(client, method, url, variant)
                    # A view that is csrf_exempt outside and protected inside (the
                    # backup upload) may refuse other methods with 405 first.
                    allowed = {403} if method == "post" else {403, 405}
                    assert response.status_code in allowed, (
                        f"{method.upper()} {url} ({variant}) without a CSRF token "
                        f"got {response.status_code}"
                    )
        assert snapshot(alice) == before
        # Not even the log-out went through.
        assert client.get("/themes/").status_code == 200

    def test_every_page_for_a_logged_in_user_is_no_store(self, walked, db):
        alice, bank, alice_urls = walked["alice"], walked["bank"], walked["alice_urls"]
        client = logged_in(alice)
        urls = [u for found in alice_urls.values() for u in found] + other_urls(bank)
        checked = 0
        for url in urls:
            for variant in HTMX:
                response = request(client, "get", url, variant)
                if response.status_code in (404, 405):
                    continue
                cache_control = response.get("Cache-Control", "")
                assert "no-store" in cache_control, (url, variant, cache_control)
                assert "private" in cache_control, (url, variant, cache_control)
                checked += 1
        assert checked >= 4


def leaky(request, pk):
    return HttpResponse(get_object_or_404(Story, pk=pk).title)  # no owner check


urlpatterns = [path("leaky/<int:pk>/", leaky, name="leaky"), *project_urlpatterns]


@pytest.mark.urls(__name__)
def test_the_walk_catches_a_view_that_forgets_the_owner_check(bob, alice_urls):
    assert "leaky" in alice_urls
    with pytest.raises(AssertionError, match="bob got 200 for GET /leaky/"):
        walk_as(logged_in(bob), alice_urls)


def test_pages_without_ids_never_show_another_users_data_or_change_it(alice, bob, bank):
    before = snapshot(alice)
    client = logged_in(bob)
    for url in other_urls(bank):
        for method in METHODS:
            for variant in HTMX:
                response = request(client, method, url, variant)
                assert response.status_code < 500, (method, url, variant)
                assert SECRET.encode() not in body(response), (method, url, variant)
                if "_auth_user_id" not in client.session:
                    client.force_login(bob)  # that was the log-out
    assert snapshot(alice) == before
