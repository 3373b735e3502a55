"""A user's own theme and question reach every page organised by theme: coverage,
the matrix, practice and the prep sheet in all three renderings. Hiding a built-in
theme takes it out of that user's pages only, and another user sees none of it."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from practice.scheduling import random_pick, what_i_need_most
from prepsheet import sheet as prepsheet
from stories.models import Story, StoryQuestion
from tests.factories import make_story
from themes.models import SampleQuestion, Theme, UserTheme

pytestmark = pytest.mark.usefixtures("playbook")

OWN_TITLE = "Shipping under a regulator's eye"
OWN_QUESTION = "Tell me about a release you had to defend to an auditor."
ANGLE = "the paper trail I built"


@pytest.fixture
def own(alice):
    theme = Theme.objects.create(
        owner=alice,
        slug=Theme.unique_slug(alice, OWN_TITLE),
        title=OWN_TITLE,
        target_min=1,
        target_max=2,
    )
    theme.add_to_set(alice)
    question = SampleQuestion.objects.create(
        theme=theme, owner=alice, position=1, text=OWN_QUESTION
    )
    story = make_story(
        alice,
        themes=[theme],
        title="Passed the SOX audit",
        status=Story.Status.READY,
        situation="An audit was due.",
        result="We passed with no findings.",
    )
    StoryQuestion.objects.create(story=story, question=question, angle=ANGLE)
    return theme, question, story


def test_coverage_lists_the_own_theme_and_its_question(alice_client, own):
    page = alice_client.get(reverse("coverage:index")).content.decode()
    # The themes are written by Jinja2, which escapes a quote as &#39;.
    assert OWN_TITLE.replace("'", "&#39;") in page
    assert OWN_QUESTION in page
    assert "Passed the SOX audit" in page


def test_the_matrix_has_a_column_for_the_own_theme(alice_client, own):
    theme, _, story = own
    page = alice_client.get(reverse("coverage:matrix")).content.decode()
    assert OWN_TITLE.replace("'", "&#x27;") in page
    assert f'value="{story.pk}-{theme.pk}"' in page


def test_practice_picks_the_own_question_from_the_own_theme(alice, own):
    theme, question, story = own
    pick = random_pick(alice, theme)
    assert (pick.question, pick.story) == (question, story)


def test_practice_offers_the_own_theme(alice_client, own):
    theme, _, _ = own
    page = alice_client.get(reverse("practice:index")).content.decode()
    assert f'<option value="{theme.pk}">' in page


def test_the_prep_sheet_tells_the_story_under_the_own_theme_with_its_angle(
    alice_client, own
):
    theme, _, _ = own
    query = {"built": "1", "themes": [theme.slug], "pick": "all", "layout": "full"}
    markdown = alice_client.get(reverse("prepsheet:markdown"), query).content.decode()
    assert f"## {OWN_TITLE}" in markdown
    assert f"- {OWN_QUESTION} — *{ANGLE}*" in markdown
    html = alice_client.get(reverse("prepsheet:print"), query).content.decode()
    # The sheet is rendered by Jinja2, which writes a quote as &#39;.
    assert OWN_TITLE.replace("'", "&#39;") in html
    assert f'{OWN_QUESTION} <em class="sheet-angle">— {ANGLE}</em>' in html


def test_the_pdf_holds_the_own_theme_question_and_angle(alice, own):
    theme, _, _ = own
    options = prepsheet.Options(
        themes=[theme],
        include_drafts=False,
        compact=False,
        questions_to_ask=[],
        own_questions=[],
        negotiation=False,
        best_per_theme=False,
    )
    pdf = prepsheet.to_pdf(prepsheet.build(alice, options))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert OWN_TITLE in text
    assert "auditor" in text
    assert ANGLE in text


def test_another_user_sees_none_of_it(bob_client, own):
    theme, question, _ = own
    for name in ("coverage:index", "coverage:matrix", "practice:index"):
        page = bob_client.get(reverse(name)).content.decode()
        assert OWN_TITLE.replace("'", "&#x27;") not in page, name
        assert OWN_QUESTION not in page, name
    markdown = bob_client.get(
        reverse("prepsheet:markdown"), {"built": "1", "themes": [theme.slug]}
    ).content.decode()
    assert OWN_TITLE not in markdown
    response = bob_client.get(reverse("practice:index"), {"question": question.pk})
    assert response.status_code == 404


def test_another_users_theme_cannot_be_tagged_from_the_matrix(bob_client, bob, own):
    theme, _, _ = own
    story = make_story(bob)
    response = bob_client.post(
        reverse("coverage:matrix_cell"), {"tag": f"{story.pk}-{theme.pk}"}
    )
    assert response.status_code == 404
    assert not story.themes.exists()


def test_another_users_theme_and_question_cannot_be_tagged_in_the_editor(
    bob_client, bob, own
):
    theme, question, _ = own
    story = make_story(bob, title="Bob's story")
    response = bob_client.post(
        story.get_absolute_url(),
        {
            "title": "Bob's story",
            "version": story.version,
            "status": "draft",
            "themes": [theme.pk],
            "questions": [question.pk],
            "tagging": "1",
        },
    )
    assert response.status_code == 422, response.status_code
    assert not story.themes.exists()
    assert not story.questions.exists()


def test_hiding_a_built_in_theme_takes_it_out_of_that_users_coverage_only(
    alice, alice_client, bob_client
):
    hidden = Theme.objects.for_user(alice).first()
    UserTheme.objects.filter(owner=alice, theme=hidden).update(hidden=True)
    title = hidden.title.replace("&", "&amp;")
    alices = alice_client.get(reverse("coverage:index")).content.decode()
    bobs = bob_client.get(reverse("coverage:index")).content.decode()
    assert f">{title}<" not in alices
    assert f">{title}<" in bobs
    assert Theme.objects.filter(pk=hidden.pk).exists()  # built-in content untouched


def test_the_nav_counts_the_users_own_set(alice, alice_client, own):
    # The ML playbook's five themes and the own one; only the own one is covered.
    page = alice_client.get(reverse("stories:list")).content.decode()
    assert "1/6" in page


def test_what_i_need_most_can_pick_the_own_theme(alice, own):
    theme, _, _ = own
    # Every built-in theme of the set hidden: the own theme is all that is left.
    UserTheme.objects.filter(owner=alice).exclude(theme=theme).update(hidden=True)
    pick = what_i_need_most(alice)
    assert pick.question.theme == theme


def test_the_chart_numbers_themes_in_order_and_wraps_a_long_name(alice, alice_client):
    title = "Earning the trust of a skeptical compliance team during a migration"
    theme = Theme.objects.create(
        owner=alice, slug=Theme.unique_slug(alice, title), title=title
    )
    theme.add_to_set(alice)
    page = alice_client.get(reverse("coverage:index")).content.decode()
    assert "None." not in page
    assert '<tspan x="0" y="' in page
    # Sixth in the user's order, its name on two lines of the label, cut nowhere.
    assert ">6. Earning the trust of a skeptical</tspan>" in page
    assert ">compliance team during a migration</tspan>" in page
    # The matrix numbers it the same way.
    make_story(alice, themes=[theme])
    matrix = alice_client.get(reverse("coverage:matrix")).content.decode()
    assert f'id="t{theme.pk}">6. {title}</th>' in matrix
