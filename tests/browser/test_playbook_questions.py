"""Two playbooks' questions to ask and notes in real Chromium: grouped under their
titles, accessible (axe), and the prep sheet's grouped boxes drive its preview."""

from django.conf import settings
from playwright.sync_api import expect

from tests.browser.test_audits import AXE, axe_violations, require
from themes.models import Playbook

GENERAL_QUESTION = (
    "How does a change get from a pull request to production, and how long does"
    " that usually take?"
)
ML_QUESTION = "How do you evaluate model drift in production? What triggers a re-train?"


def test_both_playbooks_are_grouped_and_unticking_one_question_updates_the_preview(
    browser, logged_in_page, alice, live_server
):
    Playbook.objects.get(slug="general-software-engineering").adopt(alice)
    page = logged_in_page
    page.goto("/prep-sheet/")
    preview = page.locator("#preview")
    expect(
        preview.get_by_role("heading", name="General software engineering")
    ).to_have_count(2)
    expect(preview).to_contain_text(GENERAL_QUESTION)
    general = page.get_by_role("group", name="General software engineering")
    general.get_by_role("checkbox", name=GENERAL_QUESTION).uncheck()
    expect(preview).not_to_contain_text(GENERAL_QUESTION)
    expect(preview).to_contain_text(ML_QUESTION)
    ml = page.get_by_role("group", name="Senior ML / computer vision engineer")
    expect(ml.get_by_role("checkbox", name=ML_QUESTION)).to_be_checked()

    require(AXE)
    (session,) = [
        c["value"]
        for c in page.context.cookies()
        if c["name"] == settings.SESSION_COOKIE_NAME
    ]
    pages = {
        name: (url, "")
        for name, url in [
            ("questions to ask", "/themes/questions-to-ask/"),
            ("negotiation", "/themes/negotiation/"),
            ("prep sheet", "/prep-sheet/"),
        ]
    }
    problems = axe_violations(browser, live_server.url, pages, session)
    assert not problems, "\n".join(problems)
