"""The main journey with the keyboard alone: no clicks, no fill(); only Tab, Enter,
Space and typing, so every step is reachable and operable without a mouse."""

import re

from playwright.sync_api import expect

from stories.models import Story
from themes.models import Theme


def tab_to(page, target, limit=200):
    """Press Tab until `target` has the focus; fail if it never gets it."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def test_create_a_story_write_a_section_tag_a_theme_and_see_coverage_by_keyboard(
    logged_in_page,
):
    page = logged_in_page
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=1)
    page.goto("/stories/")

    tab_to(page, page.get_by_role("link", name="New story"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/stories/new/")
    tab_to(page, page.get_by_label("Title"))
    page.keyboard.type("Kept the pager quiet")
    # No button needed: the story saves itself, and the address becomes its own.
    page.wait_for_url(re.compile(r"/stories/\d+/$"), timeout=15_000)

    tab_to(page, page.get_by_role("textbox", name="Situation", exact=True))
    page.keyboard.type("Alerts doubled overnight.")
    tab_to(page, page.get_by_role("button", name="Save", exact=True))
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_have_text(
        re.compile(r"Saved at \d\d:\d\d:\d\d")
    )

    tab_to(page, page.get_by_role("checkbox", name=theme.title, exact=True))
    page.keyboard.press("Space")
    expect(page.locator("#guidance")).to_contain_text(theme.title)

    tab_to(page, page.get_by_role("link", name=re.compile(r"^Coverage")))
    page.keyboard.press("Enter")
    page.wait_for_url("**/coverage/")
    expect(page.locator(f"#c{theme.pk}")).to_contain_text("1 draft")
    story = Story.objects.get()
    assert story.situation == "Alerts doubled overnight."
    assert list(story.themes.all()) == [theme]
