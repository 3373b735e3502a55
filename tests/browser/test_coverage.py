import re

from playwright.sync_api import expect

from stories.models import Story
from tests.factories import make_story
from themes.models import Theme


def test_tagging_a_story_in_the_matrix_updates_it_and_the_coverage(
    logged_in_page, alice
):
    page = logged_in_page
    mentorship = Theme.objects.get(slug="mentorship-growing-others")
    first = make_story(alice, title="Paired with a new hire", status=Story.Status.READY)
    second = make_story(
        alice, title="Ran the ML reading group", status=Story.Status.READY
    )
    page.goto("/coverage/")
    status = page.locator(f"#c{mentorship.pk} .status")
    expect(status).to_have_text("missing")
    # The coverage page links to the matrix rather than carrying it.
    page.get_by_role("link", name="open the story matrix").click()
    expect(page).to_have_url(re.compile(r"/coverage/matrix/$"))
    # Survives only as long as the page is never reloaded.
    page.evaluate("window.notReloaded = true")
    matrix_status = page.locator(f"#matrix-status-{mentorship.pk}")
    nav = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Coverage"
    )
    expect(matrix_status).to_have_text("missing")
    expect(nav).to_have_text("Coverage 0/5 themes covered")

    # A cell is named by its story and its theme, and pressed when tagged.
    theme_name = f"{mentorship.number}. {mentorship.title}"
    cell = page.get_by_role("button", name=f"{first.title} {theme_name}", exact=True)
    expect(cell).to_have_attribute("aria-pressed", "false")
    cell.click()
    expect(matrix_status).to_have_text("needs 1 more")
    # The swapped-in button keeps the keyboard focus, and says it is pressed now.
    expect(
        page.get_by_role("button", name=f"{first.title} {theme_name}", pressed=True)
    ).to_be_focused()

    page.get_by_role(
        "button", name=f"{second.title} {theme_name}", pressed=False
    ).click()
    expect(matrix_status).to_have_text("covered")
    expect(nav).to_have_text("Coverage 1/5 themes covered")
    assert page.evaluate("window.notReloaded") is True
    assert set(second.themes.all()) == {mentorship}

    page.get_by_role("link", name="Back to coverage").click()
    expect(status).to_have_text("covered")
    expect(
        page.get_by_text("1 of 5 themes covered, 0 of 9 questions answered")
    ).to_be_visible()


def test_weighing_by_readiness_uncovers_a_theme_held_up_by_weak_stories(
    logged_in_page, alice
):
    page = logged_in_page
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=1)
    for i in range(theme.target_min):
        make_story(
            alice,
            themes=[theme],
            title=f"Thin {i}",
            status=Story.Status.READY,
            result="It went fine.",
        )
    page.goto("/coverage/")
    page.evaluate("window.notReloaded = true")
    status = page.locator(f"#c{theme.pk} .status")
    expect(status).to_have_text("covered")

    page.get_by_label("Count only stories the coach rates interview-ready").check()
    expect(status).to_have_text("missing")
    expect(page).to_have_url(re.compile(r"/coverage/\?min_readiness=80$"))
    assert page.evaluate("window.notReloaded") is True

    page.get_by_label("Count only stories the coach rates interview-ready").uncheck()
    expect(status).to_have_text("covered")
