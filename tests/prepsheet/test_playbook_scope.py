"""The prep sheet's questions to ask and negotiation notes come from the playbooks
the user adopted, as on the themes' pages (tests/themes/test_questions_and_notes.py):
its choices, the questions ticked by default, the preview, the Markdown and the print
view (which the PDF is made from)."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.themes.test_questions_and_notes import (
    GENERAL_NOTE,
    GENERAL_QUESTION,
    GENERAL_TITLE,
    ML_NOTE,
    ML_QUESTION,
    ML_TITLE,
)
from themes.models import Playbook, QuestionToAsk


@pytest.fixture
def gina_client(client, playbook):
    client.force_login(make_user("gina", playbook="general-software-engineering"))
    return client


def test_a_general_only_user_is_offered_and_given_the_general_ones(gina_client):
    builder = gina_client.get(reverse("prepsheet:index")).content.decode()
    # Offered and ticked by default (a first visit ticks every question), previewed.
    assert builder.count(GENERAL_QUESTION) == 2
    boxes = re.findall(r'<input type="checkbox" name="ask"[^>]*>', builder)
    assert len(boxes) == 12 and all(" checked" in box for box in boxes)
    markdown = gina_client.get(reverse("prepsheet:markdown")).content.decode()
    printed = gina_client.get(reverse("prepsheet:print")).content.decode()
    for html in (builder, markdown, printed):
        assert GENERAL_QUESTION in html and GENERAL_NOTE in html
        assert ML_QUESTION not in html and ML_NOTE not in html
        # One playbook: no playbook heading.
        assert GENERAL_TITLE not in html
    assert "### The team and its work\n" in markdown


def test_an_ml_only_user_gets_the_documents_ones_and_cannot_ask_for_others(
    alice_client, playbook
):
    general = QuestionToAsk.objects.filter(
        category__playbook__slug="general-software-engineering"
    ).first()
    markdown = alice_client.get(reverse("prepsheet:markdown")).content.decode()
    assert ML_QUESTION in markdown and ML_NOTE in markdown
    assert GENERAL_QUESTION not in markdown and GENERAL_NOTE not in markdown
    # Another playbook's question named in the query string is not a choice.
    named = alice_client.get(
        reverse("prepsheet:markdown"), {"built": "1", "ask": [general.pk]}
    ).content.decode()
    assert general.text not in named


def test_with_both_playbooks_the_sheet_groups_them_under_their_titles(
    alice, alice_client, playbook
):
    Playbook.objects.get(slug="general-software-engineering").adopt(alice)
    builder = alice_client.get(reverse("prepsheet:index")).content.decode()
    assert f"<legend>{ML_TITLE}</legend>" in builder
    assert f"<legend>{GENERAL_TITLE}</legend>" in builder
    markdown = alice_client.get(reverse("prepsheet:markdown")).content.decode()
    asked, notes = markdown.split("## Negotiation and offer notes\n")
    assert asked.index(f"### {ML_TITLE}\n\n#### Technical Questions\n") < asked.index(
        f"### {GENERAL_TITLE}\n\n#### The team and its work\n"
    )
    assert asked.index(ML_QUESTION) < asked.index(GENERAL_QUESTION)
    assert notes.index(f"### {ML_TITLE}\n") < notes.index(ML_NOTE)
    assert notes.index(ML_NOTE) < notes.index(f"### {GENERAL_TITLE}\n")
    assert notes.index(f"### {GENERAL_TITLE}\n") < notes.index(GENERAL_NOTE)
    printed = alice_client.get(reverse("prepsheet:print")).content.decode()
    assert f"<h3>{ML_TITLE}</h3>\n<h4>Technical Questions</h4>" in printed
    assert f"<h3>{GENERAL_TITLE}</h3>\n<h4>The team and its work</h4>" in printed
    assert printed.count(f"<h3>{GENERAL_TITLE}</h3>") == 2
