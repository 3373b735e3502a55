"""The load test's own checks (bench/loadtest.py): a lost write must not pass."""

import pytest

from bench.loadtest import lock_report, read_lock_log, stats, verify
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


WRITE_LOCK = "interviewprep.writelock.WriteLockMiddleware"


@pytest.fixture
def lock_log(settings, tmp_path):
    path = tmp_path / "write-lock.log"
    settings.WRITE_LOCK_LOG = str(path)
    settings.MIDDLEWARE = [WRITE_LOCK, *settings.MIDDLEWARE]
    return path


def autosave(client, story):
    return client.post(
        f"/stories/{story.pk}/",
        {"version": story.version, "result": "typed"},
        HTTP_HX_REQUEST="true",
    )


# Transactional: the test's own transaction would turn the app's commits into
# savepoints, and the commit is where a hold ends.
@pytest.mark.django_db(transaction=True)
def test_a_write_request_logs_how_long_it_held_the_write_lock(
    playbook, alice_client, alice, lock_log
):
    story = make_story(alice)
    assert autosave(alice_client, story).status_code == 200
    assert alice_client.get(f"/stories/{story.pk}/").status_code == 200
    [(method, path, held)] = read_lock_log(lock_log)
    assert (method, path) == ("POST", f"/stories/{story.pk}/")
    assert 0 < held < 1000


def test_nothing_is_logged_or_installed_when_write_lock_log_is_unset(
    settings, alice_client, alice, tmp_path
):
    assert WRITE_LOCK not in settings.MIDDLEWARE
    assert autosave(alice_client, make_story(alice)).status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_the_lock_report_gives_max_and_p99_and_names_holds_over_1_s(tmp_path):
    path = tmp_path / "write-lock.log"
    lines = [f"POST\t/stories/{n}/\t{n + 0.5}\n" for n in range(1, 100)]
    path.write_text("".join([*lines, "POST\t/backup/import/\t1000.1\n"]))
    report = lock_report(read_lock_log(path))
    assert report["n"] == 100
    assert report["max"] == 1000.1
    assert report["longest"] == "POST /backup/import/"
    assert 99 < report["p99"] < 1000.1
    assert report["over"] == ["POST /backup/import/ held it 1000.1 ms"]


def test_holds_of_at_most_1_s_pass_and_no_writes_report_zero(tmp_path):
    assert lock_report([("POST", "/stories/1/", 1000.0)])["over"] == []
    assert lock_report([]) == {
        "n": 0,
        "max": 0.0,
        "longest": None,
        "p99": 0.0,
        "over": [],
    }
