"""The editor on one screen (issue 13): at 1280×800 a typical story's four STAR
sections end within one and a half screen heights, the previews wait to be asked
for, and a phone does not scroll sideways."""

import pytest

from tests.factories import make_story
from themes.models import Theme

from .conftest import log_in_by_cookie

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# About 80 words, a typical section.
WORDS = (
    "The fraud model had drifted after a holiday sale and flagged one order in five, "
    "so support was drowning in false alerts while real fraud slipped through. "
    "I owned the detector that quarter and had to decide, at three in the morning, "
    "whether to roll it back to the last good version or patch the thresholds live, "
    "with the on-call lead and the payments team waiting on my call."
)


@pytest.fixture
def story(alice, playbook):
    themes = list(
        Theme.objects.filter(playbook__slug="ml-computer-vision").order_by("number")[:2]
    )
    return make_story(
        alice,
        themes=themes,
        title="Rolled back a drifting fraud detector at 3 a.m.",
        summary="Cut false alerts by 40% by rolling back a drifting model.",
        company="Acme Payments",
        role="Senior engineer",
        period="2023",
        situation=WORDS,
        task=WORDS,
        action=WORDS,
        result=WORDS,
    )


def open_editor(browser, live_server, alice, story, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(10_000)
    log_in_by_cookie(context, alice, live_server.url)
    page = context.new_page()
    page.goto(f"/stories/{story.pk}/")
    return context, page


def test_the_result_ends_within_one_and_a_half_screens_at_1280(
    browser, live_server, alice, story
):
    context, page = open_editor(browser, live_server, alice, story, LAPTOP)
    result = page.locator("#id_result").bounding_box()
    scroll = page.evaluate("window.scrollY")
    assert result["y"] + scroll + result["height"] <= 1.5 * LAPTOP["height"]
    # The text is shown once: each preview is closed until asked for.
    previews = page.locator(".section-preview")
    assert previews.count() >= 4
    for i in range(previews.count()):
        assert previews.nth(i).get_attribute("open") is None
        assert not previews.nth(i).locator(".preview-body").is_visible()
    # The coach and checklist sit beside the form, with no fold to open.
    assert not page.locator(".editor-side-fold > summary").is_visible()
    context.close()


def test_the_editor_does_not_scroll_sideways_on_a_phone(
    browser, live_server, alice, story
):
    context, page = open_editor(browser, live_server, alice, story, PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    # Below the form, the coach and checklist fold away.
    summary = page.locator(".editor-side-fold > summary")
    summary.click()
    assert not page.locator("#editor-side").is_visible()
    context.close()
