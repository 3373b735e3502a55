"""Page links of the story list swap in place with htmx, keep the filters, and put
the page in the address bar. The matrix is one page, whatever the number of stories:
a cell of its last row is tagged in place."""

import re

from playwright.sync_api import expect

from stories.models import Story
from stories.views.library import PER_PAGE
from themes.models import Theme


def bank(owner, count):
    theme = (
        Theme.objects.filter(playbook__slug="ml-computer-vision")
        .order_by("number")
        .first()
    )
    stories = Story.objects.bulk_create(
        Story(owner=owner, title=f"Story {i:03}", status=Story.Status.READY)
        for i in range(count)
    )
    for story in stories:
        story.tag(theme)
    return theme


def test_the_story_list_pages_in_place_and_keeps_the_filter(logged_in_page, alice):
    page = logged_in_page
    total = PER_PAGE + 5
    bank(alice, total)
    page.goto("/stories/?sort=title")
    page.evaluate("window.notReloaded = true")
    results = page.locator("#story-results")
    expect(results.get_by_role("heading", level=2)).to_have_count(PER_PAGE)
    expect(page.locator("#result-count")).to_have_text(
        f"{total} stories, showing 1–{PER_PAGE}"
    )

    page.get_by_role("navigation", name="Pages of stories").get_by_role(
        "link", name="Next page"
    ).click()
    expect(results.get_by_role("heading", level=2)).to_have_count(5)
    # Page 2 starts with story number PER_PAGE (they count from 000).
    expect(results.get_by_role("heading", level=2).first).to_have_text(
        f"Story {PER_PAGE:03}"
    )
    expect(page.locator("#result-count")).to_have_text(
        f"{total} stories, showing {PER_PAGE + 1}–{total}"
    )
    expect(page).to_have_url(re.compile(r"\?sort=title&page=2$"))
    assert page.evaluate("window.notReloaded") is True


def test_the_matrix_shows_every_story_and_a_cell_toggles_in_place(
    logged_in_page, alice
):
    page = logged_in_page
    theme = bank(alice, 40)
    page.goto("/coverage/matrix/")
    page.evaluate("window.notReloaded = true")
    rows = page.locator("#story-matrix tbody tr")
    expect(rows).to_have_count(40)
    expect(page.get_by_role("navigation", name="Pages of the matrix")).to_have_count(0)
    last = Story.objects.get(title="Story 039")
    # A cell is named by its story and its theme, and pressed when tagged.
    cell = f"{last.title} {theme.number}. {theme.title}"
    page.get_by_role("button", name=cell, pressed=True).click()
    expect(page.get_by_role("button", name=cell, pressed=False)).to_be_focused()
    expect(rows).to_have_count(40)
    assert page.evaluate("window.notReloaded") is True
    assert not last.themes.exists()
