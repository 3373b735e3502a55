"""A new user makes the themes their own, with the keyboard alone: from the welcome
choice pick the general playbook, add a theme of their own, and draft a story for it
from coverage. No clicks and no fill(): only Tab, Enter and typing."""

import re

import pytest
from playwright.sync_api import expect

from stories.models import Story
from tests.browser.conftest import log_in_by_cookie
from tests.browser.test_keyboard import tab_to
from themes.models import Theme

OWN = "Working with regulators"


@pytest.mark.postgres_too
def test_pick_the_general_playbook_add_a_theme_and_draft_a_story_for_it(
    page, live_server, playbook
):
    from tests.factories import make_user

    erin = make_user("erin", playbook=None)
    log_in_by_cookie(page.context, erin, live_server.url)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose where to start")

    tab_to(
        page,
        page.get_by_role(
            "button", name="Start with this playbook (General software engineering)"
        ),
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage")
    expect(page.get_by_text("You have 12 themes")).to_be_visible()

    nav = page.get_by_role("navigation", name="Main")
    tab_to(page, nav.get_by_role("link", name="Themes", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your themes")
    tab_to(page, page.get_by_role("link", name="New theme"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("New theme")
    tab_to(page, page.get_by_label("Name"))
    page.keyboard.type(OWN)
    tab_to(page, page.get_by_role("button", name="Add the theme"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(OWN)

    tab_to(page, nav.get_by_role("link", name=re.compile(r"^Coverage")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage")
    expect(page.get_by_role("heading", name=OWN, level=3)).to_be_visible()
    write = page.get_by_role(
        "link", name=re.compile(f"^Write a story for this theme ?: {OWN}$")
    )
    tab_to(page, write)
    page.keyboard.press("Enter")

    # The editor, the new theme ticked: a title is enough for it to save itself.
    expect(page.get_by_role("checkbox", name=OWN, exact=True)).to_be_checked()
    tab_to(page, page.get_by_label("Title"))
    page.keyboard.type("Passed the audit with no findings")
    page.wait_for_url(re.compile(r"/stories/\d+/$"), timeout=15_000)
    expect(page.locator("#save-status")).to_have_text(
        re.compile(r"Saved at"), timeout=15_000
    )

    story = Story.objects.get(owner=erin)
    own = Theme.objects.get(owner=erin)
    assert own.title == OWN
    assert list(story.themes.all()) == [own]
    assert Theme.objects.for_user(erin).count() == 13
