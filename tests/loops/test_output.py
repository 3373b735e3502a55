"""The plan's three renderings: Markdown, the print view and the PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from loops import plan as loop_plan
from sharing.models import ShareRules
from stories.models import Story
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


def test_a_scrubbed_plan_is_reviewed_first_and_hides_what_the_lists_name(
    alice_client, bob_client, alice, job
):
    ShareRules.objects.create(
        owner=alice,
        companies="Globex = a logistics firm",
        names="Dana Scully",
        secrets="Falcon = a project",
    )
    Story.objects.filter(title="Shipped the migration").update(
        title="Shipped Falcon for 1,234 stores"
    )
    markdown = reverse("loops:markdown", args=[job.pk])
    review = reverse("loops:scrub", args=[job.pk])
    # The plan page offers it; a scrubbed download asks for the review first.
    plan = reverse("loops:plan", args=[job.pk])
    assert f"{review}?scrub=on" in alice_client.get(plan).content.decode()
    response = alice_client.get(markdown, {"scrub": "on"})
    assert response["Location"] == f"{review}?scrub=on"
    # The prep sheet's review page, with the plan's replacements and downloads.
    page = alice_client.get(review, {"scrub": "on"}).content.decode()
    for original, replacement in [
        ("Globex", "a logistics firm"),
        ("Dana Scully", "Colleague A"),
        ("Falcon", "a project"),
        ("1,234", "about 1,200"),
    ]:
        assert f"<del>{original}</del>" in page and f"<ins>{replacement}</ins>" in page
    # Where each is: the round, and the theme in it.
    assert '<td>Phone screen <span class="meta">(1×)</span>' in page
    assert f'formaction="{markdown}"' in page
    assert 'name="paper" value="letter"' in page
    assert (
        f'<a href="{job.rounds.first().get_absolute_url().split("#")[0]}">Back' in page
    )
    # Each download is scrubbed, but for what the user chose to keep.
    reviewed = {"scrub": "on", "reviewed": "1", "keep": ["name:dana scully"]}
    pdf = alice_client.get(reverse("loops:pdf", args=[job.pk]), reviewed).content
    texts = [
        alice_client.get(markdown, reviewed).content.decode(),
        alice_client.get(
            reverse("loops:print", args=[job.pk]), reviewed
        ).content.decode(),
        " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split()),
    ]
    for text in texts:
        assert "Interview loop: ML lead at a logistics firm" in text
        assert "Shipped a project for about 1,200 stores" in text
        assert "Dana Scully" in text
        assert "Globex" not in text and "Falcon" not in text
    assert bob_client.get(review, {"scrub": "on"}).status_code == 404
