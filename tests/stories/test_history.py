"""A story's history shows its versions a page at a time."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Revision
from stories.views.library import HISTORY_PER_PAGE
from tests.factories import make_story

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def story(alice):
    """A story at version 46 with all 45 texts it replaced: 46 entries, 3 pages."""
    story = make_story(alice, title="Version 46", version=46)
    start = timezone.now() - timedelta(days=1)
    Revision.objects.bulk_create(
        Revision(
            story=story,
            version=version,
            title=f"Version {version}",
            created=start + timedelta(minutes=version),
        )
        for version in range(1, 46)
    )
    return story


def versions(html):
    return [int(v) for v in re.findall(r'<th scope="row">(\d+)', html)]


def url(story, page=None):
    return reverse("stories:history", args=[story.pk]) + (
        f"?page={page}" if page else ""
    )


def test_the_history_shows_the_newest_versions_first_a_page_at_a_time(
    alice_client, story
):
    assert HISTORY_PER_PAGE == 20
    pages = [alice_client.get(url(story, n)).content.decode() for n in (1, 2, 3)]
    assert versions(pages[0]) == list(range(46, 26, -1))
    assert versions(pages[1]) == list(range(26, 6, -1))
    assert versions(pages[2]) == list(range(6, 0, -1))
    assert "46 (current)" in pages[0] and "(current)" not in pages[1]
    assert "First version" in pages[2]


def test_page_links_are_plain_links_that_work_without_javascript(alice_client, story):
    page = alice_client.get(url(story)).content.decode()
    assert "Page 1 of 3" in page
    assert 'href="?page=2"' in page and 'href="?page=3"' in page
    assert 'hx-target="#history-entries"' in page
    second = alice_client.get(url(story, 2)).content.decode()
    assert 'href="?page=1"' in second and 'href="?page=3"' in second
    assert 'aria-current="page">2<' in second


def test_a_page_link_by_htmx_gets_only_the_entries(alice_client, story):
    fragment = alice_client.get(url(story, 2), **HX).content.decode()
    assert "<html" not in fragment
    assert versions(fragment) == list(range(26, 6, -1))
    assert "Page 2 of 3" in fragment


@pytest.mark.parametrize(("page", "shown"), [("99", 3), ("0", 3), ("x", 1)])
def test_a_page_out_of_range_shows_the_nearest(alice_client, story, page, shown):
    response = alice_client.get(url(story, page))
    assert response.status_code == 200
    assert f"Page {shown} of 3" in response.content.decode()


def test_a_short_history_has_no_page_links(alice_client, alice):
    story = make_story(alice, title="One")
    story.apply_edit({"title": "Two"}, based_on=1)
    page = alice_client.get(url(story)).content.decode()
    assert versions(page) == [2, 1]
    assert "page-links" not in page


def test_an_htmx_restore_shows_the_first_page_again(alice_client, story):
    oldest = story.revisions.get(version=1)
    response = alice_client.post(
        reverse("stories:restore_revision", args=[story.pk, oldest.pk]),
        {"version": story.version},
        **HX,
    )
    fragment = response.content.decode()
    # Restoring saved version 47; editing keeps 50 revisions, so nothing was pruned.
    assert versions(fragment) == list(range(47, 27, -1))
    assert "Page 1 of 3" in fragment
