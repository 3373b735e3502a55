"""The load test's own checks (bench/loadtest.py): a lost write must not pass."""

from bench.loadtest import stats, verify
from tests.factories import make_story


def two_saved_edits(owner):
    story = make_story(owner)
    story.apply_edit({"result": "first"}, based_on=1)
    story.apply_edit({"situation": "second"}, based_on=2)
    return story


def test_acknowledged_writes_that_are_all_in_the_database_count_as_none_lost(alice):
    story = two_saved_edits(alice)
    acks = {story.pk: [(2, "result", "first"), (3, "situation", "second")]}
    assert verify(acks) == (0, [])


def test_an_acknowledged_write_missing_from_the_database_counts_as_lost(alice):
    story = two_saved_edits(alice)
    acks = {story.pk: [(2, "result", "first"), (3, "result", "second")]}
    lost, problems = verify(acks)
    assert lost == 1
    assert problems == [f"story {story.pk}: result is not the last acked text"]


def test_an_acknowledged_version_the_database_never_reached_counts_as_lost(alice):
    story = two_saved_edits(alice)
    acks = {story.pk: [(2, "result", "first"), (4, "situation", "second")]}
    lost, problems = verify(acks)
    assert lost == 1
    assert problems == [f"story {story.pk}: version 3, last acked 4"]


def test_a_version_that_went_backwards_counts_as_lost(alice):
    story = two_saved_edits(alice)
    acks = {
        story.pk: [
            (3, "result", "first"),
            (2, "situation", "x"),
            (3, "situation", "second"),
        ]
    }
    lost, problems = verify(acks)
    assert lost == 1
    assert "versions went backwards [3, 2, 3]" in problems[0]


def test_latency_percentiles_are_read_from_every_sample():
    result = stats([float(ms) for ms in range(1, 101)], seconds=10)
    assert result["n"] == 100
    assert result["rps"] == 10
    assert (round(result["p50"]), round(result["p95"]), round(result["p99"])) == (
        50,
        95,
        99,
    )
