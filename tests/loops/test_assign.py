import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from loops import plan as loop_plan
from loops.models import Assignment
from stories.models import Story
from tests.factories import make_job, make_round, make_story
from themes.models import Theme


@pytest.fixture
def themes(playbook):
    return list(Theme.objects.built_in().order_by("pk")[:3])


@pytest.fixture
def job(alice, themes):
    return make_job(alice, themes=themes)


def assign_url(round_):
    return reverse("loops:assign", args=[round_.pk])


def test_a_user_assigns_a_story_to_each_of_a_rounds_themes(
    alice_client, alice, job, themes
):
    round_ = make_round(job, themes=themes[:2])
    one = make_story(alice, themes=themes[:1], title="Rolled back the detector")
    two = make_story(alice, title="Untagged but fine")
    page = alice_client.get(reverse("loops:plan", args=[job.pk])).content.decode()
    assert f'name="story_{themes[0].pk}"' in page
    assert "Rolled back the detector (draft)" in page
    response = alice_client.post(
        assign_url(round_),
        {f"story_{themes[0].pk}": one.pk, f"story_{themes[1].pk}": two.pk},
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#round-{round_.pk}")
    assert dict(Assignment.objects.values_list("theme_id", "story_id")) == {
        themes[0].pk: one.pk,
        themes[1].pk: two.pk,
    }
    # Changing one, clearing the other.
    alice_client.post(
        assign_url(round_),
        {f"story_{themes[0].pk}": two.pk, f"story_{themes[1].pk}": ""},
    )
    assert dict(Assignment.objects.values_list("theme_id", "story_id")) == {
        themes[0].pk: two.pk
    }


def test_assigning_another_users_story_is_refused(alice_client, bob, job, themes):
    round_ = make_round(job, themes=themes[:1])
    theirs = make_story(bob, themes=themes[:1], title="Bob's private story")
    response = alice_client.post(
        assign_url(round_), {f"story_{themes[0].pk}": theirs.pk}
    )
    assert response.status_code == 302
    assert not Assignment.objects.exists()
    page = alice_client.get(response.url).content.decode()
    assert "Choose from your own stories" in page
    assert "Bob&#x27;s private story" not in page


@pytest.mark.parametrize("how", ["trashed", "retired"])
def test_a_story_that_is_not_live_cannot_be_assigned(
    alice_client, alice, job, themes, how
):
    round_ = make_round(job, themes=themes[:1])
    story = make_story(alice, themes=themes[:1])
    if how == "trashed":
        story.move_to_trash()
    else:
        story.status = Story.Status.RETIRED
        story.save()
    alice_client.post(assign_url(round_), {f"story_{themes[0].pk}": story.pk})
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("value", ["abc", "\x00", "9" * 30, "-1", "²"])
def test_a_malformed_story_id_changes_nothing(alice_client, alice, job, themes, value):
    round_ = make_round(job, themes=themes[:1])
    story = make_story(alice, themes=themes[:1])
    round_.assign(themes[0], story)
    response = alice_client.post(assign_url(round_), {f"story_{themes[0].pk}": value})
    assert response.status_code == 302
    assert list(Assignment.objects.values_list("story_id", flat=True)) == [story.pk]


def test_a_theme_the_round_does_not_probe_is_ignored(alice_client, alice, job, themes):
    round_ = make_round(job, themes=themes[:1])
    story = make_story(alice, themes=themes[1:2])
    alice_client.post(assign_url(round_), {f"story_{themes[1].pk}": story.pk})
    assert not Assignment.objects.exists()


def test_a_story_trashed_after_planning_counts_as_none(alice, job, themes):
    round_ = make_round(job, themes=themes[:1])
    story = make_story(alice, themes=themes[:1])
    round_.assign(themes[0], story)
    story.move_to_trash()
    plan = loop_plan.build(job)
    assert plan.rounds[0].slots[0].story_id is None


# Warnings ---------------------------------------------------------------------


def test_the_planner_warns_when_a_story_is_planned_for_two_rounds(
    alice_client, alice, job, themes
):
    first = make_round(job, themes=themes[:1], name="Phone screen")
    second = make_round(job, themes=themes[1:2], name="Onsite")
    story = make_story(alice, themes=themes[:2], title="The migration")
    first.assign(themes[0], story)
    second.assign(themes[1], story)
    page = alice_client.get(reverse("loops:plan", args=[job.pk])).content.decode()
    assert (
        "“The migration” is planned for more than one round: Phone screen, Onsite."
        in (page)
    )


def test_no_warning_when_every_theme_has_its_own_story(alice, job, themes):
    first = make_round(job, themes=themes[:1], name="Phone screen")
    second = make_round(job, themes=themes[1:2], name="Onsite")
    first.assign(themes[0], make_story(alice, title="One"))
    second.assign(themes[1], make_story(alice, title="Two"))
    assert loop_plan.build(job).warnings == []


def test_the_same_story_twice_in_one_round_is_not_a_two_round_warning(
    alice, job, themes
):
    round_ = make_round(job, themes=themes[:2], name="Onsite")
    story = make_story(alice, title="One")
    round_.assign(themes[0], story)
    round_.assign(themes[1], story)
    assert loop_plan.build(job).warnings == []


def test_the_planner_warns_when_a_rounds_theme_has_no_story(
    alice_client, alice, job, themes
):
    round_ = make_round(job, themes=themes[:2], name="Onsite")
    round_.assign(themes[0], make_story(alice, title="One"))
    page = alice_client.get(reverse("loops:plan", args=[job.pk])).content.decode()
    assert escape(f"Onsite: no story yet for “{themes[1].title}”.") in page
    assert escape(f"Onsite: no story yet for “{themes[0].title}”.") not in page


def test_the_plan_page_queries_do_not_grow_with_rounds_or_stories(
    alice_client, alice, job, themes, django_assert_max_num_queries
):
    url = reverse("loops:plan", args=[job.pk])

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert alice_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    make_round(job, themes=themes[:1])
    make_story(alice, themes=themes[:1])
    small = measure()
    for i in range(7):
        make_round(job, themes=themes, name=f"Round {i}")
    for i in range(30):
        make_story(alice, themes=themes[i % 3 : i % 3 + 1], title=f"Story {i}")
    # Session, user, the job (3); the plan: rounds, their themes, assignments,
    # stories told to the company (4); the stories to pick from and their tags (2);
    # the add-round form: the job's themes, twice (for the order and the ticks),
    # and the themes offered (3); base.html's nav counts and job switcher (2).
    with django_assert_max_num_queries(14):
        alice_client.get(url)
    assert measure() == small
