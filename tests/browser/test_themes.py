"""Your themes in a browser: moving and hiding swap the set in place and keep the
keyboard where it was; without JavaScript the same buttons post and come back."""

import re

from playwright.sync_api import expect

from themes.models import Theme


def mark_the_page(page):
    # Survives htmx swaps; a full page load would wipe it.
    page.evaluate("window.notReloaded = true")


def settled(page):
    # htmx wires up swapped-in buttons as it settles (a few ms after the swap): a
    # key pressed before that posts the form without it, a whole page load.
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def titles(page):
    return page.locator(".theme-set h3")


def test_move_and_hide_swap_the_set_in_place(logged_in_page, alice):
    page = logged_in_page
    first, second, *_ = [t.title for t in Theme.objects.for_user(alice)]
    page.goto("/themes/")
    mark_the_page(page)
    expect(titles(page).first).to_have_text(first)

    page.get_by_role("button", name=f"Move {second} up").click()
    expect(titles(page).first).to_have_text(second)
    settled(page)
    # The button that was pressed is gone from the top row; its row's "down" is
    # not, and focus stayed in the set rather than falling to the page.
    page.get_by_role("button", name=f"Move {second} down").focus()
    page.keyboard.press("Enter")
    expect(titles(page).first).to_have_text(first)
    expect(page.get_by_role("button", name=f"Move {second} down")).to_be_focused()

    page.get_by_role("button", name=f"Hide {first}").click()
    hidden = page.locator("#hidden-heading + p + ul")
    expect(hidden).to_contain_text(first)
    expect(titles(page).first).to_have_text(second)
    page.get_by_role("button", name=f"Show {first}").click()
    expect(titles(page).first).to_have_text(first)
    expect(page.locator("#hidden-heading")).to_have_count(0)
    assert page.evaluate("window.notReloaded === true")


def test_without_javascript_the_buttons_post_and_come_back(no_script_page, alice):
    page = no_script_page
    first, second, *_ = [t.title for t in Theme.objects.for_user(alice)]
    page.goto("/themes/")
    page.get_by_role("button", name=f"Move {second} up").click()
    expect(page).to_have_url(re.compile(r"/themes/$"))
    expect(page.get_by_role("status")).to_contain_text(f"Moved “{second}” up.")
    expect(titles(page).first).to_have_text(second)
