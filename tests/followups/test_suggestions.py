import pytest

from followups.suggestions import (
    ALTERNATIVES,
    DIFFERENTLY,
    FIRST_TRY,
    MEASURE,
    YOUR_PART,
    suggest,
)
from stories.models import Story


def story(**sections):
    return Story(**{"title": "A story", **sections})


def questions(s, taken=()):
    return [suggestion.question for suggestion in suggest(s, taken=taken)]


def test_a_result_without_a_number_asks_how_it_was_measured():
    assert MEASURE in questions(story(result="Latency went down a lot."))


def test_a_result_with_a_number_does_not():
    assert MEASURE not in questions(story(result="Latency went from 800ms to 120ms."))


def test_we_in_the_action_asks_for_your_part():
    assert YOUR_PART in questions(story(action="We rewrote the ingest path."))


def test_an_action_in_the_first_person_does_not():
    s = story(action="I rewrote the ingest path. The team reviewed it.")
    assert YOUR_PART not in questions(s)


def test_we_only_inside_a_quotation_does_not_count():
    # The coach reads ownership without quoted speech; so do the suggestions.
    s = story(action='I told them "we ship on Friday" and I rewrote it.')
    assert YOUR_PART not in questions(s)


@pytest.mark.parametrize("word", ["chose", "decided"])
def test_a_decision_asks_what_else_was_considered(word):
    s = story(action=f"I {word} a queue over a cron job.")
    assert ALTERNATIVES in questions(s)


def test_a_story_without_a_decision_does_not():
    s = story(action="I rewrote the ingest path.", result="It held.")
    assert ALTERNATIVES not in questions(s)


def test_every_story_gets_the_two_standing_questions():
    for s in (story(), story(result="3× faster", action="I did it.")):
        found = questions(s)
        assert DIFFERENTLY in found
        assert FIRST_TRY in found


def test_a_question_already_on_the_ladder_is_not_suggested_again():
    s = story(action="We decided to shard.", result="Better.")
    assert set(questions(s)) == {
        MEASURE,
        YOUR_PART,
        ALTERNATIVES,
        DIFFERENTLY,
        FIRST_TRY,
    }
    # Matched without regard to case, spacing or the question mark.
    taken = ["what was your  part", "How did you measure it?"]
    assert set(questions(s, taken)) == {ALTERNATIVES, DIFFERENTLY, FIRST_TRY}
