"""The job-description matcher in real Chromium: paste, accept a match (an htmx
swap), dismiss it and undo that, see the job's coverage change, then share a
scrubbed prep sheet."""

from pathlib import Path

from playwright.sync_api import expect

from stories.models import Story
from tests.factories import make_job, make_story
from themes.models import Theme

JD = """\
What you'll do
- Lead the on-call rotation and run the reviews after each outage.
- Hands-on Kubernetes operators and Helm charts.
"""


def test_a_pasted_description_matches_a_story_and_accepting_it_covers_the_job(
    logged_in_page, alice
):
    page = logged_in_page
    theme = Theme.objects.get(slug="handling-model-failures-in-production")
    job = make_job(alice, themes=[theme], company="Initech", role="SRE")
    make_story(
        alice,
        title="Ran the incident postmortem after the checkout went down",
        situation="I was the engineer paged for the outage.",
        company="Globex",
        status=Story.Status.READY,
    )
    page.goto(f"/jobs/{job.pk}/")
    page.get_by_role("button", name="Prepare for this job").click()
    status = page.locator(f"#c{theme.pk} .status")
    expect(status).to_have_text("missing")

    page.goto(f"/jobs/{job.pk}/")
    page.get_by_role("link", name="Match my stories to the job description").click()
    page.get_by_label("Job description").fill(JD)
    page.get_by_role("button", name="Match my stories").click()
    requirement = page.locator("#req-0")
    expect(requirement.locator("mark").first).to_have_text("incident")
    expect(page.locator("#req-1")).to_contain_text("Gap:")
    page.evaluate("window.notReloaded = true")
    requirement.get_by_role("button", name=f"Accept for “{theme.title}”").click()
    expect(requirement).to_contain_text(f"Tagged with {theme.title}")
    assert page.evaluate("window.notReloaded")  # swapped in place
    # Dismissed, it is folded under "1 dismissed"; undone, it is offered again.
    story_link = requirement.locator(".match-stories a")
    requirement.get_by_role("button", name="Dismiss").click()
    expect(story_link).to_have_count(0)
    requirement.get_by_text("1 dismissed").click()
    requirement.get_by_role("button", name="Undo").click()
    expect(story_link).to_have_text(
        "Ran the incident postmortem after the checkout went down"
    )
    expect(requirement.locator(".match-dismissed")).to_have_count(0)
    assert page.evaluate("window.notReloaded")

    page.goto("/coverage/")
    expect(status).to_have_text("needs 1 more")

    page.goto("/prep-sheet/")
    page.get_by_label("Scrub for sharing").check()
    page.get_by_role("button", name="Update preview").click()
    page.get_by_role("link", name="Review every replacement").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Markdown").click()
    markdown = Path(download.value.path()).read_text()
    assert "Ran the incident postmortem" in markdown
    assert "Globex" not in markdown
