"""The prep sheet's readiness check: the scores coverage.report stores are read
as they are while current, and rescored once stale (coverage.report's
readiness_scores, with the tags the sheet has read)."""

import pytest

import coverage.report
from prepsheet import sheet as prepsheet
from stories.models import Story
from tests.coach.test_coach import GOOD
from tests.factories import make_own_theme, make_story
from themes.models import Theme, ThemePoint

READY = Story.Status.READY


@pytest.fixture
def theme(playbook):
    return Theme.objects.get(playbook__slug="ml-computer-vision", number=1)


@pytest.fixture
def scored(alice, theme):
    """Stories on a built-in theme and on an own one, a point ticked, scored and
    stored by coverage.report."""
    own = make_own_theme(alice)
    own.points.create(kind="key_point", position=1, text="Name the auditor.")
    strong = make_story(
        alice, themes=[theme, own], title="Strong", status=READY, **GOOD
    )
    strong.checked_points.add(theme.points.first())
    make_story(alice, themes=[theme], title="Bare", status=READY)
    coverage.report.readiness_scores(Story.objects.for_user(alice), alice)
    return [theme, own]


@pytest.fixture
def rescored(monkeypatch):
    """The titles of the stories the coach is asked to score afresh."""
    asked = []
    score = coverage.report.readiness

    def spy(story, playbook):
        asked.append(story.title)
        return score(story, playbook)

    monkeypatch.setattr(coverage.report, "readiness", spy)
    return asked


def best(alice, themes):
    return prepsheet.build(alice, prepsheet.Options(themes, best_per_theme=True))


def test_current_scores_are_read_as_stored(alice, scored, rescored):
    best(alice, scored)
    # The sheet's tags give the key coverage.report stored with each score.
    assert rescored == []


def test_a_story_edited_since_it_was_scored_is_rescored(alice, scored, rescored):
    Story.objects.filter(title="Bare").update(result="Cut the pages by 40%.")
    best(alice, scored)
    assert rescored == ["Bare"]


def test_a_change_to_the_playbook_rescores_every_story(alice, scored, rescored):
    ThemePoint.objects.filter(theme=scored[1]).update(text="Name the regulator.")
    best(alice, scored)
    assert sorted(rescored) == ["Bare", "Strong"]
    rescored.clear()
    best(alice, scored)
    assert rescored == []


def test_a_newly_ticked_point_rescores_the_story(alice, scored, rescored):
    story = Story.objects.get(title="Strong")
    story.checked_points.add(*scored[1].points.all())
    best(alice, scored)
    assert rescored == ["Strong"]
