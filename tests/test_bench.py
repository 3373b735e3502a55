"""`make bench` keeps working as the models change: its bank, its baseline and one
measurement, on the test database (the real run uses a throwaway one)."""

import pytest
from django.test import Client
from django.urls import reverse

from bench.__main__ import check_targets, make_bank, markdown, measure


@pytest.mark.urls("bench.urls")
def test_the_bench_times_a_page_against_the_baseline(playbook):
    user, story = make_bank("bench3", 3)
    assert user.stories.count() == 3
    assert story.revisions.count() == 2
    client = Client()
    client.force_login(user)
    row = measure(
        client, reverse("stories:list"), False, reverse("bench_baseline"), 0.01
    )
    assert row["status"] == 200
    assert row["reps"] >= 5
    assert row["queries"] > 0
    assert row["ratio"] > 0
    assert row["uncached_ratio"] > 0
    # Served again from the page cache: the session, the user and the page stamp.
    assert row["cached_queries"] == 3 < row["queries"]
    assert 0 < row["gzip_bytes"] < row["raw_bytes"]


def test_the_bench_reports_each_target_it_misses():
    def row(page, stories, ratio, queries, size):
        return {
            "page": page,
            "stories": stories,
            "ratio": ratio,
            "median_ms": ratio * 10,
            "p95_ms": ratio * 12,
            "uncached_ratio": ratio * 2,
            "uncached_median_ms": ratio * 20,
            "uncached_p95_ms": ratio * 24,
            "queries": queries,
            "cached_queries": 3,
            "raw_bytes": size,
            "gzip_bytes": size // 5,
            "content_type": "text/html; charset=utf-8",
        }

    results = [
        row("story list", 100, 1.5, 7, 20_000),
        row("story list", 1000, 6.0, 8, 70_000),
    ]
    verdicts = {t["target"]: t["ok"] for t in check_targets(results)}
    assert verdicts == {
        "story list at 100 stories ≤ 2× baseline (served again)": True,
        "story list: query count flat from 100 to 1,000 stories": False,
        "story list: 100 → 1,000 stories at most 3× slower (rendered afresh)": False,
        "story list: HTML at 1,000 stories under 60 KB": False,
    }
    table = markdown(
        {
            "generated": "now",
            "machine": "here",
            "results": results,
            "targets": check_targets(results),
        }
    )
    assert "| story list | 1000 | 60.0 |" in table


def test_only_the_backup_is_exempt_from_the_growth_target():
    def row(page, stories, ratio):
        return {
            "page": page,
            "stories": stories,
            "ratio": ratio,
            "uncached_ratio": ratio,
            "queries": 14,
            "raw_bytes": 1,
            "content_type": "application/json",
        }

    results = [
        row(page, stories, ratio)
        for page in ("backup export", "Markdown export")
        for stories, ratio in ((100, 10), (1000, 100))
    ]
    verdicts = {t["target"]: t["ok"] for t in check_targets(results)}
    assert verdicts[
        "backup export: 100 → 1,000 stories (exempt: a backup holds every story)"
    ]
    assert not verdicts[
        "Markdown export: 100 → 1,000 stories at most 3× slower (rendered afresh)"
    ]
