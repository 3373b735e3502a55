"""The debrief of a round held: questions asked become practice cards, the story
told counts as told to that company (the story's panel says where and when, and
the planner warns and suggests around it), and a deleted story leaves the text."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from loops.models import DebriefEntry
from practice.models import PracticeCard
from tests.factories import make_job, make_round, make_story
from themes.models import SampleQuestion, Theme


@pytest.fixture
def themes(playbook):
    return list(Theme.objects.built_in().order_by("pk")[:2])


@pytest.fixture
def job(alice, themes):
    return make_job(alice, themes=themes, company="Acme")


@pytest.fixture
def held(job, themes):
    """Round 2 of Acme's loop, held on 3 Dec (a date in the past is fine)."""
    make_round(job, themes=themes, name="Recruiter", date=datetime.date(2025, 12, 1))
    return make_round(
        job, themes=themes, name="Hiring manager", date=datetime.date(2025, 12, 3)
    )


def log(client, round_, **fields):
    data = {"question_text": "Tell me about a migration you led.", "rating": 4}
    data.update(fields)
    return client.post(reverse("loops:debrief", args=[round_.pk]), data)


def test_a_debrief_turns_questions_into_cards_and_counts_story_uses(
    alice_client, alice, themes, held
):
    story = make_story(alice, themes=themes, title="Sharded the queue")
    response = log(alice_client, held, theme=themes[0].pk, story=story.pk, note="Ok")
    assert response.status_code == 302
    entry = DebriefEntry.objects.get()
    # The question asked is now one of alice's own, on the theme, with a card.
    question = SampleQuestion.objects.get(owner=alice, theme=themes[0])
    assert question.text == "Tell me about a migration you led." == str(entry)
    card = PracticeCard.objects.get(owner=alice, question=question, story=story)
    assert card.last_rating == 4 and card.box == 2
    # A question matching a sample question's text reuses it: no duplicate.
    built_in = SampleQuestion.objects.filter(theme=themes[1], owner=None).first()
    log(alice_client, held, question_text=built_in.text, theme=themes[1].pk, rating=2)
    assert PracticeCard.objects.get(question=built_in, story=None).box == 1
    assert SampleQuestion.objects.filter(owner=alice).count() == 1

    page = alice_client.get(reverse("loops:debrief", args=[held.pk])).content.decode()
    assert "Round 2 of the loop" in page and "Sharded the queue" in page
    plan = alice_client.get(reverse("loops:plan", args=[held.job_id])).content.decode()
    assert reverse("loops:debrief", args=[held.pk]) in plan
    assert "2 questions logged" in plan

    # The story's panel, loaded into the editor by its own URL.
    url = reverse("loops:story_told", args=[story.pk])
    assert url in alice_client.get(story.get_absolute_url()).content.decode()
    panel = alice_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in panel
    assert "Told to Acme, round 2</a> (Hiring manager)" in panel and "3 Dec" in panel


def test_bad_input_gets_a_message_and_changes_nothing(
    alice_client, alice, bob, bob_client, themes, held
):
    bobs = make_story(bob, title="Bob's story")
    response = log(alice_client, held, question_text="", theme=themes[0].pk, rating="")
    page = response.content.decode()
    assert response.status_code == 422
    assert "Write the question you were asked." in page
    assert "Rate how it went, from 1 to 5." in page
    response = log(alice_client, held, theme=themes[0].pk, story=bobs.pk, note="Kept")
    assert response.status_code == 422
    assert "Choose one of your own stories" in response.content.decode()
    assert "Tell me about a migration you led." in response.content.decode()
    assert not DebriefEntry.objects.exists() and not PracticeCard.objects.exists()
    # Another user's round or entry is a 404, as a missing one is.
    entry = DebriefEntry.log(held, "Why?", themes[0], None, 3)
    bob_url = reverse("loops:delete_debrief_entry", args=[entry.pk])
    assert bob_client.post(bob_url).status_code == 404
    assert log(bob_client, held, theme=themes[0].pk).status_code == 404
    assert DebriefEntry.objects.count() == 1


def test_deleting_a_story_keeps_the_debrief_text(alice_client, alice, themes, held):
    story = make_story(alice, themes=themes, title="Sharded the queue")
    DebriefEntry.log(held, "What went wrong?", themes[0], story, 2, "Too long")
    story.delete()
    entry = DebriefEntry.objects.get()
    assert entry.story is None and entry.question_text == "What went wrong?"
    page = alice_client.get(reverse("loops:debrief", args=[held.pk])).content.decode()
    assert "What went wrong?" in page and "Too long" in page
    assert '“Sharded the queue” <span class="meta">(story deleted)</span>' in page


def test_the_planner_warns_and_suggests_around_stories_told_to_the_company(
    alice_client, alice, themes, held
):
    told = make_story(alice, themes=themes[:1], title="Told already", status="ready")
    fresh = make_story(alice, themes=themes[:1], title="Fresh one")
    DebriefEntry.log(held, "Tell me about a conflict.", themes[0], told, 4)
    # A new loop at the same company (whatever the case of its name).
    onsite = make_job(alice, themes=themes, company="ACME", role="Principal")
    round_ = make_round(onsite, themes=themes[:1], name="Onsite")
    round_.assign(themes[0], told)
    page = alice_client.get(reverse("loops:plan", args=[onsite.pk])).content.decode()
    warning = escape("“Told already” was already told to ACME: Hiring manager, 3 Dec")
    assert warning in page
    # The same story in the very round it was told in is no repeat.
    held.assign(themes[0], told)
    page = alice_client.get(reverse("loops:plan", args=[held.job_id])).content.decode()
    assert escape("“Told already” was already told") not in page
    # Starting over, the suggestion passes over it, even though it is the ready one
    # (a plain suggestion keeps the hand pick, warned about above).
    suggestion = alice_client.get(
        reverse("loops:suggest", args=[onsite.pk]) + "?fresh=1"
    )
    planned = [s.story_id for r in suggestion.context["plan"].rounds for s in r.slots]
    assert planned == [fresh.pk]
    # Another company's loop is not warned.
    other = make_job(alice, themes=themes, company="Globex")
    make_round(other, themes=themes[:1]).assign(themes[0], told)
    page = alice_client.get(reverse("loops:plan", args=[other.pk])).content.decode()
    assert escape("was already told") not in page
