"""The plan's three renderings: Markdown, the print view and the PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from loops import plan as loop_plan
from tests.factories import make_job, make_round, make_story
from themes.models import Theme


@pytest.fixture
def themes(playbook):
    return list(Theme.objects.built_in().order_by("pk")[:2])


@pytest.fixture
def job(alice, themes):
    job = make_job(alice, themes=themes, company="Globex", role="ML lead")
    screen = make_round(
        job,
        themes=themes[:1],
        name="Phone screen",
        interviewer="Dana Scully",
        date=datetime.date(2026, 12, 3),
        time=datetime.time(9, 15),
    )
    onsite = make_round(
        job, themes=themes, name="Onsite *deep* dive", date=datetime.date(2026, 12, 9)
    )
    screen.assign(themes[0], make_story(alice, title="Rolled back a drifting detector"))
    onsite.assign(
        themes[1],
        make_story(alice, title="Shipped the migration", status="ready"),
    )
    return job


def test_the_markdown_holds_the_rounds_and_their_stories(alice_client, job, themes):
    response = alice_client.get(reverse("loops:markdown", args=[job.pk]))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# Interview loop: ML lead at Globex\n")
    assert "## Phone screen\n" in text
    assert "Thursday 3 December 2026, 09:15 · with Dana Scully" in text
    # The user's text is escaped, not read as Markdown.
    assert "## Onsite \\*deep\\* dive\n" in text
    assert "Rolled back a drifting detector (Draft)" in text
    assert "Shipped the migration\n" in text
    assert f"**{themes[0].title}:** *no story yet*" in text.replace("\\&", "&")
    assert "## To fix before the loop" in text


def test_the_print_view_holds_the_rounds_and_their_stories(alice_client, job):
    response = alice_client.get(reverse("loops:print", args=[job.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "prep_sheet_print.css" in page
    assert "Phone screen" in page and "Onsite *deep* dive" in page
    assert "Rolled back a drifting detector" in page
    assert "Shipped the migration" in page
    assert "Back to the loop" in page


@pytest.mark.parametrize("paper, width", [("a4", 595), ("letter", 612)])
def test_the_pdf_holds_the_rounds_and_their_stories_on_one_page(
    alice_client, job, paper, width
):
    response = alice_client.get(reverse("loops:pdf", args=[job.pk]), {"paper": paper})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width)) == width
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "Interview loop: ML lead at Globex",
        "Phone screen",
        "Dana Scully",
        "Onsite *deep* dive",
        "Rolled back a drifting detector",
        "Shipped the migration",
    ):
        assert expected in text


def test_a_plan_without_rounds_says_so_in_every_rendering(alice, playbook):
    plan = loop_plan.build(make_job(alice))
    assert "No rounds yet." in loop_plan.to_markdown(plan)
    assert "No rounds yet." in loop_plan.to_html(plan)
