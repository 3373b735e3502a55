"""Mock interview mode by keyboard alone: start three questions, answer each (the
story told, a rating), hear its follow-ups, and land on the debrief."""

import re

from playwright.sync_api import expect

from followups.models import Rung
from mock.models import MockInterview
from tests.browser.test_keyboard import tab_to
from tests.factories import make_job, make_story
from themes.models import Theme


def test_a_three_question_mock_interview_by_keyboard_ends_in_the_debrief(
    logged_in_page, alice
):
    page = logged_in_page
    themes = list(Theme.objects.built_in().order_by("pk")[:3])
    job = make_job(alice, themes=themes, company="Acme")
    story = make_story(alice, themes=themes, title="Sharded the queue")
    Rung.add_to(story, "Why shard by tenant?", "Noisy neighbours.")
    page.goto(job.get_absolute_url())

    tab_to(page, page.get_by_role("link", name="Rehearse a mock interview"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/mock/?job=*")
    tab_to(page, page.get_by_label("Number of questions"))
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mock/\d+/$"))

    for position, rating in [(1, "2"), (2, "4"), (3, "5")]:
        expect(page.locator("h1")).to_be_visible()
        expect(page.get_by_text(f"Question {position} of 3")).to_be_visible()
        # The timer runs from the server's start time.
        expect(page.locator("[data-mock-timer]")).to_contain_text(" of 2:00")
        # The story select has the focus: the lead story is already chosen.
        story_select = page.get_by_label("Which story did you tell?")
        expect(story_select).to_be_focused()
        expect(story_select).to_have_value(str(story.pk))
        radio = page.get_by_role("radio", name=re.compile(f"^{rating} ·"))
        tab_to(page, page.get_by_role("radio").first)
        # Arrow keys move through a radio group, checking as they go.
        while not radio.evaluate("el => el === document.activeElement"):
            page.keyboard.press("ArrowDown")
        expect(radio).to_be_checked()
        tab_to(page, page.get_by_role("button", name="I have answered"))
        page.keyboard.press("Enter")

        expect(
            page.get_by_role("heading", name="The interviewer follows up")
        ).to_be_visible()
        expect(page.get_by_text("Why shard by tenant?")).to_be_visible()
        next_button = page.get_by_role(
            "button", name="See the debrief" if position == 3 else "Next question"
        )
        expect(next_button).to_be_focused()
        page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/mock/\d+/debrief/$"))
    expect(
        page.get_by_role("heading", name="Debrief: Staff engineer at Acme")
    ).to_be_visible()
    expect(page.locator(".mock-summary")).to_contain_text("3 answers")
    expect(page.locator(".mock-weak")).to_contain_text(
        page.locator(".mock-answers tbody tr").first.locator("td .meta").inner_text()
    )
    interview = MockInterview.objects.get(owner=alice)
    assert [s.rating for s in interview.steps.all()] == [2, 4, 5]
