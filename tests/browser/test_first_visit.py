from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_sign_up_open_a_theme_see_its_questions_and_log_out(page):
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # Home is the coverage dashboard, but a new user first chooses where to start.
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose where to start")
    page.get_by_role(
        "button", name="Start with this playbook (Senior ML / computer vision engineer)"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage")
    expect(page.get_by_role("heading", name="Start here")).to_be_visible()
    page.get_by_role("link", name="Themes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your themes")
    page.get_by_role(
        "link", name="Technical Leadership & Cross-Team Collaboration"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Technical Leadership & Cross-Team Collaboration"
    )
    questions = page.locator("q")
    expect(questions).to_have_text(
        [
            "Describe a time you influenced a team that wasn't directly reporting to you.",
            "Tell me about a time you drove a technical decision that was controversial.",
        ]
    )

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.goto("/themes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
