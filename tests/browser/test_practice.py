import re

from playwright.sync_api import expect

from practice.models import PracticeCard, PracticeSession
from tests.factories import make_story
from themes.models import SampleQuestion


def test_a_practice_round_runs_the_timer_then_takes_a_rating(logged_in_page, alice):
    page = logged_in_page
    question = SampleQuestion.objects.get(
        theme__playbook__slug="ml-computer-vision", theme__number=4, position=1
    )
    story = make_story(
        alice,
        themes=[question.theme],
        title="Segmentation at 34 FPS",
        result="It went from 8 to 34 FPS, a 4.25× improvement.",
    )
    page.goto(f"/practice/?question={question.pk}&story={story.pk}&seconds=2")

    stories = page.get_by_role("heading", name="Your stories for this question")
    # Before and while the clock runs, only the question shows.
    expect(page.get_by_role("heading", level=1)).to_contain_text("most technically")
    expect(page.get_by_role("timer")).to_have_text("0:02")
    expect(stories).to_be_hidden()

    # Keyboard: Space on the page starts the clock.
    page.locator("body").press("Space")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    expect(stories).to_be_hidden()

    expect(page.get_by_role("status").filter(has_text="Time is up")).to_be_attached()
    expect(stories).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text("0:00")
    expect(page.get_by_text("8 to 34 FPS", exact=True)).to_be_visible()
    expect(page.get_by_label("Seconds you spoke")).to_have_value("2")
    expect(page.get_by_label("Segmentation at 34 FPS")).to_be_checked()

    page.get_by_label("4 · Good").check()
    page.get_by_label("Note to self").fill("Say the 4.25× first.")
    page.get_by_role("button", name="Log this round").click()

    expect(page.get_by_text(re.compile(r"comes back in 3 days"))).to_be_visible()
    session = PracticeSession.objects.get()
    assert (session.story, session.rating, session.duration_seconds) == (story, 4, 2)
    assert session.note == "Say the 4.25× first."
    assert PracticeCard.objects.get().box == 2
    expect(page.get_by_role("cell", name="Segmentation at 34 FPS")).to_be_visible()


def test_the_timer_pauses_and_resets_from_the_keyboard(logged_in_page):
    page = logged_in_page
    question = SampleQuestion.objects.get(
        theme__playbook__slug="ml-computer-vision", theme__number=1, position=1
    )
    page.goto(f"/practice/?question={question.pk}&seconds=60")
    page.get_by_role("button", name="Start").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Pause")).to_be_focused()
    page.wait_for_timeout(1200)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    paused = page.get_by_role("timer").inner_text()
    assert paused in {"0:58", "0:59"}
    page.wait_for_timeout(600)
    expect(page.get_by_role("timer")).to_have_text(paused)
    page.keyboard.press("r")  # focus is still on the Resume button
    expect(page.get_by_role("timer")).to_have_text("1:00")
    expect(page.get_by_role("button", name="Start")).to_be_visible()
    # "I'm done" ends the round early and reveals the rating form.
    page.get_by_role("button", name="I’m done").click()
    expect(page.get_by_role("heading", name="Rate this round")).to_be_visible()
