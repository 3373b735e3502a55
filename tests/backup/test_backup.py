import copy
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from unittest.mock import ANY

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from backup import archive as backup
from followups.models import Rung
from jobs.models import Job
from loops.models import DebriefEntry
from matcher.models import Dismissal
from mock.models import MockInterview
from practice.models import PracticeCard, PracticeSession
from practice.scheduling import record_practice
from prepsheet.models import OwnNote, OwnQuestion
from sharing.models import ShareRules
from stories.models import Revision, Story, StoryTheme
from tests.factories import make_job, make_round, make_story, make_user, shared_rows
from themes.models import SampleQuestion, Theme, ThemePoint


@pytest.fixture
def themes(playbook):
    return list(
        Theme.objects.filter(playbook__slug="ml-computer-vision").order_by("number")
    )


@pytest.fixture
def bank(alice, bob, themes):
    return make_bank(alice, bob, themes)


def make_bank(alice, bob, themes):
    """Alice's stories with every kind of data a backup carries; one of Bob's."""
    one, two = themes[0], themes[1]
    story = make_story(
        alice,
        themes=[one],
        questions=list(one.questions.all()[:2]),
        title="Caught a silent drift — “quoted”, naïve 🚀",
        summary="One line",
        situation="# Heading\n\n* list\n\n```\ncode  with  spaces\n```\n\r\ntrailing  ",
        task="Task",
        action="Action " * 50,
        result="Recall 71% → 94%",
        reflection="Learned",
        company="Acme",
        role="ML Engineer",
        period="2023",
        status=Story.Status.READY,
    )
    story.tag(two, angle="Leading the fix")
    story.checked_points.set(ThemePoint.objects.filter(theme=one)[:3])
    story.apply_edit({"title": "Caught a silent drift"}, based_on=1)
    story.apply_edit({"summary": "Second line"}, based_on=2)
    Rung.add_to(story, "What was your part — “exactly”? 🚀", "I wrote\n  the fix.  ")
    Rung.add_to(story, "What would you do differently?", "")
    trashed = make_story(alice, title="In the trash")
    trashed.move_to_trash()
    make_story(alice, title="Bare draft")
    OwnQuestion.objects.create(owner=alice, text="How is on-call shared?")
    OwnNote.objects.create(owner=alice, text="Ask about the refresher grant")
    bobs = make_story(bob, themes=[one], title="Bob's story")
    OwnNote.objects.create(owner=bob, text="Bob's note")
    practise(alice, bobs, trashed)
    return story


DAY = date(2026, 3, 2)


def at(day, hour=9):
    return datetime(day.year, day.month, day.day, hour, 30, 15, 123456, tzinfo=UTC)


def practise(alice, bobs, trashed):
    """Alice's rounds: with a story, without one, with a story in the trash."""
    story = Story.objects.get(owner=alice, title="Caught a silent drift")
    first = SampleQuestion.objects.get(
        theme__playbook__slug="ml-computer-vision", theme__number=1, position=1
    )
    second = SampleQuestion.objects.get(
        theme__playbook__slug="ml-computer-vision", theme__number=2, position=1
    )
    record_practice(
        alice,
        first,
        story,
        2,
        95,
        note="Blanked on the numbers — “71% → 94%” 🚀\n  second line  ",
        today=DAY,
        now=at(DAY),
    )
    next_day = DAY + timedelta(days=1)
    record_practice(alice, first, story, 4, 118, today=next_day, now=at(next_day))
    record_practice(alice, second, None, 3, 0, today=DAY, now=at(DAY, 10))
    record_practice(alice, second, trashed, 5, 3600, today=DAY, now=at(DAY, 11))
    record_practice(
        bobs.owner,
        first,
        bobs,
        5,
        100,
        note="Bob's round",
        today=DAY,
        now=at(DAY),
    )


def export(client):
    response = client.get(reverse("backup:export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


def upload(client, content, mode=None, name="backup.json"):
    if not isinstance(content, bytes):
        content = backup.dumps(content).encode()
    data = {"file": SimpleUploadedFile(name, content, "application/json")}
    if mode:
        data["mode"] = mode
    return client.post(reverse("backup:import"), data)


def refused(client, content):
    """The page answering a replace upload of `content` (the mode that would change
    most if any part were applied), checked to be a refusal."""
    response = upload(client, content, mode="replace")
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was changed" in html
    return html


def everything():
    """Every user's data, to show a refused import changed nothing."""
    from django.contrib.auth import get_user_model

    return {
        user.username: backup.dumps(backup.export_data(user))
        for user in get_user_model().objects.order_by("username")
    } | {
        "counts": (
            Story.objects.count(),
            StoryTheme.objects.count(),
            Revision.objects.count(),
            OwnQuestion.objects.count(),
            OwnNote.objects.count(),
            PracticeSession.objects.count(),
            PracticeCard.objects.count(),
        )
    }


def test_export_delete_import_export_gives_the_same_bytes(
    alice_client, alice, bank, themes
):
    # A loop planned with a story since trashed, and the sharing rules.
    one, two = themes[:2]
    job = make_job(alice, themes=[one, two], company="Acme", role="ML Engineer")
    onsite = make_round(job, themes=[one, two], name="Onsite", interviewer="Dana")
    onsite.assign(one, Story.objects.get(title="In the trash"))
    make_round(job, themes=[two], name="Screen").assign(two, bank)
    ShareRules.objects.create(owner=alice, companies="Acme = a retailer", names="Dana")
    # The onsite's debrief: a question of the playbook told with a story, one new
    # (a question of her own now) told with a story deleted since.
    told = make_story(alice, title="Told, then deleted")
    DebriefEntry.log(onsite, one.questions.first().text, one, bank, 5, today=DAY)
    DebriefEntry.log(onsite, "Why “this” team? 🚀", two, told, 2, "Rambled", DAY)
    told.delete()
    Dismissal.objects.create(job=job, requirement_key="9f" * 16, story=bank)
    # A mock interview for the job, its first answer given (and so practised, with
    # two follow-ups from the story's ladder), the rest not yet.
    asked = [t.questions.get(owner=None, position=1) for t in themes[:3]]
    mock = MockInterview.start(alice, asked, job=job, target_seconds=90)
    step = mock.current_step()
    step.answer(bank, 4, now=step.started_at + timedelta(seconds=75))
    mock.finish_step(step)
    first = export(alice_client)
    data = json.loads(first)
    assert data["format"] == "interviewprep-backup" and data["version"] == 2
    assert len(data["stories"]) == 3 and len(data["stories"][-1]["revisions"]) == 0
    assert any(s["deleted_at"] for s in data["stories"])
    assert len(data["practice_sessions"]) == 5 and len(data["practice_cards"]) == 3
    assert {s["story"] for s in data["practice_sessions"]} >= {
        None,
        data["stories"][0]["uuid"],
    }
    assert [len(r["stories"]) for r in data["jobs"][0]["rounds"]] == [1, 1]
    assert data["share_rules"]["names"] == "Dana"
    onsite, screen = data["jobs"][0]["rounds"]
    assert [e["story"] for e in onsite["debrief"]] == [str(bank.uuid), None]
    assert onsite["debrief"][1]["story_title"] == "Told, then deleted"
    assert onsite["debrief"][1]["question"] == {"own": 0} and "debrief" not in screen
    assert data["jobs"][0]["dismissals"] == [
        {"requirement_key": "9f" * 16, "story": str(bank.uuid), "created": ANY}
    ]
    [mock] = data["mock_interviews"]
    assert mock["job"] == 0 and [s["rating"] for s in mock["steps"]] == [4, None, None]
    assert [f["ladder"] for f in mock["steps"][0]["followups"]] == [True, True]

    Story.objects.for_user(alice).delete()
    OwnQuestion.objects.for_user(alice).delete()
    OwnNote.objects.for_user(alice).delete()
    PracticeSession.objects.for_user(alice).delete()
    PracticeCard.objects.for_user(alice).delete()
    Job.objects.for_user(alice).delete()
    ShareRules.objects.filter(owner=alice).delete()
    MockInterview.objects.for_user(alice).delete()
    SampleQuestion.objects.filter(owner=alice).delete()
    emptied = json.loads(export(alice_client))
    assert emptied["stories"] == emptied["practice_sessions"] == []
    assert emptied["practice_cards"] == emptied["jobs"] == []
    assert "share_rules" not in emptied and "mock_interviews" not in emptied
    assert not DebriefEntry.objects.exists() and not Dismissal.objects.exists()

    response = upload(alice_client, first)
    assert response.status_code == 302
    assert export(alice_client) == first


def test_the_backup_holds_tags_angles_points_questions_and_revisions(
    alice_client, bank
):
    data = json.loads(export(alice_client))
    story = next(s for s in data["stories"] if s["uuid"] == str(bank.uuid))
    assert story["themes"] == [
        {"theme": "handling-model-failures-in-production", "angle": ""},
        {
            "theme": "technical-leadership-cross-team-collaboration",
            "angle": "Leading the fix",
        },
    ]
    assert story["questions"] == [
        {"question": list(q.natural_key()), "angle": ""}
        for q in bank.questions.order_by("position")
    ]
    assert len(story["checked_points"]) == 3
    assert [r["version"] for r in story["revisions"]] == [1, 2]
    assert story["revisions"][0]["title"].startswith("Caught a silent drift —")
    assert story["version"] == 3 and story["status"] == "ready"


@pytest.mark.parametrize(
    ("model", "not_exported", "exported"),
    [
        pytest.param(model, not_exported, exported, id=model.__name__)
        for model, not_exported, exported in [
            # readiness and readiness_key are a cache of the coach's score,
            # recomputed from the story's text, themes and ticks after an import;
            # create_key and last_edit_id are the editor's bookkeeping of one
            # browser's saves, meaningless in another account or database.
            (
                Story,
                {
                    "id",
                    "owner",
                    "readiness",
                    "readiness_key",
                    "create_key",
                    "last_edit_id",
                },
                backup.STORY_KEYS,
            ),
            (Revision, {"id", "story"}, backup.REVISION_KEYS),
            # A rung's place is its index in the story's list; its stamps are the
            # editor's, set again on import.
            (
                Rung,
                {"id", "story", "position", "created", "updated"},
                backup.FOLLOWUP_KEYS,
            ),
            (PracticeSession, {"id", "owner"}, backup.PRACTICE_SESSION_KEYS),
            (PracticeCard, {"id", "owner"}, backup.PRACTICE_CARD_KEYS),
        ]
    ],
)
def test_every_field_of_what_a_user_owns_is_in_the_backup(
    model, not_exported, exported
):
    """A field added to one of these models must be added to the backup format too."""
    fields = {f.name for f in model._meta.get_fields() if f.concrete} - not_exported
    assert fields <= exported, f"missing from the backup: {fields - exported}"


def test_every_model_a_user_owns_is_in_the_backup():
    """A new model hanging off the user must be added to the backup too (or here,
    with the reason it is left out)."""
    from django.contrib.auth import get_user_model

    in_backup = {Story, OwnQuestion, OwnNote, PracticeSession, PracticeCard}
    owned = {
        f.related_model
        for f in get_user_model()._meta.get_fields()
        if f.one_to_many and f.related_model._meta.app_label == "stories"
    }
    assert owned <= in_backup, f"missing from the backup: {owned - in_backup}"


def test_the_backup_holds_the_practice_log_and_schedule(alice_client, bank):
    data = json.loads(export(alice_client))
    blanked, good = (
        s for s in data["practice_sessions"] if s["story"] == str(bank.uuid)
    )
    assert blanked == {
        "question": ["handling-model-failures-in-production", 1],
        "story": str(bank.uuid),
        "started_at": "2026-03-02T09:30:15.123456+00:00",
        "duration_seconds": 95,
        "rating": 2,
        "note": "Blanked on the numbers — “71% → 94%” 🚀\n  second line  ",
    }
    assert good["rating"] == 4
    card = next(c for c in data["practice_cards"] if c["story"] == str(bank.uuid))
    assert card == {
        "question": ["handling-model-failures-in-production", 1],
        "story": str(bank.uuid),
        "box": 2,
        "due_on": "2026-03-06",
        "last_rating": 4,
        "last_practised_on": "2026-03-03",
        "times_practised": 2,
    }
    assert any(c["story"] is None for c in data["practice_cards"])


def test_the_backup_holds_nothing_of_another_users(alice_client, bank):
    body = export(alice_client).decode()
    assert "Bob" not in body
    assert '"owner"' not in body and '"id"' not in body


def good_file(client):
    return json.loads(export(client))


def bad(data, path, value):
    """A copy of `data` with the value at `path` (keys and indexes) replaced."""
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


DELETE = object()


def with_number(data, path, digits):
    """The bytes of `data` with a number of `digits` nines at `path`, which Python
    itself will not write (nor read) beyond 4,300 digits."""
    marker = "a number goes here"
    text = json.dumps(bad(data, path, marker))
    return text.replace(json.dumps(marker), "9" * digits).encode()


def escaped(data, path, value):
    """The bytes of `data` with `value` at `path`, written as JSON escapes: how a
    file carries a lone surrogate, which UTF-8 cannot."""
    return json.dumps(bad(data, path, value)).encode()


BAD_FILES = [
    # (description, make the file from a good export, the message shown)
    ("not JSON", lambda d: b"this is { not json", "The file is not valid JSON"),
    ("not UTF-8", lambda d: b"\xff\xfe\x00garbage", "not UTF-8 text"),
    (
        "JSON of another shape",
        lambda d: [1, 2, 3],
        "This is not an interviewprep backup",
    ),
    ("a bare string", lambda d: "backup", "This is not an interviewprep backup"),
    (
        "wrong version",
        lambda d: bad(d, ["version"], 3),
        "version: this backup is version 3; this app reads versions 1 and 2.",
    ),
    (
        "missing field",
        lambda d: bad(d, ["stories", 0, "title"], DELETE),
        "stories[0]: missing field 'title'",
    ),
    (
        "missing list",
        lambda d: bad(d, ["own_notes"], DELETE),
        "missing field 'own_notes'",
    ),
    (
        "unknown theme",
        lambda d: bad(d, ["stories", 0, "themes", 0, "theme"], "foo"),
        "stories[0].themes[0]: unknown theme 'foo'",
    ),
    (
        "unknown question",
        lambda d: bad(
            d,
            ["stories", 0, "questions", 0, "question"],
            ["handling-model-failures-in-production", 99],
        ),
        "stories[0].questions[0].question: unknown sample question",
    ),
    (
        "unknown point",
        lambda d: bad(d, ["stories", 0, "checked_points"], [["nope", "framework", 1]]),
        "stories[0].checked_points[0]: unknown theme point",
    ),
    (
        "title too long",
        lambda d: bad(d, ["stories", 0, "title"], "x" * 201),
        "stories[0].title: is 201 characters long; the limit is 200",
    ),
    (
        "section too long",
        lambda d: bad(d, ["stories", 0, "action"], "x" * 20_001),
        "stories[0].action: is 20001 characters long; the limit is 20000",
    ),
    (
        "empty title",
        lambda d: bad(d, ["stories", 0, "title"], "   "),
        "stories[0].title: must not be empty",
    ),
    (
        "number for text",
        lambda d: bad(d, ["stories", 0, "summary"], 42),
        "stories[0].summary: must be a string",
    ),
    (
        "bad status",
        lambda d: bad(d, ["stories", 0, "status"], "published"),
        "stories[0].status: 'published' is not one of draft, ready, retired",
    ),
    (
        "bad date",
        lambda d: bad(d, ["stories", 0, "updated"], "yesterday"),
        "stories[0].updated: 'yesterday' is not a date and time",
    ),
    (
        "a date that leaves the calendar in UTC",
        lambda d: bad(
            d, ["practice_sessions", 0, "started_at"], "0001-01-01T00:00:00+14:00"
        ),
        "practice_sessions[0].started_at: '0001-01-01T00:00:00+14:00' is out of range",
    ),
    (
        "bad uuid",
        lambda d: bad(d, ["stories", 0, "uuid"], "not-a-uuid"),
        "stories[0].uuid: must be a UUID",
    ),
    (
        "stories not a list",
        lambda d: bad(d, ["stories"], {"a": 1}),
        "stories: must be a list",
    ),
    (
        "a database id smuggled in",
        lambda d: bad(d, ["stories", 0, "owner"], 1),
        "stories[0]: unknown field 'owner'",
    ),
    (
        "a revision without its text",
        lambda d: bad(d, ["stories", 0, "revisions", 0, "action"], DELETE),
        "stories[0].revisions[0]: missing field 'action'",
    ),
    (
        "an own note too long",
        lambda d: bad(d, ["own_notes", 0, "text"], "x" * 1001),
        "own_notes[0].text: is 1001 characters long; the limit is 1000",
    ),
    # Practice: the log (sessions) and the schedule (cards).
    (
        "missing practice list",
        lambda d: bad(d, ["practice_cards"], DELETE),
        "missing field 'practice_cards'",
    ),
    (
        "practice session of an unknown question",
        lambda d: bad(
            d,
            ["practice_sessions", 2, "question"],
            ["handling-model-failures-in-production", 99],
        ),
        'practice_sessions[2].question: unknown question ["handling-model-failures',
    ),
    (
        "practice session question not a key",
        lambda d: bad(d, ["practice_sessions", 0, "question"], "Tell me about…"),
        "practice_sessions[0].question: must be a question's key",
    ),
    (
        "rating above 5",
        lambda d: bad(d, ["practice_sessions", 1, "rating"], 6),
        "practice_sessions[1].rating: must be between 1 and 5",
    ),
    (
        "rating 0",
        lambda d: bad(d, ["practice_sessions", 0, "rating"], 0),
        "practice_sessions[0].rating: must be between 1 and 5",
    ),
    (
        "rating as text",
        lambda d: bad(d, ["practice_sessions", 0, "rating"], "5"),
        "practice_sessions[0].rating: must be a whole number",
    ),
    (
        "negative duration",
        lambda d: bad(d, ["practice_sessions", 0, "duration_seconds"], -1),
        "practice_sessions[0].duration_seconds: must be between 0 and 3600",
    ),
    (
        "practice note too long",
        lambda d: bad(d, ["practice_sessions", 1, "note"], "x" * 2001),
        "practice_sessions[1].note: is 2001 characters long; the limit is 2000",
    ),
    (
        "practice start without a time zone",
        lambda d: bad(d, ["practice_sessions", 0, "started_at"], "2026-03-02T09:30"),
        "practice_sessions[0].started_at: must include a time zone offset",
    ),
    (
        "practice session of a story not in the file",
        lambda d: bad(
            d,
            ["practice_sessions", 0, "story"],
            "6f1c2b2e-0d7a-4f43-9a59-1f6f3c4b8e01",
        ),
        "practice_sessions[0].story: '6f1c2b2e-0d7a-4f43-9a59-1f6f3c4b8e01' is not "
        "a story in this file",
    ),
    (
        "practice story not a uuid",
        lambda d: bad(d, ["practice_sessions", 0, "story"], 42),
        "practice_sessions[0].story: must be a story's UUID, or null for none",
    ),
    (
        "a database id in a practice session",
        lambda d: bad(d, ["practice_sessions", 0, "id"], 1),
        "practice_sessions[0]: unknown field 'id'",
    ),
    (
        "practice session without a rating",
        lambda d: bad(d, ["practice_sessions", 0, "rating"], DELETE),
        "practice_sessions[0]: missing field 'rating'",
    ),
    (
        "card box above the top",
        lambda d: bad(d, ["practice_cards", 0, "box"], 6),
        "practice_cards[0].box: must be between 1 and 5",
    ),
    (
        "card due on no date",
        lambda d: bad(d, ["practice_cards", 0, "due_on"], "next week"),
        "practice_cards[0].due_on: 'next week' is not a date like 2024-05-01",
    ),
    (
        "card last practised as a number",
        lambda d: bad(d, ["practice_cards", 1, "last_practised_on"], 20260302),
        "practice_cards[1].last_practised_on: must be a date like 2024-05-01",
    ),
    (
        "card last rating out of range",
        lambda d: bad(d, ["practice_cards", 2, "last_rating"], 9),
        "practice_cards[2].last_rating: must be between 1 and 5",
    ),
    (
        "card practised a negative number of times",
        lambda d: bad(d, ["practice_cards", 0, "times_practised"], -1),
        "practice_cards[0].times_practised: must be between 0 and 2147483647",
    ),
    (
        "card of an unknown question",
        lambda d: bad(d, ["practice_cards", 1, "question"], ["nope", 1]),
        'practice_cards[1].question: unknown question ["nope", 1]',
    ),
    (
        "card of a story not in the file",
        lambda d: bad(
            d,
            ["practice_cards", 2, "story"],
            "6f1c2b2e-0d7a-4f43-9a59-1f6f3c4b8e01",
        ),
        "practice_cards[2].story: '6f1c2b2e-0d7a-4f43-9a59-1f6f3c4b8e01' is not a "
        "story in this file",
    ),
    (
        "two cards for one question and story",
        lambda d: bad(d, ["practice_cards", 2], d["practice_cards"][0]),
        "practice_cards[2]: has the same question and story as practice_cards[0]",
    ),
    # The limits editing keeps.
    (
        "more revisions than a story keeps",
        lambda d: bad(
            d, ["stories", 0, "revisions"], d["stories"][0]["revisions"] * 26
        ),
        "stories[0].revisions: 52 revisions, at most 50 are kept per story",
    ),
    (
        "more stories than one import takes",
        lambda d: bad(d, ["stories"], d["stories"] * 334),
        "stories: the file holds 1002 stories; one import takes at most 1000.",
    ),
    # Numbers Python will not read.
    (
        "a 5,000-digit rating",
        lambda d: with_number(d, ["practice_sessions", 0, "rating"], 5000),
        "practice_sessions[0].rating: is a 5000-digit number; must be between 1 and 5",
    ),
    (
        "a 5,000-digit version",
        lambda d: with_number(d, ["version"], 5000),
        "version: this backup is version a 5000-digit number; this app reads "
        "versions 1 and 2.",
    ),
    (
        "a 5,000-digit number for a title",
        lambda d: with_number(d, ["stories", 0, "title"], 5000),
        "stories[0].title: must be a string",
    ),
    (
        "a 31-digit count",
        lambda d: with_number(d, ["practice_cards", 0, "times_practised"], 31),
        "practice_cards[0].times_practised: is a 31-digit number; must be between 0 "
        "and 2147483647",
    ),
    # Text no database here can store.
    (
        "a NUL in a section",
        lambda d: bad(d, ["stories", 0, "action"], "Shipped\x00it"),
        "stories[0].action: contains a NUL character (at character 8), which cannot "
        "be stored",
    ),
    (
        "a NUL in a revision",
        lambda d: bad(d, ["stories", 0, "revisions", 1, "title"], "\x00"),
        "stories[0].revisions[1].title: contains a NUL character (at character 1)",
    ),
    (
        "a NUL in a practice note",
        lambda d: bad(d, ["practice_sessions", 0, "note"], "ok\x00"),
        "practice_sessions[0].note: contains a NUL character (at character 3)",
    ),
    (
        "a lone surrogate in a title",
        lambda d: escaped(d, ["stories", 0, "title"], "Caught \ud83d drift"),
        "stories[0].title: contains a lone surrogate \\ud83d (at character 8), "
        "which is not valid Unicode text",
    ),
    (
        "a lone surrogate in an angle",
        lambda d: escaped(d, ["stories", 0, "themes", 0, "angle"], "\udc00"),
        "stories[0].themes[0].angle: contains a lone surrogate \\udc00",
    ),
    (
        "a lone surrogate in an own note",
        lambda d: escaped(d, ["own_notes", 0, "text"], "Ask \ud800"),
        "own_notes[0].text: contains a lone surrogate \\ud800 (at character 5)",
    ),
    (
        "a lone surrogate in a field's name",
        lambda d: escaped(d, ["stories", 0, "x\udfff"], 1),
        "stories[0]: unknown field 'x\\udfff'",
    ),
    (
        "a lone surrogate for a theme",
        lambda d: escaped(d, ["stories", 0, "themes", 0, "theme"], "\ud800"),
        "stories[0].themes[0]: unknown theme '\\ud800'",
    ),
]


@pytest.fixture(scope="class")
def shared(django_db_setup, django_db_blocker):
    """The bank, its file and its state, made once for a class of tests, each of
    which rolls back to them: making them for every row of the table below was most
    of its time."""
    with shared_rows(django_db_blocker):
        alice, bob = make_user("alice"), make_user("bob")
        make_bank(
            alice,
            bob,
            list(
                Theme.objects.filter(playbook__slug="ml-computer-vision").order_by(
                    "number"
                )
            ),
        )
        client = Client()
        client.force_login(alice)
        good = good_file(client)
        # Something that would change if any part were applied.
        Story.objects.filter(owner__username="alice").update(title="Changed since")
        yield {"alice": alice, "good": good, "before": everything()}


class TestBadFiles:
    @pytest.mark.parametrize(
        ("make", "message"),
        [pytest.param(make, message, id=name) for name, make, message in BAD_FILES],
    )
    def test_a_bad_file_is_refused_with_its_message_and_changes_nothing(
        self, shared, db, client, make, message
    ):
        client.force_login(shared["alice"])
        html = refused(client, make(copy.deepcopy(shared["good"])))
        assert escape(message) in html
        assert everything() == shared["before"]


def test_a_file_over_10_mb_is_refused(alice_client, bank):
    before = everything()
    big = (
        b'{"format": "interviewprep-backup", "pad": "'
        + b"x" * (10 * 1024 * 1024)
        + b'"}'
    )
    response = upload(alice_client, big, mode="merge")
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert everything() == before


def test_a_story_with_another_accounts_id_is_refused(alice_client, bob_client, bank):
    bobs = good_file(bob_client)
    assert bobs["stories"][0]["title"] == "Bob's story"
    before = everything()
    response = upload(alice_client, bobs, mode="merge")
    assert response.status_code == 400
    assert "belongs to another account" in response.content.decode()
    assert everything() == before


def test_another_accounts_id_is_named_by_its_place_in_the_file(
    alice_client, bob_client, bank
):
    data = good_file(alice_client)
    data["stories"][0]["title"] = ""
    bobs = good_file(bob_client)["stories"][0]
    data["stories"][1] = bobs
    html = upload(alice_client, data, mode="merge").content.decode()
    assert "stories[0].title: must not be empty" in html
    assert f"stories[1].uuid: &#x27;{bobs['uuid']}&#x27; belongs to another" in html


def test_a_story_id_another_account_takes_during_the_import_is_refused(
    alice_client, bob, bank, monkeypatch
):
    """Two accounts importing one file at once both pass validation (PostgreSQL
    does not serialise them); the unique id stops the second, which is told so as
    validation would have told it, and keeps nothing of its import."""
    data = good_file(alice_client)
    new = str(uuid.uuid4())
    data["stories"][2]["uuid"] = new
    validate, state = backup.validate, {}

    def validate_then_lose_the_race(data, user):
        clean = validate(data, user)
        make_story(bob, uuid=new, title="Bob's import, committed first")
        state["before"] = everything()
        return clean

    monkeypatch.setattr(backup, "validate", validate_then_lose_the_race)
    response = upload(alice_client, data, mode="replace")
    assert response.status_code == 400
    html = response.content.decode()
    assert f"stories[2].uuid: &#x27;{new}&#x27; belongs to another account" in html
    assert "nothing was changed" in html
    assert everything() == state["before"]


def test_a_story_may_bring_the_50_revisions_editing_keeps(alice_client, alice, bank):
    data = good_file(alice_client)
    revisions = data["stories"][0]["revisions"]
    data["stories"][0]["revisions"] = revisions * 25
    assert upload(alice_client, data, mode="replace").status_code == 302
    assert (
        Story.objects.get(
            owner=alice, uuid=data["stories"][0]["uuid"]
        ).revisions.count()
        == 50
    )


def test_practice_cannot_point_at_another_accounts_story(alice_client, bank):
    data = good_file(alice_client)
    bobs = str(Story.objects.get(title="Bob's story").uuid)
    data["practice_sessions"][3]["story"] = bobs
    data["practice_cards"][0]["story"] = bobs
    before = everything()
    response = upload(alice_client, data, mode="replace")
    assert response.status_code == 400
    html = response.content.decode()
    for where in ["practice_sessions[3]", "practice_cards[0]"]:
        assert f"{where}.story: &#x27;{bobs}&#x27; is not a story in this file" in html
    assert everything() == before
    assert PracticeSession.objects.filter(story__title="Bob's story").count() == 1


def test_practice_naming_a_refused_story_gets_no_second_message(alice_client, bank):
    data = good_file(alice_client)
    data["stories"][0]["title"] = ""
    html = upload(alice_client, data, mode="merge").content.decode()
    assert "stories[0].title: must not be empty" in html
    assert "is not a story in this file" not in html


def test_replace_cannot_reach_another_users_story_either(
    alice_client, bob_client, bank
):
    bobs = good_file(bob_client)
    before = everything()
    upload(alice_client, bobs, mode="replace")
    assert everything() == before


def test_a_backup_can_be_restored_into_an_empty_account(
    alice_client, bank, bob, client
):
    """A fresh account restores someone's file once their stories have new ids."""
    data = good_file(alice_client)
    fresh = Client()
    from tests.factories import make_user

    carol = make_user("carol")
    fresh.force_login(carol)
    Story.objects.filter(owner__username="alice").delete()
    assert upload(fresh, data).status_code == 302
    assert Story.objects.for_user(carol).count() == 3
    assert export(fresh) == backup.dumps(data).encode()


def test_merge_keeps_a_newer_story_and_adds_the_missing_ones(alice_client, alice, bank):
    data = good_file(alice_client)
    # The copy here moved on after the backup was taken.
    bank.apply_edit({"title": "Newer title"}, based_on=bank.version)
    Story.objects.filter(title="Bare draft").delete()
    response = upload(alice_client, data, mode="merge")
    assert response.status_code == 302
    titles = set(Story.objects.for_user(alice).values_list("title", flat=True))
    assert titles == {"Newer title", "In the trash", "Bare draft"}
    # Own questions and notes are not doubled.
    assert OwnQuestion.objects.for_user(alice).count() == 1
    assert OwnNote.objects.for_user(alice).count() == 1


def test_merge_updates_an_older_story_from_a_newer_backup(alice_client, alice, bank):
    data = good_file(alice_client)
    story = next(s for s in data["stories"] if s["uuid"] == str(bank.uuid))
    story["title"] = "Edited elsewhere"
    story["themes"] = [{"theme": "mentorship-growing-others", "angle": "Coaching"}]
    story["updated"] = (timezone.now() + timedelta(hours=1)).isoformat()
    upload(alice_client, data, mode="merge")
    bank.refresh_from_db()
    assert bank.title == "Edited elsewhere"
    assert list(bank.story_themes.values_list("theme__slug", "angle")) == [
        ("mentorship-growing-others", "Coaching")
    ]
    assert Story.objects.for_user(alice).count() == 3


def practice_state(user):
    """A user's practice log and schedule as the backup writes them."""
    data = backup.export_data(user)
    return data["practice_sessions"], data["practice_cards"]


def test_merging_the_same_backup_again_duplicates_no_practice(
    alice_client, alice, bank
):
    before = practice_state(alice)
    data = good_file(alice_client)
    assert upload(alice_client, data, mode="merge").status_code == 302
    assert upload(alice_client, data, mode="merge").status_code == 302
    assert practice_state(alice) == before
    assert PracticeSession.objects.for_user(alice).count() == 4


def test_merge_adds_the_practice_sessions_missing_here(alice_client, alice, bank):
    data = good_file(alice_client)
    # A round practised here after the backup; two rounds of the backup lost here.
    record_practice(alice, bank.questions.first(), bank, 5, 80)
    PracticeSession.objects.for_user(alice).filter(rating__in=[2, 3]).delete()
    upload(alice_client, data, mode="merge")
    ratings = sorted(
        PracticeSession.objects.for_user(alice).values_list("rating", flat=True)
    )
    assert ratings == [2, 3, 4, 5, 5]
    restored = PracticeSession.objects.get(owner=alice, rating=2)
    assert restored.story == bank and restored.duration_seconds == 95


def test_merge_keeps_two_rounds_begun_at_the_same_instant(alice_client, alice, bank):
    question = bank.questions.first()
    record_practice(alice, question, None, 1, 10, now=at(DAY, 14))
    record_practice(alice, question, None, 2, 20, now=at(DAY, 14))
    data = good_file(alice_client)
    PracticeSession.objects.for_user(alice).filter(rating=1).delete()
    upload(alice_client, data, mode="merge")
    assert (
        PracticeSession.objects.for_user(alice).filter(started_at=at(DAY, 14)).count()
        == 2
    )
    upload(alice_client, data, mode="merge")
    assert PracticeSession.objects.for_user(alice).count() == 6


def test_merge_keeps_the_newer_state_of_a_card(alice_client, alice, bank):
    data = good_file(alice_client)
    question = bank.questions.first()
    # Practised here after the backup: this card is newer than the file's.
    later = DAY + timedelta(days=6)
    record_practice(alice, question, bank, 5, 90, today=later, now=at(later))
    # Practised elsewhere after the backup: the file's card is newer than this one.
    storyless = next(c for c in data["practice_cards"] if c["story"] is None)
    storyless.update(
        box=4, due_on="2026-04-01", last_rating=5, last_practised_on="2026-03-18"
    )
    storyless["times_practised"] += 3
    # A card the file holds that is gone here comes back.
    trashed = Story.objects.get(title="In the trash")
    PracticeCard.objects.filter(story=trashed).delete()

    upload(alice_client, data, mode="merge")
    kept = PracticeCard.objects.get(owner=alice, story=bank)
    assert (kept.box, kept.due_on, kept.last_rating, kept.times_practised) == (
        3,
        later + timedelta(days=7),
        5,
        3,
    )
    taken = PracticeCard.objects.get(owner=alice, story=None)
    assert (taken.box, taken.due_on, taken.last_rating, taken.times_practised) == (
        4,
        date(2026, 4, 1),
        5,
        4,
    )
    assert PracticeCard.objects.filter(story=trashed).exists()
    assert PracticeCard.objects.for_user(alice).count() == 3


def test_merge_takes_a_card_practised_more_often_on_the_same_day(
    alice_client, alice, bank
):
    data = good_file(alice_client)
    card = next(c for c in data["practice_cards"] if c["story"] == str(bank.uuid))
    card.update(times_practised=card["times_practised"] + 1, box=3)
    upload(alice_client, data, mode="merge")
    assert PracticeCard.objects.get(owner=alice, story=bank).box == 3
    card.update(times_practised=1, box=5)
    upload(alice_client, data, mode="merge")
    assert PracticeCard.objects.get(owner=alice, story=bank).box == 3


def test_replace_replaces_the_practice_log_and_schedule(alice_client, alice, bank):
    data = good_file(alice_client)
    data["practice_sessions"] = data["practice_sessions"][:1]
    data["practice_cards"] = [c for c in data["practice_cards"] if c["story"] is None]
    record_practice(alice, bank.questions.last(), bank, 5, 30)
    upload(alice_client, data, mode="replace")
    assert practice_state(alice) == (
        data["practice_sessions"],
        data["practice_cards"],
    )
    bob_rounds = PracticeSession.objects.filter(owner__username="bob")
    assert bob_rounds.count() == 1 and bob_rounds.get().story.title == "Bob's story"
    assert PracticeCard.objects.filter(owner__username="bob").count() == 1


def test_replace_removes_what_the_backup_does_not_hold(alice_client, alice, bank):
    data = good_file(alice_client)
    data["stories"] = [s for s in data["stories"] if s["title"] == "Bare draft"]
    data["own_notes"] = []
    # Practice may only name stories in the file: keep the rounds without a story.
    data["practice_sessions"] = [p for p in data["practice_sessions"] if not p["story"]]
    data["practice_cards"] = [c for c in data["practice_cards"] if not c["story"]]
    make_story(alice, title="Written after the backup")
    upload(alice_client, data, mode="replace")
    assert list(Story.objects.for_user(alice).values_list("title", flat=True)) == [
        "Bare draft"
    ]
    assert not OwnNote.objects.for_user(alice).exists()
    assert Story.objects.filter(title="Bob's story").exists()
    assert OwnNote.objects.filter(text="Bob's note").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"null",
        b"{}",
        b'{"format": "interviewprep-backup", "version": 1}',
        b'{"format": "interviewprep-backup", "version": true}',
        b'{"format": "interviewprep-backup", "version": 1, "stories": [null, 1, "x", []],'
        b' "own_questions": {}, "own_notes": [{"text": [], "created": 5}]}',
        b'{"format": "interviewprep-backup", "version": 1, "stories": [{"uuid": 5,'
        b' "themes": [{"theme": ["x"], "angle": null}], "questions": [[{"a": 1}]],'
        b' "checked_points": "x", "revisions": [7]}], "own_questions": [], "own_notes": []}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"format": "interviewprep-backup", "version": 1e999}',
        b"NaN",
        b'{"format": "interviewprep-backup", "version": 1, "stories": [],'
        b' "own_questions": [], "own_notes": [], "practice_sessions": [null, {"question":'
        b' [[]], "story": [], "started_at": 1, "duration_seconds": 1e9, "rating": 2.5,'
        b' "note": {}}], "practice_cards": [{"question": ["x", 1], "story": "x",'
        b' "box": true, "due_on": null, "last_rating": "", "last_practised_on": [],'
        b' "times_practised": null}, 3]}',
        b"9" * 5000,
        b"-" + b"9" * 5000,
        b"[" + b"1" * 5000 + b".5e99999]",
        b'{"format": "interviewprep-backup", "version": 1, "stories": ['
        + b"7" * 9000
        + b', {"uuid": '
        + b"7" * 9000
        + b"}]}",
    ],
)
def test_no_input_causes_a_server_error(alice_client, bank, content):
    before = everything()
    response = upload(alice_client, content, mode="merge")
    assert response.status_code == 400
    assert everything() == before


def test_a_missing_file_or_mode_is_explained(alice_client, bank):
    response = alice_client.post(reverse("backup:import"), {"mode": "merge"})
    assert "Choose a backup file" in response.content.decode()
    response = upload(alice_client, good_file(alice_client), mode="sideways")
    assert "Choose merge or replace" in response.content.decode()


def test_import_needs_the_csrf_token(alice, bank):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = upload(client, b"{}")
    assert response.status_code == 403


def test_the_backup_page_offers_merge_or_replace_only_when_there_is_data(
    alice_client, alice, playbook
):
    html = alice_client.get(reverse("backup:index")).content.decode()
    assert 'name="mode"' not in html
    make_story(alice)
    html = alice_client.get(reverse("backup:index")).content.decode()
    assert 'value="merge"' in html and 'value="replace"' in html


def test_logged_out_visitors_cannot_export(client, playbook):
    response = client.get(reverse("backup:export"))
    assert response.status_code == 302


def test_validation_resolves_references_by_natural_key(alice, themes):
    question = SampleQuestion.objects.filter(theme=themes[0]).first()
    now = timezone.now().isoformat()
    data = {
        "format": "interviewprep-backup",
        "version": 1,
        "stories": [
            {
                "uuid": "6f1c2b2e-0d7a-4f43-9a59-1f6f3c4b8e01",
                "title": "T",
                **dict.fromkeys(
                    ["summary", "situation", "task", "action", "result", "reflection"],
                    "",
                ),
                **dict.fromkeys(["company", "role", "period"], ""),
                "status": "draft",
                "version": 1,
                "created": now,
                "updated": now,
                "deleted_at": None,
                "themes": [],
                "questions": [list(question.natural_key())],
                "checked_points": [],
                "revisions": [],
            }
        ],
        "own_questions": [],
        "own_notes": [],
        "practice_sessions": [
            {
                "question": list(question.natural_key()),
                "story": "6f1c2b2e-0d7a-4f43-9a59-1f6f3c4b8e01",
                "started_at": now,
                "duration_seconds": 120,
                "rating": 4,
                "note": "",
            }
        ],
        "practice_cards": [],
    }
    clean = backup.validate(data, alice)
    assert clean.stories[0].questions == [question]
    assert clean.practice_sessions[0]["question"] == question


def test_an_account_with_only_practice_data_is_offered_merge_or_replace(
    alice_client, alice, playbook
):
    record_practice(
        alice,
        SampleQuestion.objects.filter(
            theme__playbook__slug="ml-computer-vision"
        ).first(),
        None,
        3,
        60,
    )
    html = alice_client.get(reverse("backup:index")).content.decode()
    assert 'value="merge"' in html and 'value="replace"' in html


def test_the_import_message_counts_practice_too(alice_client, alice, bank):
    data = good_file(alice_client)
    PracticeSession.objects.for_user(alice).delete()
    response = upload(alice_client, data, mode="merge")
    assert response.status_code == 302, response.content.decode()
    page = alice_client.get(response["Location"]).content.decode()
    assert "4 practice rounds added" in page


# Limits: an import holds every limit editing holds, in bounded time. ----------


def many_stories(data, count):
    """`data` with its first story copied `count` times under new ids, and a
    practice round on each."""
    data = copy.deepcopy(data)
    first = data["stories"][0]
    data["stories"] = [first | {"uuid": str(uuid.uuid4())} for _ in range(count)]
    round_ = data["practice_sessions"][0]
    data["practice_sessions"] = [
        round_
        | {
            "story": story["uuid"],
            "started_at": at(DAY + timedelta(days=i)).isoformat(),
        }
        for i, story in enumerate(data["stories"])
    ]
    data["practice_cards"] = []
    return data


@pytest.mark.parametrize("mode", ["replace", "merge"])
@pytest.mark.parametrize("count", [3, 300])
def test_an_import_takes_a_bounded_number_of_queries(
    alice_client, alice, bank, django_assert_max_num_queries, count, mode
):
    data = many_stories(good_file(alice_client), count)
    backup.restore(backup.validate(data, alice), alice, backup.Mode.REPLACE)
    # Newer than the copies here, so a merge rewrites every story.
    for story in data["stories"]:
        story["updated"] = "2030-01-01T00:00:00+00:00"
    # The session and user; the playbook's themes, questions and points; the ids
    # other accounts hold. Then in one transaction: the user row lock; (replace) the
    # deletes of practice, own texts, stories and their rows (the loop plans' too),
    # and (the file is version 2) eleven of own themes, questions, the set, hidden
    # questions, jobs and their loops
    # (test_backup_v2 counts what those add); the stories here; (merge) the deletes
    # of the updated stories' rows and one executemany UPDATE; the inserts of the
    # set (replace), stories, tags, questions, points, revisions and follow-ups
    # (one executemany each); own questions and notes; practice; a replace also
    # deletes the loops, and unlinks recordings from the rounds and own questions
    # it deletes (two), the debriefs and mock interviews (three) and the links
    # to the stories replaced from debriefs and mock steps (two), and the matcher's dismissals of the jobs and of the
    # stories replaced (two). At most 67 queries at 3 or 300 stories on SQLite: SQLite
    # takes at most 999 values a statement, so more rows come in more batches,
    # never a query per story.
    with django_assert_max_num_queries(67):
        response = upload(alice_client, data, mode=mode)
    assert response.status_code == 302
    assert Story.objects.for_user(alice).count() == count
    assert Revision.objects.filter(story__owner=alice).count() == 2 * count
    assert PracticeSession.objects.for_user(alice).count() == count


def test_an_import_brings_back_every_row_of_every_story(alice_client, alice, bank):
    """The bulk inserts leave out nothing: export → import → export is the same."""
    data = many_stories(good_file(alice_client), 5)
    assert upload(alice_client, data, mode="replace").status_code == 302
    # The copies were all created at one instant, so the export orders them by id.
    data["stories"].sort(key=lambda story: story["uuid"])
    assert good_file(alice_client) == data


def test_the_page_states_the_limits_an_import_holds(alice_client, bank):
    html = alice_client.get(reverse("backup:index")).content.decode()
    assert "at most 1,000 stories and the last 50 revisions of each" in html


# ---- Lead stories -------------------------------------------------------------------


def leads_of(user):
    return sorted(
        StoryTheme.objects.filter(story__owner=user, is_lead=True).values_list(
            "story__title", "theme__number"
        )
    )


def test_a_backup_without_lead_stories_says_nothing_of_leads(alice_client, bank):
    assert b'"lead"' not in export(alice_client)


def test_a_lead_story_is_marked_on_its_theme_and_comes_back(
    alice_client, alice, bank, themes
):
    bank.make_lead(themes[1])
    first = export(alice_client)
    story = next(s for s in json.loads(first)["stories"] if s["uuid"] == str(bank.uuid))
    assert story["themes"][1] == {
        "theme": themes[1].slug,
        "angle": "Leading the fix",
        "lead": True,
    }
    assert "lead" not in story["themes"][0]

    assert upload(alice_client, first, mode="replace").status_code == 302
    assert leads_of(alice) == [("Caught a silent drift", 2)]
    assert export(alice_client) == first


def test_a_merged_lead_replaces_the_accounts_lead_for_that_theme(
    alice_client, alice, bank, themes
):
    bank.make_lead(themes[0])
    data = good_file(alice_client)
    other = make_story(alice, themes=[themes[0]], title="Led here since")
    other.make_lead(themes[0])
    # The backup's copy is newer, so the merge writes it, lead and all.
    story = next(s for s in data["stories"] if s["uuid"] == str(bank.uuid))
    story["updated"] = (timezone.now() + timedelta(hours=1)).isoformat()
    assert upload(alice_client, data, mode="merge").status_code == 302
    assert leads_of(alice) == [("Caught a silent drift", 1)]


def test_two_leads_for_one_theme_in_a_file_are_refused(alice_client, bank, themes):
    data = good_file(alice_client)
    stories = data["stories"]
    stories[0]["themes"] = [{"theme": themes[0].slug, "angle": "", "lead": True}]
    stories[1]["themes"] = [{"theme": themes[0].slug, "angle": "", "lead": True}]
    before = everything()
    response = upload(alice_client, data, mode="replace")
    assert response.status_code == 400
    assert "a theme has one lead story" in response.content.decode()
    assert everything() == before


def test_a_lead_that_is_not_true_or_false_is_refused(alice_client, bank):
    data = bad(good_file(alice_client), ["stories", 0, "themes", 0, "lead"], "yes")
    response = upload(alice_client, data, mode="replace")
    assert response.status_code == 400
    assert "stories[0].themes[0].lead: must be true or false" in (
        response.content.decode()
    )


def test_replace_leaves_nothing_of_the_old_stories_behind(alice_client, alice, bob):
    """The replaced stories go with their revisions, tags, answered questions and
    ticked points, deleted table by table; another user's are untouched."""
    from stories.models import Revision, StoryQuestion, StoryTheme
    from themes.models import SampleQuestion, Theme, ThemePoint

    theme = Theme.objects.for_user(alice).first()
    question = SampleQuestion.objects.filter(theme=theme, owner=None).first()
    point = ThemePoint.objects.filter(theme=theme).first()

    def bank_of(user, title):
        story = make_story(user, themes=[theme], questions=[question], title=title)
        story.checked_points.set([point])
        for n in range(3):
            story.apply_edit({"situation": f"take {n}"}, story.version)
        return story

    old = bank_of(alice, "Replaced")
    bobs = bank_of(bob, "Bob's story")
    data = good_file(alice_client)
    data["stories"] = []
    data["practice_sessions"] = [p for p in data["practice_sessions"] if not p["story"]]
    data["practice_cards"] = [c for c in data["practice_cards"] if not c["story"]]
    assert upload(alice_client, data, mode="replace").status_code == 302
    assert not Story.objects.filter(pk=old.pk).exists()
    for model in (Revision, StoryTheme, StoryQuestion, Story.checked_points.through):
        assert not model.objects.filter(story_id=old.pk).exists(), model
        assert model.objects.filter(story_id=bobs.pk).exists(), model
