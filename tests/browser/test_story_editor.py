import re

import pytest
from playwright.sync_api import expect

from stories.models import Story
from tests.factories import make_story
from themes.models import Theme

SAVED = re.compile(r"Saved at \d\d:\d\d:\d\d")
STORY_URL = re.compile(r"/stories/\d+/$")
# Autosave waits a second after the last keystroke, and longer while retrying.
SLOW = 15_000


def drop_saves(route):
    """The network drops the editor's saves (POSTs), not its page loads."""
    if route.request.method == "POST":
        route.abort()
    else:
        route.continue_()


def test_a_new_story_saves_itself_as_you_type_and_survives_a_reload(logged_in_page):
    page = logged_in_page
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=1)
    page.goto(f"/stories/new/?theme={theme.slug}")
    expect(page.get_by_role("checkbox", name=theme.title, exact=True)).to_be_checked()
    situation_prompt = theme.star_prompts.get(section="situation").text
    expect(page.locator("#prompts-situation")).to_contain_text(situation_prompt)

    # Typing alone, no button: the first save makes the story, and the address
    # becomes the story's without a page load.
    page.evaluate("window.editorMarker = 'same page'")
    page.get_by_label("Title").press_sequentially("Caught a drifting fraud model")
    page.wait_for_url(STORY_URL, timeout=SLOW)
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Caught a drifting fraud model"
    )
    story = Story.objects.get()
    assert page.url.endswith(story.get_absolute_url())

    # Later saves go to the story, never make a second one.
    sections = {
        "Situation": "Precision fell **overnight** after a feature change.",
        "Task": "I owned the on-call response.",
        "Action": "- rolled back\n- bisected the pipeline",
        "Result": "Recall back to 0.93 within an hour.",
    }
    for label, text in sections.items():
        page.get_by_role("textbox", name=label, exact=True).fill(text)
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    # The live preview renders the Markdown the way the export will.
    page.locator("#section-situation summary").click()
    expect(page.locator("#preview-situation strong")).to_have_text("overnight")
    expect(page.locator("#preview-action li")).to_have_count(2)
    # The coach came with the story, and reads the text.
    expect(page.locator("#coach-panel")).to_contain_text("Readiness", timeout=SLOW)
    assert page.evaluate("window.editorMarker") == "same page"
    page.wait_for_function("() => !document.querySelector('.htmx-request')")

    page.reload()
    for label, text in sections.items():
        expect(page.get_by_role("textbox", name=label, exact=True)).to_have_value(text)
    story = Story.objects.get()
    assert story.result == sections["Result"]
    assert story.title == "Caught a drifting fraud model"
    assert list(story.themes.all()) == [theme]


def test_ticking_a_theme_saves_it_and_updates_the_guidance_without_a_page_load(
    logged_in_page, alice
):
    page = logged_in_page
    story = make_story(
        alice, themes=[Theme.objects.get(playbook__slug="ml-computer-vision", number=1)]
    )
    page.goto(f"/stories/{story.pk}/")
    page.evaluate("window.editorMarker = 'same page'")

    page.get_by_role("textbox", name="Action", exact=True).fill(
        "Bisected the feature pipeline"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    expect(page.locator("#id_version")).to_have_value("2")

    mentorship = Theme.objects.get(playbook__slug="ml-computer-vision", number=5)
    page.get_by_role("checkbox", name=mentorship.title, exact=True).check()
    expect(page.locator("#guidance")).to_contain_text(mentorship.title)
    expect(page.locator("#prompts-task")).to_contain_text(
        mentorship.star_prompts.get(section="task").text
    )

    assert page.evaluate("window.editorMarker") == "same page"
    story.refresh_from_db()
    assert story.action == "Bisected the feature pipeline"
    assert story.version == 2
    assert mentorship in story.themes.all()


@pytest.mark.postgres_too
def saved_both(page, story, expected):
    """Wait (up to SLOW) until the story's result and task are `expected`."""
    for _ in range(SLOW // 100):
        story.refresh_from_db()
        if (story.result, story.task) == expected:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never saved: {(story.result, story.task)} != {expected}")


def test_two_tabs_editing_one_story_get_the_conflict_view_on_the_stale_save(
    logged_in_page, alice
):
    story = make_story(alice, result="Recall recovered.", task="The pager.")
    tab_one = logged_in_page
    tab_two = tab_one.context.new_page()
    for tab in (tab_one, tab_two):
        tab.goto(f"/stories/{story.pk}/")

    tab_one.get_by_role("textbox", name="Result", exact=True).fill(
        "Recall back to 0.93."
    )
    tab_one.get_by_role("textbox", name="Task", exact=True).fill("Own the pager.")
    expect(tab_one.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    # "Saved" can show between the two fields' saves on a busy machine: wait for
    # both to be in the database before the other tab makes its stale save.
    saved_both(tab_one, story, ("Recall back to 0.93.", "Own the pager."))

    tab_two.get_by_role("textbox", name="Result", exact=True).fill(
        "Recall recovered in an hour."
    )
    # The 409 is swapped into the one conflict slot; the form keeps the typed text.
    conflict = tab_two.locator("#conflict-slot #conflict")
    expect(conflict).to_be_visible(timeout=SLOW)
    expect(conflict).to_contain_text("Recall back to 0.93.")
    expect(conflict).to_contain_text("Recall recovered in an hour.")
    expect(tab_two.locator("#save-status")).to_contain_text("Not saved")
    expect(tab_two.get_by_role("textbox", name="Result", exact=True)).to_have_value(
        "Recall recovered in an hour."
    )
    story.refresh_from_db()
    assert (story.result, story.task) == ("Recall back to 0.93.", "Own the pager.")
    saved_version = story.version

    # Merging: take the other tab's task, keep this tab's result, then save.
    tab_two.get_by_role("button", name="Use the saved task").click()
    expect(tab_two.get_by_role("textbox", name="Task", exact=True)).to_have_value(
        "Own the pager."
    )
    # Typing (or copying) while the conflict is shown does not save: no refusal
    # redraws the conflict under the user's eyes.
    tab_two.wait_for_timeout(1_500)
    expect(
        tab_two.get_by_role("button", name="Saved text copied into the form")
    ).to_be_disabled()
    tab_two.get_by_role("button", name="Done merging: save my text").click()
    expect(conflict).to_have_count(0, timeout=SLOW)
    expect(tab_two.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    story.refresh_from_db()
    assert (story.result, story.task, story.version) == (
        "Recall recovered in an hour.",
        "Own the pager.",
        saved_version + 1,
    )


def test_autosave_retries_until_the_server_can_be_reached(logged_in_page, alice):
    page = logged_in_page
    story = make_story(alice)
    url = f"**/stories/{story.pk}/"
    page.goto(f"/stories/{story.pk}/")
    page.route(url, drop_saves)

    page.get_by_role("textbox", name="Task", exact=True).fill("Written while offline")
    expect(page.locator("#save-status")).to_contain_text(
        "Not saved — retrying", timeout=SLOW
    )
    story.refresh_from_db()
    assert story.task == ""

    page.unroute(url)
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    story.refresh_from_db()
    assert story.task == "Written while offline"


@pytest.mark.postgres_too
def test_a_save_whose_answer_was_lost_is_resent_without_a_conflict(
    logged_in_page, alice
):
    page = logged_in_page
    story = make_story(alice)
    url = f"**/stories/{story.pk}/"
    page.goto(f"/stories/{story.pk}/")
    lost = []

    def land_then_drop(route):
        # The save reaches the server and is applied; its answer never comes back.
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()

    page.route(url, land_then_drop)
    page.get_by_role("textbox", name="Task", exact=True).fill("Sent once, saved once")
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    assert lost == [200]
    expect(page.locator("#conflict")).to_have_count(0)
    story.refresh_from_db()
    assert (story.task, story.version) == ("Sent once, saved once", 2)


@pytest.mark.postgres_too
def test_without_javascript_the_editor_is_a_plain_form_that_refuses_stale_saves(
    no_script_page,
):
    page = no_script_page
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Plain form story")
    page.get_by_role("textbox", name="Situation", exact=True).fill("No script")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(STORY_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Plain form story")
    story = Story.objects.get()
    assert story.situation == "No script"

    # Someone saves in another tab; this page's save is now stale.
    story.apply_edit({"task": "From the other tab"}, based_on=story.version)
    page.get_by_role("textbox", name="Task", exact=True).fill("From this page")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#conflict")).to_contain_text("From the other tab")
    expect(page.get_by_role("textbox", name="Task", exact=True)).to_have_value(
        "From this page"
    )
    story.refresh_from_db()
    assert story.task == "From the other tab"

    # The form on the conflict page is based on the new version: saving merges.
    page.get_by_role("button", name="Done merging: save my text").click()
    page.wait_for_url(STORY_URL)
    expect(page.locator(".messages")).to_contain_text("Saved at")
    story.refresh_from_db()
    assert story.task == "From this page"


def test_leaving_with_unsaved_text_asks_first(logged_in_page, alice):
    page = logged_in_page
    story = make_story(alice)
    url = f"**/stories/{story.pk}/"
    page.goto(f"/stories/{story.pk}/")
    page.route(url, drop_saves)
    page.get_by_role("textbox", name="Result", exact=True).fill("Not saved yet")
    expect(page.locator("#save-status")).to_contain_text("Not saved", timeout=SLOW)

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_move_to_trash_from_the_editor_ends_on_the_list(logged_in_page, alice):
    page = logged_in_page
    story = make_story(alice, title="Soon gone")
    page.goto(f"/stories/{story.pk}/")
    page.get_by_role("button", name="Move to trash").click()
    page.wait_for_url("**/stories/")
    story.refresh_from_db()
    assert story.deleted_at is not None
    expect(page.get_by_role("link", name="Soon gone")).to_have_count(0)
