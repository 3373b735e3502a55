"""Questions to ask and negotiation notes come from the playbooks the user adopted:
every one when they adopted none, grouped under each playbook's title when several."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from themes.models import Playbook, Theme, ThemeSetChoice

ML_QUESTION = "What does the model deployment pipeline look like today?"
ML_NOTE = "For ML engineer roles, equity + bonus often exceed base"
GENERAL_QUESTION = "How does a change get from a pull request to production"
GENERAL_NOTE = "Some terms move more easily than money"
ML_TITLE = "Senior ML / computer vision engineer"
GENERAL_TITLE = "General software engineering"
PAGES = ("themes:questions_to_ask", "themes:negotiation")


def pages(client):
    """Both pages' HTML, one string."""
    return "".join(client.get(reverse(name)).content.decode() for name in PAGES)


@pytest.fixture
def general_client(client, playbook):
    user = make_user("gina", playbook="general-software-engineering")
    client.force_login(user)
    return client, user


def test_a_general_only_user_sees_the_general_ones_even_with_its_themes_hidden(
    general_client,
):
    client, gina = general_client
    html = pages(client)
    assert GENERAL_QUESTION in html and GENERAL_NOTE in html
    assert ML_QUESTION not in html and ML_NOTE not in html
    # One playbook: its categories are the page's sections, with no playbook heading.
    assert '<h2 id="category-general-software-engineering-the-hiring-process">' in html
    assert GENERAL_TITLE not in html.split("<main", 1)[1]
    # Hiding every theme of the playbook does not un-adopt it.
    for theme in Theme.objects.filter(playbook__slug="general-software-engineering"):
        theme.hide_for(gina)
    html = pages(client)
    assert GENERAL_QUESTION in html and ML_QUESTION not in html
    # The other playbook's page still shows its own, to read before adopting it.
    other = client.get(reverse("themes:playbook", args=["ml-computer-vision"]))
    assert ML_QUESTION in other.text and ML_NOTE in other.text
    assert GENERAL_QUESTION not in other.text


def test_an_ml_only_user_sees_the_documents_ones(alice_client, playbook):
    html = pages(alice_client)
    assert ML_QUESTION in html and ML_NOTE in html
    assert GENERAL_QUESTION not in html and GENERAL_NOTE not in html


def test_with_both_playbooks_each_is_grouped_under_its_title_in_playbook_order(
    alice, alice_client, playbook, django_assert_max_num_queries
):
    with django_assert_max_num_queries(99) as one_playbook:
        alice_client.get(reverse("themes:questions_to_ask"))
    Playbook.objects.get(slug="general-software-engineering").adopt(alice)
    # The same queries as with one playbook: the playbooks shown are a subquery of
    # the categories' (and the notes') one query.
    with django_assert_max_num_queries(len(one_playbook.captured_queries)):
        asked = alice_client.get(reverse("themes:questions_to_ask")).content.decode()
    notes = alice_client.get(reverse("themes:negotiation")).content.decode()
    for html in (asked, notes):
        ml = html.index(f'<h2 id="playbook-ml-computer-vision">{ML_TITLE}</h2>')
        general = html.index(
            f'<h2 id="playbook-general-software-engineering">{GENERAL_TITLE}</h2>'
        )
        assert ml < general
    assert asked.index(ML_QUESTION) < asked.index(GENERAL_QUESTION)
    assert '<h3 id="category-ml-computer-vision-process">Process</h3>' in asked
    assert notes.index(ML_NOTE) < notes.index(GENERAL_NOTE)


def test_a_user_who_started_empty_sees_every_playbooks_grouped(client, playbook):
    user = make_user("emma", playbook=None)
    ThemeSetChoice.record(user)
    client.force_login(user)
    html = pages(client)
    for text in (ML_QUESTION, ML_NOTE, GENERAL_QUESTION, GENERAL_NOTE):
        assert text in html
    assert html.count(f">{GENERAL_TITLE}</h2>") == 2
