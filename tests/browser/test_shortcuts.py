"""The keyboard shortcuts: Ctrl+S saves at once, Alt+arrows move between the STAR
sections, and "?" lists them in a dialog that Esc closes."""

import re

from playwright.sync_api import expect

from tests.factories import make_story

SAVED = re.compile(r"Saved at \d\d:\d\d:\d\d")


def open_editor(page, alice):
    story = make_story(alice, title="Kept the pager quiet")
    page.goto(story.get_absolute_url())
    page.wait_for_function("() => typeof htmx !== 'undefined'")
    return story


def is_focused(locator):
    return locator.evaluate("el => el === document.activeElement")


def test_ctrl_s_saves_at_once_without_waiting_for_the_pause(logged_in_page, alice):
    page = logged_in_page
    story = open_editor(page, alice)
    situation = page.get_by_role("textbox", name="Situation", exact=True)
    situation.fill("Alerts doubled overnight.")
    # Typing alone saves a second after the last key: this save leaves well before.
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith(story.get_absolute_url()),
        timeout=700,
    ):
        page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    story.refresh_from_db()
    assert story.situation == "Alerts doubled overnight."


def test_alt_arrows_move_between_the_star_sections(logged_in_page, alice):
    page = logged_in_page
    open_editor(page, alice)
    textbox = {
        name: page.get_by_role("textbox", name=name, exact=True)
        for name in ["Title", "Situation", "Task", "Action", "Result", "Reflection"]
    }
    textbox["Title"].focus()
    page.keyboard.press("Alt+ArrowDown")
    assert is_focused(textbox["Situation"])
    page.keyboard.press("Alt+ArrowDown")
    assert is_focused(textbox["Task"])
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+ArrowDown")
    assert is_focused(textbox["Reflection"])
    page.keyboard.press("Alt+ArrowDown")  # the last: the focus stays
    assert is_focused(textbox["Reflection"])
    page.keyboard.press("Alt+ArrowUp")
    assert is_focused(textbox["Result"])


def test_question_mark_lists_the_shortcuts_and_esc_closes_the_list(
    logged_in_page, alice
):
    page = logged_in_page
    open_editor(page, alice)
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_hidden()

    # In a text field "?" is a question mark like any other.
    title = page.get_by_label("Title")
    title.focus()
    page.keyboard.press("?")
    expect(dialog).to_be_hidden()
    expect(title).to_have_value(re.compile(r"\?"))

    save = page.get_by_role("button", name="Save", exact=True)
    save.focus()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Save the story now")
    assert is_focused(dialog.get_by_role("button", name="Close"))

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert is_focused(save)

    page.keyboard.press("?")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    assert is_focused(save)
