"""The editor keeps text the server has not saved in the browser, and offers it
back after a reload (static/js/draft-keeper.js)."""

import re

from playwright.sync_api import expect

from stories.models import Story
from tests.factories import make_story

SAVED = re.compile(r"Saved at \d\d:\d\d:\d\d")
SLOW = 15_000


def drop_saves(route):
    """The network drops the editor's saves (POSTs), not its page loads."""
    if route.request.method == "POST":
        route.abort()
    else:
        route.continue_()


def leave_anyway(page):
    # editor.js asks before leaving with unsaved text: this is the crash, say yes.
    page.on("dialog", lambda dialog: dialog.accept())


def test_text_the_server_never_saved_is_offered_back_after_a_reload(
    logged_in_page, alice
):
    page = logged_in_page
    leave_anyway(page)
    story = make_story(alice, result="What was saved")
    page.goto(f"/stories/{story.pk}/")
    offer = page.locator("#draft-offer")
    expect(offer).to_be_hidden()
    page.route(f"**/stories/{story.pk}/", drop_saves)
    result = page.get_by_role("textbox", name="Result", exact=True)
    result.fill("Typed while the server was away")
    expect(page.locator("#save-status")).to_contain_text("Not saved", timeout=SLOW)

    page.unroute(f"**/stories/{story.pk}/")
    page.reload()
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Unsaved text from")
    expect(offer).to_contain_text("was kept in this browser")
    expect(result).to_have_value("What was saved")

    page.get_by_role("button", name="Restore it").click()
    expect(offer).to_be_hidden()
    expect(result).to_have_value("Typed while the server was away")
    # Restored as if typed: it saves.
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    story.refresh_from_db()
    assert story.result == "Typed while the server was away"

    page.reload()
    expect(result).to_have_value("Typed while the server was away")
    expect(offer).to_be_hidden()


def test_after_a_save_succeeds_a_reload_offers_nothing(logged_in_page, alice):
    page = logged_in_page
    story = make_story(alice)
    page.goto(f"/stories/{story.pk}/")
    page.get_by_role("textbox", name="Task", exact=True).fill("Saved for real")
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=SLOW)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert page.evaluate("Object.keys(localStorage).length") == 0

    page.reload()
    expect(page.get_by_role("textbox", name="Task", exact=True)).to_have_value(
        "Saved for real"
    )
    page.wait_for_timeout(300)
    expect(page.locator("#draft-offer")).to_be_hidden()


def test_a_new_storys_text_is_offered_back_on_the_new_story_page(logged_in_page):
    page = logged_in_page
    leave_anyway(page)
    page.route("**/stories/new/", drop_saves)
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Never reached the server")
    expect(page.locator("#save-status")).to_contain_text("Not saved", timeout=SLOW)

    # Saves stay dropped to the end: a retry of the first one that reached the
    # server after the reload would save the story, rightly, and the test could
    # not tell that nothing was saved.
    page.reload()
    page.get_by_role("button", name="Discard").click()
    expect(page.locator("#draft-offer")).to_be_hidden()
    page.reload()
    page.wait_for_timeout(300)
    expect(page.locator("#draft-offer")).to_be_hidden()
    assert not Story.objects.exists()
