"""The prep sheet's "Include follow-up questions" option, in its three renderings."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from followups.models import Rung
from prepsheet import sheet as prepsheet
from stories.models import Story
from tests.factories import make_story
from themes.models import Theme

READY = Story.Status.READY
QUESTION = "What else did you consider?"
ANSWER = "A read replica; it would not have fixed the writes."


@pytest.fixture
def theme(playbook):
    return Theme.objects.get(playbook__slug="ml-computer-vision", number=1)


@pytest.fixture
def story(alice, theme):
    story = make_story(
        alice, themes=[theme], title="Sharded the write path", status=READY
    )
    Rung.add_to(story, QUESTION, ANSWER)
    Rung.add_to(story, "What would you do differently?", "")
    return story


def params(theme, **extra):
    return {"built": "1", "themes": [theme.slug], "layout": "full", **extra}


def pdf_text(content):
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.parametrize("asked", [True, False])
def test_the_markdown_has_the_ladder_only_when_asked(alice_client, theme, story, asked):
    extra = {"followups": "on"} if asked else {}
    response = alice_client.get(reverse("prepsheet:markdown"), params(theme, **extra))
    markdown = response.content.decode()
    assert "### Sharded the write path" in markdown
    expected = (
        "**Follow-up questions:**\n\n"
        f"- *{QUESTION}* — {ANSWER}\n"
        "- *What would you do differently?*\n"
    )
    assert (expected in markdown) == asked
    assert (QUESTION in markdown) == asked


@pytest.mark.parametrize("asked", [True, False])
def test_the_print_view_has_the_ladder_only_when_asked(
    alice_client, theme, story, asked
):
    extra = {"followups": "on"} if asked else {}
    html = alice_client.get(reverse("prepsheet:print"), params(theme, **extra))
    html = html.content.decode()
    assert "Sharded the write path" in html
    assert (f"<dt>{QUESTION}</dt><dd>{ANSWER}</dd>" in html) == asked
    assert ("Follow-up questions:" in html) == asked


@pytest.mark.parametrize("asked", [True, False])
def test_the_pdf_has_the_ladder_only_when_asked(alice_client, theme, story, asked):
    extra = {"followups": "on"} if asked else {}
    response = alice_client.get(reverse("prepsheet:pdf"), params(theme, **extra))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Sharded the write path" in text
    assert (QUESTION in text) == asked
    assert (ANSWER in text) == asked


def test_the_builder_offers_the_option_unticked_by_default(alice_client, story):
    html = alice_client.get(reverse("prepsheet:index")).content.decode()
    assert 'name="followups"' in html
    assert "Include follow-up questions" in html
    assert QUESTION not in html


def test_an_untagged_story_brings_its_ladder_too(alice, theme):
    untagged = make_story(alice, title="No theme", status=READY)
    Rung.add_to(untagged, "Why no theme?", "It spans them all.")
    sheet = prepsheet.build(alice, prepsheet.Options(themes=[theme], followups=True))
    markdown = prepsheet.to_markdown(sheet)
    assert "- *Why no theme?* — It spans them all.\n" in markdown


def test_the_ladders_cost_one_query_whatever_the_number_of_stories(
    alice, theme, story, django_assert_num_queries
):
    untagged = make_story(alice, title="No theme", status=READY)
    Rung.add_to(untagged, "Why?", "Because.")
    options = prepsheet.Options(themes=[theme], followups=True)

    with CaptureQueriesContext(connection) as few:
        prepsheet.build(alice, options)
    for i in range(5):
        more = make_story(alice, themes=[theme], title=f"More {i}", status=READY)
        Rung.add_to(more, f"Q{i}?", "A.")
        spare = make_story(alice, title=f"Spare {i}", status=READY)
        Rung.add_to(spare, f"S{i}?", "A.")
    with django_assert_num_queries(len(few.captured_queries)):
        sheet = prepsheet.build(alice, options)
    assert sum(len(e.followups) for b in sheet.themes for e in b.stories) == 7
    assert sum(len(e.followups) for e in sheet.other) == 6
    # Without the option, no prefetch at all: one query fewer.
    with django_assert_num_queries(len(few.captured_queries) - 1):
        prepsheet.build(alice, prepsheet.Options(themes=[theme]))
