"""The suggestion: the pure function's rules, then the page and its query count."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loops.models import Assignment
from loops.plan import Candidate, suggest
from stories.models import Story
from tests.factories import make_job, make_round, make_story
from themes.models import Theme


@dataclass
class R:
    pk: int
    theme_ids: list


def story(pk, themes, ready=True, readiness=50, leads=()):
    return Candidate(
        pk=pk,
        title=f"Story {pk}",
        ready=ready,
        readiness=readiness,
        theme_ids=frozenset(themes),
        lead_theme_ids=frozenset(leads),
    )


def test_it_never_plans_one_story_twice_in_a_loop():
    rounds = [R(1, [10, 20]), R(2, [10, 20]), R(3, [10])]
    pool = [story(1, [10, 20]), story(2, [10, 20]), story(3, [10])]
    plan = suggest(rounds, pool)
    assert len(plan) == 3
    assert len(set(plan.values())) == len(plan)


def test_it_leaves_a_slot_empty_rather_than_repeat_a_story():
    plan = suggest([R(1, [10]), R(2, [10])], [story(1, [10])])
    assert plan == {(1, 10): 1}


def test_it_only_plans_a_story_for_a_theme_it_is_tagged_with():
    assert suggest([R(1, [10])], [story(1, [20])]) == {}


def test_it_prefers_ready_stories_over_drafts():
    pool = [story(1, [10], ready=False, readiness=95), story(2, [10], readiness=40)]
    assert suggest([R(1, [10])], pool) == {(1, 10): 2}


def test_it_prefers_the_lead_story_of_the_theme():
    pool = [
        story(1, [10], readiness=90),
        story(2, [10], readiness=60, leads=[10]),
        # The lead for another theme earns nothing here.
        story(3, [10, 20], readiness=80, leads=[20]),
    ]
    assert suggest([R(1, [10])], pool) == {(1, 10): 2}


def test_it_prefers_a_higher_readiness_score():
    pool = [story(1, [10], readiness=55), story(2, [10], readiness=85), story(3, [10])]
    assert suggest([R(1, [10])], pool) == {(1, 10): 2}


def test_the_next_best_story_fills_the_next_round():
    pool = [story(1, [10], readiness=90), story(2, [10], readiness=70)]
    assert suggest([R(1, [10]), R(2, [10])], pool) == {(1, 10): 1, (2, 10): 2}


def test_a_story_that_alone_fits_a_theme_is_kept_for_it():
    # Story 1 is the best for theme 10 but the only one for theme 20: giving it to
    # round 1 would leave round 2 with nothing.
    pool = [story(1, [10, 20], readiness=90), story(2, [10], readiness=50)]
    assert suggest([R(1, [10]), R(2, [20])], pool) == {(1, 10): 2, (2, 20): 1}


def test_hand_picks_are_kept_and_count_as_taken():
    pool = [story(1, [10], readiness=90), story(2, [10], readiness=70)]
    # Round 1's pick is the user's (story 2): round 2 gets the best story left,
    # and round 1's slot is not in the pairs to write.
    assert suggest([R(1, [10]), R(2, [10])], pool, taken={(1, 10): 2}) == {(2, 10): 1}
    # A story picked for another theme is not planned a second time either.
    assert suggest([R(1, [20]), R(2, [10])], pool[:1], taken={(1, 20): 1}) == {}


def test_it_is_the_same_whatever_order_the_stories_come_in():
    pool = [story(pk, [10, 20, 30], readiness=pk % 7 * 10) for pk in range(1, 30)]
    rounds = [R(1, [10, 20]), R(2, [30]), R(3, [10, 30])]
    assert suggest(rounds, pool) == suggest(rounds, list(reversed(pool)))


# The page --------------------------------------------------------------------


@pytest.fixture
def themes(playbook):
    return list(Theme.objects.built_in().order_by("pk")[:3])


@pytest.fixture
def job(alice, themes):
    return make_job(alice, themes=themes)


def test_accept_fills_the_empty_slots_and_keeps_hand_picks(
    alice_client, alice, job, themes
):
    first = make_round(job, themes=themes[:1], name="Phone screen")
    second = make_round(job, themes=themes[:2], name="Onsite")
    draft = make_story(alice, themes=themes[:1], title="A promising draft")
    ready = make_story(
        alice, themes=themes[:2], title="The ready one", status=Story.Status.READY
    )
    make_story(alice, themes=themes[:1], title="Retired one", status="retired")
    make_story(alice, themes=themes[:1], title="Trashed one").move_to_trash()
    other = make_story(alice, themes=themes[1:2], title="Only for the second theme")
    # A hand pick, and a pick whose story was since retired (an empty slot).
    second.assign(themes[0], draft)
    gone = make_story(alice, themes=themes[1:2], title="Gone")
    second.assign(themes[1], gone)
    Story.objects.filter(pk=gone.pk).update(status="retired")
    url = reverse("loops:suggest", args=[job.pk])
    page = alice_client.get(url).content.decode()
    assert "The ready one" in page and "your pick, kept" in page
    assert "Retired one" not in page and "Trashed one" not in page
    assert "Accept: fill the empty slots" in page and "?fresh=1" in page
    # Showing it changes nothing.
    before = set(Assignment.objects.values_list("round_id", "theme_id", "story_id"))
    assert len(before) == 2
    response = alice_client.post(url)
    assert response.status_code == 302
    # The draft stays where the user put it; the ready story, free, takes round 1,
    # so the retired story's slot gets the only other story of that theme.
    assert set(Assignment.objects.values_list("round_id", "theme_id", "story_id")) == {
        (second.pk, themes[0].pk, draft.pk),
        (first.pk, themes[0].pk, ready.pk),
        (second.pk, themes[1].pk, other.pk),
    }


def test_starting_over_is_a_separate_choice_that_replaces_the_plan(
    alice_client, alice, job, themes
):
    first = make_round(job, themes=themes[:1], name="Phone screen")
    draft = make_story(alice, themes=themes[:1], title="A promising draft")
    ready = make_story(
        alice, themes=themes[:1], title="The ready one", status=Story.Status.READY
    )
    first.assign(themes[0], draft)
    url = reverse("loops:suggest", args=[job.pk])
    page = alice_client.get(url, {"fresh": "1"}).content.decode()
    assert "Replace the whole plan with this" in page
    assert "your pick, kept" not in page
    assert list(Assignment.objects.values_list("story_id", flat=True)) == [draft.pk]
    # A plain Accept keeps the pick: nothing is empty, nothing changes.
    alice_client.post(url)
    assert list(Assignment.objects.values_list("story_id", flat=True)) == [draft.pk]
    alice_client.post(url, {"fresh": "1"})
    assert list(Assignment.objects.values_list("story_id", flat=True)) == [ready.pk]


def test_the_suggestion_with_no_rounds_says_so(alice_client, job):
    page = alice_client.get(reverse("loops:suggest", args=[job.pk])).content.decode()
    assert "No rounds yet" in page
    assert "Accept" not in page


def test_a_suggestion_with_nothing_to_fill_says_how_to_get_one(
    alice_client, alice, job, themes
):
    make_round(job, themes=themes[:2], name="Onsite")
    make_story(alice, title="Tagged with nothing")
    page = alice_client.get(reverse("loops:suggest", args=[job.pk])).content.decode()
    assert "Nothing to fill" in page
    assert "Accept" not in page
    assert reverse("matcher:match", args=[job.pk]) in page


def _bank(alice, job, themes, rounds, stories):
    for i in range(rounds):
        make_round(job, themes=themes, name=f"Round {i}")
    Story.objects.bulk_create(
        Story(
            owner=alice,
            title=f"Story {i}",
            result=f"Cut latency by {i}%",
            status=Story.Status.READY if i % 2 else Story.Status.DRAFT,
        )
        for i in range(stories)
    )
    from stories.models import StoryTheme

    StoryTheme.objects.bulk_create(
        StoryTheme(story=s, theme=themes[i % len(themes)])
        for i, s in enumerate(Story.objects.filter(owner=alice).order_by("pk"))
    )


def _queries(client, url):
    client.get(url)  # scores the stories once, as a first visit would
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, ctx.captured_queries


def test_the_suggestion_for_8_rounds_and_200_stories_runs_a_fixed_number_of_queries(
    alice_client, alice, playbook, django_assert_max_num_queries
):
    themes = list(Theme.objects.built_in().order_by("pk")[:3])
    job = make_job(alice, themes=themes)
    url = reverse("loops:suggest", args=[job.pk])
    _bank(alice, job, themes, rounds=1, stories=3)
    _, few = _queries(alice_client, url)
    Story.objects.filter(owner=alice).delete()
    job.rounds.all().delete()
    _bank(alice, job, themes, rounds=8, stories=200)
    alice_client.get(url)
    # Session, user (2); the job (1); the plan: rounds, their themes, the
    # assignments with their stories, the stories told to the company (4); the
    # candidates: stories, their tags (2); readiness_scores: tags, ticked points,
    # the playbooks' fingerprint (3); base.html's nav counts and job switcher (2).
    assert len(few) == 14
    with django_assert_max_num_queries(14):
        response = alice_client.get(url)
    plan = response.context["plan"]
    planned = [s.story_id for r in plan.rounds for s in r.slots if s.story_id]
    assert len(planned) == 24
    assert len(set(planned)) == 24
    # Ready stories first: 100 of the 200 are ready, enough for every slot.
    ready = set(
        Story.objects.filter(owner=alice, status="ready").values_list("pk", flat=True)
    )
    assert set(planned) <= ready
