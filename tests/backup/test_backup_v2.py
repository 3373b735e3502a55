"""Backup format 2: own themes and questions, the set of themes, hidden questions,
jobs and question angles; and the version 1 files made before them still restore.

The whole suite runs on SQLite and on PostgreSQL (scripts/test.sh), so each round
trip here is checked on both."""

import copy
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from backup import archive as backup
from jobs.models import Job
from loops.models import ROUNDS_MAX, Assignment, DebriefEntry, Round
from matcher.models import Dismissal
from mock.models import MockInterview, MockStep
from practice.models import PracticeCard, PracticeSession
from practice.scheduling import record_practice
from prepsheet.models import OwnNote, OwnQuestion
from recordings.models import Recording
from sharing.models import ShareRules
from stories.models import Revision, Story, StoryQuestion, StoryTheme
from tests.backup.test_backup import DELETE, bad, export, refused, upload
from tests.factories import make_round, make_story, make_user, shared_rows
from themes.models import (
    HiddenQuestion,
    SampleQuestion,
    StarPrompt,
    Theme,
    ThemePoint,
    UserTheme,
)

ML = [
    "handling-model-failures-in-production",
    "technical-leadership-cross-team-collaboration",
    "dealing-with-ambiguous-requirements",
    "technical-deep-dives-problem-solving",
    "mentorship-growing-others",
]


def make_theme(owner, title, **fields):
    theme = Theme.objects.create(
        owner=owner, slug=Theme.unique_slug(owner, title), title=title, **fields
    )
    theme.add_to_set(owner)
    return theme


def own_question(owner, theme, position, text):
    return SampleQuestion.objects.create(
        owner=owner, theme=theme, position=position, text=text
    )


def at(day, hour=9):
    return datetime(day.year, day.month, day.day, hour, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def built_in(playbook):
    return {t.slug: t for t in Theme.objects.built_in()}


@pytest.fixture
def bank(alice, bob, built_in):
    return make_bank(alice, bob, built_in)


def make_bank(alice, bob, built_in):
    """Alice's own themes, questions, set, hidden questions and jobs, with a story
    and practice that use them; Bob's own of each, which her backup must not hold."""
    failures, leadership = built_in[ML[0]], built_in[ML[1]]
    shipping = make_theme(
        alice,
        "Shipping under pressure",
        description="Deadlines — “real” ones 🚀",
        target_min=1,
        target_max=4,
    )
    shipping.star_prompts.create(section="result", text="What shipped, and when")
    shipping.star_prompts.create(section="situation", text="The deadline")
    shipping.points.create(kind="key_point", position=1, text="Name the trade-off")
    shipping.points.create(kind="framework", position=2, text="Scope, then quality")
    shipping.points.create(kind="framework", position=1, text="Say what you cut")
    hiring = make_theme(alice, "Hiring well")
    on_built_in = own_question(alice, failures, 1, "What broke at 3 a.m.?")
    first_own = own_question(alice, shipping, 1, "Tell me about a deadline you met.")
    own_question(alice, shipping, 2, "Tell me about a deadline you missed.")

    story = make_story(
        alice,
        title="Shipped the detector on time",
        situation="The launch was fixed.",
        status=Story.Status.READY,
    )
    story.tag(failures, angle="The rollback plan")
    story.tag(shipping, angle="Under a deadline")
    story.make_lead(shipping)
    built_in_question = failures.questions.get(owner=None, position=1)
    StoryQuestion.objects.create(
        story=story, question=built_in_question, angle="Lead with the page"
    )
    StoryQuestion.objects.create(story=story, question=on_built_in)
    StoryQuestion.objects.create(story=story, question=first_own, angle="Scope cut")
    story.checked_points.set(
        [
            ThemePoint.objects.get(theme=failures, kind="framework", position=1),
            shipping.points.get(kind="framework", position=2),
        ]
    )
    story.apply_edit({"summary": "Cut scope, kept the date"}, based_on=1)

    # A custom order: the fourth theme first, the second hidden, own themes between.
    choices = {c.theme.slug: c for c in UserTheme.objects.filter(owner=alice)}
    for slug, position in [
        (ML[3], 1),
        (ML[0], 2),
        (shipping.slug, 3),
        (ML[1], 4),
        (ML[2], 5),
        (hiring.slug, 6),
        (ML[4], 7),
    ]:
        choices[slug].position = position
        choices[slug].hidden = slug == ML[1]
        choices[slug].save()
    HiddenQuestion.objects.create(
        owner=alice, question=leadership.questions.filter(owner=None).first()
    )
    HiddenQuestion.objects.create(
        owner=alice, question=shipping.questions.get(position=2)
    )

    acme = Job.objects.create(
        owner=alice,
        company="Acme",
        role="Senior ML Engineer",
        level="L5",
        interview_date=date(2026, 12, 14),
        description="We ship **detectors**.\n\n- on-call\n",
        status=Job.Status.INTERVIEWING,
    )
    acme.themes.set([failures, shipping])
    Job.objects.create(owner=alice, company="Beta", role="Staff Engineer")
    # Acme's loop: a round probing a built-in and an own theme, one of them planned,
    # and a round planned with a theme the job does not list.
    onsite = make_round(
        acme,
        themes=[failures, shipping],
        name="Onsite — ML “deep dive”",
        interviewer="Dana Xu",
        date=date(2026, 12, 14),
        time=time(10, 30),
    )
    onsite.assign(shipping, story)
    screen = make_round(acme, themes=[leadership], name="Phone screen")
    screen.assign(leadership, story)
    ShareRules.objects.create(
        owner=alice,
        companies="Acme = a large retailer\nInitech",
        default_company="a former employer",
        names="Priya Sharma",
        secrets="Falcon = an internal project",
    )

    # The onsite was held: a question of her own told with the story, and one
    # whose story she deleted since (its title stays). Rows as the debrief writes
    # them; the practice cards it makes are practice's, below.
    held = date(2026, 12, 14)
    DebriefEntry.objects.create(
        round=onsite,
        question_text=first_own.text,
        theme=shipping,
        question=first_own,
        story=story,
        story_title=story.title,
        rating=4,
        note="Kept it — “short” 🚀",
        created=at(held, 11),
    )
    DebriefEntry.objects.create(
        round=onsite,
        question_text="Why this company?",
        story_title="A story since deleted",
        rating=2,
        created=at(held, 12),
    )
    Dismissal.objects.create(
        job=acme, requirement_key="0f" * 16, story=story, created=at(held, 8)
    )
    day = date(2026, 3, 2)
    # A mock interview for Acme: the first answer given and followed up, the
    # second asked, not answered.
    mock = MockInterview.objects.create(
        owner=alice, job=acme, title="Acme mock", target_seconds=90, created=at(day, 8)
    )
    MockStep.objects.create(
        interview=mock,
        position=1,
        question=first_own,
        question_text=first_own.text,
        theme_title=shipping.title,
        story=story,
        started_at=at(day, 8),
        answered_at=at(day, 8) + timedelta(seconds=95),
        rating=5,
        spoken_seconds=80,
        followups=[
            {
                "question": "What did you cut?",
                "answer": "The “nice” UI",
                "ladder": True,
            },
            {"question": "What would you change?", "answer": "", "ladder": False},
        ],
        done_at=at(day, 8) + timedelta(seconds=200),
    )
    MockStep.objects.create(
        interview=mock,
        position=2,
        question=built_in_question,
        question_text=built_in_question.text,
        theme_title=failures.title,
        started_at=at(day, 8) + timedelta(seconds=200),
    )
    record_practice(alice, first_own, story, 4, 90, today=day, now=at(day))
    record_practice(alice, on_built_in, None, 2, 30, today=day, now=at(day, 10))

    secret = make_theme(bob, "Bob's secret theme")
    own_question(bob, failures, 1, "Bob's own question")
    bobs_job = Job.objects.create(
        owner=bob, company="Bob's employer", role="Bob's role"
    )
    bobs_story = make_story(bob, themes=[secret], title="Bob's story")
    bobs_round = make_round(bobs_job, themes=[secret], name="Bob's round")
    bobs_round.assign(secret, bobs_story)
    DebriefEntry.log(bobs_round, "Bob's own question", failures, bobs_story, 3)
    Dismissal.objects.create(job=bobs_job, requirement_key="b0b", story=bobs_story)
    MockInterview.start(bob, [SampleQuestion.objects.get(text="Bob's own question")])
    ShareRules.objects.create(owner=bob, names="Bob's colleague")
    return story


def everything():
    """Every user's data, to show a refused import changed nothing."""
    return {
        user.username: backup.dumps(backup.export_data(user))
        for user in get_user_model().objects.order_by("username")
    } | {
        "counts": [
            model.objects.count()
            for model in (
                Story,
                StoryTheme,
                StoryQuestion,
                Story.checked_points.through,
                Revision,
                Theme,
                StarPrompt,
                ThemePoint,
                SampleQuestion,
                UserTheme,
                HiddenQuestion,
                Job,
                Job.themes.through,
                Round,
                Round.themes.through,
                Assignment,
                DebriefEntry,
                Dismissal,
                MockInterview,
                MockStep,
                ShareRules,
                OwnQuestion,
                OwnNote,
                PracticeSession,
                PracticeCard,
            )
        ]
    }


def fresh_client(username="carol", playbook="ml-computer-vision"):
    from django.test import Client

    client = Client()
    client.force_login(make_user(username, playbook=playbook))
    return client


# Round trips --------------------------------------------------------------------


def test_a_v2_backup_restores_into_a_fresh_account_byte_identical(
    alice_client, alice, bank
):
    first = export(alice_client)
    # Story ids are unique across accounts: a fresh account takes them once they are
    # gone from this one (as a move from one server to another does).
    Story.objects.for_user(alice).delete()
    carol = fresh_client()
    assert upload(carol, first, mode="replace").status_code == 302
    assert export(carol) == first


def test_a_v2_backup_restored_over_itself_is_byte_identical(alice_client, alice, bank):
    first = export(alice_client)
    assert upload(alice_client, first, mode="replace").status_code == 302
    assert export(alice_client) == first
    assert upload(alice_client, first, mode="merge").status_code == 302
    assert export(alice_client) == first


def test_the_backup_holds_own_content_by_key_and_built_in_content_by_natural_key(
    alice_client, bank
):
    data = json.loads(export(alice_client))
    assert data["version"] == 2
    assert data["themes"] == [
        {
            "slug": "hiring-well",
            "title": "Hiring well",
            "description": "",
            "target_min": 2,
            "target_max": 3,
            "star_prompts": [],
            "points": [],
        },
        {
            "slug": "shipping-under-pressure",
            "title": "Shipping under pressure",
            "description": "Deadlines — “real” ones 🚀",
            "target_min": 1,
            "target_max": 4,
            # In the order of a STAR answer; points by kind, then position.
            "star_prompts": [
                {"section": "situation", "text": "The deadline"},
                {"section": "result", "text": "What shipped, and when"},
            ],
            "points": [
                {"kind": "framework", "position": 1, "text": "Say what you cut"},
                {"kind": "framework", "position": 2, "text": "Scope, then quality"},
                {"kind": "key_point", "position": 1, "text": "Name the trade-off"},
            ],
        },
    ]
    own = {"own": "shipping-under-pressure"}
    assert data["sample_questions"] == [
        {"theme": ML[0], "position": 1, "text": "What broke at 3 a.m.?"},
        {"theme": own, "position": 1, "text": "Tell me about a deadline you met."},
        {"theme": own, "position": 2, "text": "Tell me about a deadline you missed."},
    ]
    story = data["stories"][0]
    assert story["themes"] == [
        {"theme": ML[0], "angle": "The rollback plan"},
        {"theme": own, "angle": "Under a deadline", "lead": True},
    ]
    assert story["questions"] == [
        {"question": [ML[0], 1], "angle": "Lead with the page"},
        {"question": {"own": 0}, "angle": ""},
        {"question": {"own": 1}, "angle": "Scope cut"},
    ]
    assert story["checked_points"] == [[ML[0], "framework", 1], [own, "framework", 2]]
    assert data["theme_set"] == [
        {"theme": theme, "position": i, "hidden": theme == ML[1]}
        for i, theme in enumerate(
            [ML[3], ML[0], own, ML[1], ML[2], {"own": "hiring-well"}, ML[4]], 1
        )
    ]
    assert data["hidden_questions"] == [[ML[1], 1], {"own": 2}]
    acme, beta = data["jobs"]
    assert acme == {
        "company": "Acme",
        "role": "Senior ML Engineer",
        "level": "L5",
        "interview_date": "2026-12-14",
        "description": "We ship **detectors**.\n\n- on-call\n",
        "status": "interviewing",
        "themes": [ML[0], own],
        "created": acme["created"],
        "updated": acme["updated"],
        # In date order; each pick names its theme and the file's story.
        "rounds": [
            {
                "name": "Phone screen",
                "interviewer": "",
                "date": "2026-12-10",
                "time": "14:00:00",
                "created": acme["rounds"][0]["created"],
                "themes": [ML[1]],
                "stories": [{"theme": ML[1], "story": str(bank.uuid)}],
            },
            {
                "name": "Onsite — ML “deep dive”",
                "interviewer": "Dana Xu",
                "date": "2026-12-14",
                "time": "10:30:00",
                "created": acme["rounds"][1]["created"],
                "themes": [ML[0], own],
                "stories": [{"theme": own, "story": str(bank.uuid)}],
                # The questions asked, in order; the story told by its uuid (none
                # once deleted: its title stays), the theme and question by key.
                "debrief": [
                    {
                        "question_text": "Tell me about a deadline you met.",
                        "theme": own,
                        "question": {"own": 1},
                        "story": str(bank.uuid),
                        "story_title": "Shipped the detector on time",
                        "rating": 4,
                        "note": "Kept it — “short” 🚀",
                        "created": "2026-12-14T11:30:15.123456+00:00",
                    },
                    {
                        "question_text": "Why this company?",
                        "theme": None,
                        "question": None,
                        "story": None,
                        "story_title": "A story since deleted",
                        "rating": 2,
                        "note": "",
                        "created": "2026-12-14T12:30:15.123456+00:00",
                    },
                ],
            },
        ],
        "dismissals": [
            {
                "requirement_key": "0f" * 16,
                "story": str(bank.uuid),
                "created": "2026-12-14T08:30:15.123456+00:00",
            }
        ],
    }
    # The job by its index in "jobs"; each step as the mock ran it.
    [mock] = data["mock_interviews"]
    assert mock == {
        "job": 0,
        "title": "Acme mock",
        "target_seconds": 90,
        "created": "2026-03-02T08:30:15.123456+00:00",
        "finished_at": None,
        "steps": [
            {
                "position": 1,
                "question": {"own": 1},
                "question_text": "Tell me about a deadline you met.",
                "theme_title": "Shipping under pressure",
                "story": str(bank.uuid),
                "started_at": "2026-03-02T08:30:15.123456+00:00",
                "answered_at": "2026-03-02T08:31:50.123456+00:00",
                "rating": 5,
                "spoken_seconds": 80,
                "followups": [
                    {
                        "question": "What did you cut?",
                        "answer": "The “nice” UI",
                        "ladder": True,
                    },
                    {
                        "question": "What would you change?",
                        "answer": "",
                        "ladder": False,
                    },
                ],
                "done_at": "2026-03-02T08:33:35.123456+00:00",
            },
            mock["steps"][1] | {"position": 2, "question": [ML[0], 1], "rating": None},
        ],
    }
    assert data["share_rules"] == {
        "companies": "Acme = a large retailer\nInitech",
        "default_company": "a former employer",
        "names": "Priya Sharma",
        "secrets": "Falcon = an internal project",
    }
    assert beta["themes"] == [] and beta["interview_date"] is None
    assert "rounds" not in beta
    assert [s["question"] for s in data["practice_sessions"]] == [
        {"own": 1},
        {"own": 0},
    ]


def test_the_backup_holds_nothing_of_another_users(alice_client, alice, bank):
    # Even a link no page makes, from Alice's story to Bob's theme and question.
    secret = Theme.objects.get(owner__username="bob")
    StoryTheme.objects.create(story=bank, theme=secret)
    StoryQuestion.objects.create(
        story=bank, question=SampleQuestion.objects.get(owner__username="bob")
    )
    body = export(alice_client).decode()
    assert "Bob" not in body and "bob" not in body
    assert '"owner"' not in body and '"id"' not in body
    assert len(json.loads(body)["sample_questions"]) == 3


# Version 1 ----------------------------------------------------------------------

# A version 1 backup exactly as the exporter wrote it before version 2 (generated
# then, and pasted here): a lead story with two themes, an angle, a question, two
# ticked points and a revision; a story in the trash; an own question to ask, a
# note, a practice round and its card.
V1_FILE = """{
  "format": "interviewprep-backup",
  "own_notes": [
    {
      "created": "2026-11-30T18:38:45.281858+00:00",
      "text": "Ask about the refresher grant"
    }
  ],
  "own_questions": [
    {
      "created": "2026-11-30T18:38:45.281595+00:00",
      "text": "How is on-call shared?"
    }
  ],
  "practice_cards": [
    {
      "box": 2,
      "due_on": "2026-03-05",
      "last_practised_on": "2026-03-02",
      "last_rating": 4,
      "question": [
        "handling-model-failures-in-production",
        1
      ],
      "story": "44a6add0-144b-40a6-93ec-47b21b15b0a1",
      "times_practised": 1
    }
  ],
  "practice_sessions": [
    {
      "duration_seconds": 95,
      "note": "Good",
      "question": [
        "handling-model-failures-in-production",
        1
      ],
      "rating": 4,
      "started_at": "2026-03-02T09:30:15.123456+00:00",
      "story": "44a6add0-144b-40a6-93ec-47b21b15b0a1"
    }
  ],
  "stories": [
    {
      "action": "Rolled back, then retrained.",
      "checked_points": [
        [
          "handling-model-failures-in-production",
          "framework",
          1
        ],
        [
          "handling-model-failures-in-production",
          "framework",
          2
        ]
      ],
      "company": "Acme",
      "created": "2026-11-30T18:38:45.270535+00:00",
      "deleted_at": null,
      "period": "2023",
      "questions": [
        [
          "handling-model-failures-in-production",
          1
        ]
      ],
      "reflection": "Learned",
      "result": "Recall 71% → 94%",
      "revisions": [
        {
          "action": "Rolled back, then retrained.",
          "created": "2026-11-30T18:38:45.278975+00:00",
          "reflection": "Learned",
          "result": "Recall 71% → 94%",
          "situation": "The detector drifted — “quietly”.",
          "summary": "One line",
          "task": "Task",
          "title": "Caught a silent drift",
          "version": 1
        }
      ],
      "role": "ML Engineer",
      "situation": "The detector drifted — “quietly”.",
      "status": "ready",
      "summary": "One line",
      "task": "Task",
      "themes": [
        {
          "angle": "",
          "lead": true,
          "theme": "handling-model-failures-in-production"
        },
        {
          "angle": "Leading the fix",
          "theme": "technical-leadership-cross-team-collaboration"
        }
      ],
      "title": "Caught a silent drift early",
      "updated": "2026-11-30T18:38:45.277739+00:00",
      "uuid": "44a6add0-144b-40a6-93ec-47b21b15b0a1",
      "version": 2
    },
    {
      "action": "",
      "checked_points": [],
      "company": "",
      "created": "2026-11-30T18:38:45.280411+00:00",
      "deleted_at": "2026-11-30T18:38:45.281269+00:00",
      "period": "",
      "questions": [],
      "reflection": "",
      "result": "",
      "revisions": [],
      "role": "",
      "situation": "",
      "status": "draft",
      "summary": "",
      "task": "",
      "themes": [],
      "title": "In the trash",
      "updated": "2026-11-30T18:38:45.280414+00:00",
      "uuid": "e6af3f0e-a388-4e2a-af5c-b682aefab68f",
      "version": 1
    }
  ],
  "version": 1
}
"""


def as_version_2(v1):
    """What a version 2 export says of the account a version 1 file restored into,
    where that account had nothing of its own: the same, and no angles."""
    data = json.loads(v1)
    data["version"] = 2
    for story in data["stories"]:
        story["questions"] = [{"question": q, "angle": ""} for q in story["questions"]]
    data |= {"themes": [], "sample_questions": [], "hidden_questions": [], "jobs": []}
    return data


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_a_version_1_file_still_restores(alice_client, alice, playbook, mode):
    before_set = export_set(alice)
    response = upload(alice_client, V1_FILE.encode(), mode=mode)
    assert response.status_code == 302
    data = json.loads(export(alice_client))
    # The set is the account's own, as it was: a version 1 file says nothing of it.
    assert data.pop("theme_set") == before_set
    assert data == as_version_2(V1_FILE)
    story = Story.objects.get(owner=alice, title="Caught a silent drift early")
    assert story.revisions.count() == 1
    assert StoryTheme.objects.get(story=story, is_lead=True).theme.slug == ML[0]


def export_set(user):
    return backup.export_data(user)["theme_set"]


def test_a_version_1_file_invents_no_set_for_an_account_without_one(playbook):
    client = fresh_client("dave", playbook=None)
    assert upload(client, V1_FILE.encode()).status_code == 302
    assert not UserTheme.objects.filter(owner__username="dave").exists()
    assert Story.objects.filter(owner__username="dave").count() == 2


def test_replacing_from_a_version_1_file_keeps_own_themes_set_and_jobs(
    alice_client, alice, bank
):
    kept = {
        key: value
        for key, value in backup.export_data(alice).items()
        if key in ("themes", "sample_questions", "theme_set", "jobs", "mock_interviews")
    }
    assert upload(alice_client, V1_FILE.encode(), mode="replace").status_code == 302
    after = backup.export_data(alice)
    # The loop's rounds, debriefs and the mock interviews stay; the stories planned,
    # told or dismissed in them were replaced (a debrief keeps the story's title).
    for job in kept["jobs"]:
        job.pop("dismissals", None)
        for round_ in job.get("rounds", []):
            round_["stories"] = []
            for entry in round_.get("debrief", []):
                entry["story"] = None
    for step in kept["mock_interviews"][0]["steps"]:
        step["story"] = None
    assert {key: after[key] for key in kept} == kept
    assert [s["title"] for s in after["stories"]] == [
        "Caught a silent drift early",
        "In the trash",
    ]


def test_a_version_1_file_cannot_name_another_users_theme(alice_client, alice, bank):
    """Natural keys resolve among built-in content only: an own theme's slug, or an
    own question's (theme, position), names nothing in a backup."""
    data = json.loads(V1_FILE)
    data["stories"][1]["themes"] = [{"theme": "bobs-secret-theme", "angle": ""}]
    before = everything()
    response = upload(alice_client, data, mode="replace")
    assert response.status_code == 400
    assert escape("stories[1].themes[0]: unknown theme 'bobs-secret-theme'") in (
        response.content.decode()
    )
    assert everything() == before


def test_a_built_in_question_key_is_never_another_users_question(
    alice_client, alice, bank
):
    # Bob has an own question at (handling-model-failures-in-production, 1) too.
    assert upload(alice_client, V1_FILE.encode(), mode="replace").status_code == 302
    story = Story.objects.get(owner=alice, title="Caught a silent drift early")
    question = story.questions.get()
    assert question.owner is None and question.theme.slug == ML[0]


# Refused files ------------------------------------------------------------------


def good_file(client):
    return json.loads(export(client))


def many(data, key, count):
    """`data` with the first item of `data[key]` made `count` distinct copies."""
    first = data[key][0]
    if key == "themes":
        copies = [
            first | {"slug": f"theme-{i}", "title": f"Theme {i}"} for i in range(count)
        ]
    elif key == "jobs":
        copies = [first | {"company": f"Company {i}"} for i in range(count)]
    else:
        copies = [first | {"position": i} for i in range(count)]
    return bad(data, [key], copies)


BAD_FILES = [
    # (description, make the file from a good export, the message shown)
    (
        "an unknown built-in theme on a story",
        lambda d: bad(d, ["stories", 0, "themes", 0, "theme"], "nope"),
        "stories[0].themes[0]: unknown theme 'nope'; no built-in theme has this slug",
    ),
    (
        "an unknown built-in theme in the set",
        lambda d: bad(d, ["theme_set", 0, "theme"], "nope"),
        "theme_set[0].theme: unknown theme 'nope'",
    ),
    (
        "an own question on an unknown built-in theme",
        lambda d: bad(d, ["sample_questions", 0, "theme"], "nope"),
        "sample_questions[0].theme: unknown theme 'nope'",
    ),
    (
        "an own theme without a title",
        lambda d: bad(d, ["themes", 1, "title"], "  "),
        "themes[1].title: must not be empty",
    ),
    (
        "an own theme's title over 120",
        lambda d: bad(d, ["themes", 0, "title"], "x" * 121),
        "themes[0].title: is 121 characters long; the limit is 120",
    ),
    (
        "an own theme's title not text",
        lambda d: bad(d, ["themes", 0, "title"], 7),
        "themes[0].title: must be a string",
    ),
    (
        "two own themes with one title, but for case",
        lambda d: bad(d, ["themes", 1, "title"], "HIRING WELL"),
        "themes[1].title: &#x27;HIRING WELL&#x27; is also the title of themes[0]",
    ),
    (
        "two own themes with one slug",
        lambda d: bad(d, ["themes", 1, "slug"], "hiring-well"),
        "themes[1].slug: &#x27;hiring-well&#x27; is also the slug of themes[0]",
    ),
    (
        "an own theme with a built-in theme's slug",
        lambda d: bad(d, ["themes", 0, "slug"], ML[2]),
        f"themes[0].slug: '{ML[2]}' is a built-in theme's slug",
    ),
    (
        "an own theme's slug that is not a slug",
        lambda d: bad(d, ["themes", 0, "slug"], "has spaces"),
        "themes[0].slug: must be a slug of letters, digits, hyphens and underscores",
    ),
    (
        "a target range upside down",
        lambda d: bad(d, ["themes", 1, "target_min"], 5),
        "themes[1].target_max: must not be less than target_min",
    ),
    (
        "a prompt for no section",
        lambda d: bad(d, ["themes", 1, "star_prompts", 0, "section"], "epilogue"),
        "themes[1].star_prompts[0].section: 'epilogue' is not one of situation, "
        "task, action, result",
    ),
    (
        "two points at one place",
        lambda d: bad(d, ["themes", 1, "points", 1, "position"], 1),
        "themes[1].points[1]: a theme has one framework point at position 1",
    ),
    (
        "a database id on an own theme",
        lambda d: bad(d, ["themes", 0, "id"], 3),
        "themes[0]: unknown field 'id'",
    ),
    (
        "an owner on an own question",
        lambda d: bad(d, ["sample_questions", 0, "owner"], 1),
        "sample_questions[0]: unknown field 'owner'",
    ),
    (
        "an own question over 500",
        lambda d: bad(d, ["sample_questions", 1, "text"], "x" * 501),
        "sample_questions[1].text: is 501 characters long; the limit is 500",
    ),
    (
        "an own question on an own theme not in the file",
        lambda d: bad(d, ["sample_questions", 1, "theme"], {"own": "gone"}),
        "sample_questions[1].theme: own theme 'gone' is not in this file's themes",
    ),
    (
        "a job's theme neither built-in nor in the file",
        lambda d: bad(d, ["jobs", 0, "themes", 1], {"own": "gone"}),
        "jobs[0].themes[1]: own theme 'gone' is not in this file's themes",
    ),
    (
        "a job's theme by an unknown slug",
        lambda d: bad(d, ["jobs", 0, "themes", 0], "gone"),
        "jobs[0].themes[0]: unknown theme 'gone'",
    ),
    (
        "a job's theme named by database id",
        lambda d: bad(d, ["jobs", 0, "themes", 0], 1),
        "jobs[0].themes[0]: must be a built-in theme's slug, or",
    ),
    (
        "a job's theme twice",
        lambda d: bad(d, ["jobs", 0, "themes", 1], ML[0]),
        f"jobs[0].themes[1]: theme '{ML[0]}' is listed twice",
    ),
    (
        "a job without a company",
        lambda d: bad(d, ["jobs", 1, "company"], ""),
        "jobs[1].company: must not be empty",
    ),
    (
        "a job's status unknown",
        lambda d: bad(d, ["jobs", 0, "status"], "hired"),
        "jobs[0].status: 'hired' is not one of preparing, applied",
    ),
    (
        "a job's interview on no date",
        lambda d: bad(d, ["jobs", 0, "interview_date"], "soon"),
        "jobs[0].interview_date: 'soon' is not a date like 2024-05-01",
    ),
    (
        "a job's description over the limit",
        lambda d: bad(d, ["jobs", 0, "description"], "x" * 50_001),
        "jobs[0].description: is 50001 characters long; the limit is 50000",
    ),
    (
        "a job without its themes",
        lambda d: bad(d, ["jobs", 0, "themes"], DELETE),
        "jobs[0]: missing field 'themes'",
    ),
    (
        "a job twice",
        lambda d: bad(d, ["jobs", 1], d["jobs"][0]),
        "jobs[1]: has the same company, role and created time as jobs[0]",
    ),
    (
        "a story's own question out of range",
        lambda d: bad(d, ["stories", 0, "questions", 1, "question"], {"own": 3}),
        "stories[0].questions[1].question: {&quot;own&quot;: …} must be the index "
        "of one of this file&#x27;s sample_questions, 0 to 2",
    ),
    (
        "a story's question twice",
        lambda d: bad(d, ["stories", 0, "questions", 2, "question"], {"own": 0}),
        "stories[0].questions[2].question: this question is listed twice",
    ),
    (
        "a question's angle over 300",
        lambda d: bad(d, ["stories", 0, "questions", 0, "angle"], "x" * 301),
        "stories[0].questions[0].angle: is 301 characters long; the limit is 300",
    ),
    (
        "a ticked point the own theme does not have",
        lambda d: bad(
            d,
            ["stories", 0, "checked_points", 1],
            [{"own": "shipping-under-pressure"}, "framework", 9],
        ),
        "stories[0].checked_points[1]: unknown theme point",
    ),
    (
        "a theme twice in the set",
        lambda d: bad(d, ["theme_set", 1, "theme"], ML[3]),
        f"theme_set[1].theme: theme '{ML[3]}' is also theme_set[0]",
    ),
    (
        "a hidden flag that is not true or false",
        lambda d: bad(d, ["theme_set", 0, "hidden"], "no"),
        "theme_set[0].hidden: must be true or false",
    ),
    (
        "a hidden question that is not there",
        lambda d: bad(d, ["hidden_questions", 0], [ML[1], 99]),
        "hidden_questions[0]: unknown sample question",
    ),
    (
        "practice on an own question not in the file",
        lambda d: bad(d, ["practice_sessions", 0, "question"], {"own": 7}),
        "practice_sessions[0].question: {&quot;own&quot;: …} must be the index",
    ),
    (
        "a version 1 file with own themes",
        lambda d: bad(d, ["version"], 1),
        "unknown field 'hidden_questions'",
    ),
    # The limits of one import.
    (
        "more own themes than one import takes",
        lambda d: many(d, "themes", 201),
        "themes: the file holds 201 themes; one import takes at most 200.",
    ),
    (
        "more own questions than one import takes",
        lambda d: many(d, "sample_questions", 2001),
        "sample_questions: the file holds 2001 sample questions; one import takes "
        "at most 2000.",
    ),
    (
        "more jobs than one import takes",
        lambda d: many(d, "jobs", 101),
        "jobs: the file holds 101 jobs; one import takes at most 100.",
    ),
    (
        "more points than a theme takes",
        lambda d: bad(
            d,
            ["themes", 1, "points"],
            [
                {"kind": "framework", "position": i, "text": "x"}
                for i in range(backup.MAX_THEME_POINTS + 1)
            ],
        ),
        "themes[1].points: 101 points, at most 100 a theme",
    ),
    # Text no database here can store.
    (
        "a NUL in an own theme's description",
        lambda d: bad(d, ["themes", 0, "description"], "a\x00"),
        "themes[0].description: contains a NUL character (at character 2)",
    ),
    (
        "a lone surrogate in a job",
        lambda d: json.dumps(bad(d, ["jobs", 0, "role"], "\ud800")).encode(),
        "jobs[0].role: contains a lone surrogate \\ud800",
    ),
    # A job's loop.
    (
        "a round's story that is not in the file",
        lambda d: bad(
            d,
            ["jobs", 0, "rounds", 0, "stories", 0, "story"],
            "00000000-0000-4000-8000-000000000000",
        ),
        "jobs[0].rounds[0].stories[0].story: '00000000-0000-4000-8000-000000000000' "
        "is not a story in this file; a loop can only name the file's own stories",
    ),
    (
        "a story for a theme the round does not probe",
        lambda d: bad(d, ["jobs", 0, "rounds", 0, "stories", 0, "theme"], ML[0]),
        f"jobs[0].rounds[0].stories[0].theme: theme '{ML[0]}' is not one this "
        "round probes",
    ),
    (
        "two stories for one theme of a round",
        lambda d: bad(
            d,
            ["jobs", 0, "rounds", 0, "stories"],
            d["jobs"][0]["rounds"][0]["stories"] * 2,
        ),
        f"jobs[0].rounds[0].stories[1].theme: theme '{ML[1]}' has a story already",
    ),
    (
        "a round without a name",
        lambda d: bad(d, ["jobs", 0, "rounds", 1, "name"], " "),
        "jobs[0].rounds[1].name: must not be empty",
    ),
    (
        "a round's time that is not a time",
        lambda d: bad(d, ["jobs", 0, "rounds", 0, "time"], "25:00"),
        "jobs[0].rounds[0].time: '25:00' is not a time of day like 14:30:00",
    ),
    (
        "a round of an unknown theme",
        lambda d: bad(d, ["jobs", 0, "rounds", 1, "themes", 1], {"own": "nope"}),
        "jobs[0].rounds[1].themes[1]: own theme 'nope' is not in this file's themes",
    ),
    (
        "more rounds than a loop holds",
        lambda d: bad(
            d,
            ["jobs", 0, "rounds"],
            [
                d["jobs"][0]["rounds"][0] | {"name": f"Round {i}"}
                for i in range(ROUNDS_MAX + 1)
            ],
        ),
        "jobs[0].rounds: 13 rounds, at most 12 a loop",
    ),
    (
        "one round twice",
        lambda d: bad(d, ["jobs", 0, "rounds", 1], d["jobs"][0]["rounds"][0]),
        "jobs[0].rounds[1]: has the same name, date and time as jobs[0].rounds[0]",
    ),
    # A round's debrief.
    (
        "a debriefed question rated 6",
        lambda d: bad(d, ["jobs", 0, "rounds", 1, "debrief", 0, "rating"], 6),
        "jobs[0].rounds[1].debrief[0].rating: must be between 1 and 5",
    ),
    (
        "a debriefed story that is not in the file",
        lambda d: bad(
            d,
            ["jobs", 0, "rounds", 1, "debrief", 1, "story"],
            "00000000-0000-4000-8000-000000000000",
        ),
        "jobs[0].rounds[1].debrief[1].story: '00000000-0000-4000-8000-000000000000' "
        "is not a story in this file; a debrief can only name",
    ),
    (
        "a debriefed question on an unknown theme",
        lambda d: bad(d, ["jobs", 0, "rounds", 1, "debrief", 1, "theme"], "nope"),
        "jobs[0].rounds[1].debrief[1].theme: unknown theme 'nope'",
    ),
    (
        "a debriefed question without its text",
        lambda d: bad(
            d, ["jobs", 0, "rounds", 1, "debrief", 0, "question_text"], DELETE
        ),
        "jobs[0].rounds[1].debrief[0]: missing field 'question_text'",
    ),
    (
        "more debriefed questions than a round holds",
        lambda d: bad(
            d,
            ["jobs", 0, "rounds", 1, "debrief"],
            d["jobs"][0]["rounds"][1]["debrief"] * 16,
        ),
        "jobs[0].rounds[1].debrief: 32 questions, at most 30 a debrief",
    ),
    # The matcher's dismissals.
    (
        "a dismissed story that is not in the file",
        lambda d: bad(
            d,
            ["jobs", 0, "dismissals", 0, "story"],
            "00000000-0000-4000-8000-000000000000",
        ),
        "jobs[0].dismissals[0].story: '00000000-0000-4000-8000-000000000000' is "
        "not a story in this file; a dismissal can only name",
    ),
    (
        "a story dismissed twice from one requirement",
        lambda d: bad(d, ["jobs", 0, "dismissals"], d["jobs"][0]["dismissals"] * 2),
        "jobs[0].dismissals[1]: dismisses the same story from the same requirement "
        "as jobs[0].dismissals[0]",
    ),
    (
        "a requirement key over 64",
        lambda d: bad(d, ["jobs", 0, "dismissals", 0, "requirement_key"], "f" * 65),
        "jobs[0].dismissals[0].requirement_key: is 65 characters long; the limit is 64",
    ),
    # Mock interviews.
    (
        "a mock interview for a job not in the file",
        lambda d: bad(d, ["mock_interviews", 0, "job"], 2),
        "mock_interviews[0].job: must be the index of one of jobs, 0 to 1",
    ),
    (
        "a mock interview's target outside 30 s to 15 min",
        lambda d: bad(d, ["mock_interviews", 0, "target_seconds"], 5),
        "mock_interviews[0].target_seconds: must be between 30 and 900",
    ),
    (
        "a mock answer rated 0",
        lambda d: bad(d, ["mock_interviews", 0, "steps", 0, "rating"], 0),
        "mock_interviews[0].steps[0].rating: must be between 1 and 5",
    ),
    (
        "a mock answer told with a story not in the file",
        lambda d: bad(
            d,
            ["mock_interviews", 0, "steps", 0, "story"],
            "00000000-0000-4000-8000-000000000000",
        ),
        "mock_interviews[0].steps[0].story: '00000000-0000-4000-8000-000000000000' "
        "is not a story in this file; a mock interview can only name",
    ),
    (
        "a mock answer with three follow-ups",
        lambda d: bad(
            d,
            ["mock_interviews", 0, "steps", 0, "followups"],
            d["mock_interviews"][0]["steps"][0]["followups"] * 2,
        ),
        "mock_interviews[0].steps[0].followups: 4 follow-ups, at most 2 a question",
    ),
    (
        "a follow-up that is not marked ladder or not",
        lambda d: bad(
            d, ["mock_interviews", 0, "steps", 0, "followups", 1, "ladder"], "no"
        ),
        "mock_interviews[0].steps[0].followups[1].ladder: must be true or false",
    ),
    (
        "two mock steps at one position",
        lambda d: bad(d, ["mock_interviews", 0, "steps", 1, "position"], 1),
        "mock_interviews[0].steps: two steps have one position",
    ),
    (
        "one mock interview twice",
        lambda d: bad(d, ["mock_interviews"], d["mock_interviews"] * 2),
        "mock_interviews[1]: has the same title and created time as mock_interviews[0]",
    ),
    (
        "mock interviews in a version 1 file",
        lambda d: bad(d, ["version"], 1),
        "unknown field 'mock_interviews'",
    ),
    # The sharing rules.
    (
        "an unknown field in the sharing rules",
        lambda d: bad(d, ["share_rules", "extra"], "x"),
        "share_rules: unknown field 'extra'",
    ),
    (
        "a secret term longer than a line takes",
        lambda d: bad(d, ["share_rules", "secrets"], "Falcon\n" + "x" * 201),
        "share_rules.secrets: “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” is 201 "
        "characters long; a line takes at most 200",
    ),
    (
        "a NUL in the names to scrub",
        lambda d: bad(d, ["share_rules", "names"], "a\x00"),
        "share_rules.names: contains a NUL character (at character 2)",
    ),
    (
        "a 40-digit position in the set",
        lambda d: (
            json.dumps(bad(d, ["theme_set", 0, "position"], "N"))
            .replace('"N"', "9" * 40)
            .encode()
        ),
        "theme_set[0].position: is a 40-digit number",
    ),
]


@pytest.fixture(scope="class")
def shared(django_db_setup, django_db_blocker):
    """The bank, its file and its state, made once for a class of tests, each of
    which rolls back to them: making them for every row of the table below was most
    of its time."""
    with shared_rows(django_db_blocker):
        alice, bob = make_user("alice"), make_user("bob")
        make_bank(alice, bob, {t.slug: t for t in Theme.objects.built_in()})
        client = Client()
        client.force_login(alice)
        yield {"alice": alice, "good": good_file(client), "before": everything()}


class TestBadFiles:
    @pytest.mark.parametrize(
        ("make", "message"),
        [pytest.param(make, message, id=name) for name, make, message in BAD_FILES],
    )
    def test_a_bad_v2_file_is_refused_with_its_message_and_changes_nothing(
        self, shared, db, client, make, message
    ):
        client.force_login(shared["alice"])
        html = refused(client, make(copy.deepcopy(shared["good"])))
        expected = message if "&" in message else escape(message)
        assert expected in html
        assert everything() == shared["before"]


def test_a_story_id_of_another_account_is_refused_in_a_v2_file_too(
    alice_client, bob_client, bank
):
    data = good_file(alice_client)
    data["stories"][0]["uuid"] = str(Story.objects.get(title="Bob's story").uuid)
    before = everything()
    response = upload(alice_client, data, mode="replace")
    assert response.status_code == 400
    assert "belongs to another account" in response.content.decode()
    assert everything() == before


def test_a_file_cannot_reach_another_users_own_theme_or_question(alice_client, bank):
    """The file's own themes are the importer's: a slug that is another user's own
    theme becomes a new theme of the importer's, never a link to that one."""
    data = good_file(alice_client)
    data["themes"][0]["slug"] = "bobs-secret-theme"
    data["theme_set"][5]["theme"] = {"own": "bobs-secret-theme"}
    bobs = Theme.objects.get(owner__username="bob")
    assert upload(alice_client, data, mode="replace").status_code == 302
    assert not UserTheme.objects.filter(owner__username="alice", theme=bobs).exists()
    assert Theme.objects.get(owner__username="alice", slug="bobs-secret-theme")
    assert backup.export_data(bobs.owner)["themes"][0]["title"] == (
        "Bob's secret theme"
    )


# Merge and replace ---------------------------------------------------------------


def test_replace_replaces_own_themes_questions_set_hidden_and_jobs(
    alice_client, alice, bank
):
    data = good_file(alice_client)
    extra = make_theme(alice, "Written after the backup")
    own_question(alice, extra, 1, "A later question?")
    later = Job.objects.create(owner=alice, company="Later", role="Later")
    make_round(later, themes=[extra], name="Later round")
    Round.objects.get(name="Phone screen").assignments.all().delete()
    ShareRules.objects.filter(owner=alice).update(names="", secrets="Later")
    HiddenQuestion.objects.create(
        owner=alice,
        question=SampleQuestion.objects.filter(theme__slug=ML[4], owner=None).first(),
    )
    bobs = backup.export_data(get_user_model().objects.get(username="bob"))
    assert upload(alice_client, data, mode="replace").status_code == 302
    assert good_file(alice_client) == data
    assert not Theme.objects.filter(title="Written after the backup").exists()
    assert backup.export_data(get_user_model().objects.get(username="bob")) == bobs


def test_merging_a_file_twice_adds_nothing_the_second_time(alice_client, alice, bank):
    data = good_file(alice_client)
    assert upload(alice_client, data, mode="merge").status_code == 302
    before = everything()
    assert upload(alice_client, data, mode="merge").status_code == 302
    assert everything() == before
    assert good_file(alice_client) == data


def test_merge_takes_an_own_theme_by_its_title_whatever_its_slug_and_case(
    alice_client, alice, bank
):
    data = good_file(alice_client)
    shipping = Theme.objects.get(owner=alice, slug="shipping-under-pressure")
    # Here the theme was renamed in slug and case, and lost a point.
    Theme.objects.filter(pk=shipping.pk).update(
        slug="shipping", title="SHIPPING UNDER PRESSURE"
    )
    shipping.points.filter(kind="key_point").delete()
    Story.objects.for_user(alice).delete()
    response = upload(alice_client, data, mode="merge")
    assert response.status_code == 302
    assert Theme.objects.filter(owner=alice).count() == 2
    shipping.refresh_from_db()
    assert shipping.title == "SHIPPING UNDER PRESSURE"
    assert shipping.points.count() == 3
    story = Story.objects.get(owner=alice)
    assert set(story.themes.values_list("slug", flat=True)) == {ML[0], "shipping"}
    assert story.checked_points.filter(theme=shipping).count() == 1
    assert set(
        StoryQuestion.objects.filter(story=story, question__theme=shipping).values_list(
            "question__text", "angle"
        )
    ) == {("Tell me about a deadline you met.", "Scope cut")}
    assert SampleQuestion.objects.filter(owner=alice).count() == 3


def test_two_of_the_files_themes_that_are_one_theme_here_merge_into_it(
    alice_client, alice, bank
):
    """One by slug, the other by title: everything of both lands on the one theme,
    each link once, and the theme keeps one lead story."""
    data = good_file(alice_client)
    story = data["stories"][0]
    story["themes"].append({"theme": {"own": "hiring-well"}, "angle": "", "lead": True})
    acme = next(job for job in data["jobs"] if job["company"] == "Acme")
    acme["themes"].append({"own": "hiring-well"})
    acme["updated"] = "2030-01-01T00:00:00+00:00"
    Theme.objects.get(owner=alice, slug="shipping-under-pressure").delete()
    Theme.objects.filter(owner=alice, slug="hiring-well").update(
        title="Shipping under pressure"
    )
    Story.objects.for_user(alice).delete()
    response = upload(alice_client, data, mode="merge")
    assert response.status_code == 302
    theme = Theme.objects.get(owner=alice)
    assert theme.slug == "hiring-well" and theme.points.count() == 3
    assert set(
        StoryTheme.objects.filter(story__owner=alice).values_list(
            "theme__slug", "is_lead"
        )
    ) == {(ML[0], False), ("hiring-well", True)}
    assert set(
        Job.objects.get(owner=alice, company="Acme").themes.values_list(
            "slug", flat=True
        )
    ) == {ML[0], "hiring-well"}
    assert theme.questions.count() == 2


def test_merge_adds_the_themes_the_set_lacks_after_the_accounts_own(
    alice_client, alice, bank
):
    data = good_file(alice_client)
    hiring = Theme.objects.get(owner=alice, slug="hiring-well")
    UserTheme.objects.filter(owner=alice, theme=hiring).delete()
    UserTheme.objects.filter(owner=alice, theme__slug=ML[4]).update(hidden=True)
    # And a job's themes changed here after the backup: this copy is newer.
    acme = Job.objects.get(owner=alice, company="Acme")
    acme.themes.set([hiring])
    acme.save()
    upload(alice_client, data, mode="merge")
    assert list(
        UserTheme.objects.filter(owner=alice).values_list(
            "theme__slug", "position", "hidden"
        )
    ) == [
        (ML[3], 1, False),
        (ML[0], 2, False),
        ("shipping-under-pressure", 3, False),
        (ML[1], 4, True),
        (ML[2], 5, False),
        (ML[4], 7, True),
        ("hiring-well", 8, False),
    ]
    assert list(acme.themes.values_list("slug", flat=True)) == ["hiring-well"]


def test_merge_takes_a_job_updated_later_in_the_file(alice_client, alice, bank):
    data = good_file(alice_client)
    acme = next(job for job in data["jobs"] if job["company"] == "Acme")
    acme.update(
        status="offer",
        themes=[ML[4]],
        updated=(datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    )
    data["jobs"].append(acme | {"company": "Gamma", "created": acme["updated"]})
    response = upload(alice_client, data, mode="merge")
    assert response.status_code == 302
    job = Job.objects.get(owner=alice, company="Acme")
    assert job.status == "offer"
    assert list(job.themes.values_list("slug", flat=True)) == [ML[4]]
    assert Job.objects.for_user(alice).count() == 3
    page = alice_client.get(response["Location"]).content.decode()
    assert "2 jobs added or updated" in page


def test_merge_adds_the_rounds_debriefs_and_mocks_missing_and_fills_only_empty_picks(
    alice_client, alice, bank, built_in
):
    data = good_file(alice_client)
    onsite = Round.objects.get(name__startswith="Onsite")
    # Since the backup: the phone screen was deleted, and the onsite's picks changed.
    Round.objects.get(name="Phone screen").delete()
    onsite.assign(Theme.objects.get(slug="shipping-under-pressure"), None)
    mine = make_story(alice, title="Picked here")
    onsite.assign(built_in[ML[0]], mine)
    ShareRules.objects.filter(owner=alice).update(
        companies="ACME = a bank", names="Sam Lee", default_company="my old job"
    )
    # And one of the onsite's debriefed questions, the dismissal and the mock
    # interview were deleted; a question was debriefed here since.
    onsite.debrief.filter(story=None).delete()
    Dismissal.objects.filter(job__owner=alice).delete()
    MockInterview.objects.for_user(alice).delete()
    DebriefEntry.objects.create(
        round=onsite,
        question_text="Asked here",
        rating=5,
        created=at(date(2026, 12, 15)),
    )
    response = upload(alice_client, data, mode="merge")
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert "1 interview round added" in page
    assert "1 debriefed question added" in page and "1 mock interview added" in page
    assert list(onsite.debrief.values_list("question_text", "story")) == [
        ("Tell me about a deadline you met.", bank.pk),
        ("Why this company?", None),
        ("Asked here", None),
    ]
    after = good_file(alice_client)
    assert after["mock_interviews"] == data["mock_interviews"]
    assert after["jobs"][0]["dismissals"] == data["jobs"][0]["dismissals"]
    # The onsite keeps the user's pick and takes the file's for its empty slot.
    assert set(
        Assignment.objects.filter(round=onsite).values_list("theme__slug", "story")
    ) == {(ML[0], mine.pk), ("shipping-under-pressure", bank.pk)}
    screen = Round.objects.get(name="Phone screen")
    assert list(screen.assignments.values_list("theme__slug", "story")) == [
        (ML[1], bank.pk)
    ]
    rules = ShareRules.objects.get(owner=alice)
    # A company listed here keeps its stand-in; the file's others are added.
    assert rules.companies == "ACME = a bank\nInitech"
    assert rules.names == "Sam Lee\nPriya Sharma"
    assert rules.secrets == "Falcon = an internal project"
    assert rules.default_company == "my old job"


def test_a_file_without_loops_or_share_rules_still_restores(alice_client, alice, bank):
    data = good_file(alice_client)
    del data["share_rules"], data["mock_interviews"]
    for job in data["jobs"]:
        job.pop("rounds", None)
        job.pop("dismissals", None)
    ShareRules.objects.filter(owner=alice).update(names="Kept")
    assert upload(alice_client, data, mode="replace").status_code == 302
    assert not Round.objects.filter(job__owner=alice).exists()
    assert not MockInterview.objects.for_user(alice).exists()
    # The file says nothing of them: the account's rules stay.
    after = good_file(alice_client)
    assert after.pop("share_rules")["names"] == "Kept"
    assert after == data


# Queries ------------------------------------------------------------------------


def grown(data, themes, jobs):
    """`data` with `themes` own themes, 10 own questions and one job each up to
    `jobs` jobs, a story tagged with every theme, and all of them in the set."""
    data = copy.deepcopy(data)
    template = data["themes"][1]
    data["themes"] = [
        template | {"slug": f"theme-{i}", "title": f"Theme {i}"} for i in range(themes)
    ]
    refs = [{"own": f"theme-{i}"} for i in range(themes)]
    data["sample_questions"] = [
        {"theme": ref, "position": p, "text": f"Question {p}?"}
        for ref in refs
        for p in range(10)
    ]
    data["theme_set"] = [
        {"theme": ref, "position": i, "hidden": False} for i, ref in enumerate(refs)
    ]
    data["hidden_questions"] = [{"own": i} for i in range(0, 10 * themes, 7)]
    job = data["jobs"][0]
    story = data["stories"][0]
    loop = [
        job["rounds"][0]
        | {
            "themes": refs[:2],
            "stories": [{"theme": refs[0], "story": story["uuid"]}],
        }
    ]
    loop[0]["debrief"] = [
        entry | {"theme": refs[0], "question": {"own": 0}}
        for entry in job["rounds"][1]["debrief"]
    ]
    data["jobs"] = [
        job | {"company": f"Company {i}", "themes": refs[:3], "rounds": loop}
        for i in range(jobs)
    ]
    mock = data["mock_interviews"][0]
    data["mock_interviews"] = [
        mock | {"job": i, "created": f"2026-03-{1 + i % 28:02}T{i // 28:02}:00:00Z"}
        for i in range(jobs)
    ]
    story["themes"] = [{"theme": ref, "angle": ""} for ref in refs]
    story["questions"] = [{"question": {"own": i}, "angle": ""} for i in range(5)]
    story["checked_points"] = [[ref, "framework", 1] for ref in refs]
    data["practice_sessions"] = data["practice_cards"] = []
    return data


def import_queries(client, data, mode):
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, data, mode=mode)
    assert response.status_code == 302, response.content.decode()
    return len(queries)


@pytest.mark.parametrize("mode", ["replace", "merge"])
def test_an_import_takes_as_many_queries_for_200_themes_as_for_2(
    alice_client, alice, bank, mode, django_assert_max_num_queries
):
    """Own themes, questions, the set, hidden questions and jobs are written a few
    statements each, whatever their number: bulk inserts (one executemany each) and
    a query or two to learn the new rows' ids."""
    data = good_file(alice_client)
    counts = []
    for themes, jobs in [(2, 2), (200, 100)]:
        big = grown(data, themes, jobs)
        backup.restore(backup.validate(big, alice), alice, backup.Mode.REPLACE)
        # Updated later than the copies here, so a merge writes every story and job.
        for item in big["stories"] + big["jobs"]:
            item["updated"] = "2030-01-01T00:00:00+00:00"
        # Besides what test_backup counts for stories: (replace) eleven deletes of
        # the loops' assignments, rounds and their themes, jobs and their themes,
        # hidden questions, the set, own questions, prompts, points and themes;
        # (merge) the account's own themes, their prompts and points, its own
        # questions, set, hidden questions and jobs; then one executemany each for
        # themes, prompts, points, questions, the set, hidden questions, jobs (an
        # UPDATE too on merge) and their themes, and a query each for the new
        # themes', points', questions' and jobs' ids. The loops: the jobs' ids,
        # (merge) the account's rounds, their themes and picks, then one
        # executemany each for rounds, their themes and picks, and a query for the
        # new rounds' ids; the share rules, one or two; (replace) unlinking
        # recordings from what it deletes, two; debriefs, mock interviews and the
        # stories' links from them, five; the matcher's dismissals, two. Then what
        # the file holds of those: (merge) the debriefs of the rounds here, the
        # jobs' dismissals and the mock interviews, a query each; one executemany
        # each for the debrief entries, dismissals, mock interviews and their
        # steps (none on merging the same file), and a query for the new mock
        # interviews' ids; the jobs' ids come from writing the jobs, one query
        # fewer than before. 77 and 42.
        with django_assert_max_num_queries(77):
            counts.append(import_queries(alice_client, big, mode))
        assert Theme.objects.filter(owner=alice).count() == themes
        assert Job.objects.for_user(alice).count() == jobs
        assert SampleQuestion.objects.filter(owner=alice).count() == 10 * themes
    assert counts[1] == counts[0], counts


# The format covers the models ------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "not_exported", "exported"),
    [
        pytest.param(model, not_exported, exported, id=model.__name__)
        for model, not_exported, exported in [
            # An own theme has no playbook and no number: those are built-in only.
            (Theme, {"id", "owner", "playbook", "number"}, backup.THEME_KEYS),
            (StarPrompt, {"id", "theme"}, backup.PROMPT_KEYS),
            (ThemePoint, {"id", "theme"}, backup.POINT_KEYS),
            (SampleQuestion, {"id", "owner"}, backup.SAMPLE_QUESTION_KEYS),
            (UserTheme, {"id", "owner"}, backup.THEME_SET_KEYS),
            (Job, {"id", "owner"}, backup.JOB_KEYS),
            (StoryQuestion, {"id", "story"}, backup.STORY_QUESTION_KEYS),
            (Round, {"id", "job"}, backup.ROUND_KEYS),
            (Assignment, {"id", "round"}, backup.PICK_KEYS),
            (DebriefEntry, {"id", "round"}, backup.DEBRIEF_KEYS),
            (Dismissal, {"id", "job"}, backup.DISMISSAL_KEYS),
            (MockInterview, {"id", "owner"}, backup.MOCK_KEYS),
            (MockStep, {"id", "interview"}, backup.MOCK_STEP_KEYS),
            # The file's name, size and hash come from its bytes ("data").
            (
                Recording,
                {"id", "owner", "file", "size", "sha256"},
                backup.RECORDING_KEYS | {"session"},
            ),
            (ShareRules, {"id", "owner"}, backup.SHARE_RULES_KEYS),
        ]
    ],
)
def test_every_field_of_own_content_is_in_the_backup(model, not_exported, exported):
    """A field added to one of these models must be added to the backup format too."""
    fields = {f.name for f in model._meta.get_fields() if f.concrete} - not_exported
    assert fields <= exported, f"missing from the backup: {fields - exported}"


def test_every_themes_jobs_or_mock_model_a_user_owns_is_in_the_backup():
    in_backup = {Theme, SampleQuestion, UserTheme, HiddenQuestion, Job, MockInterview}
    owned = {
        f.related_model
        for f in get_user_model()._meta.get_fields()
        if f.one_to_many
        and f.related_model._meta.app_label in ("themes", "jobs", "mock")
    }
    assert owned <= in_backup, f"missing from the backup: {owned - in_backup}"


def test_replace_deletes_whatever_refers_to_own_content_first():
    """Own content is deleted without cascades (archive._delete): every table that
    refers to it must come before it, or go with the user's stories and practice,
    which a replace deletes first. A new model that refers to themes, questions,
    points or jobs must be added to archive._own_content."""
    order = [queryset.model for queryset in backup._own_content(None)]
    with_stories = {
        StoryTheme,
        StoryQuestion,
        Story.checked_points.through,
        PracticeSession,
        PracticeCard,
    }
    for model in order:
        referrers = {
            rel.through if rel.many_to_many else rel.related_model
            for rel in model._meta.related_objects
        } | {f.remote_field.through for f in model._meta.many_to_many}
        for referrer in referrers - with_stories:
            assert referrer in order[: order.index(model)], (
                f"{referrer.__name__} refers to {model.__name__}"
            )
