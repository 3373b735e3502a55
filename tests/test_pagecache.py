"""The per-user page cache (stories/pagecache.py): a page is served again only while
nothing it shows has changed, whoever or whatever changed it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stories.models import PageStamp, Story
from tests.factories import PASSWORD, make_story
from themes.models import Theme

LIST = reverse("stories:list")
COVERAGE = reverse("stories:coverage")
HX = {"HTTP_HX_REQUEST": "true"}
# A cached page costs the session, the user and the user's page stamp.
HIT_QUERIES = 3


@pytest.fixture
def themes(playbook):
    return list(Theme.objects.order_by("number"))


@pytest.fixture
def story(alice, themes):
    return make_story(alice, themes=[themes[0]], title="Rolled back a detector")


def test_the_same_page_again_is_served_from_the_cache(
    alice_client, story, django_assert_num_queries
):
    first = alice_client.get(LIST)
    with django_assert_num_queries(HIT_QUERIES):
        again = alice_client.get(LIST)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert "no-store" in again["Cache-Control"]


def test_the_fragment_and_the_whole_page_are_cached_apart(alice_client, story):
    whole = alice_client.get(LIST).content.decode()
    fragment = alice_client.get(LIST, **HX).content.decode()
    assert "<html" in whole and "<html" not in fragment
    assert alice_client.get(LIST).content.decode() == whole
    assert "<html" not in alice_client.get(LIST, **HX).content.decode()


def test_an_edit_in_the_app_shows_at_once(alice_client, story):
    # A status change through autosave is a bulk UPDATE with no revision: no model
    # signal fires, the write itself renews the stamp.
    assert "Draft" in alice_client.get(LIST).content.decode()
    url = reverse("stories:autosave", args=[story.pk])
    response = alice_client.post(url, {"version": story.version, "status": "ready"})
    assert response.status_code == 200
    page = alice_client.get(LIST).content.decode()
    assert "library-status-ready" in page


def test_tagging_from_the_matrix_shows_on_coverage_at_once(alice_client, alice, themes):
    story = make_story(alice, title="Untagged so far", status=Story.Status.READY)
    one_ready = re.compile(r"\b1 ready\b")
    assert not one_ready.search(alice_client.get(COVERAGE).content.decode())
    cell = {"tag": f"{story.pk}-{themes[1].pk}"}
    alice_client.post(reverse("stories:matrix_cell"), cell)
    assert one_ready.search(alice_client.get(COVERAGE).content.decode())


def test_a_change_outside_a_request_shows_too(alice_client, story):
    # The admin, the shell, a management command: model signals renew the stamp.
    assert "Handling Model Failures" in alice_client.get(LIST, **HX).content.decode()
    story.title = "Renamed in the admin"
    story.save()
    assert "Renamed in the admin" in alice_client.get(LIST, **HX).content.decode()
    story.themes.clear()
    page = alice_client.get(LIST, **HX).content.decode()
    assert "Handling Model Failures" not in page


def test_a_playbook_change_shows_to_every_user(
    alice_client, bob, bob_client, story, themes
):
    make_story(bob, themes=[themes[0]], title="Bob's story")
    alice_client.get(LIST), bob_client.get(LIST)
    themes[0].title = "Owning Failures"
    themes[0].save()
    assert "Owning Failures" in alice_client.get(LIST).content.decode()
    assert "Owning Failures" in bob_client.get(LIST).content.decode()


def test_users_never_see_each_others_cached_pages(
    alice_client, bob_client, story, themes
):
    themes[0].save()  # a playbook change gives every user the same new token
    assert "Rolled back a detector" in alice_client.get(LIST).content.decode()
    page = bob_client.get(LIST).content.decode()
    assert "Rolled back a detector" not in page
    assert "You have no stories yet" in page


def test_another_users_write_leaves_a_users_pages_cached(
    alice_client, alice, bob, bob_client, story, django_assert_num_queries
):
    alice_client.get(LIST)
    bobs = make_story(bob, title="Bob's")
    bob_client.post(reverse("stories:delete", args=[bobs.pk]))
    with django_assert_num_queries(HIT_QUERIES):
        alice_client.get(LIST)


def test_a_one_off_message_is_not_cached(alice_client, story):
    # Without JavaScript, moving to the trash redirects to the list with an Undo.
    alice_client.post(reverse("stories:delete", args=[story.pk]))
    assert "is in the trash" in alice_client.get(LIST).content.decode()
    assert "is in the trash" not in alice_client.get(LIST).content.decode()
    alice_client.post(reverse("stories:restore", args=[story.pk]))
    assert (
        "Restored “Rolled back a detector”" in alice_client.get(LIST).content.decode()
    )
    assert "Restored “" not in alice_client.get(LIST).content.decode()


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in(client):
    login = client.get(reverse("login")).content.decode()
    data = {"username": "alice", "password": PASSWORD}
    data["csrfmiddlewaretoken"] = TOKEN.search(login)[1]
    assert client.post(reverse("login"), data).status_code == 302


def test_after_logging_in_again_the_pages_tokens_still_pass(alice, story):
    # Logging in gives a new CSRF secret: the tokens of a page cached before it
    # would be refused, so the page is rendered again.
    client = Client(enforce_csrf_checks=True)
    log_in(client)
    page = client.get(LIST).content.decode()
    client.post(reverse("logout"), {"csrfmiddlewaretoken": TOKEN.search(page)[1]})
    log_in(client)
    page = client.get(LIST).content.decode()
    response = client.post(
        reverse("stories:delete", args=[story.pk]),
        {"csrfmiddlewaretoken": TOKEN.search(page)[1]},
    )
    assert response.status_code == 302
    assert Story.objects.get(pk=story.pk).deleted_at is not None


def test_a_lost_csrf_cookie_gets_a_page_with_tokens_for_the_new_one(alice, story):
    client = Client(enforce_csrf_checks=True)
    log_in(client)
    client.get(LIST)
    del client.cookies[settings.CSRF_COOKIE_NAME]  # cleared by the browser
    page = client.get(LIST).content.decode()
    response = client.post(
        reverse("stories:delete", args=[story.pk]),
        {"csrfmiddlewaretoken": TOKEN.search(page)[1]},
    )
    assert response.status_code == 302


def test_a_new_day_renders_the_page_again(alice_client, story, monkeypatch):
    # "Due today" changes at midnight with no write at all.
    alice_client.get(COVERAGE)
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    with CaptureQueriesContext(connection) as queries:
        alice_client.get(COVERAGE)
    assert len(queries) > HIT_QUERIES


def test_a_new_user_has_a_stamp_from_the_start(alice):
    before = PageStamp.objects.get(owner=alice).token
    make_story(alice)
    assert PageStamp.current(alice) != before


def test_the_editor_is_never_served_with_an_old_version(alice_client, story):
    # A cached editor carrying an old version would make the next save a conflict.
    url = reverse("stories:detail", args=[story.pk])
    assert (
        f'name="version" value="{story.version}"'
        in alice_client.get(url).content.decode()
    )
    autosave = reverse("stories:autosave", args=[story.pk])
    alice_client.post(autosave, {"version": story.version, "task": "Own the fix"})
    page = alice_client.get(url).content.decode()
    assert f'name="version" value="{story.version + 1}"' in page
    assert "Own the fix" in page


def test_the_nav_fragment_is_kept_apart_for_each_page_it_is_for(alice_client, story):
    nav = reverse("stories:coverage_nav")

    def from_page(path):
        headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{path}"}
        return alice_client.get(nav, headers=headers).content.decode()

    assert 'aria-current="page"' in from_page(COVERAGE)
    assert 'aria-current="page"' not in from_page(LIST)
    assert 'aria-current="page"' in from_page(COVERAGE)
