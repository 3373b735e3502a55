import random
from datetime import UTC, date, datetime, timedelta

import pytest

from practice.models import PracticeCard, PracticeSession
from practice.scheduling import (
    INTERVALS,
    due_cards,
    due_count,
    due_pick,
    next_box,
    practice_history,
    random_pick,
    record_practice,
    stories_for_question,
    what_i_need_most,
)
from stories.models import Story
from tests.factories import make_story
from themes.models import SampleQuestion, Theme

MONDAY = date(2026, 3, 2)


def at(day):
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


@pytest.fixture
def question(playbook):
    return SampleQuestion.objects.get(
        theme__playbook__slug="ml-computer-vision", theme__number=1, position=1
    )


def practise(user, question, story, rating, day):
    return record_practice(user, question, story, rating, 120, today=day, now=at(day))[
        1
    ]


@pytest.mark.parametrize(
    ("box", "rating", "box_after"),
    [
        (1, 5, 2),
        (1, 4, 2),
        (4, 4, 5),
        (5, 5, 5),
        (3, 3, 3),
        (3, 2, 1),
        (5, 1, 1),
        (1, 1, 1),
    ],
)
def test_good_ratings_move_a_card_up_and_bad_ones_send_it_back(box, rating, box_after):
    assert next_box(box, rating) == box_after


def test_intervals_grow_with_good_ratings(alice, question):
    story = make_story(alice)
    day = MONDAY
    gaps = []
    for _ in range(6):
        card = practise(alice, question, story, 5, day)
        gaps.append((card.due_on - day).days)
        day = card.due_on
    assert gaps == [3, 7, 14, 30, 30, 30]
    assert gaps == sorted(gaps)
    assert card.times_practised == 6
    assert PracticeCard.objects.count() == 1
    assert PracticeSession.objects.filter(owner=alice).count() == 6


def test_a_bad_rating_resets_the_interval(alice, question):
    story = make_story(alice)
    day = MONDAY
    for _ in range(3):
        day = practise(alice, question, story, 5, day).due_on
    card = practise(alice, question, story, 1, day)
    assert (card.box, card.due_on) == (1, day + timedelta(days=INTERVALS[1]))
    card = practise(alice, question, story, 4, card.due_on)
    assert card.box == 2


def test_an_ok_rating_keeps_the_interval(alice, question):
    card = practise(alice, question, None, 4, MONDAY)
    card = practise(alice, question, None, 3, card.due_on)
    assert card.box == 2
    assert card.story is None


def test_due_lists_are_right_across_days(alice, question, playbook):
    other = SampleQuestion.objects.get(
        theme__playbook__slug="ml-computer-vision", theme__number=2, position=1
    )
    story = make_story(alice)
    practise(alice, question, story, 1, MONDAY)  # back tomorrow
    practise(alice, other, None, 5, MONDAY)  # box 2: in three days
    assert due_count(alice, MONDAY) == 0
    tuesday = MONDAY + timedelta(days=1)
    assert [c.question for c in due_cards(alice, tuesday)] == [question]
    thursday = MONDAY + timedelta(days=3)
    assert {c.question for c in due_cards(alice, thursday)} == {question, other}
    # Still due on later days until practised again.
    assert due_count(alice, thursday + timedelta(days=10)) == 2
    practise(alice, question, story, 5, thursday)
    assert [c.question for c in due_cards(alice, thursday)] == [other]
    assert due_pick(alice, thursday).question == other


def test_cards_are_per_user_and_skip_trashed_stories(alice, bob, question):
    story = make_story(alice)
    practise(alice, question, story, 1, MONDAY)
    practise(bob, question, None, 1, MONDAY)
    tuesday = MONDAY + timedelta(days=1)
    assert due_count(alice, tuesday) == 1
    assert due_count(bob, tuesday) == 1
    story.move_to_trash()
    assert due_count(alice, tuesday) == 0


def test_what_i_need_most_picks_from_the_weakest_theme_first(alice, playbook):
    themes = {
        t.number: t for t in Theme.objects.filter(playbook__slug="ml-computer-vision")
    }
    # Themes 1, 2, 4 and 5 reach their target of 2 ready stories; theme 3 has one.
    for number in (1, 2, 4, 5):
        for i in range(2):
            make_story(
                alice, themes=[themes[number]], title=f"{number}.{i}", status="ready"
            )
    weak = make_story(alice, themes=[themes[3]], title="scoping", status="ready")
    pick = what_i_need_most(alice)
    assert pick.question.theme == themes[3]
    assert pick.story == weak
    assert "has 1 ready story of the 2" in pick.reasons[0]


def test_a_theme_without_stories_comes_before_one_short_of_its_target(alice, playbook):
    themes = {
        t.number: t for t in Theme.objects.filter(playbook__slug="ml-computer-vision")
    }
    for number in (1, 2, 3, 5):
        make_story(alice, themes=[themes[number]], title=str(number), status="ready")
    pick = what_i_need_most(alice)
    assert pick.question.theme == themes[4]
    assert pick.story is None
    assert "no story" in pick.reasons[1]


def test_drafts_do_not_count_as_coverage(alice, playbook):
    themes = {
        t.number: t for t in Theme.objects.filter(playbook__slug="ml-computer-vision")
    }
    for number in (1, 2, 3, 4):
        for i in range(2):
            make_story(
                alice, themes=[themes[number]], title=f"{number}.{i}", status="ready"
            )
    for i in range(3):
        make_story(alice, themes=[themes[5]], title=f"draft {i}")
    assert what_i_need_most(alice).question.theme == themes[5]


def test_a_custom_readiness_test_changes_the_weakest_theme(alice, playbook):
    themes = {
        t.number: t for t in Theme.objects.filter(playbook__slug="ml-computer-vision")
    }
    for number in (1, 2, 3, 4, 5):
        for i in range(2):
            make_story(
                alice, themes=[themes[number]], title=f"{number}.{i}", status="ready"
            )
    weak = set(Story.objects.filter(themes=themes[2]).values_list("pk", flat=True))
    pick = what_i_need_most(alice, ready=lambda s: s.pk not in weak)
    assert pick.question.theme == themes[2]


def test_within_a_theme_the_story_practised_longest_ago_comes_first(alice, playbook):
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=1)
    question = theme.questions.get()
    for other in Theme.objects.exclude(pk=theme.pk):
        for i in range(2):
            make_story(
                alice, themes=[other], title=f"{other.number}.{i}", status="ready"
            )
    old = make_story(alice, themes=[theme], title="old")
    recent = make_story(alice, themes=[theme], title="recent")
    never = make_story(alice, themes=[theme], title="never")
    practise(alice, question, old, 4, MONDAY)
    practise(alice, question, recent, 4, MONDAY + timedelta(days=5))
    assert what_i_need_most(alice).story == never
    practise(alice, question, never, 4, MONDAY + timedelta(days=6))
    assert what_i_need_most(alice).story == old


def test_the_stories_for_a_question_are_the_users_own(alice, bob, question):
    mine = make_story(alice, themes=[question.theme])
    linked = make_story(alice, questions=[question], title="linked")
    make_story(bob, themes=[question.theme])
    make_story(alice, themes=[question.theme], status="retired")
    assert stories_for_question(alice, question) == [linked, mine]


def test_the_lead_story_for_the_questions_theme_is_offered_first(alice, bob, question):
    mine = make_story(alice, themes=[question.theme], title="mine")
    linked = make_story(alice, questions=[question], title="linked")
    lead = make_story(alice, themes=[question.theme], title="zz the lead")
    other_theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=2)
    elsewhere = make_story(alice, themes=[question.theme, other_theme], title="a")
    elsewhere.make_lead(other_theme)  # a lead, but of another theme
    bobs = make_story(bob, themes=[question.theme])
    bobs.make_lead(question.theme)
    lead.make_lead(question.theme)
    assert stories_for_question(alice, question) == [lead, linked, elsewhere, mine]


def test_a_random_pick_from_a_theme_stays_in_that_theme(alice, playbook):
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=3)
    for seed in range(5):
        pick = random_pick(alice, theme, random.Random(seed))
        assert pick.question.theme == theme


def test_history_counts_rounds_and_shows_the_rating_trend(alice, bob, question):
    story = make_story(alice)
    other = make_story(alice, title="other")
    for day, rating in enumerate([2, 2, 3, 5]):
        practise(alice, question, story, rating, MONDAY + timedelta(days=day))
    practise(alice, question, other, 5, MONDAY)
    practise(alice, question, other, 2, MONDAY + timedelta(days=1))
    practise(bob, question, None, 5, MONDAY)
    stories = practice_history(alice)
    assert (stories[story.pk].times, stories[story.pk].ratings) == (4, [2, 2, 3, 5])
    assert stories[story.pk].last == at(MONDAY + timedelta(days=3))
    assert stories[story.pk].trend == "up"
    assert stories[other.pk].trend == "down"
    themes = practice_history(alice, by="theme")
    assert themes[question.theme_id].times == 6
    # Only the latest five ratings are read (the trend's), oldest first.
    assert themes[question.theme_id].ratings == [5, 2, 2, 3, 5]
    assert themes[question.theme_id].last == at(MONDAY + timedelta(days=3))
    assert practice_history(bob) == {}
    assert practice_history(bob, by="theme")[question.theme_id].times == 1
