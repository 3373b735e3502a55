"""Follow-up ladders in the backup: exported per story, validated, restored."""

import copy
import json

import pytest

from backup import archive as backup
from followups.models import RUNGS_MAX, Rung
from tests.factories import make_story


@pytest.fixture
def story(alice, playbook):
    story = make_story(alice, title="Sharded the queue", result="3× faster")
    Rung.add_to(story, "What else did you consider?", "A read replica.")
    Rung.add_to(story, "What was your part?", "")
    make_story(alice, title="No ladder")
    return story


def exported(user):
    return json.loads(backup.dumps(backup.export_data(user)))


def ladder(story):
    return list(
        Rung.objects.for_story(story).values_list("position", "question", "answer")
    )


def stories_by_title(data):
    return {s["title"]: s for s in data["stories"]}


def test_the_export_holds_each_ladder_in_order(alice, story):
    data = stories_by_title(exported(alice))
    assert data["Sharded the queue"]["followups"] == [
        {"question": "What else did you consider?", "answer": "A read replica."},
        {"question": "What was your part?", "answer": ""},
    ]
    # A story without a ladder is written as before the ladders existed.
    assert "followups" not in data["No ladder"]


def test_replace_brings_the_ladder_back_in_order(alice, story):
    data = exported(alice)
    story.rungs.all().delete()
    backup.restore(backup.validate(data, alice), alice, backup.Mode.REPLACE)
    restored = alice.stories.get(title="Sharded the queue")
    assert ladder(restored) == [
        (1, "What else did you consider?", "A read replica."),
        (2, "What was your part?", ""),
    ]
    assert exported(alice) == data


def test_a_file_without_followups_still_restores(alice, story):
    data = exported(alice)
    for item in data["stories"]:
        item.pop("followups", None)
    backup.restore(backup.validate(data, alice), alice, backup.Mode.REPLACE)
    assert Rung.objects.for_user(alice).count() == 0


def test_a_newer_copy_replaces_the_ladder_and_an_older_one_keeps_it(alice, story):
    data = exported(alice)
    Rung.add_to(story, "Added here?", "")
    older = copy.deepcopy(data)
    backup.restore(backup.validate(older, alice), alice, backup.Mode.MERGE)
    assert [q for _, q, _ in ladder(story)][-1] == "Added here?"
    newer = copy.deepcopy(data)
    item = stories_by_title(newer)["Sharded the queue"]
    item["updated"] = "2030-01-01T00:00:00+00:00"
    item["followups"] = [{"question": "Only this?", "answer": "Yes."}]
    backup.restore(backup.validate(newer, alice), alice, backup.Mode.MERGE)
    assert ladder(story) == [(1, "Only this?", "Yes.")]


@pytest.mark.parametrize(
    ("followups", "message"),
    [
        ("not a list", "followups: must be a list"),
        (
            [{"question": "  ", "answer": ""}],
            "followups[0].question: must not be empty",
        ),
        (
            [{"question": "Q" * 301, "answer": ""}],
            "followups[0].question: is 301 characters long; the limit is 300",
        ),
        (
            [{"question": "Why?", "answer": "a" * 2001}],
            "followups[0].answer: is 2001 characters long; the limit is 2000",
        ),
        ([{"question": "Why\x00?", "answer": ""}], "followups[0].question: contains"),
        ([{"question": "Why?"}], "followups[0]: missing field 'answer'"),
        (
            [{"question": "Why?", "answer": "", "position": 1}],
            "followups[0]: unknown field 'position'",
        ),
        (
            [{"question": f"Q{i}?", "answer": ""} for i in range(RUNGS_MAX + 1)],
            f"followups: {RUNGS_MAX + 1} follow-up questions, at most {RUNGS_MAX}",
        ),
    ],
)
def test_a_bad_ladder_is_refused_naming_its_place(alice, story, followups, message):
    data = exported(alice)
    data["stories"][0]["followups"] = followups
    with pytest.raises(backup.BackupError) as refused:
        backup.validate(data, alice)
    assert any(m.startswith(f"stories[0].{message}") for m in refused.value.messages), (
        refused.value.messages
    )
