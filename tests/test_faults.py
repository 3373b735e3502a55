"""The fault drill's own checks (bench/faults.py), on made-up runs: no gunicorn, no
PostgreSQL. A lost write or a slow recovery must not pass."""

import json
from collections import Counter
from types import SimpleNamespace

from bench.faults import (
    log_summary,
    lost,
    recovery_seconds,
    report,
    summary_table,
    verdict,
)


def story(version, **text):
    return SimpleNamespace(version=version, **{"situation": "", "result": ""} | text)


ACKS = {1: [(2, "result", "first"), (3, "situation", "second")]}


def test_acknowledged_writes_all_in_the_database_count_as_none_lost():
    stories = {1: story(3, result="first", situation="second")}
    assert lost(ACKS, {}, stories) == (0, [])


def test_an_acknowledged_write_missing_after_a_crash_counts_as_lost():
    # The database came back at version 2: the save acknowledged as 3 is gone.
    stories = {1: story(2, result="first")}
    found, problems = lost(ACKS, {}, stories)
    assert found == 2
    assert problems == [
        "story 1: version 2, last acked 3",
        "story 1: situation is not the last acked text",
    ]


def test_a_save_that_landed_without_its_answer_is_not_a_loss():
    # The worker was killed after the commit: the client never heard, the text is in.
    pending = {1: (4, "result", "third")}
    stories = {1: story(4, result="third", situation="second")}
    assert lost(ACKS, pending, stories) == (0, [])


def test_a_save_that_never_landed_leaves_the_last_acknowledged_one():
    pending = {1: (4, "result", "third")}
    stories = {1: story(3, result="first", situation="second")}
    assert lost(ACKS, pending, stories) == (0, [])


def test_a_pending_save_does_not_excuse_an_acknowledged_one_lost_before_it():
    pending = {1: (4, "result", "third")}
    stories = {1: story(4, result="third", situation="")}
    found, problems = lost(ACKS, pending, stories)
    assert (found, problems) == (1, ["story 1: situation is not the last acked text"])


def test_a_story_gone_from_the_database_loses_its_writes():
    assert lost(ACKS, {}, {}) == (1, ["story 1: gone from the database"])


def test_recovery_counts_from_the_fault_to_the_first_save_sent_after_it():
    saves = [(9.0, 10.5), (10.2, 11.0), (10.1, 12.0)]  # (sent, acknowledged)
    # The save sent at 9.0 was in flight during the fault: it proves nothing.
    assert recovery_seconds(10.0, saves) == 1.0


def test_a_fault_no_save_came_through_after_never_recovered():
    assert recovery_seconds(10.0, [(9.0, 10.5)]) is None


def a_result(lost=0, recoveries=(0.4, 1.2)):
    faults = [
        {"fault": "worker killed", "at": 2.0, "back": 2.0, "note": "SIGKILL pid 7"},
        {"fault": "restart -m immediate", "at": 6.0, "back": 9.0, "note": "3.0 s"},
    ]
    result = {
        "database": "PostgreSQL",
        "seconds": 30,
        "settings": "fsync=on, synchronous_commit=on, full_page_writes=on",
        "faults_skipped": ["skipped: disk full (mount tmpfs on pg_wal: not root)"],
        "faults": [
            {**f, "recovery": r} for f, r in zip(faults, recoveries, strict=True)
        ],
        "writes": 812,
        "unacknowledged": 1,
        "lost": lost,
        "lost_detail": ["story 4: version 6, last acked 7"] if lost else [],
        "client_errors": Counter({"HTTP 500": 40, "RemoteDisconnected": 2}),
        "log_errors": Counter({"Traceback … OperationalError: the database": 40}),
    }
    result["ok"], result["problems"] = verdict(result)
    return result


def test_a_run_with_nothing_lost_and_quick_recoveries_passes():
    result = a_result()
    assert (result["ok"], result["problems"]) == (True, [])


def test_a_lost_write_fails_the_run():
    assert a_result(lost=1)["problems"] == ["1 acknowledged writes lost"]


def test_a_recovery_over_five_seconds_fails_the_run():
    result = a_result(recoveries=(0.4, 5.2))
    assert result["problems"] == [
        "restart -m immediate at 6.0 s: recovered in 5.2 s (limit 5 s)"
    ]


def test_a_fault_never_recovered_from_fails_the_run():
    result = a_result(recoveries=(None, 1.0))
    assert result["problems"] == ["worker killed at 2.0 s: never recovered"]


def test_the_report_gives_each_fault_the_errors_and_the_verdict():
    text = report(a_result(recoveries=(0.4, 5.2)))
    assert "| 6.0 | restart -m immediate | 3.0 | 5.20 | 3.0 s |" in text
    assert "writes acknowledged 812, lost 0" in text
    assert "40 × HTTP 500" in text
    assert "skipped: disk full (mount tmpfs on pg_wal: not root)" in text
    assert text.endswith("result: FAILED")


def test_the_summary_reads_results_back_from_json():
    results = [
        json.loads(json.dumps(a_result(lost=1))),
        {"database": "SQLite", "failed": "exit code 1"},
    ]
    table = summary_table(results, 30)
    assert (
        "| PostgreSQL | 1× worker killed, 1× restart -m immediate | 812 | 1 " in table
    )
    assert "42 (40 HTTP 500, 2 RemoteDisconnected) | 1.20 | FAILED |" in table
    assert "| SQLite | | | | | | FAILED: exit code 1 |" in table


def test_the_log_counts_a_chained_traceback_once_by_its_last_exception():
    log = """\
Traceback (most recent call last):
  File "sessions/backends/base.py", line 187, in _get_session
AttributeError: 'SessionStore' object has no attribute '_session_cache'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "psycopg/connection.py", line 120, in connect
psycopg.OperationalError: connection to server at "127.0.0.1", port 5432 failed
DETAIL:  Consistent recovery state has not been yet reached.

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "django/db/backends/base/base.py", line 279, in ensure_connection
django.db.utils.OperationalError: connection to server at "127.0.0.1", port 5432 failed
[2026-11-30 16:32:10 +0000] [4242] [ERROR] Worker (pid:4343) was sent SIGKILL!
"""
    assert log_summary(log) == Counter(
        {
            "Traceback … django.db.utils.OperationalError: connection to server at "
            '"N.N.N.N", port N failed': 1,
            "[ERROR] Worker (pid:N) was sent SIGKILL!": 1,
        }
    )
