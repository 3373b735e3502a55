"""The PDF's limits (issue 16): a sheet too long to lay out in time gets a page that
says so, with the Markdown and print view, instead of a worker killed at 30 s."""

import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from prepsheet import sheet as prepsheet
from stories.models import Story
from tests.factories import make_story
from themes.models import Theme

SECTIONS = ("situation", "task", "action", "result", "reflection")


@pytest.fixture
def theme(playbook):
    return (
        Theme.objects.filter(playbook__slug="ml-computer-vision")
        .order_by("number")
        .first()
    )


def params(theme, **extra):
    return {"built": "1", "themes": [theme.slug], "layout": "full", **extra}


@pytest.fixture
def no_layout(monkeypatch):
    """Fails the test if WeasyPrint starts laying the sheet out."""
    from weasyprint import HTML

    def refuse(*args, **kwargs):
        raise AssertionError("the PDF was laid out")

    monkeypatch.setattr(HTML, "render", refuse)


def test_a_story_of_25000_list_items_is_refused_before_layout(
    alice_client, alice, theme, no_layout
):
    # Issue 16's story: five sections of "- x" × 5,000, each within the field limit.
    make_story(
        alice,
        themes=[theme],
        title="Hostile",
        status=Story.Status.READY,
        **{name: "- x\n" * 5000 for name in SECTIONS},
    )
    started = time.perf_counter()
    response = alice_client.get(reverse("prepsheet:pdf"), params(theme))
    assert time.perf_counter() - started < 10
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    html = response.content.decode()
    assert "This sheet is too long for a PDF" in html
    assert "It would run to about 695 pages; a PDF holds at most 40" in html
    # The ways that always work, with the same options; and a shorter PDF.
    query = f"?built=1&amp;themes={theme.slug}&amp;layout=full"
    assert f'href="{reverse("prepsheet:markdown")}{query}"' in html
    assert f'href="{reverse("prepsheet:print")}{query}"' in html
    compact = f"?built=1&amp;themes={theme.slug}&amp;layout=compact"
    assert f'href="{reverse("prepsheet:pdf_wait")}{compact}"' in html
    markdown = alice_client.get(reverse("prepsheet:markdown"), params(theme))
    assert markdown.status_code == 200 and markdown.content.count(b"- x\n") == 25000


def test_words_too_long_for_a_line_are_refused_before_layout(
    alice_client, alice, theme, no_layout
):
    # One 20,000-letter word a section: 24 s of layout before the cap.
    make_story(
        alice,
        themes=[theme],
        title="Pasted",
        status=Story.Status.READY,
        **{name: "x" * 20_000 for name in SECTIONS},
    )
    response = alice_client.get(reverse("prepsheet:pdf"), params(theme))
    assert response.status_code == 422
    assert "It holds 100000 letters in words too long for a line" in response.text
    assert "it takes at most 25000" in response.text


def test_the_compact_pdf_of_the_same_story_is_made(alice_client, alice, theme):
    make_story(
        alice,
        themes=[theme],
        title="Hostile",
        status=Story.Status.READY,
        **{name: "- x\n" * 5000 for name in SECTIONS},
    )
    response = alice_client.get(
        reverse("prepsheet:pdf"), params(theme, layout="compact")
    )
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_a_sheet_laid_out_past_the_page_cap_is_refused(alice_client, alice, theme):
    # Few blocks and little text, but thousands of lines: only layout can tell.
    make_story(
        alice,
        themes=[theme],
        title="Long code",
        status=Story.Status.READY,
        action="```\n" + "x\n" * 2900 + "```",
    )
    response = alice_client.get(reverse("prepsheet:pdf"), params(theme))
    assert response.status_code == 422
    html = response.content.decode()
    assert "It runs to 5" in html and "pages; a PDF holds at most 40" in html


def test_a_code_block_of_thousands_of_lines_is_refused_before_layout(
    alice_client, alice, theme, no_layout
):
    # One block, and a tenth of the text limit, but 160 pages.
    make_story(
        alice,
        themes=[theme],
        title="Long code",
        status=Story.Status.READY,
        **{name: "```\n" + "x\n" * 2000 + "```" for name in SECTIONS},
    )
    response = alice_client.get(reverse("prepsheet:pdf"), params(theme))
    assert response.status_code == 422
    assert "It would run to about 17" in response.text


def test_a_sheet_within_the_limits_is_made(alice, theme):
    make_story(
        alice,
        themes=[theme],
        title="Long but fine",
        status=Story.Status.READY,
        **{name: "- a point worth making\n" * 40 for name in SECTIONS},
    )
    sheet = prepsheet.build(alice, prepsheet.Options(themes=[theme]))
    assert prepsheet.to_pdf(sheet).startswith(b"%PDF")
