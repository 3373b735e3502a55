"""The layout on a laptop (1280 px) and a phone (390 px), in the light and the dark
theme: a one-row header, a menu that folds without JavaScript, no sideways
scrolling, a chart that stays readable, and the theme button."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from stories.models import Story
from tests.factories import make_story
from themes.models import Theme

from .conftest import log_in_by_cookie

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The pages a user spends their time on.
MAIN_PAGES = [
    "/coverage/",
    "/coverage/matrix/",
    "/stories/",
    "/stories/new/",
    "/practice/",
    "/themes/",
    "/prep-sheet/",
    "/backup/",
    "/accounts/",
]


@pytest.fixture
def stories(alice, playbook):
    themes = list(
        Theme.objects.filter(playbook__slug="ml-computer-vision").order_by("number")
    )
    for i in range(6):
        make_story(
            alice,
            themes=themes[i % 5 : i % 5 + 2],
            title=f"Story {i}: rolled back a drifting fraud detector at 3 a.m.",
            summary="Cut false alerts by 40% by rolling back a drifting model.",
            status=Story.Status.READY if i % 2 else Story.Status.DRAFT,
        )


def open_context(browser, live_server, alice, viewport, scheme="light", script=True):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        color_scheme=scheme,
        java_script_enabled=script,
    )
    context.set_default_timeout(10_000)
    log_in_by_cookie(context, alice, live_server.url)
    return context


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_header_is_one_row_and_no_page_scrolls_sideways(
    browser, live_server, alice, stories, scheme
):
    problems = []
    for viewport in (LAPTOP, PHONE):
        context = open_context(browser, live_server, alice, viewport, scheme)
        page = context.new_page()
        try:
            for url in MAIN_PAGES:
                page.goto(url)
                width = page.evaluate("() => document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    problems.append(f"{url} at {viewport['width']}: {width} px wide")
                height = page.locator(".site-header").bounding_box()["height"]
                if height > 64:
                    problems.append(f"{url} at {viewport['width']}: header {height}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_on_a_laptop_every_link_is_in_the_header_row(browser, live_server, alice):
    context = open_context(browser, live_server, alice, LAPTOP)
    page = context.new_page()
    page.goto("/stories/")
    nav = page.get_by_role("navigation", name="Main")
    expect(page.locator(".menu > summary")).to_be_hidden()
    brand = nav.get_by_role("link", name="interviewprep").bounding_box()
    for name in ["Practice", "Backup", "Account: alice"]:
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_visible()
        # On the brand's row.
        assert abs(link.bounding_box()["y"] - brand["y"]) < 16, name
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    context.close()


def test_a_long_username_is_cut_short_and_the_header_still_fits(
    browser, live_server, alice
):
    alice.username = "alice-" + "x" * 60
    alice.save()
    context = open_context(browser, live_server, alice, LAPTOP)
    page = context.new_page()
    page.goto("/stories/")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"]
    log_out = page.get_by_role("button", name="Log out").bounding_box()
    assert log_out["x"] + log_out["width"] <= LAPTOP["width"]
    context.close()


def test_on_a_phone_the_menu_folds_and_opens_without_javascript(
    browser, live_server, alice
):
    context = open_context(browser, live_server, alice, PHONE, script=False)
    page = context.new_page()
    page.goto("/stories/")
    nav = page.get_by_role("navigation", name="Main")
    practice = nav.get_by_role("link", name="Practice")
    expect(practice).to_be_hidden()
    nav.get_by_text("Menu").click()
    expect(practice).to_be_visible()
    expect(nav.get_by_role("link", name="Prep sheet")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    # Open, it drops over the page: the header itself stays one row.
    assert page.locator(".site-header").bounding_box()["height"] <= 64
    context.close()


def test_on_a_phone_the_practice_due_count_shows_on_the_folded_menu(
    browser, live_server, alice, playbook
):
    from datetime import timedelta

    from django.utils import timezone

    from practice.models import PracticeCard
    from themes.models import SampleQuestion

    question = SampleQuestion.objects.filter(
        theme__playbook__slug="ml-computer-vision"
    ).first()
    yesterday = timezone.localdate() - timedelta(days=1)
    PracticeCard.objects.create(owner=alice, question=question, due_on=yesterday)
    context = open_context(browser, live_server, alice, PHONE)
    page = context.new_page()
    page.goto("/stories/")
    expect(page.locator(".menu > summary")).to_have_text("Menu · 1 to practise")
    context.close()


def test_the_chart_is_readable_on_a_phone(browser, live_server, alice, stories):
    context = open_context(browser, live_server, alice, PHONE)
    page = context.new_page()
    page.goto("/coverage/")
    # The wide SVG gives way to one row per theme, its name in full.
    expect(page.locator(".coverage-chart > svg")).to_be_hidden()
    rows = page.locator(".chart-list > li")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("1. Handling Model Failures in Production")
    sizes = rows.locator("span").evaluate_all(
        "spans => spans.map(s => parseFloat(getComputedStyle(s).fontSize))"
    )
    assert min(sizes) >= 12
    for row in rows.all():
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    context.close()


def theme_of(page):
    return page.evaluate("() => document.documentElement.dataset.theme")


def test_the_theme_button_switches_and_is_remembered_without_javascript(
    browser, live_server, alice
):
    context = open_context(browser, live_server, alice, LAPTOP, script=False)
    page = context.new_page()
    page.goto("/stories/?sort=title")
    assert theme_of(page) == "auto"
    page.get_by_role("button", name="Colour theme: Auto").click()
    expect(page).to_have_url(f"{live_server.url}/stories/?sort=title")
    assert theme_of(page) == "dark"
    page.goto("/coverage/")
    assert theme_of(page) == "dark"
    background = page.evaluate(
        "() => getComputedStyle(document.documentElement).backgroundColor"
    )
    assert background == "rgb(17, 19, 24)"
    page.get_by_role("button", name="Colour theme: Dark").click()
    assert theme_of(page) == "light"
    page.get_by_role("button", name="Colour theme: Light").click()
    assert theme_of(page) == "auto"
    context.close()


def test_the_theme_button_switches_at_once_with_javascript(browser, live_server, alice):
    context = open_context(browser, live_server, alice, LAPTOP)
    page = context.new_page()
    page.goto("/coverage/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Colour theme: Auto").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("button", name="Colour theme: Dark")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert cookies["theme"] == "dark"
    # The server draws the next page in it.
    page.goto("/stories/")
    assert theme_of(page) == "dark"
    assert settings.SESSION_COOKIE_NAME in cookies
    context.close()
