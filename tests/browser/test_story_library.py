import re

import pytest
from playwright.sync_api import expect

from stories.models import Story
from tests.factories import make_story


def mark_the_page(page):
    # Survives htmx swaps; a full page load would wipe it.
    page.evaluate("window.notReloaded = true")


def still_the_same_page(page):
    return page.evaluate("window.notReloaded === true")


@pytest.mark.postgres_too
def test_typing_a_search_filters_the_list_in_place(logged_in_page, alice):
    page = logged_in_page
    make_story(alice, title="Rolled back a drifting detector", result="recall")
    make_story(alice, title="Cut inference cost", action="quantised the model")
    page.goto("/stories/")
    mark_the_page(page)
    results = page.locator("#story-results")
    expect(results.get_by_role("heading", level=2)).to_have_count(2)

    page.get_by_label("Search").press_sequentially("drifting recall")
    expect(results.get_by_role("heading", level=2)).to_have_text(
        ["Rolled back a drifting detector"]
    )
    expect(page.get_by_role("status")).to_have_text("1 story matches")
    expect(page).to_have_url(re.compile(r"q=drifting(\+|%20)recall"))
    page.get_by_label("Status").select_option("all")
    expect(page).to_have_url(re.compile(r"status=all"))
    assert still_the_same_page(page)


def test_move_to_trash_and_undo_in_place(logged_in_page, alice):
    page = logged_in_page
    story = make_story(alice, title="Rolled back a drifting detector")
    make_story(alice, title="Cut inference cost")
    page.goto("/stories/")
    mark_the_page(page)

    # Each row's actions are named with its story's title, so they tell apart.
    history = page.get_by_role(
        "link", name="History Rolled back a drifting detector", exact=True
    )
    expect(history).to_have_attribute("href", f"/stories/{story.pk}/history/")
    page.get_by_role(
        "button", name="Move to trash Rolled back a drifting detector", exact=True
    ).click()
    expect(page.get_by_text("is in the trash")).to_be_visible()
    # Only that row was swapped.
    expect(
        page.get_by_role("link", name="Cut inference cost", exact=True)
    ).to_be_visible()
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    assert Story.objects.trashed().filter(pk=story.pk).exists()

    undo.press("Enter")
    expect(page.get_by_text("Restored from the trash.")).to_be_visible()
    title = page.get_by_role("link", name="Rolled back a drifting detector", exact=True)
    expect(title).to_be_visible()
    # The Undo button is gone with the swap: focus lands on the restored story,
    # not back at the top of the page.
    expect(title).to_be_focused()
    assert Story.objects.alive().filter(pk=story.pk).exists()
    assert still_the_same_page(page)


def test_without_javascript_move_to_trash_comes_back_to_the_list_with_undo(
    no_script_page, alice
):
    page = no_script_page
    story = make_story(alice, title="Rolled back a drifting detector")
    make_story(alice, title="Cut inference cost")
    page.goto("/stories/?sort=title")
    page.get_by_role(
        "button", name="Move to trash Rolled back a drifting detector", exact=True
    ).click()
    # The list's one form posted to this row's URL, then came back here.
    expect(page.locator(".trash-notice")).to_contain_text(
        "“Rolled back a drifting detector” is in the trash."
    )
    expect(page).to_have_url(re.compile(r"/stories/\?sort=title$"))
    assert Story.objects.trashed().filter(pk=story.pk).exists()
    expect(page.locator("#story-results h2")).to_have_text(["Cut inference cost"])

    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#story-results h2")).to_have_count(2)
    assert Story.objects.alive().filter(pk=story.pk).exists()


def test_a_story_restored_on_the_trash_page_can_go_back_in_place(logged_in_page, alice):
    page = logged_in_page
    story = make_story(alice, title="Rolled back a drifting detector")
    story.move_to_trash()
    page.goto("/stories/trash/")
    mark_the_page(page)

    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("Restored from the trash.")).to_be_visible()
    page.get_by_role(
        "button", name="Move to trash Rolled back a drifting detector", exact=True
    ).click()
    # The lone row swaps itself (the trash page's list says nothing of targets).
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    expect(page.get_by_text("is in the trash")).to_be_visible()
    assert Story.objects.trashed().filter(pk=story.pk).exists()
    undo.press("Enter")
    expect(page.get_by_text("Restored from the trash.")).to_be_visible()
    assert Story.objects.alive().filter(pk=story.pk).exists()
    assert still_the_same_page(page)


def test_restore_an_old_version_from_the_history_in_place(logged_in_page, alice):
    page = logged_in_page
    story = make_story(alice, title="Drift", situation="first text")
    story.apply_edit({"situation": "second text"}, based_on=1)
    page.goto(f"/stories/{story.pk}/history/")
    mark_the_page(page)

    page.get_by_role("button", name="Restore version 1").click()
    expect(page.get_by_text("Restored version 1.")).to_be_visible()
    # The table is swapped whole; focus stays on the button that was pressed.
    expect(page.get_by_role("button", name="Restore version 1")).to_be_focused()
    expect(page.get_by_role("row", name="3 (current)")).to_be_visible()
    story.refresh_from_db()
    assert (story.version, story.situation) == (3, "first text")
    assert still_the_same_page(page)
