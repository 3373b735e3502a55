"""The prep sheet builder in real Chromium: live preview, then the two downloads."""

import io
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from stories.models import Story
from tests.factories import make_story
from themes.models import Theme


def test_a_compact_sheet_for_two_themes_downloads_as_markdown_and_pdf(
    logged_in_page, alice
):
    page = logged_in_page
    one, two, three = Theme.objects.filter(
        playbook__slug="ml-computer-vision"
    ).order_by("number")[:3]
    make_story(
        alice,
        themes=[one],
        title="Caught a silent drift",
        summary="Found in a day.",
        situation="A long situation that only the full sheet shows.",
        result="Recall from 71% to 94%.",
        status=Story.Status.READY,
    )
    make_story(
        alice, themes=[two], title="Led the migration", status=Story.Status.READY
    )
    make_story(
        alice, themes=[three], title="Scoped a vague ask", status=Story.Status.READY
    )

    page.goto("/prep-sheet/")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Scoped a vague ask")
    # The full layout previews each section's opening words (this one is short).
    expect(preview).to_contain_text("A long situation that only the full sheet shows.")
    # Untick every theme but the first two; each change refreshes the preview.
    for theme in Theme.objects.filter(playbook__slug="ml-computer-vision").order_by(
        "number"
    )[2:]:
        page.get_by_role("checkbox", name=str(theme), exact=True).uncheck()
    page.get_by_role("radio", name="Compact", exact=False).check()
    expect(preview).not_to_contain_text("Scoped a vague ask")
    expect(preview).to_contain_text("Key numbers: 71% to 94%")
    expect(preview).not_to_contain_text("A long situation")
    assert "layout=compact" in page.url  # the URL follows, so a reload keeps it

    with page.expect_download() as markdown_download:
        page.get_by_role("button", name="Download Markdown").click()
    markdown = Path(markdown_download.value.path()).read_text()
    assert markdown_download.value.suggested_filename.endswith(".md")
    assert "### Caught a silent drift" in markdown
    assert "### Led the migration" in markdown
    assert "**Key numbers:** 71% to 94%" in markdown
    assert "Scoped a vague ask" not in markdown
    assert "A long situation" not in markdown

    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Download PDF").click()
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    pdf = Path(pdf_download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Caught a silent drift" in text and "Led the migration" in text
    assert "Scoped a vague ask" not in text


def test_without_javascript_the_pdf_downloads_from_a_page_that_says_it_is_coming(
    no_script_page, alice
):
    page = no_script_page
    theme = (
        Theme.objects.filter(playbook__slug="ml-computer-vision")
        .order_by("number")
        .first()
    )
    make_story(
        alice, themes=[theme], title="Caught a silent drift", status=Story.Status.READY
    )
    page.goto("/prep-sheet/")
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Download PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your PDF…")
    expect(page.get_by_role("status")).to_contain_text("downloads by itself")
    pdf = Path(pdf_download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Caught a silent drift" in text


def test_the_print_view_asks_for_nothing_that_is_missing(logged_in_page, alice):
    page = logged_in_page
    theme = (
        Theme.objects.filter(playbook__slug="ml-computer-vision")
        .order_by("number")
        .first()
    )
    make_story(
        alice, themes=[theme], title="Caught a silent drift", status=Story.Status.READY
    )
    failed = []
    page.on(
        "response",
        lambda response: response.status >= 400 and failed.append(response.url),
    )
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/prep-sheet/print/")
    expect(page.get_by_role("heading", name="Caught a silent drift")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert failed == []
    # The icon the print view names is served, as is /favicon.ico for any other page.
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(icon).ok
    assert page.request.get("/favicon.ico").ok
