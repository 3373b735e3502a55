"""Pages that would grow with the story bank are paginated or summarised: the story
list shows a page at a time, coverage names a few stories per question, the prep
sheet's preview shows the first few stories. The matrix shows every story, as it is
for seeing them all at once. Their query counts stay fixed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coverage.report import TITLES_PER_QUESTION, Coverage
from prepsheet.views import PREVIEW_STORIES
from stories.models import Story, StoryTheme
from stories.views.library import PER_PAGE
from themes.models import SampleQuestion, Theme

READY = Story.Status.READY
DRAFT = Story.Status.DRAFT
LIST = reverse("stories:list")
MATRIX = reverse("coverage:matrix")
COVERAGE = reverse("coverage:index")
PREP = reverse("prepsheet:index")
HX = {"HX-Request": "true"}


@pytest.fixture
def themes(playbook):
    return list(
        Theme.objects.filter(playbook__slug="ml-computer-vision").order_by("number")
    )


def bank(user, themes, count, **fields):
    """`count` stories named "Story 000"…, alternately ready and draft, each on the
    first theme (and the second), each answering the first theme's first question."""
    question = SampleQuestion.objects.filter(theme=themes[0]).first()
    stories = Story.objects.bulk_create(
        Story(
            owner=user,
            title=f"Story {i:03}",
            summary="hook",
            status=READY if i % 2 == 0 else DRAFT,
            result="Cut false alerts by 40%.",
            **fields,
        )
        for i in range(count)
    )
    StoryTheme.objects.bulk_create(
        StoryTheme(story=story, theme=theme)
        for story in stories
        for theme in themes[:2]
    )
    Story.questions.through.objects.bulk_create(
        Story.questions.through(story=story, question=question) for story in stories
    )
    return stories


def story_links(html):
    return re.findall(r'<a href="/stories/(\d+)/"[ >]', html)


def query_count(client, url, params=None, headers=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {}, headers=headers or {})
    assert response.status_code == 200
    return len(queries), response


# The story list ---------------------------------------------------------------------
# A page of PER_PAGE stories (50).


def test_the_list_shows_a_page_of_stories_and_links_to_the_others(
    alice_client, alice, themes
):
    assert PER_PAGE == 50
    bank(alice, themes, PER_PAGE + 5)
    total = PER_PAGE + 5
    first = alice_client.get(LIST, {"sort": "title"}).content.decode()
    assert len(story_links(first)) == PER_PAGE
    assert f"{total} stories, showing 1–{PER_PAGE}" in first
    assert "Story 000" in first and f"Story {PER_PAGE:03}" not in first
    # Links keep the filters, and work with or without JavaScript.
    assert 'href="?sort=title&amp;page=2" rel="next"' in first
    assert 'hx-get="?sort=title&amp;page=2"' in first
    second = alice_client.get(LIST, {"sort": "title", "page": 2}).content.decode()
    assert len(story_links(second)) == 5
    # Page 2 starts with the 51st story.
    assert f"Story {PER_PAGE:03}" in second and "Story 000" not in second
    assert 'href="?sort=title&amp;page=1" rel="prev"' in second
    assert '<span aria-current="page">2</span>' in second


def test_the_page_links_take_their_htmx_target_from_the_nav(
    alice_client, alice, themes
):
    # Said once for all the links, not on each: the htmx page stays small.
    bank(alice, themes, PER_PAGE * 6)
    html = alice_client.get(LIST, {"page": 3}, headers=HX).content.decode()
    nav = re.search(r"<nav [^>]*>", html).group(0)
    assert 'aria-label="Pages of stories"' in nav
    assert 'hx-target="#story-results"' in nav
    assert 'hx-swap="innerHTML show:window:top"' in nav
    assert 'hx-push-url="true"' in nav
    links = re.findall(r"<a [^>]*>", html[html.index("<nav ") :])
    assert len(links) == 7  # previous, 1, 2, 4, 5, 6, next
    for link in links:
        assert "hx-get=" in link and "hx-target" not in link and "hx-swap" not in link
    assert html.count('aria-label="Page ') == 5


def test_a_long_list_elides_the_pages_far_from_the_current_one(
    alice_client, alice, themes
):
    bank(alice, themes, PER_PAGE * 20)
    html = alice_client.get(LIST, {"page": 10, "sort": "title"}).content.decode()
    pages = re.findall(r'aria-label="Page (\d+)"', html)
    assert pages == ["1", "8", "9", "11", "12", "20"]
    assert '<span aria-current="page">10</span>' in html
    assert html.count('<li aria-hidden="true">…</li>') == 2
    # The filters are kept, the page replaced where it stood.
    assert 'href="?page=9&amp;sort=title" rel="prev"' in html
    assert 'href="?page=11&amp;sort=title" rel="next"' in html


def test_a_page_of_the_list_comes_as_a_fragment_to_htmx(alice_client, alice, themes):
    bank(alice, themes, PER_PAGE + 5)
    total = PER_PAGE + 5
    response = alice_client.get(LIST, {"page": 2, "q": "story"}, headers=HX)
    html = response.content.decode()
    assert "<html" not in html
    assert len(story_links(html)) == 5
    # The live count outside the swapped region follows, out of band.
    assert f"{total} stories match, showing {PER_PAGE + 1}–{total}" in html
    assert 'hx-get="?page=1&amp;q=story"' in html


@pytest.mark.parametrize("page", ["0", "abc", "99", "-1"])
def test_a_bad_page_number_shows_a_page_instead_of_failing(
    alice_client, alice, themes, page
):
    bank(alice, themes, PER_PAGE + 5)
    response = alice_client.get(LIST, {"page": page})
    assert response.status_code == 200
    assert len(response.context["stories"]) in (PER_PAGE, 5)


def test_a_filter_counts_every_match_not_just_the_page(alice_client, alice, themes):
    bank(alice, themes, PER_PAGE * 2 + 20)
    html = alice_client.get(LIST, {"status": "ready"}).content.decode()
    assert f"{PER_PAGE + 10} stories match, showing 1–{PER_PAGE}" in html


def test_one_page_needs_no_page_links(alice_client, alice, themes):
    bank(alice, themes, 3)
    html = alice_client.get(LIST).content.decode()
    assert 'class="page-links"' not in html
    assert "3 stories</p>" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_the_list_costs_the_same_queries_for_1_and_200_stories(
    alice_client, alice, bob, themes, htmx
):
    headers = HX if htmx else {}
    bank(alice, themes, 1)
    few, _ = query_count(alice_client, LIST, headers=headers)
    Story.objects.all().delete()
    bank(alice, themes, 200)
    many, response = query_count(alice_client, LIST, {"page": 3}, headers)
    assert many == few
    assert len(story_links(response.content.decode())) == PER_PAGE


# The matrix ----------------------------------------------------------------------------


def test_the_matrix_shows_every_story_with_totals_over_all(alice_client, alice, themes):
    bank(alice, themes, 60)
    html = alice_client.get(MATRIX).content.decode()
    assert html.count('<tr class="is-') == 60
    assert "60 stories.</p>" in html
    assert 'class="page-links"' not in html
    # Ready stories first, then by title.
    links = story_links(html)
    ready = Story.objects.filter(status=READY).order_by("title")
    assert links[:30] == [str(s.pk) for s in ready]
    assert links[30] == str(Story.objects.get(title="Story 001").pk)
    # 30 ready and 30 drafts on each of two themes.
    assert html.count('<td>30 <span class="meta">of') == 2
    assert html.count("<td>30</td>") == 2
    assert html.count("aria-pressed=") == 60 * 5


def test_a_cell_comes_back_to_the_matrix(alice_client, alice, themes):
    bank(alice, themes, 30)
    last = Story.objects.get(title="Story 029")  # the last draft: the last row
    html = alice_client.get(MATRIX).content.decode()
    assert f'id="c{last.pk}-{themes[3].pk}"' in html
    assert 'name="next" value="/coverage/matrix/"' in html
    url = reverse("coverage:matrix_cell")
    data = {"tag": f"{last.pk}-{themes[3].pk}", "next": MATRIX}
    assert alice_client.post(url, data)["Location"] == MATRIX
    fragment = alice_client.post(url, data, headers=HX).content.decode()
    assert f'<button id="c{last.pk}-{themes[3].pk}" name="untag"' in fragment
    assert fragment.count('<tr class="is-') == 30


def test_the_matrix_warns_of_stretched_stories(alice_client, alice, themes):
    stories = bank(alice, themes, 30)
    stretched = stories[-1]  # the last draft, the last row
    for theme in themes[2:]:
        stretched.tag(theme)
    html = alice_client.get(MATRIX).content.decode()
    assert f"“{stretched.title}” is stretched over 5 themes" in html
    row = html[html.index(f'id="c{stretched.pk}-') :]
    assert '<td class="is-stretched">5 <span class="warning-word">stretched' in row


@pytest.mark.parametrize("htmx", [False, True])
def test_the_matrix_costs_the_same_queries_for_1_and_200_stories(
    alice_client, alice, themes, htmx
):
    headers = HX if htmx else {}
    bank(alice, themes, 1)
    few, _ = query_count(alice_client, MATRIX, headers=headers)
    Story.objects.all().delete()
    bank(alice, themes, 200)
    many, response = query_count(alice_client, MATRIX, headers=headers)
    assert many == few
    assert response.content.decode().count('<tr class="is-') == 200


# Coverage ------------------------------------------------------------------------------


def test_each_question_names_a_few_stories_and_links_to_the_rest(
    alice_client, alice, themes
):
    bank(alice, themes, 10)
    html = alice_client.get(COVERAGE).content.decode()
    question = SampleQuestion.objects.filter(theme=themes[0]).first()
    assert len(story_links(html)) == TITLES_PER_QUESTION == 2
    # Ready stories first: the ones shown are ready.
    shown = Story.objects.filter(pk__in=story_links(html))
    assert {s.status for s in shown} == {READY}
    # The rest are counted, and the theme links to all its stories.
    assert "</a> and 8 more</li>" in html
    assert f'<a href="{LIST}?theme={themes[0].slug}" id="l{themes[0].pk}"' in html
    assert Coverage(alice).with_questions().questions[0].question == question


@pytest.mark.parametrize("weighed", [False, True])
def test_coverage_costs_the_same_queries_for_1_and_200_stories(
    alice_client, alice, themes, weighed
):
    params = {"min_readiness": 80} if weighed else {}
    bank(alice, themes, 1)
    query_count(alice_client, COVERAGE, params)  # stores the readiness scores
    few, _ = query_count(alice_client, COVERAGE, params)
    Story.objects.all().delete()
    bank(alice, themes, 200)
    query_count(alice_client, COVERAGE, params)
    many, response = query_count(alice_client, COVERAGE, params)
    assert many == few
    assert len(story_links(response.content.decode())) == TITLES_PER_QUESTION


# The prep sheet's preview -----------------------------------------------------------


def test_the_preview_shows_the_first_stories_and_the_downloads_hold_all(
    alice_client, alice, themes
):
    bank(alice, themes, 12)
    params = {"built": "1", "themes": [themes[0].slug, themes[1].slug]}
    html = alice_client.get(PREP, params).content.decode()
    assert html.count('<article class="sheet-story"') == PREVIEW_STORIES
    assert "6 stories under 2 themes" in html
    left = 6 - PREVIEW_STORIES
    assert f"{left} more {'is' if left == 1 else 'are'} in the Markdown" in html
    # The preview shows the sheet's first stories, in its order.
    assert "Story 000" in html and "Story 010" not in html
    markdown = alice_client.get(reverse("prepsheet:markdown"), params)
    assert markdown.content.decode().count("### Story ") == 6
    fragment = alice_client.get(PREP, params, headers=HX).content.decode()
    assert fragment.count('<article class="sheet-story"') == PREVIEW_STORIES


def test_a_short_sheet_is_previewed_whole(alice_client, alice, themes):
    bank(alice, themes, 4)
    html = alice_client.get(PREP).content.decode()
    assert html.count('<article class="sheet-story"') == 2
    assert "in the Markdown, PDF and print view" not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_the_preview_costs_the_same_queries_for_1_and_200_stories(
    alice_client, alice, themes, htmx
):
    headers = HX if htmx else {}
    bank(alice, themes, 1)
    few, _ = query_count(alice_client, PREP, headers=headers)
    Story.objects.all().delete()
    bank(alice, themes, 200)
    many, response = query_count(alice_client, PREP, headers=headers)
    assert many == few
    html = response.content.decode()
    assert html.count('<article class="sheet-story"') == PREVIEW_STORIES
