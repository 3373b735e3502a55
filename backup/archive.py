"""A lossless JSON backup of everything one user owns, and its validated restore.

Format (version 2)::

    {"format": "interviewprep-backup", "version": 2,
     "stories": [{"uuid": ..., "title": ..., ..., "themes": [{"theme": THEME,
                  "angle": ..., "lead": true (only on the user's lead story for
                  the theme)}], "questions": [{"question": QUESTION, "angle": ...}],
                  "checked_points": [POINT], "revisions": [{...}],
                  "followups": [{"question": ..., "answer": ...}] (in order; only
                  on a story with a follow-up ladder)}],
     "themes": [{"slug": ..., "title": ..., "description": ..., "target_min": 2,
                 "target_max": 3, "star_prompts": [{"section": ..., "text": ...}],
                 "points": [{"kind": ..., "position": ..., "text": ...}]}],
     "sample_questions": [{"theme": THEME, "position": ..., "text": ...}],
     "theme_set": [{"theme": THEME, "position": ..., "hidden": false}],
     "hidden_questions": [QUESTION],
     "jobs": [{"company": ..., "role": ..., "level": ..., "interview_date": date or
               null, "description": ..., "status": ..., "themes": [THEME],
               "created": ..., "updated": ...,
               "rounds": [{"name": ..., "interviewer": ..., "date": "2026-12-10",
                           "time": "14:00:00", "created": ..., "themes": [THEME],
                           "stories": [{"theme": THEME, "story": uuid}],
                           "debrief": [{"question_text": ..., "theme": THEME or
                                        null, "question": QUESTION or null,
                                        "story": uuid or null, "story_title": ...,
                                        "rating": 1-5, "note": ..., "created": ...}]
                           (only on a round with a debrief)}]
               (in date order; only on a job with an interview loop),
               "dismissals": [{"requirement_key": ..., "story": uuid,
                               "created": ...}] (only on a job with some)}],
     "own_questions": [{"text": ..., "created": ...}],
     "own_notes": [{"text": ..., "created": ...}],
     "practice_sessions": [{"question": QUESTION, "story": uuid or null,
                            "started_at": ..., "duration_seconds": ...,
                            "rating": 1-5, "note": ...}],
     "practice_cards": [{"question": QUESTION, "story": uuid or null, "box": 1-5,
                         "due_on": "2024-05-01", "last_rating": 1-5 or null,
                         "last_practised_on": date or null, "times_practised": ...}],
     "share_rules": {"companies": ..., "default_company": ..., "names": ...,
                     "secrets": ...} (only for a user who saved some),
     "mock_interviews": [{"job": index in "jobs" or null, "title": ...,
                          "target_seconds": ..., "created": ..., "finished_at":
                          ... or null, "steps": [{"position": 1-8, "question":
                          QUESTION or null, "question_text": ..., "theme_title":
                          ..., "story": uuid or null, "started_at", "answered_at",
                          "done_at": ... or null, "rating": 1-5 or null,
                          "spoken_seconds": ... or null, "followups":
                          [{"question": ..., "answer": ..., "ladder": bool}]}]}]
                        (only for a user who ran some),
     "recordings": [{"content_type": "audio/webm", "created": ...,
                     "duration_seconds": ..., "question": QUESTION or null,
                     "story": uuid or null, "data": base64 of the audio,
                     "session": index in "practice_sessions" (only on a
                     recording kept as the answer of a practice round)}]
                   (only when the user asks for recordings)}

    THEME     a built-in theme's slug, or {"own": slug} for one of the file's "themes"
    QUESTION  a built-in question's [theme slug, position], or {"own": index} for
              the file's "sample_questions"[index]
    POINT     [THEME, kind, position]: a built-in theme's point, or a point of one
              of the file's "themes"

"themes" and "sample_questions" are the user's own (built-in content is never in a
backup, only referred to by natural key, never by database id); "own_questions" are
the user's questions to ask the interviewer, as in version 1. "theme_set" is which
themes the user works with, in what order, and which they hid.

A story's "followups" were added within version 2: a file without them still
restores, and a story restored from it keeps no ladder (a newer copy replaces the
story's ladder, as it replaces its tags).

A job's "rounds" (its interview loop) and "share_rules" (the lists "Scrub for
sharing" uses) were added within version 2 too. A round's "stories" name the
story planned for each theme it probes, by uuid, and may only name a story in the
same file. A file without rounds restores its jobs without loops; a file without
"share_rules" leaves the account's rules as they are, in either mode. Merge: a
round the job already has (same name, date and time) keeps its themes and picks
and takes the file's pick only for a theme it has none for; the others are added;
the account's lists gain the file's entries they lack (_restore_share_rules).

A round's "debrief" (the questions asked in it, each with the story told, which
is null once that story was deleted: "story_title" keeps its title), a job's
"dismissals" (the stories the matcher was told do not answer a requirement, by
the requirement's key) and "mock_interviews" (each with its steps, its job by
index in the file's "jobs") were added within version 2 too, as was a
recording's "session". Their stories must be in the same file. Restoring them
writes only their rows: the practice cards and rounds a debrief or a mock answer
made are the file's "practice_cards" and "practice_sessions", never made twice.
Merge adds a debrief entry a round lacks (the same question asked at the same
instant), a dismissal a job lacks, and a mock interview the account lacks (by
its title and the instant it began; one it has keeps its steps). Replace
deletes the account's debriefs, dismissals and mock interviews with its jobs and
stories, as it did before the file held them; a version 1 file leaves them.

"recordings" are in a file only when the user asks for them (a file without them
is the same bytes as before they existed): the newest that fit in
RECORDINGS_MAX_BYTES of audio, base64 inside the JSON. A restore checks each as an
upload is checked (type, magic bytes, size, length); merge adds those the account
does not hold (by their bytes' SHA-256), replace deletes the account's recordings
first, but only when the file has "recordings". A recording kept as the answer
of a practice round names it by its index in "practice_sessions", and comes back
linked to that round (the one restored, or the account's own that a merge
matched it to).

Version 1 files still restore: they have no "themes", "sample_questions",
"theme_set", "hidden_questions" or "jobs", a story's "questions" are bare
[theme slug, position] keys (restored with no angle), and every THEME is a slug.
Restoring one leaves the account's own themes, set, hidden questions and jobs as
they are, in either mode.

The file names no user: a restore always lands in the account that uploads it.
Stories are matched by their `uuid`; a uuid that belongs to another account's story
is refused, and a practice session or card may only name a story that is in the
same file. Export is deterministic (sorted keys, stable order, UTC timestamps with
microseconds), so export → restore → export gives the same bytes.

An import holds every limit editing holds, and is refused, naming the place, where
a file breaks one: at most MAX_STORIES stories, REVISIONS_KEPT revisions a story,
MAX_OWN_THEMES own themes, MAX_OWN_QUESTIONS own sample questions and MAX_JOBS jobs,
the models' text lengths, no text a database cannot store (stories.validators), no
number longer than any field takes. The restore is a few bulk statements, not a
few per story (or theme, or job), in one transaction: on SQLite it holds the write
lock for everyone.
"""

import base64
import binascii
import hashlib
import json
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Prefetch
from django.utils import timezone

from followups.models import ANSWER_MAX as FOLLOWUP_ANSWER_MAX
from followups.models import QUESTION_MAX as FOLLOWUP_QUESTION_MAX
from followups.models import RUNGS_MAX, Rung
from jobs.models import Job
from loops.models import (
    DEBRIEF_ENTRIES_MAX,
    ROUNDS_MAX,
    THEMES_PER_ROUND_MAX,
    Assignment,
    DebriefEntry,
    Round,
)
from loops.models import NAME_MAX as ROUND_NAME_MAX
from loops.models import NOTE_MAX as DEBRIEF_NOTE_MAX
from matcher.models import Dismissal
from mock.models import (
    FOLLOWUPS_PER_ANSWER,
    QUESTIONS_MAX,
    TARGET_MAX,
    TARGET_MIN,
    MockInterview,
    MockStep,
)
from practice.models import PracticeCard, PracticeSession
from practice.scheduling import ROUND_SECONDS_MAX, TOP_BOX
from prepsheet.models import OWN_TEXT_MAX, OwnNote, OwnQuestion
from recordings.models import MAX_PER_USER as MAX_RECORDINGS
from recordings.models import MAX_SECONDS as RECORDING_SECONDS_MAX
from recordings.models import Recording, Refused, check_audio, delete_files
from sharing.models import (
    DESCRIPTION_MAX,
    LINE_MAX,
    LIST_MAX_LINES,
    ShareRules,
    parse_lines,
)
from stories.models import (
    REVISIONS_KEPT,
    TEXT_FIELDS,
    Revision,
    Story,
    StoryQuestion,
    StoryTheme,
)
from stories.validators import UNSTORABLE, unstorable_character
from themes.models import (
    QUESTION_MAX,
    THEME_TITLE_MAX,
    HiddenQuestion,
    SampleQuestion,
    Section,
    StarPrompt,
    Theme,
    ThemePoint,
    UserTheme,
)

FORMAT = "interviewprep-backup"
VERSION = 2
# The versions an import reads; export writes VERSION.
VERSIONS = (1, 2)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ERRORS = 20
# Recordings in one backup: the newest that fit in this much audio, which base64
# makes a third larger; a file with recordings may be that much larger to import.
RECORDINGS_MAX_BYTES = 25 * 1024 * 1024
MAX_UPLOAD_WITH_RECORDINGS = MAX_UPLOAD_BYTES + (RECORDINGS_MAX_BYTES + 2) // 3 * 4
# One import is one transaction, and on SQLite it holds the write lock for everyone
# while it runs: a file of at most this many stories keeps that short.
MAX_STORIES = 1000
# The same for the rest of what a user makes; far more than anyone preparing for
# interviews keeps.
MAX_OWN_THEMES = 200
MAX_OWN_QUESTIONS = 2000
MAX_JOBS = 100
MAX_THEME_POINTS = 100
# Own themes' texts have no form yet to set their limits; these are well above any
# built-in theme's (a point of the prep document is at most 422 characters).
THEME_DESCRIPTION_MAX = 5000
GUIDANCE_MAX = 2000
# No field holds a number longer than this; a longer one is kept as a _LongNumber so
# its place in the file can be named (Python refuses to convert more than 4,300
# digits, and converting is quadratic in the length).
NUMBER_DIGITS_MAX = 30
# PositiveSmallIntegerField's range: positions and targets.
SMALL_MAX = 32767

# Each story text field and the longest text it may hold: the model's own limits.
STORY_TEXT = {
    name: Story._meta.get_field(name).max_length
    for name in [*TEXT_FIELDS, "company", "role", "period"]
}
REVISION_TEXT = {name: STORY_TEXT[name] for name in TEXT_FIELDS}
# The story's own fields a backup sets (CleanStory.fields), and a revision's.
STORY_FIELDS = [*STORY_TEXT, "status", "version", "created", "updated", "deleted_at"]
REVISION_FIELDS = [*REVISION_TEXT, "version", "created"]
ANGLE_MAX = StoryTheme._meta.get_field("angle").max_length
QUESTION_ANGLE_MAX = StoryQuestion._meta.get_field("angle").max_length
STORY_KEYS = {
    "uuid",
    *STORY_TEXT,
    "status",
    "version",
    "created",
    "updated",
    "deleted_at",
    "themes",
    "questions",
    "checked_points",
    "revisions",
}
REVISION_KEYS = {*REVISION_TEXT, "version", "created"}
FOLLOWUP_KEYS = {"question", "answer"}
STORY_QUESTION_KEYS = {"question", "angle"}
PRACTICE_SESSION_KEYS = {
    "question",
    "story",
    "started_at",
    "duration_seconds",
    "rating",
    "note",
}
PRACTICE_CARD_KEYS = {
    "question",
    "story",
    "box",
    "due_on",
    "last_rating",
    "last_practised_on",
    "times_practised",
}
PRACTICE_NOTE_MAX = PracticeSession._meta.get_field("note").max_length
RATINGS = (min(PracticeSession.Rating.values), max(PracticeSession.Rating.values))
THEME_KEYS = {
    "slug",
    "title",
    "description",
    "target_min",
    "target_max",
    "star_prompts",
    "points",
}
PROMPT_KEYS = {"section", "text"}
POINT_KEYS = {"kind", "position", "text"}
SAMPLE_QUESTION_KEYS = {"theme", "position", "text"}
THEME_SET_KEYS = {"theme", "position", "hidden"}
# Each job text field and its limit; the ones the model requires must not be empty.
JOB_TEXT = {
    name: Job._meta.get_field(name).max_length
    for name in ["company", "role", "level", "description"]
}
JOB_REQUIRED = {name for name in JOB_TEXT if not Job._meta.get_field(name).blank}
JOB_FIELDS = [*JOB_TEXT, "interview_date", "status", "created", "updated"]
JOB_KEYS = {*JOB_FIELDS, "themes"}
# A job's loop (within version 2, optional: only on a job with rounds).
ROUND_TEXT = {"name": ROUND_NAME_MAX, "interviewer": ROUND_NAME_MAX}
ROUND_KEYS = {*ROUND_TEXT, "date", "time", "created", "themes", "stories"}
PICK_KEYS = {"theme", "story"}
# A round's debrief and a job's dismissals (within version 2, optional: only on a
# round or job that has some).
DEBRIEF_KEYS = {
    "question_text",
    "theme",
    "question",
    "story",
    "story_title",
    "rating",
    "note",
    "created",
}
STORY_TITLE_MAX = DebriefEntry._meta.get_field("story_title").max_length
DISMISSAL_KEYS = {"requirement_key", "story", "created"}
REQUIREMENT_KEY_MAX = Dismissal._meta.get_field("requirement_key").max_length
# The matcher reads at most 40 requirements of a job; this is 50 stories dismissed
# from each.
MAX_DISMISSALS = 2000
# Mock interviews (within version 2, optional: only for a user who ran some).
MOCK_KEYS = {"job", "title", "target_seconds", "created", "finished_at", "steps"}
MOCK_TITLE_MAX = MockInterview._meta.get_field("title").max_length
MOCK_STEP_KEYS = {
    "position",
    "question",
    "question_text",
    "theme_title",
    "story",
    "started_at",
    "answered_at",
    "rating",
    "spoken_seconds",
    "followups",
    "done_at",
}
MOCK_FOLLOWUP_KEYS = {"question", "answer", "ladder"}
THEME_TITLE_COPY_MAX = MockStep._meta.get_field("theme_title").max_length
# One a day for almost three years: far more than anyone rehearsing runs.
MAX_MOCK_INTERVIEWS = 1000
# The sharing rules' lists, as their form limits them (sharing.forms).
SHARE_LISTS = ("companies", "names", "secrets")
SHARE_RULES_KEYS = {*SHARE_LISTS, "default_company"}
SHARE_LIST_CHARS = LIST_MAX_LINES * (LINE_MAX + 1)
SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
SLUG_MAX = Theme._meta.get_field("slug").max_length
TOP_KEYS = {
    "format",
    "version",
    "stories",
    "own_questions",
    "own_notes",
    "practice_sessions",
    "practice_cards",
}
TOP_KEYS_V2 = TOP_KEYS | {
    "themes",
    "sample_questions",
    "theme_set",
    "hidden_questions",
    "jobs",
}
# Added within version 2: a file made before them still restores.
OPTIONAL_KEYS_V2 = {"share_rules", "recordings", "mock_interviews"}
RECORDING_KEYS = {
    "content_type",
    "created",
    "duration_seconds",
    "question",
    "story",
    "data",
}


class Mode:
    MERGE = "merge"
    REPLACE = "replace"


# Export ------------------------------------------------------------------------


def _stamp(value):
    return None if value is None else value.astimezone(UTC).isoformat()


def _day(value):
    return None if value is None else value.isoformat()


def _theme_order(theme):
    """Built-in themes in their playbook's order, then the user's own by slug."""
    if theme.owner_id is None:
        return (0, theme.number or 0, theme.slug)
    return (1, 0, theme.slug)


def _ref_order(ref):
    """A sort key for a reference as the file writes it (a THEME, QUESTION or
    POINT): built-in content first, by natural key, then the file's own."""
    if isinstance(ref, str):
        return (0, ref)
    if isinstance(ref, dict):
        return (1, ref["own"])
    return (*_ref_order(ref[0]), *ref[1:])


class _Names:
    """How the file names what a user's data refers to: built-in content by natural
    key, the user's own themes by slug and own questions by their index in the file.

    Anything else (another user's theme or question, which no page lets a user
    reach) has no name: whatever refers to it is left out rather than exported.
    """

    def __init__(self, user):
        self.user_id = user.pk
        # Sorted here, not by the database, whose collation may order text its own
        # way: a backup is the same bytes from SQLite and PostgreSQL.
        self.themes = sorted(
            Theme.objects.filter(owner=user).prefetch_related("star_prompts", "points"),
            key=lambda theme: theme.slug,
        )
        questions = list(
            SampleQuestion.objects.filter(owner=user)
            .visible_to(user)
            .select_related("theme")
        )
        questions.sort(key=lambda q: (_theme_order(q.theme), q.position, q.text))
        self.questions = questions
        self.index = {q.pk: i for i, q in enumerate(questions)}

    def theme(self, theme):
        if theme.owner_id is None:
            return theme.slug
        if theme.owner_id == self.user_id:
            return {"own": theme.slug}
        return None

    def question(self, question):
        if question.owner_id is None and question.theme.owner_id is None:
            return [question.theme.slug, question.position]
        index = self.index.get(question.pk)
        return None if index is None else {"own": index}

    def point(self, point):
        theme = self.theme(point.theme)
        return None if theme is None else [theme, point.kind, point.position]


def export_data(user, recordings=False):
    """Everything the user owns, as the file holds it; their recordings only when
    `recordings` is true."""
    names = _Names(user)
    jobs, job_index = _export_jobs(user, names)
    sessions, session_index = _export_sessions(user, names)
    stories = (
        Story.objects.for_user(user)
        .prefetch_related(
            "story_themes__theme",
            "story_questions__question__theme",
            "checked_points__theme",
            "revisions",
            "rungs",
        )
        .order_by("created", "uuid")
    )
    data = {
        "format": FORMAT,
        "version": VERSION,
        "stories": [_export_story(story, names) for story in stories],
        "themes": [_export_theme(theme) for theme in names.themes],
        "sample_questions": [
            {"theme": names.theme(q.theme), "position": q.position, "text": q.text}
            for q in names.questions
        ],
        "theme_set": _export_theme_set(user, names),
        "hidden_questions": sorted(
            _named(
                names.question(h.question)
                for h in HiddenQuestion.objects.filter(owner=user).select_related(
                    "question__theme"
                )
            ),
            key=_ref_order,
        ),
        "jobs": jobs,
        "own_questions": [
            {"text": q.text, "created": _stamp(q.created)}
            for q in OwnQuestion.objects.for_user(user)
        ],
        "own_notes": [
            {"text": n.text, "created": _stamp(n.created)}
            for n in OwnNote.objects.for_user(user)
        ],
        "practice_sessions": sessions,
        "practice_cards": _export_cards(user, names),
        **_export_share_rules(user),
        **_export_mocks(user, names, job_index),
    }
    if recordings:
        data["recordings"] = _export_recordings(user, names, session_index)
    return data


def _export_recordings(user, names, session_index):
    """The newest recordings that fit in RECORDINGS_MAX_BYTES, oldest first; one
    linked to a practice round names it by its index in "practice_sessions"."""
    room = RECORDINGS_MAX_BYTES
    kept = []
    for recording in Recording.objects.for_user(user).select_related(
        "question__theme", "story"
    ):
        if recording.size > room:
            continue
        try:
            with recording.file.open("rb") as audio:
                data = audio.read()
        except FileNotFoundError:
            continue  # nothing to back up; the recordings page says it is missing
        room -= len(data)
        entry = {
            "content_type": recording.content_type,
            "created": _stamp(recording.created),
            "duration_seconds": recording.duration_seconds,
            "question": recording.question and names.question(recording.question),
            "story": _uuid_or_none(recording.story),
            "data": base64.b64encode(data).decode("ascii"),
        }
        # Only when linked: a file of unlinked recordings is as it was before.
        if (session := session_index.get(recording.session_id)) is not None:
            entry["session"] = session
        kept.append(entry)
    return sorted(kept, key=lambda r: (r["created"], r["data"]))


def _named(refs):
    return [ref for ref in refs if ref is not None]


def _export_story(story, names):
    data = {name: getattr(story, name) for name in STORY_TEXT}
    data.update(
        uuid=str(story.uuid),
        status=story.status,
        version=story.version,
        created=_stamp(story.created),
        updated=_stamp(story.updated),
        deleted_at=_stamp(story.deleted_at),
        themes=[
            _export_tag(st, names)
            for st in sorted(
                story.story_themes.all(), key=lambda st: _theme_order(st.theme)
            )
            if names.theme(st.theme) is not None
        ],
        questions=sorted(
            (
                {"question": ref, "angle": link.angle}
                for link in story.story_questions.all()
                if (ref := names.question(link.question)) is not None
            ),
            key=lambda link: _ref_order(link["question"]),
        ),
        checked_points=sorted(
            _named(names.point(p) for p in story.checked_points.all()),
            key=_ref_order,
        ),
        revisions=[
            {
                **{name: getattr(r, name) for name in REVISION_TEXT},
                "version": r.version,
                "created": _stamp(r.created),
            }
            for r in sorted(story.revisions.all(), key=lambda r: (r.created, r.version))
        ],
    )
    # Only when there are some: a file of a user without ladders is as it always was.
    if rungs := story.rungs.all():
        data["followups"] = [
            {"question": rung.question, "answer": rung.answer} for rung in rungs
        ]
    return data


def _export_tag(link, names):
    tag = {"theme": names.theme(link.theme), "angle": link.angle}
    # Only when set: a file of a user without lead stories is as it always was.
    if link.is_lead:
        tag["lead"] = True
    return tag


def _export_theme(theme):
    sections = Section.values
    return {
        "slug": theme.slug,
        "title": theme.title,
        "description": theme.description,
        "target_min": theme.target_min,
        "target_max": theme.target_max,
        "star_prompts": [
            {"section": p.section, "text": p.text}
            for p in sorted(
                theme.star_prompts.all(), key=lambda p: sections.index(p.section)
            )
        ],
        "points": [
            {"kind": p.kind, "position": p.position, "text": p.text}
            for p in sorted(theme.points.all(), key=lambda p: (p.kind, p.position))
        ],
    }


def _export_theme_set(user, names):
    choices = sorted(
        UserTheme.objects.filter(owner=user).select_related("theme"),
        key=lambda c: (c.position, _theme_order(c.theme)),
    )
    return [
        {"theme": ref, "position": c.position, "hidden": c.hidden}
        for c in choices
        if (ref := names.theme(c.theme)) is not None
    ]


def _export_jobs(user, names):
    """The jobs, and {job id: its index in the list} for what refers to one."""
    jobs = [
        (
            job.pk,
            {
                **{name: getattr(job, name) for name in JOB_TEXT},
                "interview_date": _day(job.interview_date),
                "status": job.status,
                "themes": [
                    names.theme(t)
                    for t in sorted(job.themes.all(), key=_theme_order)
                    if names.theme(t) is not None
                ],
                "created": _stamp(job.created),
                "updated": _stamp(job.updated),
                **_export_loop(job, names),
                **_export_dismissals(job),
            },
        )
        for job in Job.objects.for_user(user).prefetch_related("themes", *LOOP_PREFETCH)
    ]
    # Oldest first, ties broken by everything else the file holds, never the id.
    jobs.sort(key=lambda j: (j[1]["created"], dumps(j[1])))
    return [job for _, job in jobs], {pk: i for i, (pk, _) in enumerate(jobs)}


# A job's rounds, their themes, picks and debriefs, and the matcher's dismissals:
# five queries for every job at once.
LOOP_PREFETCH = [
    "rounds__themes",
    Prefetch(
        "rounds__assignments",
        Assignment.objects.select_related("theme", "story").only(
            "round", "theme__slug", "theme__owner", "story__uuid", "story__owner"
        ),
    ),
    Prefetch(
        "rounds__debrief",
        DebriefEntry.objects.select_related("theme", "question__theme", "story"),
    ),
    Prefetch("dismissals", Dismissal.objects.select_related("story")),
]


def _export_loop(job, names):
    """{"rounds": [...]} for a job with an interview loop, else nothing: a file of
    a user without loops is as it was before they existed."""
    rounds = [
        {
            "name": r.name,
            "interviewer": r.interviewer,
            "date": r.date.isoformat(),
            "time": r.time.isoformat(),
            "created": _stamp(r.created),
            "themes": sorted(
                _named(names.theme(t) for t in r.themes.all()), key=_ref_order
            ),
            "stories": sorted(
                (
                    {"theme": ref, "story": str(a.story.uuid)}
                    for a in r.assignments.all()
                    if a.story.owner_id == job.owner_id
                    and (ref := names.theme(a.theme)) is not None
                ),
                key=lambda pick: _ref_order(pick["theme"]),
            ),
            **_export_debrief(r, names, job.owner_id),
        }
        for r in job.rounds.all()
    ]
    if not rounds:
        return {}
    # In the loop's order, ties broken by what the file holds, never the id.
    return {
        "rounds": sorted(
            rounds, key=lambda r: (r["date"], r["time"], r["created"], dumps(r))
        )
    }


def _own_story(story, owner_id):
    """The uuid of `story` when it is the owner's (so in the file), else None."""
    return str(story.uuid) if story and story.owner_id == owner_id else None


def _export_debrief(round_, names, owner_id):
    """{"debrief": [...]} for a round with a debrief, else nothing."""
    entries = [
        {
            "question_text": e.question_text,
            "theme": e.theme and names.theme(e.theme),
            "question": e.question and names.question(e.question),
            # None with a title: the story told was deleted since.
            "story": _own_story(e.story, owner_id),
            "story_title": e.story_title,
            "rating": e.rating,
            "note": e.note,
            "created": _stamp(e.created),
        }
        for e in round_.debrief.all()
    ]
    if not entries:
        return {}
    return {"debrief": sorted(entries, key=lambda e: (e["created"], dumps(e)))}


def _export_dismissals(job):
    """{"dismissals": [...]} for a job the matcher was told some of, else nothing."""
    dismissals = [
        {
            "requirement_key": d.requirement_key,
            "story": str(d.story.uuid),
            "created": _stamp(d.created),
        }
        for d in job.dismissals.all()
        if d.story.owner_id == job.owner_id
    ]
    if not dismissals:
        return {}
    return {
        "dismissals": sorted(
            dismissals, key=lambda d: (d["requirement_key"], d["story"])
        )
    }


def _export_mocks(user, names, job_index):
    """{"mock_interviews": [...]} for a user who ran some, else nothing."""
    mocks = [
        {
            "job": job_index.get(m.job_id),
            "title": m.title,
            "target_seconds": m.target_seconds,
            "created": _stamp(m.created),
            "finished_at": _stamp(m.finished_at),
            "steps": [
                {
                    "position": s.position,
                    "question": s.question and names.question(s.question),
                    "question_text": s.question_text,
                    "theme_title": s.theme_title,
                    "story": _own_story(s.story, user.pk),
                    "started_at": _stamp(s.started_at),
                    "answered_at": _stamp(s.answered_at),
                    "rating": s.rating,
                    "spoken_seconds": s.spoken_seconds,
                    "followups": s.followups,
                    "done_at": _stamp(s.done_at),
                }
                for s in m.steps.all()
            ],
        }
        for m in MockInterview.objects.for_user(user).prefetch_related(
            Prefetch(
                "steps", MockStep.objects.select_related("question__theme", "story")
            )
        )
    ]
    if not mocks:
        return {}
    return {"mock_interviews": sorted(mocks, key=lambda m: (m["created"], dumps(m)))}


def _export_share_rules(user):
    """{"share_rules": {...}} for a user who saved some, else nothing."""
    rules = ShareRules.objects.filter(owner=user).first()
    if rules is None:
        return {}
    return {"share_rules": {name: getattr(rules, name) for name in SHARE_RULES_KEYS}}


def _uuid_or_none(story):
    return None if story is None else str(story.uuid)


def _export_sessions(user, names):
    """The practice log, and {session id: its index in the list} for the
    recordings linked to a round."""
    sessions = [
        (
            s.pk,
            {
                "question": ref,
                "story": _uuid_or_none(s.story),
                "started_at": _stamp(s.started_at),
                "duration_seconds": s.duration_seconds,
                "rating": s.rating,
                "note": s.note,
            },
        )
        for s in PracticeSession.objects.for_user(user).select_related(
            "question__theme", "story"
        )
        if (ref := names.question(s.question)) is not None
    ]
    # Oldest first, ties broken by every other exported value rather than the
    # database id, so a restore (which gives new ids) exports in the same order
    # (and two rounds alike in all are interchangeable, even to a recording).
    sessions.sort(
        key=lambda pair: (
            pair[1]["started_at"],
            _ref_order(pair[1]["question"]),
            pair[1]["story"] or "",
            pair[1]["rating"],
            pair[1]["duration_seconds"],
            pair[1]["note"],
        ),
    )
    return [s for _, s in sessions], {pk: i for i, (pk, _) in enumerate(sessions)}


def _export_cards(user, names):
    cards = [
        {
            "question": ref,
            "story": _uuid_or_none(c.story),
            "box": c.box,
            "due_on": c.due_on.isoformat(),
            "last_rating": c.last_rating,
            "last_practised_on": _day(c.last_practised_on),
            "times_practised": c.times_practised,
        }
        for c in PracticeCard.objects.for_user(user).select_related(
            "question__theme", "story"
        )
        if (ref := names.question(c.question)) is not None
    ]
    # A card is one (question, story) pair, so those two order them.
    return sorted(cards, key=lambda c: (_ref_order(c["question"]), c["story"] or ""))


def dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# Validation --------------------------------------------------------------------


class BackupError(Exception):
    """A backup file that cannot be restored; `messages` say what and where."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


# What a reference to the file's own content resolves to until the restore has
# given that content its rows.
@dataclass(frozen=True)
class FileTheme:
    slug: str


@dataclass(frozen=True)
class FileQuestion:
    index: int


@dataclass(frozen=True)
class FilePoint:
    slug: str
    kind: str
    position: int


# A theme reference resolves to a built-in Theme or a FileTheme, a question
# reference to a built-in SampleQuestion or a FileQuestion, a point reference to a
# built-in ThemePoint or a FilePoint.


@dataclass
class CleanStory:
    uuid: uuid.UUID
    fields: dict
    themes: list  # [(theme, angle, is lead)]
    questions: list  # [question]
    points: list  # [point]
    revisions: list  # [dict]
    # {question: angle}, where the angle is not empty (version 1 has none).
    angles: dict = field(default_factory=dict)
    followups: list = field(default_factory=list)  # [(question, answer)], in order


@dataclass
class CleanTheme:
    slug: str
    fields: dict  # title, description, target_min, target_max
    prompts: list  # [(section, text)]
    points: list  # [(kind, position, text)]


@dataclass
class CleanRound:
    fields: dict  # name, interviewer, date, time, created
    themes: list  # [theme]
    picks: dict  # {theme: story uuid}
    # DebriefEntry field values, with "theme", "question" references or None and
    # "story" a uuid or None.
    debrief: list = field(default_factory=list)

    @property
    def key(self):
        """What a merge knows a round by within its job."""
        return (self.fields["name"], self.fields["date"], self.fields["time"])


@dataclass
class CleanBackup:
    version: int = VERSION
    stories: list = field(default_factory=list)
    own_questions: list = field(default_factory=list)  # [(text, created)]
    own_notes: list = field(default_factory=list)
    # Model field values, with "question" a question and "story" a uuid or None.
    practice_sessions: list = field(default_factory=list)
    practice_cards: list = field(default_factory=list)
    # Model field values, "data" the audio's bytes and "session" an index in
    # `practice_sessions` or None; None: the file has none.
    recordings: list | None = None
    themes: list = field(default_factory=list)  # [CleanTheme]
    # [(theme, position, text)], in the file's order: FileQuestion(i) is the i-th.
    sample_questions: list = field(default_factory=list)
    theme_set: list = field(default_factory=list)  # [(theme, position, hidden)]
    hidden_questions: list = field(default_factory=list)  # [question]
    # Model field values, with "themes" a list of themes, "rounds" a list of
    # CleanRound and "dismissals" a list of (requirement key, story uuid, created).
    jobs: list = field(default_factory=list)
    # MockInterview field values, with "job" an index in `jobs` or None and "steps"
    # a list of MockStep field values ("question" a reference, "story" a uuid).
    mock_interviews: list = field(default_factory=list)
    # ShareRules field values; None where the file has none (the account's stay).
    share_rules: dict | None = None


class _LongNumber:
    """A number in the file too long for any field: refused where it stands."""

    def __init__(self, text):
        self.digits = len(text.lstrip("-"))

    def __str__(self):
        return f"a {self.digits}-digit number"


def _parse_int(text):
    return _LongNumber(text) if len(text) > NUMBER_DIGITS_MAX else int(text)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    def __init__(self):
        self.errors = []

    def error(self, where, message):
        self.errors.append(f"{where}: {message}" if where else message)

    def obj(self, value, where, required, optional=()):
        if not isinstance(value, dict):
            self.error(where, "must be an object")
            return False
        ok = True
        for key in sorted(required - value.keys()):
            self.error(where, f"missing field '{key}'")
            ok = False
        for key in sorted(value.keys() - required - set(optional)):
            self.error(where, f"unknown field '{_short(key)}'")
            ok = False
        return ok

    def text(self, value, where, max_length, required=False):
        if not isinstance(value, str):
            self.error(where, "must be a string")
        elif problem := unstorable_character(value):
            self.error(where, problem)
        elif len(value) > max_length:
            self.error(
                where, f"is {len(value)} characters long; the limit is {max_length}"
            )
        elif required and not value.strip():
            self.error(where, "must not be empty")
        else:
            return value
        return None

    def integer(self, value, where, minimum=1, maximum=2**31 - 1, nullable=False):
        if value is None and nullable:
            return None
        if isinstance(value, _LongNumber):
            self.error(where, f"is {value}; must be between {minimum} and {maximum}")
        elif not _is_int(value):
            self.error(where, "must be a whole number")
        elif value < minimum or value > maximum:
            self.error(where, f"must be between {minimum} and {maximum}")
        else:
            return value
        return None

    def boolean(self, value, where):
        if isinstance(value, bool):
            return value
        self.error(where, "must be true or false")
        return None

    def choice(self, value, where, choices):
        if isinstance(value, str) and value in choices:
            return value
        self.error(where, f"'{_short(value)}' is not one of {', '.join(choices)}")
        return None

    def day(self, value, where, nullable=False):
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            self.error(where, "must be a date like 2024-05-01")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(where, f"'{_short(value)}' is not a date like 2024-05-01")
            return None

    def time(self, value, where):
        if isinstance(value, str):
            try:
                parsed = time.fromisoformat(value)
            except ValueError:
                pass
            else:
                if parsed.tzinfo is None:
                    return parsed
        self.error(where, f"'{_short(value)}' is not a time of day like 14:30:00")
        return None

    def stamp(self, value, where, nullable=False):
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            self.error(where, "must be a date and time like 2024-05-01T09:30:00+00:00")
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.error(where, f"'{_short(value)}' is not a date and time")
            return None
        if parsed.tzinfo is None:
            self.error(where, "must include a time zone offset, like +00:00")
            return None
        try:
            # Stored (and exported) in UTC, which must not fall outside years 1–9999.
            return parsed.astimezone(UTC)
        except OverflowError:
            self.error(where, f"'{_short(value)}' is out of range")
            return None

    def array(self, value, where):
        if not isinstance(value, list):
            self.error(where, "must be a list")
            return []
        return value

    def bounded(self, value, where, limit, what, per):
        """A list of at most `limit` items; a longer one is refused, and read as
        empty so its items get no messages of their own."""
        items = self.array(value, where)
        if len(items) > limit:
            self.error(where, f"{len(items)} {what}, at most {limit} a {per}")
            return []
        return items

    def at_most(self, items, where, limit, what):
        """Refuse a list longer than one import takes, before reading any of it."""
        if len(items) > limit:
            raise BackupError(
                [
                    f"{where}: the file holds {len(items)} {what}; one import takes "
                    f"at most {limit}. Nothing was read from it."
                ]
            )


def _short(value, length=60):
    text = str(value)
    text = text if len(text) <= length else text[: length - 1] + "…"
    # Shown back in the page, which could not be encoded with a lone surrogate in it.
    return UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


class _Playbook:
    """The natural keys a backup may refer to, loaded once: built-in content only,
    never another user's own themes or questions."""

    def __init__(self):
        self.themes = {t.slug: t for t in Theme.objects.built_in()}
        self.questions = {
            q.natural_key(): q
            for q in SampleQuestion.objects.filter(
                owner=None, theme__owner=None
            ).select_related("theme")
        }
        self.points = {
            p.natural_key(): p
            for p in ThemePoint.objects.filter(theme__owner=None).select_related(
                "theme"
            )
        }


class _Refs:
    """Resolves the file's references: built-in content by natural key (_Playbook),
    and the file's own themes, questions and points by their key in the file.

    What the file holds of its own is read from the raw file, leniently, so that a
    reference to an own theme with a problem of its own gets no second message.
    """

    def __init__(self, playbook, data):
        self.playbook = playbook
        self.own_themes = set()
        self.own_points = set()
        self.own_questions = 0
        self.stories = set()
        if not isinstance(data, dict):
            return
        themes = data.get("themes")
        for item in themes if isinstance(themes, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("slug"), str):
                continue
            self.own_themes.add(item["slug"])
            points = item.get("points")
            for point in points if isinstance(points, list) else []:
                if isinstance(point, dict):
                    kind, position = point.get("kind"), point.get("position")
                    if isinstance(kind, str) and _is_int(position):
                        self.own_points.add((item["slug"], kind, position))
        questions = data.get("sample_questions")
        if isinstance(questions, list):
            self.own_questions = len(questions)
        stories = data.get("stories")
        # Even a story refused for a problem of its own: its message says why.
        self.stories = {
            _story_uuid(item) for item in (stories if isinstance(stories, list) else [])
        } - {None}

    def theme(self, check, value, where):
        """A theme reference: a built-in theme's slug, or {"own": slug}."""
        if isinstance(value, str):
            theme = self.playbook.themes.get(value)
            if theme is None:
                check.error(
                    where,
                    f"unknown theme '{_short(value)}'; no built-in theme has this "
                    'slug, and a theme of your own is written {"own": "its-slug"}',
                )
            return theme
        slug = _own(value)
        if not isinstance(slug, str):
            check.error(
                where,
                'must be a built-in theme\'s slug, or {"own": "its-slug"} for one '
                "of this file's themes",
            )
        elif slug not in self.own_themes:
            check.error(
                where, f"own theme '{_short(slug)}' is not in this file's themes"
            )
        else:
            return FileTheme(slug)
        return None

    def question(self, check, value, where, what="sample question"):
        """A question reference: [theme slug, position], or {"own": index}."""
        if not isinstance(value, dict):
            return _lookup(check, value, where, self.playbook.questions, what)
        index = _own(value)
        if _is_int(index) and 0 <= index < self.own_questions:
            return FileQuestion(index)
        if self.own_questions:
            check.error(
                where,
                '{"own": …} must be the index of one of this file\'s '
                f"sample_questions, 0 to {self.own_questions - 1}",
            )
        else:
            check.error(where, '{"own": …} names a sample question; this file has none')
        return None

    def point(self, check, value, where, what="theme point"):
        """A point reference: [theme slug, kind, position], where the theme may be
        {"own": slug}."""
        if not isinstance(value, list) or not value or not isinstance(value[0], dict):
            return _lookup(check, value, where, self.playbook.points, what)
        key = (_own(value[0]), *value[1:])
        if (
            len(key) == 3
            and isinstance(key[0], str)
            and isinstance(key[1], str)
            and _is_int(key[2])
            and key in self.own_points
        ):
            return FilePoint(*key)
        if all(isinstance(part, str) or _is_int(part) for part in key):
            check.error(where, f"unknown {what} {_short(json.dumps(value))}")
        else:
            check.error(
                where,
                f'must be a {what}\'s key, like [{{"own": "slug"}}, "framework", 1]',
            )
        return None


def _story_ref(check, refs, value, where, what):
    """A story's uuid, which must be a story in the file: a file cannot point at
    another account's story (those are refused) nor at one it lacks."""
    story_uuid = _story_uuid({"uuid": value})
    if story_uuid is None:
        check.error(where, "must be a story's UUID")
    elif story_uuid not in refs.stories:
        check.error(
            where,
            f"'{story_uuid}' is not a story in this file; {what} can only name the "
            "file's own stories",
        )
    else:
        return story_uuid
    return None


def _own(value):
    """The key of {"own": key}, or None when `value` is not of that shape."""
    if isinstance(value, dict) and value.keys() == {"own"}:
        return value["own"]
    return None


def parse(raw):
    """Bytes of an uploaded file → the decoded JSON, or BackupError."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BackupError(
            ["The file is not UTF-8 text, so it is not a backup."]
        ) from None
    try:
        return json.loads(text, parse_int=_parse_int)
    except (ValueError, RecursionError) as exc:
        detail = getattr(exc, "lineno", None)
        where = f" (line {exc.lineno}, column {exc.colno})" if detail else ""
        raise BackupError([f"The file is not valid JSON{where}."]) from None


def validate(data, user):
    """Check a decoded backup completely before anything is written.

    Returns CleanBackup with model instances resolved, or raises BackupError listing
    every problem (up to MAX_ERRORS) by its path in the file.
    """
    check = _Checker()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(
            [f'This is not an interviewprep backup (expected "format": "{FORMAT}").']
        )
    version = data.get("version")
    if not _is_int(version) or version not in VERSIONS:
        raise BackupError(
            [
                f"version: this backup is version {_short(version)!s}; this app reads "
                f"versions {', '.join(map(str, VERSIONS[:-1]))} and {VERSIONS[-1]}."
            ]
        )
    if version >= 2:
        check.obj(data, "", TOP_KEYS_V2, optional=OPTIONAL_KEYS_V2)
    else:
        check.obj(data, "", TOP_KEYS, optional={"recordings"})
    refs = _Refs(_Playbook(), data if version >= 2 else None)
    clean = CleanBackup(version=version)
    seen = set()
    leads = {}  # {theme: index of the story leading it}
    items = check.array(data.get("stories", []), "stories")
    check.at_most(items, "stories", MAX_STORIES, "stories")
    for i, item in enumerate(items):
        story = _validate_story(check, refs, item, f"stories[{i}]", version)
        if story is None:
            continue
        if story.uuid in seen:
            check.error(f"stories[{i}].uuid", "appears twice in this file")
        seen.add(story.uuid)
        clean.stories.append(story)
        for theme, _, lead in story.themes:
            if not lead:
                continue
            if theme in leads:
                check.error(
                    f"stories[{i}].themes",
                    f"the lead story for theme '{theme.slug}' is already "
                    f"stories[{leads[theme]}]; a theme has one lead story",
                )
            leads.setdefault(theme, i)
    for key, target in (
        ("own_questions", clean.own_questions),
        ("own_notes", clean.own_notes),
    ):
        for i, item in enumerate(check.array(data.get(key, []), key)):
            where = f"{key}[{i}]"
            if check.obj(item, where, {"text", "created"}):
                text = check.text(
                    item["text"], f"{where}.text", OWN_TEXT_MAX, required=True
                )
                created = check.stamp(item["created"], f"{where}.created")
                if text is not None and created is not None:
                    target.append((text, created))
    # Every story the file holds, even one refused above: its own message says why,
    # and practice that names it should not add a second, misleading one.
    in_file = {_story_uuid(item) for item in items} - {None}
    for i, item in enumerate(
        check.array(data.get("practice_sessions", []), "practice_sessions")
    ):
        session = _validate_session(
            check, refs, in_file, item, f"practice_sessions[{i}]"
        )
        if session is not None:
            clean.practice_sessions.append(session)
    pairs = {}
    for i, item in enumerate(
        check.array(data.get("practice_cards", []), "practice_cards")
    ):
        where = f"practice_cards[{i}]"
        card = _validate_card(check, refs, in_file, item, where)
        if card is None:
            continue
        pair = (card["question"], card["story"])
        if pair in pairs:
            check.error(
                where,
                f"has the same question and story as practice_cards[{pairs[pair]}]; "
                "a question and story have one card",
            )
        else:
            pairs[pair] = i
            clean.practice_cards.append(card)
    if version >= 2:
        _validate_own(check, refs, data, clean)
        clean.share_rules = _validate_share_rules(check, data.get("share_rules"))
    if "recordings" in data:
        # Counted in the file, not among the rounds that passed: a recording of a
        # round refused gets no second message.
        sessions = data.get("practice_sessions", [])
        clean.recordings = _validate_recordings(
            check,
            refs,
            in_file,
            data["recordings"],
            len(sessions) if isinstance(sessions, list) else 0,
        )
    check.errors.extend(
        _foreign_story_errors([_story_uuid(item) for item in items], user)
    )
    if check.errors:
        raise BackupError(check.errors[:MAX_ERRORS] + _more(check.errors))
    return clean


def _validate_own(check, refs, data, clean):
    """What version 2 adds: own themes and questions, the set, hidden questions,
    jobs."""
    items = check.array(data.get("themes", []), "themes")
    check.at_most(items, "themes", MAX_OWN_THEMES, "themes")
    slugs, titles = {}, {}
    for i, item in enumerate(items):
        where = f"themes[{i}]"
        theme = _validate_theme(check, refs, item, where)
        if theme is None:
            continue
        # Titles are unique per owner whatever their case (Theme's constraint);
        # casefold is at least as strict as any database's lower().
        title = theme.fields["title"].casefold()
        if theme.slug in slugs:
            check.error(
                f"{where}.slug",
                f"'{theme.slug}' is also the slug of themes[{slugs[theme.slug]}]",
            )
        elif title in titles:
            check.error(
                f"{where}.title",
                f"'{_short(theme.fields['title'])}' is also the title of "
                f"themes[{titles[title]}]; two of your themes cannot share a title",
            )
        else:
            slugs[theme.slug], titles[title] = i, i
            clean.themes.append(theme)

    items = check.array(data.get("sample_questions", []), "sample_questions")
    check.at_most(items, "sample_questions", MAX_OWN_QUESTIONS, "sample questions")
    for i, item in enumerate(items):
        where = f"sample_questions[{i}]"
        if not check.obj(item, where, SAMPLE_QUESTION_KEYS):
            continue
        question = (
            refs.theme(check, item["theme"], f"{where}.theme"),
            check.integer(item["position"], f"{where}.position", 0, SMALL_MAX),
            check.text(item["text"], f"{where}.text", QUESTION_MAX, required=True),
        )
        if None not in question:
            clean.sample_questions.append(question)

    in_set = {}
    for i, item in enumerate(check.array(data.get("theme_set", []), "theme_set")):
        where = f"theme_set[{i}]"
        if not check.obj(item, where, THEME_SET_KEYS):
            continue
        choice = (
            refs.theme(check, item["theme"], f"{where}.theme"),
            check.integer(item["position"], f"{where}.position", minimum=0),
            check.boolean(item["hidden"], f"{where}.hidden"),
        )
        theme = choice[0]
        if theme in in_set:
            check.error(
                f"{where}.theme",
                f"theme '{theme.slug}' is also theme_set[{in_set[theme]}]; a "
                "theme is in your set once",
            )
        elif None not in choice:
            in_set[theme] = i
            clean.theme_set.append(choice)

    clean.hidden_questions = _resolve(
        check, data.get("hidden_questions", []), "hidden_questions", refs.question
    )

    items = check.array(data.get("jobs", []), "jobs")
    check.at_most(items, "jobs", MAX_JOBS, "jobs")
    identities = {}
    for i, item in enumerate(items):
        job = _validate_job(check, refs, item, f"jobs[{i}]")
        if job is None:
            continue
        # What a merge knows a job by: it has no id that survives an export.
        identity = _job_identity(job)
        if identity in identities:
            check.error(
                f"jobs[{i}]",
                "has the same company, role and created time as "
                f"jobs[{identities[identity]}]",
            )
        else:
            identities[identity] = i
            clean.jobs.append(job)
    clean.mock_interviews = _validate_mocks(
        check, refs, data.get("mock_interviews", []), len(items)
    )


def _validate_theme(check, refs, item, where):
    if not check.obj(item, where, THEME_KEYS):
        return None
    before = len(check.errors)
    slug = item["slug"]
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > SLUG_MAX:
        check.error(
            f"{where}.slug",
            f"must be a slug of letters, digits, hyphens and underscores, at most "
            f"{SLUG_MAX} long",
        )
    elif slug in refs.playbook.themes:
        # Own slugs differ from the built-in ones, so a theme's URL names one theme.
        check.error(
            f"{where}.slug",
            f"'{slug}' is a built-in theme's slug; a theme of your own needs another",
        )
    fields = {
        "title": check.text(
            item["title"], f"{where}.title", THEME_TITLE_MAX, required=True
        ),
        "description": check.text(
            item["description"], f"{where}.description", THEME_DESCRIPTION_MAX
        ),
    }
    for name in ("target_min", "target_max"):
        fields[name] = check.integer(item[name], f"{where}.{name}", 0, SMALL_MAX)
    if None not in (fields["target_min"], fields["target_max"]) and (
        fields["target_min"] > fields["target_max"]
    ):
        check.error(f"{where}.target_max", "must not be less than target_min")

    prompts, sections = [], set()
    for j, prompt in enumerate(
        check.array(item["star_prompts"], f"{where}.star_prompts")
    ):
        at = f"{where}.star_prompts[{j}]"
        if not check.obj(prompt, at, PROMPT_KEYS):
            continue
        section = check.choice(prompt["section"], f"{at}.section", Section.values)
        text = check.text(prompt["text"], f"{at}.text", GUIDANCE_MAX, required=True)
        if section in sections:
            check.error(f"{at}.section", f"a theme has one '{section}' prompt")
        elif section is not None and text is not None:
            sections.add(section)
            prompts.append((section, text))

    points, keys = [], set()
    items = check.bounded(
        item["points"], f"{where}.points", MAX_THEME_POINTS, "points", "theme"
    )
    for j, point in enumerate(items):
        at = f"{where}.points[{j}]"
        if not check.obj(point, at, POINT_KEYS):
            continue
        key = (
            check.choice(point["kind"], f"{at}.kind", ThemePoint.Kind.values),
            check.integer(point["position"], f"{at}.position", 0, SMALL_MAX),
        )
        text = check.text(point["text"], f"{at}.text", GUIDANCE_MAX, required=True)
        if key in keys:
            check.error(at, f"a theme has one {key[0]} point at position {key[1]}")
        elif None not in key and text is not None:
            keys.add(key)
            points.append((*key, text))

    if len(check.errors) > before:
        return None
    return CleanTheme(slug, fields, prompts, points)


def _validate_job(check, refs, item, where):
    if not check.obj(item, where, JOB_KEYS, optional={"rounds", "dismissals"}):
        return None
    before = len(check.errors)
    job = {
        name: check.text(
            item[name], f"{where}.{name}", limit, required=name in JOB_REQUIRED
        )
        for name, limit in JOB_TEXT.items()
    }
    job["interview_date"] = check.day(
        item["interview_date"], f"{where}.interview_date", nullable=True
    )
    job["status"] = check.choice(item["status"], f"{where}.status", Job.Status.values)
    job["created"] = check.stamp(item["created"], f"{where}.created")
    job["updated"] = check.stamp(item["updated"], f"{where}.updated")
    job["themes"] = _themes(
        check, refs, check.array(item["themes"], f"{where}.themes"), f"{where}.themes"
    )
    job["rounds"] = _validate_rounds(check, refs, item.get("rounds", []), where)
    job["dismissals"] = _validate_dismissals(
        check, refs, item.get("dismissals", []), where
    )
    return None if len(check.errors) > before else job


def _themes(check, refs, items, where):
    """The themes a list names, each once, in its order."""
    themes = {}
    for j, ref in enumerate(items):
        theme = refs.theme(check, ref, f"{where}[{j}]")
        if theme in themes:
            check.error(f"{where}[{j}]", f"theme '{theme.slug}' is listed twice")
        elif theme is not None:
            themes[theme] = None
    return list(themes)


def _validate_rounds(check, refs, value, where):
    """A job's loop: [CleanRound], within the loop planner's limits."""
    items = check.bounded(value, f"{where}.rounds", ROUNDS_MAX, "rounds", "loop")
    rounds, keys = [], {}
    for j, item in enumerate(items):
        at = f"{where}.rounds[{j}]"
        if not check.obj(item, at, ROUND_KEYS, optional={"debrief"}):
            continue
        before = len(check.errors)
        fields = {
            name: check.text(item[name], f"{at}.{name}", limit, required=name == "name")
            for name, limit in ROUND_TEXT.items()
        }
        fields["date"] = check.day(item["date"], f"{at}.date")
        fields["time"] = check.time(item["time"], f"{at}.time")
        fields["created"] = check.stamp(item["created"], f"{at}.created")
        themes = _themes(
            check,
            refs,
            check.bounded(
                item["themes"],
                f"{at}.themes",
                THEMES_PER_ROUND_MAX,
                "themes",
                "round",
            ),
            f"{at}.themes",
        )
        picks = {}
        for k, pick in enumerate(check.array(item["stories"], f"{at}.stories")):
            pat = f"{at}.stories[{k}]"
            if not check.obj(pick, pat, PICK_KEYS):
                continue
            theme = refs.theme(check, pick["theme"], f"{pat}.theme")
            story = _story_ref(check, refs, pick["story"], f"{pat}.story", "a loop")
            if theme is None or story is None:
                continue
            if theme not in themes:
                check.error(
                    f"{pat}.theme", f"theme '{theme.slug}' is not one this round probes"
                )
            elif theme in picks:
                check.error(
                    f"{pat}.theme",
                    f"theme '{theme.slug}' has a story already; a round plans one "
                    "story a theme",
                )
            else:
                picks[theme] = story
        debrief = _validate_debrief(check, refs, item.get("debrief", []), at)
        if len(check.errors) > before:
            continue
        round_ = CleanRound(fields, themes, picks, debrief)
        if round_.key in keys:
            check.error(
                at,
                f"has the same name, date and time as {where}.rounds[{keys[round_.key]}]",
            )
        else:
            keys[round_.key] = j
            rounds.append(round_)
    return rounds


def _index(check, value, where, count, what):
    """An index in the file's list `what` of `count` items, or None (null)."""
    if value is None:
        return None
    if _is_int(value) and 0 <= value < count:
        return value
    if count:
        check.error(where, f"must be the index of one of {what}, 0 to {count - 1}")
    else:
        check.error(where, f"names one of {what}; this file has none")
    return None


def _validate_debrief(check, refs, value, where):
    """A round's debrief: [DebriefEntry field values], as the debrief form's limits."""
    items = check.bounded(
        value, f"{where}.debrief", DEBRIEF_ENTRIES_MAX, "questions", "debrief"
    )
    entries = []
    for k, item in enumerate(items):
        at = f"{where}.debrief[{k}]"
        if not check.obj(item, at, DEBRIEF_KEYS):
            continue
        before = len(check.errors)
        entry = {
            "question_text": check.text(
                item["question_text"], f"{at}.question_text", QUESTION_MAX, True
            ),
            "theme": None
            if item["theme"] is None
            else refs.theme(check, item["theme"], f"{at}.theme"),
            "question": None
            if item["question"] is None
            else refs.question(check, item["question"], f"{at}.question"),
            "story": None
            if item["story"] is None
            else _story_ref(check, refs, item["story"], f"{at}.story", "a debrief"),
            "story_title": check.text(
                item["story_title"], f"{at}.story_title", STORY_TITLE_MAX
            ),
            "rating": check.integer(item["rating"], f"{at}.rating", *RATINGS),
            "note": check.text(item["note"], f"{at}.note", DEBRIEF_NOTE_MAX),
            "created": check.stamp(item["created"], f"{at}.created"),
        }
        if len(check.errors) == before:
            entries.append(entry)
    return entries


def _validate_dismissals(check, refs, value, where):
    """A job's dismissals: [(requirement key, story uuid, created)], each once."""
    items = check.bounded(
        value, f"{where}.dismissals", MAX_DISMISSALS, "dismissals", "job"
    )
    dismissals, seen = [], {}
    for k, item in enumerate(items):
        at = f"{where}.dismissals[{k}]"
        if not check.obj(item, at, DISMISSAL_KEYS):
            continue
        dismissal = (
            check.text(
                item["requirement_key"],
                f"{at}.requirement_key",
                REQUIREMENT_KEY_MAX,
                required=True,
            ),
            _story_ref(check, refs, item["story"], f"{at}.story", "a dismissal"),
            check.stamp(item["created"], f"{at}.created"),
        )
        if None in dismissal:
            continue
        if dismissal[:2] in seen:
            check.error(
                at,
                f"dismisses the same story from the same requirement as "
                f"{where}.dismissals[{seen[dismissal[:2]]}]",
            )
        else:
            seen[dismissal[:2]] = k
            dismissals.append(dismissal)
    return dismissals


def _validate_mocks(check, refs, value, jobs):
    """The mock interviews: [MockInterview field values with their "steps"], as
    the mock interview's own limits; "job" an index in the file's `jobs`."""
    items = check.array(value, "mock_interviews")
    check.at_most(items, "mock_interviews", MAX_MOCK_INTERVIEWS, "mock interviews")
    mocks, seen = [], {}
    for i, item in enumerate(items):
        where = f"mock_interviews[{i}]"
        if not check.obj(item, where, MOCK_KEYS):
            continue
        before = len(check.errors)
        mock = {
            "job": _index(check, item["job"], f"{where}.job", jobs, "jobs"),
            "title": check.text(
                item["title"], f"{where}.title", MOCK_TITLE_MAX, required=True
            ),
            "target_seconds": check.integer(
                item["target_seconds"],
                f"{where}.target_seconds",
                TARGET_MIN,
                TARGET_MAX,
            ),
            "created": check.stamp(item["created"], f"{where}.created"),
            "finished_at": check.stamp(
                item["finished_at"], f"{where}.finished_at", nullable=True
            ),
        }
        steps = check.bounded(
            item["steps"], f"{where}.steps", QUESTIONS_MAX, "steps", "mock interview"
        )
        mock["steps"] = [
            _validate_step(check, refs, step, f"{where}.steps[{j}]")
            for j, step in enumerate(steps)
        ]
        positions = [step["position"] for step in mock["steps"] if step]
        if len(set(positions)) < len(positions):
            check.error(f"{where}.steps", "two steps have one position")
        if len(check.errors) > before:
            continue
        # What a merge knows a mock interview by.
        key = (mock["title"], mock["created"])
        if key in seen:
            check.error(
                where,
                f"has the same title and created time as mock_interviews[{seen[key]}]",
            )
        else:
            seen[key] = i
            mocks.append(mock)
    return mocks


def _validate_step(check, refs, item, where):
    if not check.obj(item, where, MOCK_STEP_KEYS):
        return None
    step = {
        "position": check.integer(
            item["position"], f"{where}.position", 1, QUESTIONS_MAX
        ),
        "question": None
        if item["question"] is None
        else refs.question(check, item["question"], f"{where}.question"),
        "question_text": check.text(
            item["question_text"], f"{where}.question_text", QUESTION_MAX, True
        ),
        "theme_title": check.text(
            item["theme_title"], f"{where}.theme_title", THEME_TITLE_COPY_MAX
        ),
        "story": None
        if item["story"] is None
        else _story_ref(
            check, refs, item["story"], f"{where}.story", "a mock interview"
        ),
        "rating": check.integer(
            item["rating"], f"{where}.rating", *RATINGS, nullable=True
        ),
        "spoken_seconds": check.integer(
            item["spoken_seconds"],
            f"{where}.spoken_seconds",
            maximum=RECORDING_SECONDS_MAX,
            nullable=True,
        ),
    }
    for name in ("started_at", "answered_at", "done_at"):
        step[name] = check.stamp(item[name], f"{where}.{name}", nullable=True)
    followups = check.bounded(
        item["followups"],
        f"{where}.followups",
        FOLLOWUPS_PER_ANSWER,
        "follow-ups",
        "question",
    )
    step["followups"] = []
    for k, followup in enumerate(followups):
        at = f"{where}.followups[{k}]"
        if not check.obj(followup, at, MOCK_FOLLOWUP_KEYS):
            continue
        step["followups"].append(
            {
                "question": check.text(
                    followup["question"],
                    f"{at}.question",
                    FOLLOWUP_QUESTION_MAX,
                    required=True,
                ),
                "answer": check.text(
                    followup["answer"], f"{at}.answer", FOLLOWUP_ANSWER_MAX
                ),
                "ladder": check.boolean(followup["ladder"], f"{at}.ladder"),
            }
        )
    return step


def _validate_share_rules(check, value):
    """The sharing rules: their lists within what their form takes."""
    if value is None or not check.obj(value, "share_rules", SHARE_RULES_KEYS):
        return None
    before = len(check.errors)
    rules = {
        "default_company": check.text(
            value["default_company"], "share_rules.default_company", DESCRIPTION_MAX
        )
    }
    for name in SHARE_LISTS:
        where = f"share_rules.{name}"
        text = rules[name] = check.text(value[name], where, SHARE_LIST_CHARS)
        lines = parse_lines(text)
        if len(lines) > LIST_MAX_LINES:
            check.error(where, f"{len(lines)} lines, at most {LIST_MAX_LINES}")
        for line in lines:
            if len(line) > LINE_MAX:
                check.error(
                    where,
                    f"“{_short(line, 40)}” is {len(line)} characters long; a line "
                    f"takes at most {LINE_MAX}",
                )
                break
    return None if len(check.errors) > before else rules


def _foreign_story_errors(uuids, user):
    """A story id owned by someone else: never let a file reach into another account.

    `uuids` are the file's stories' ids in order (None where one has none). Checked
    before the restore, and again with the same message if the restore meets an id
    that another account took meanwhile (see restore).
    """
    foreign = set(
        Story.objects.filter(uuid__in={u for u in uuids if u is not None})
        .exclude(owner=user)
        .values_list("uuid", flat=True)
    )
    return [
        f"stories[{i}].uuid: '{story_uuid}' belongs to another account's story; "
        "a backup can only restore your own stories"
        for i, story_uuid in enumerate(uuids)
        if story_uuid in foreign
    ]


def _more(errors):
    extra = len(errors) - MAX_ERRORS
    return [f"…and {extra} more problems."] if extra > 0 else []


def _story_uuid(item):
    """The uuid of a story in the file, or None where it has none that parses."""
    if not isinstance(item, dict) or not isinstance(item.get("uuid"), str):
        return None
    try:
        return uuid.UUID(item["uuid"])
    except ValueError:
        return None


def _practice_refs(check, refs, in_file, item, where):
    """The question and story (by uuid) a session or card is for."""
    question = refs.question(check, item["question"], f"{where}.question", "question")
    story = item["story"]
    if story is None:
        return question, None
    story_uuid = _story_uuid({"uuid": story})
    if story_uuid is None:
        check.error(f"{where}.story", "must be a story's UUID, or null for none")
    elif story_uuid not in in_file:
        # Stories in the file are checked to be the user's own (or new), so this
        # also keeps a file from pointing practice at another account's story.
        check.error(
            f"{where}.story",
            f"'{story_uuid}' is not a story in this file; practice can only refer "
            "to the file's own stories",
        )
    return question, story_uuid


def _validate_session(check, refs, in_file, item, where):
    if not check.obj(item, where, PRACTICE_SESSION_KEYS):
        return None
    before = len(check.errors)
    question, story_uuid = _practice_refs(check, refs, in_file, item, where)
    clean = {
        "question": question,
        "story": story_uuid,
        "started_at": check.stamp(item["started_at"], f"{where}.started_at"),
        "duration_seconds": check.integer(
            item["duration_seconds"],
            f"{where}.duration_seconds",
            minimum=0,
            maximum=ROUND_SECONDS_MAX,
        ),
        "rating": check.integer(item["rating"], f"{where}.rating", *RATINGS),
        "note": check.text(item["note"], f"{where}.note", PRACTICE_NOTE_MAX),
    }
    return None if len(check.errors) > before else clean


def _validate_recordings(check, refs, in_file, value, sessions):
    items = check.array(value, "recordings")
    check.at_most(items, "recordings", MAX_RECORDINGS, "recordings")
    clean, total = [], 0
    for i, item in enumerate(items):
        where = f"recordings[{i}]"
        if not check.obj(item, where, RECORDING_KEYS, optional={"session"}):
            continue
        before = len(check.errors)
        session = _index(
            check,
            item.get("session"),
            f"{where}.session",
            sessions,
            "practice_sessions",
        )
        question = None
        if item["question"] is not None:
            question = refs.question(check, item["question"], f"{where}.question")
        story = None
        if item["story"] is not None:
            story = _story_uuid({"uuid": item["story"]})
            if story is None:
                check.error(f"{where}.story", "must be a story's UUID, or null")
            elif story not in in_file:
                check.error(f"{where}.story", f"'{story}' is not a story in this file")
        created = check.stamp(item["created"], f"{where}.created")
        seconds = check.integer(
            item["duration_seconds"], f"{where}.duration_seconds", maximum=2**31 - 1
        )
        data = None
        if not isinstance(item["data"], str):
            check.error(f"{where}.data", "must be the audio in base64")
        else:
            try:
                data = base64.b64decode(item["data"], validate=True)
            except (binascii.Error, ValueError):
                check.error(f"{where}.data", "is not valid base64")
        if data is not None and seconds is not None:
            try:
                content_type, seconds = check_audio(data, item["content_type"], seconds)
            except Refused as refusal:
                check.error(where, str(refusal).replace(": nothing was kept", ""))
            total += len(data)
        if len(check.errors) == before:
            clean.append(
                {
                    "question": question,
                    "story": story,
                    "created": created,
                    "duration_seconds": seconds,
                    "content_type": content_type,
                    "data": data,
                    "session": session,
                }
            )
    if total > RECORDINGS_MAX_BYTES:
        check.error(
            "recordings",
            f"hold {total:,} bytes of audio; a backup holds at most "
            f"{RECORDINGS_MAX_BYTES:,}",
        )
    return clean


def _validate_card(check, refs, in_file, item, where):
    if not check.obj(item, where, PRACTICE_CARD_KEYS):
        return None
    before = len(check.errors)
    question, story_uuid = _practice_refs(check, refs, in_file, item, where)
    clean = {
        "question": question,
        "story": story_uuid,
        "box": check.integer(item["box"], f"{where}.box", 1, TOP_BOX),
        "due_on": check.day(item["due_on"], f"{where}.due_on"),
        "last_rating": check.integer(
            item["last_rating"], f"{where}.last_rating", *RATINGS, nullable=True
        ),
        "last_practised_on": check.day(
            item["last_practised_on"], f"{where}.last_practised_on", nullable=True
        ),
        "times_practised": check.integer(
            item["times_practised"], f"{where}.times_practised", minimum=0
        ),
    }
    return None if len(check.errors) > before else clean


def _validate_story(check, refs, item, where, version):
    if not check.obj(item, where, STORY_KEYS, optional={"followups"}):
        return None
    before = len(check.errors)
    try:
        story_uuid = uuid.UUID(item["uuid"]) if isinstance(item["uuid"], str) else None
    except ValueError:
        story_uuid = None
    if story_uuid is None:
        check.error(f"{where}.uuid", "must be a UUID like 6f1c…-…")
    fields = {}
    for name, limit in STORY_TEXT.items():
        fields[name] = check.text(
            item[name], f"{where}.{name}", limit, required=name == "title"
        )
    if item["status"] not in Story.Status.values:
        check.error(
            f"{where}.status",
            f"'{_short(item['status'])}' is not one of {', '.join(Story.Status.values)}",
        )
    fields["status"] = item["status"]
    fields["version"] = check.integer(item["version"], f"{where}.version")
    fields["created"] = check.stamp(item["created"], f"{where}.created")
    fields["updated"] = check.stamp(item["updated"], f"{where}.updated")
    fields["deleted_at"] = check.stamp(
        item["deleted_at"], f"{where}.deleted_at", nullable=True
    )

    themes, seen_themes = [], set()
    for j, tag in enumerate(check.array(item["themes"], f"{where}.themes")):
        at = f"{where}.themes[{j}]"
        if not check.obj(tag, at, {"theme", "angle"}, optional={"lead"}):
            continue
        angle = check.text(tag["angle"], f"{at}.angle", ANGLE_MAX)
        lead = tag.get("lead", False)
        if not isinstance(lead, bool):
            check.error(f"{at}.lead", "must be true or false")
        theme = refs.theme(check, tag["theme"], at)
        if theme is None:
            continue
        if theme in seen_themes:
            check.error(at, f"theme '{theme.slug}' is listed twice")
        elif angle is not None and isinstance(lead, bool):
            seen_themes.add(theme)
            themes.append((theme, angle, lead))

    angles = {}
    if version >= 2:
        questions = []
        for j, link in enumerate(check.array(item["questions"], f"{where}.questions")):
            at = f"{where}.questions[{j}]"
            if not check.obj(link, at, STORY_QUESTION_KEYS):
                continue
            question = refs.question(check, link["question"], f"{at}.question")
            angle = check.text(link["angle"], f"{at}.angle", QUESTION_ANGLE_MAX)
            if question is not None and question in angles:
                check.error(f"{at}.question", "this question is listed twice")
            elif question is not None and angle is not None:
                angles[question] = angle
                questions.append(question)
    else:
        # Version 1: bare keys, no angles.
        questions = _resolve(
            check, item["questions"], f"{where}.questions", refs.question
        )
    points = _resolve(
        check, item["checked_points"], f"{where}.checked_points", refs.point
    )

    revisions = []
    items = check.array(item["revisions"], f"{where}.revisions")
    if len(items) > REVISIONS_KEPT:
        # As editing keeps: refused rather than trimmed, so no text in the file is
        # dropped without the user knowing.
        check.error(
            f"{where}.revisions",
            f"{len(items)} revisions, at most {REVISIONS_KEPT} are kept per story",
        )
        items = []
    for j, rev in enumerate(items):
        at = f"{where}.revisions[{j}]"
        if not check.obj(rev, at, REVISION_KEYS):
            continue
        clean = {
            name: check.text(rev[name], f"{at}.{name}", limit, required=name == "title")
            for name, limit in REVISION_TEXT.items()
        }
        clean["version"] = check.integer(rev["version"], f"{at}.version")
        clean["created"] = check.stamp(rev["created"], f"{at}.created")
        revisions.append(clean)

    followups = _validate_followups(check, item.get("followups", []), where)

    if len(check.errors) > before:
        return None
    angles = {question: angle for question, angle in angles.items() if angle}
    return CleanStory(
        story_uuid, fields, themes, questions, points, revisions, angles, followups
    )


def _validate_followups(check, value, where):
    """A story's follow-up ladder: [(question, answer)], as the editor's limits."""
    items = check.bounded(
        value, f"{where}.followups", RUNGS_MAX, "follow-up questions", "story"
    )
    followups = []
    for j, rung in enumerate(items):
        at = f"{where}.followups[{j}]"
        if not check.obj(rung, at, FOLLOWUP_KEYS):
            continue
        question = check.text(
            rung["question"], f"{at}.question", FOLLOWUP_QUESTION_MAX, required=True
        )
        answer = check.text(rung["answer"], f"{at}.answer", FOLLOWUP_ANSWER_MAX)
        if question is not None and answer is not None:
            followups.append((question, answer))
    return followups


def _resolve(check, value, where, lookup):
    """The references of a list, each resolved by `lookup(check, key, where)`."""
    # A dict, not a list: a file may repeat one key many thousand times.
    found = {}
    for j, key in enumerate(check.array(value, where)):
        obj = lookup(check, key, f"{where}[{j}]")
        if obj is not None:
            found[obj] = None
    return list(found)


def _lookup(check, key, where, known, what):
    """The playbook object a natural key names, or None (and an error)."""
    if not isinstance(key, list) or not all(
        isinstance(part, str) or _is_int(part) for part in key
    ):
        check.error(
            where, f"must be a {what}'s key, like {list(next(iter(known), ()))}"
        )
        return None
    obj = known.get(tuple(key))
    if obj is None:
        check.error(where, f"unknown {what} {_short(json.dumps(key))}")
    return obj


# Restore -----------------------------------------------------------------------


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    kept: int = 0
    removed: int = 0
    sessions_added: int = 0
    cards_added: int = 0
    cards_updated: int = 0
    themes_added: int = 0
    questions_added: int = 0
    jobs_added: int = 0
    jobs_updated: int = 0
    rounds_added: int = 0
    debriefs_added: int = 0
    mocks_added: int = 0
    recordings_added: int = 0


def restore(clean, user, mode):
    """Apply a validated backup in one transaction.

    Replace: the account's stories, own questions and notes, practice sessions and
    cards are deleted first; and, for a version 2 file, its own themes and sample
    questions, its set of themes, hidden questions and jobs.
    Merge: a story whose uuid the account already holds is overwritten only when the
    backup's copy was updated later; own questions and notes are added unless the
    same text is already there; practice sessions are added unless already there,
    and a card the account already has takes the backup's state only if it is newer
    (see _merge_practice). Own themes, own sample questions, the set and jobs merge
    as _restore_themes, _restore_questions, _restore_set and _restore_jobs say.

    Raises BackupError, as validate does, if another account took one of the file's
    story ids after validation (two imports of one file at once).
    """
    revisions = _revision_rows(clean)
    stories = _story_rows(clean, user)
    written = []  # the recordings' files, to delete if the restore rolls back
    try:
        try:
            with transaction.atomic():
                return _restore(clean, user, mode, revisions, stories, written)
        except BaseException:
            delete_files(written)
            raise
    except IntegrityError:
        # Only a story id is unique across accounts; the account's own rows cannot
        # clash, since its imports take turns (_restore). Anything else is a bug.
        errors = _foreign_story_errors([story.uuid for story in clean.stories], user)
        if not errors:
            raise
        raise BackupError(errors[:MAX_ERRORS] + _more(errors)) from None


def _restore(clean, user, mode, revisions, stories, written):
    # One import at a time per account: a second waits here until the first commits,
    # then merges with what it wrote. (SQLite ignores the row lock; its IMMEDIATE
    # transactions already take turns.)
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk=user.pk)
        .values_list("pk", flat=True)
    )
    outcome = Outcome()
    if mode == Mode.REPLACE:
        # A file with recordings replaces the account's; without, they stay, and
        # let go of the own questions about to be deleted.
        if clean.recordings is not None:
            Recording.objects.for_user(user).delete_with_files()
        else:
            Recording.objects.for_user(user).filter(question__owner=user).update(
                question=None
            )
        # Practice first, so deleting the stories has no sessions to unlink.
        PracticeSession.objects.for_user(user).delete()
        PracticeCard.objects.for_user(user).delete()
        OwnQuestion.objects.for_user(user).delete()
        OwnNote.objects.for_user(user).delete()
        outcome.removed = Story.objects.for_user(user).count()
        _delete_tree(Story.objects.for_user(user))
        if clean.version >= 2:
            # A version 1 file says nothing of these, so replaces none of them.
            _delete_themes(user)
    # What the file's own themes, questions and points are called here.
    rows = _Rows()
    if clean.version >= 2:
        outcome.themes_added = _restore_themes(clean, user, mode, rows)
        outcome.questions_added = _restore_questions(clean, user, mode, rows)
        _restore_set(clean, user, mode, rows)
        _insert(
            HiddenQuestion,
            ["owner", "question"],
            _new_pairs(
                user,
                (rows.question(q) for q in clean.hidden_questions),
                ()
                if mode == Mode.REPLACE
                else HiddenQuestion.objects.filter(owner=user).values_list(
                    "question", flat=True
                ),
            ),
        )
        outcome.jobs_added, outcome.jobs_updated = _restore_jobs(
            clean, user, mode, rows
        )

    # Every field the restore writes is set from the file, so the rest need not load.
    existing = {
        s.uuid: s
        for s in Story.objects.for_user(user)
        .filter(uuid__in=[c.uuid for c in clean.stories])
        .only("uuid", "updated")
    }
    added, newer = [], []
    for item in clean.stories:
        story = existing.get(item.uuid)
        if story is None:
            added.append((Story(owner=user, uuid=item.uuid, **item.fields), item))
        elif item.fields["updated"] > story.updated:
            for name, value in item.fields.items():
                setattr(story, name, value)
            newer.append((story, item))
        else:
            outcome.kept += 1
    outcome.created, outcome.updated = len(added), len(newer)

    # A newer copy brings its own tags, questions, points and revisions.
    stale = [story.pk for story, _ in newer]
    for model in (StoryTheme, Revision, StoryQuestion, _POINTS.through, Rung):
        model.objects.filter(story__in=stale).delete()
    _update(Story, STORY_FIELDS, [story for story, _ in newer])
    _insert(Story, STORY_COLUMNS, [stories[item.uuid] for _, item in added])
    ids = dict(
        Story.objects.for_user(user)
        .filter(uuid__in=[item.uuid for _, item in added])
        .values_list("uuid", "pk")
    )
    for story, item in added:
        story.pk = ids[item.uuid]

    written = added + newer
    # Keyed by (story, theme), and one lead a theme: two of the file's themes may
    # have merged into one of the account's (_restore_themes).
    tags, led = {}, set()
    for story, item in written:
        for theme, angle, lead in item.themes:
            pk = rows.theme(theme)
            tags.setdefault((story.pk, pk), [angle, lead and pk not in led])
            if lead:
                led.add(pk)
    _insert(
        StoryTheme,
        ["story", "theme", "angle", "is_lead"],
        [[*key, *value] for key, value in tags.items()],
    )
    # A lead the file brings replaces the account's own lead for that theme: one
    # lead per owner and theme (Story.make_lead).
    StoryTheme.objects.filter(
        story__owner=user,
        is_lead=True,
        theme__in={theme for (_, theme), (_, lead) in tags.items() if lead},
    ).exclude(story__in=[story.pk for story, _ in written]).update(is_lead=False)
    links = {}
    for story, item in written:
        for question in item.questions:
            links.setdefault(
                (story.pk, rows.question(question)), item.angles.get(question, "")
            )
    _insert(
        StoryQuestion,
        ["story", "question", "angle"],
        [[*key, angle] for key, angle in links.items()],
    )
    _insert(
        _POINTS.through,
        [_POINTS.field.m2m_field_name(), _POINTS.field.m2m_reverse_field_name()],
        list(
            dict.fromkeys(
                (story.pk, rows.point(point))
                for story, item in written
                for point in item.points
            )
        ),
    )
    _insert(
        Revision,
        ["story", *REVISION_FIELDS],
        [[story.pk, *row] for story, item in written for row in revisions[item.uuid]],
    )
    now = timezone.now()
    _insert(
        Rung,
        ["story", "position", "question", "answer", "created", "updated"],
        [
            [story.pk, position, question, answer, now, now]
            for story, item in written
            for position, (question, answer) in enumerate(item.followups, start=1)
        ],
    )
    for model, items in (
        (OwnQuestion, clean.own_questions),
        (OwnNote, clean.own_notes),
    ):
        have = set(model.objects.for_user(user).values_list("text", flat=True))
        model.objects.bulk_create(
            model(owner=user, text=text, created=created)
            for text, created in items
            if text not in have
        )
    _merge_practice(clean, user, outcome, rows)
    # Every story of the file is the account's by now: the ids its loops need.
    stories = {u: s.pk for u, s in existing.items()} | {
        item.uuid: story.pk for story, item in added
    }
    outcome.rounds_added, outcome.debriefs_added = _restore_loops(
        clean, user, mode, rows, stories
    )
    _restore_dismissals(clean, mode, rows, stories)
    outcome.mocks_added = _restore_mocks(clean, user, mode, rows, stories)
    _restore_share_rules(clean, user, mode)
    outcome.recordings_added = _restore_recordings(clean, user, rows, written)
    return outcome


class _Rows:
    """The database ids of what the file refers to: a built-in object's own, and
    for the file's own themes, questions and points the rows the restore wrote or
    matched them to."""

    def __init__(self):
        self.themes = {}  # {slug in the file: pk}
        self.questions = {}  # {index in the file: pk}
        self.points = {}  # {(theme pk, kind, position): pk}
        self.jobs = {}  # {index in the file's jobs: pk}
        self.sessions = {}  # {index in the file's practice_sessions: pk}

    def theme(self, ref):
        return self.themes[ref.slug] if isinstance(ref, FileTheme) else ref.pk

    def question(self, ref):
        return self.questions[ref.index] if isinstance(ref, FileQuestion) else ref.pk

    def point(self, ref):
        if isinstance(ref, FilePoint):
            return self.points[(self.themes[ref.slug], ref.kind, ref.position)]
        return ref.pk


def _delete_themes(user):
    """Delete what a version 2 file replaces besides the stories (which are gone by
    now, and with them their tags, questions and ticked points), whatever its size
    in a few statements."""
    for queryset in _own_content(user):
        _delete(queryset)


def _own_content(user):
    """A user's own themes and questions, set, hidden questions and jobs (with their
    interview loops), each after whatever refers to it (once the user's stories and
    practice are deleted). The loops' debriefs, the mock interviews and the
    matcher's dismissals go with them, and come back from the file's own."""
    return [
        Dismissal.objects.filter(job__owner=user),
        MockStep.objects.filter(interview__owner=user),
        MockInterview.objects.filter(owner=user),
        DebriefEntry.objects.filter(round__job__owner=user),
        Assignment.objects.filter(round__job__owner=user),
        Round.themes.through.objects.filter(round__job__owner=user),
        Round.objects.filter(job__owner=user),
        Job.themes.through.objects.filter(job__owner=user),
        Job.objects.filter(owner=user),
        HiddenQuestion.objects.filter(owner=user),
        UserTheme.objects.filter(owner=user),
        SampleQuestion.objects.filter(owner=user),
        StarPrompt.objects.filter(theme__owner=user),
        ThemePoint.objects.filter(theme__owner=user),
        Theme.objects.filter(owner=user),
    ]


def _delete_tree(queryset):
    """DELETE the rows `queryset` selects and, first, every row that refers to them
    (following the models' on_delete), in a few statements whatever their number.

    QuerySet.delete() loads every story (long sections and all) to collect it, and
    deletes the revisions of 1,000 stories in hundreds of batches: inside the
    import's transaction, that held the write lock for over a second. Here each
    table is one statement with a subquery.
    """
    model = queryset.model
    pks = queryset.order_by().values("pk")
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        if through._meta.auto_created:
            _delete(through.objects.filter(**{f"{m2m.m2m_field_name()}__in": pks}))
    # Hidden ones too (related_name="+", as a loop's Assignment.story has).
    for relation in model._meta.get_fields(include_hidden=True):
        if relation.concrete or not relation.auto_created or relation.many_to_many:
            continue  # not a relation from another table to this one
        children = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": pks}
        )
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            _delete_tree(children)
        elif on_delete is models.SET_NULL:
            children.update(**{relation.field.name: None})
        elif on_delete is not models.DO_NOTHING:
            children.delete()  # PROTECT and the rest: let Django decide
    _delete(queryset)


def _delete(queryset):
    """DELETE the rows `queryset` selects in one statement, however many.

    Not QuerySet.delete(): it loads the rows and deletes them a hundred at a time,
    and the 20,000 points 200 themes may hold would take 200 statements. Nothing
    cascades here: whatever refers to these rows must be deleted first.
    """
    model = queryset.model
    quote = connection.ops.quote_name
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} IN ({sql})",
            params,
        )


def _restore_themes(clean, user, mode, rows):
    """Write the file's own themes, their STAR prompts and points.

    Merge: a theme the account already has, by slug or else by title (whatever the
    case), is that theme: it keeps its title, description and targets, and gains
    only the prompts and points the file has and it lacks. Returns how many themes
    were added.
    """
    matched = set()
    if mode == Mode.MERGE and clean.themes:
        have = list(Theme.objects.filter(owner=user).values_list("pk", "slug", "title"))
        by_slug = {slug: pk for pk, slug, _ in have}
        by_title = {title.casefold(): pk for pk, _, title in have}
        for theme in clean.themes:
            pk = by_slug.get(theme.slug) or by_title.get(
                theme.fields["title"].casefold()
            )
            if pk is not None:
                rows.themes[theme.slug] = pk
                matched.add(pk)
    new = [theme for theme in clean.themes if theme.slug not in rows.themes]
    names = ["title", "description", "target_min", "target_max"]
    _insert(
        Theme,
        ["owner", "slug", *names],
        [[user.pk, theme.slug, *(theme.fields[n] for n in names)] for theme in new],
    )
    if new:
        rows.themes.update(
            Theme.objects.filter(
                owner=user, slug__in=[theme.slug for theme in new]
            ).values_list("slug", "pk")
        )

    prompts, points = set(), {}
    if matched:
        prompts = set(
            StarPrompt.objects.filter(theme__in=matched).values_list("theme", "section")
        )
        points = {
            (theme, kind, position): pk
            for pk, theme, kind, position in ThemePoint.objects.filter(
                theme__in=matched
            ).values_list("pk", "theme", "kind", "position")
        }
    new_prompts = {}
    new_points = {}
    for theme in clean.themes:
        pk = rows.themes[theme.slug]
        for section, text in theme.prompts:
            if (pk, section) not in prompts:
                new_prompts.setdefault((pk, section), text)
        for kind, position, text in theme.points:
            if (pk, kind, position) not in points:
                new_points.setdefault((pk, kind, position), text)
    _insert(
        StarPrompt,
        ["theme", "section", "text"],
        [[*key, text] for key, text in new_prompts.items()],
    )
    _insert(
        ThemePoint,
        ["theme", "kind", "position", "text"],
        [[*key, text] for key, text in new_points.items()],
    )
    rows.points = points
    # Only when a story ticks one: their ids come back in one more query.
    if new_points and any(
        isinstance(point, FilePoint) for item in clean.stories for point in item.points
    ):
        rows.points.update(
            ((theme, kind, position), pk)
            for pk, theme, kind, position in ThemePoint.objects.filter(
                theme__in={key[0] for key in new_points}
            ).values_list("pk", "theme", "kind", "position")
        )
    return len(new)


def _restore_questions(clean, user, mode, rows):
    """Write the file's own sample questions. Merge: a question the account already
    has on the same theme with the same text is that question. Returns how many
    were added."""
    if not clean.sample_questions:
        return 0
    mine = SampleQuestion.objects.filter(owner=user)
    have, before = {}, set()
    if mode == Mode.MERGE:
        for pk, theme, text in mine.values_list("pk", "theme", "text"):
            have.setdefault((theme, text), pk)
            before.add(pk)
    new = []
    for index, (theme, position, text) in enumerate(clean.sample_questions):
        pk = have.get((rows.theme(theme), text))
        if pk is None:
            new.append((index, [rows.theme(theme), position, text]))
        else:
            rows.questions[index] = pk
    if not new:
        return 0
    _insert(
        SampleQuestion,
        ["theme", "position", "text", "owner"],
        [[*row, user.pk] for _, row in new],
    )
    # The new rows' ids: the account's questions not there before, matched by what
    # they hold (two alike are interchangeable).
    written = defaultdict(list)
    for pk, *row in mine.order_by("pk").values_list("pk", "theme", "position", "text"):
        if pk not in before:
            written[tuple(row)].append(pk)
    for index, row in new:
        rows.questions[index] = written[tuple(row)].pop(0)
    return len(new)


def _restore_set(clean, user, mode, rows):
    """Write the file's set of themes. Replace: as the file has it. Merge: a theme
    the account's set lacks is added after its last, in the file's order, hidden
    if the file hides it; the account's own choices stay as they are."""
    if mode == Mode.REPLACE:
        have, last = {}, 0
    else:
        have = dict(
            UserTheme.objects.filter(owner=user).values_list("theme", "position")
        )
        last = max(have.values(), default=0)
    choices = []
    for theme, position, hidden in sorted(clean.theme_set, key=lambda c: c[1]):
        pk = rows.theme(theme)
        if pk in have:
            continue
        if mode == Mode.MERGE:
            last += 1
            position = last
        have[pk] = position
        choices.append([user.pk, pk, position, hidden])
    _insert(UserTheme, ["owner", "theme", "position", "hidden"], choices)


def _restore_jobs(clean, user, mode, rows):
    """Write the file's jobs. A job has no id that survives an export, so a merge
    knows it by its company, role and the instant it was created: one the account
    has is overwritten (with its themes) only when the file's copy was updated
    later. Returns (added, updated)."""
    if not clean.jobs:
        return 0, 0
    have = {}
    if mode == Mode.MERGE:
        have = {
            (company, role, created): (pk, updated)
            for pk, company, role, created, updated in Job.objects.for_user(
                user
            ).values_list("pk", "company", "role", "created", "updated")
        }
    added, newer = [], []
    for job in clean.jobs:
        found = have.get(_job_identity(job))
        if found is None:
            added.append(job)
        elif job["updated"] > found[1]:
            newer.append((found[0], job))
    fields = [Job._meta.get_field(name) for name in JOB_FIELDS]

    def values(job):
        return [f.get_db_prep_save(job[f.name], connection) for f in fields]

    through = Job.themes.through
    through.objects.filter(job__in=[pk for pk, _ in newer]).delete()
    _update_rows(Job, JOB_FIELDS, [[*values(job), pk] for pk, job in newer])
    _insert(Job, ["owner", *JOB_FIELDS], [[user.pk, *values(job)] for job in added])
    links = list(newer)
    ids = {identity: pk for identity, (pk, _) in have.items()}
    if added:
        by_identity = {_job_identity(job): job for job in added}
        for pk, *identity in Job.objects.for_user(user).values_list(
            "pk", "company", "role", "created"
        ):
            if (job := by_identity.get(tuple(identity))) is not None:
                links.append((pk, job))
                ids[tuple(identity)] = pk
    # What the file's loops, dismissals and mock interviews need.
    rows.jobs = {i: ids[_job_identity(job)] for i, job in enumerate(clean.jobs)}
    _insert(
        through,
        ["job", "theme"],
        list(
            dict.fromkeys(
                (pk, rows.theme(theme)) for pk, job in links for theme in job["themes"]
            )
        ),
    )
    return len(added), len(newer)


def _job_identity(job):
    return (job["company"], job["role"], job["created"])


def _restore_loops(clean, user, mode, rows, stories):
    """Write the rounds of the file's jobs (written by now), their themes and the
    stories planned for them (`stories`: {uuid: pk}).

    Merge: a round the job already has (the same name, date and time) keeps its
    themes and picks, and takes the file's pick only for a theme it probes and has
    no story for; the others are added, while the loop has room (ROUNDS_MAX). The
    debrief of a round the job has gains the file's entries it lacks (the same
    question asked at the same instant). Returns how many rounds and debrief
    entries were added."""
    if not any(job["rounds"] for job in clean.jobs):
        return 0, 0
    mine = Round.objects.filter(job__owner=user)
    have, sizes, probes, planned = {}, Counter(), set(), set()
    if mode == Mode.MERGE:
        for pk, job, *key in mine.values_list("pk", "job", "name", "date", "time"):
            have[(job, *key)] = pk
            sizes[job] += 1
        probes = set(
            Round.themes.through.objects.filter(round__in=mine).values_list(
                "round", "theme"
            )
        )
        planned = set(
            Assignment.objects.filter(round__in=mine).values_list("round", "theme")
        )
    new, old = [], []
    for index, job in enumerate(clean.jobs):
        pk = rows.jobs[index]
        for round_ in job["rounds"]:
            if (pk, *round_.key) in have:
                old.append((have[(pk, *round_.key)], round_))
            elif sizes[pk] < ROUNDS_MAX:
                sizes[pk] += 1
                new.append((pk, round_))
    names = ["name", "interviewer", "date", "time", "created"]
    fields = [Round._meta.get_field(name) for name in names]
    _insert(
        Round,
        ["job", *names],
        [
            [pk, *(f.get_db_prep_save(r.fields[f.name], connection) for f in fields)]
            for pk, r in new
        ],
    )
    if new:
        for pk, job, *key in mine.filter(job__in={pk for pk, _ in new}).values_list(
            "pk", "job", "name", "date", "time"
        ):
            have.setdefault((job, *key), pk)
    added = [(have[(pk, *r.key)], r) for pk, r in new]
    _insert(
        Round.themes.through,
        ["round", "theme"],
        [[pk, rows.theme(theme)] for pk, r in added for theme in r.themes],
    )
    picks = {}
    for kept, pairs in ((False, added), (True, old)):
        for pk, r in pairs:
            for theme, story in r.picks.items():
                slot = (pk, rows.theme(theme))
                if kept and (slot not in probes or slot in planned):
                    continue
                picks.setdefault(slot, stories[story])
    _insert(
        Assignment,
        ["round", "theme", "story"],
        [[*slot, story] for slot, story in picks.items()],
    )
    return len(new), _restore_debriefs(added, old, rows, stories)


# A debrief entry's columns, as the file gives them.
DEBRIEF_FIELDS = ["question_text", "story_title", "rating", "note", "created"]


def _restore_debriefs(added, old, rows, stories):
    """Write the debriefs of the rounds just added ([(pk, CleanRound)]) and, of
    the rounds the account had (`old`), the entries they lack: an entry is the
    question asked at an instant, kept as often as the file holds it. Only the
    rows: the practice cards a debrief made are in the file's "practice_cards".
    Returns how many entries were added."""
    have = Counter()
    if any(r.debrief for _, r in old):
        have = Counter(
            DebriefEntry.objects.filter(round__in=[pk for pk, _ in old]).values_list(
                "round", "question_text", "created"
            )
        )
    entries = []
    for pk, r in [*added, *old]:
        for entry in r.debrief:
            key = (pk, entry["question_text"], entry["created"])
            if have[key] > 0:
                have[key] -= 1
                continue
            entries.append(
                [
                    pk,
                    None if entry["theme"] is None else rows.theme(entry["theme"]),
                    None
                    if entry["question"] is None
                    else rows.question(entry["question"]),
                    None if entry["story"] is None else stories[entry["story"]],
                    *_prep(DebriefEntry, DEBRIEF_FIELDS, entry),
                ]
            )
    _insert(
        DebriefEntry, ["round", "theme", "question", "story", *DEBRIEF_FIELDS], entries
    )
    return len(entries)


def _prep(model, names, values):
    """The database values of these fields of `model`, from {name: value}."""
    return [
        model._meta.get_field(name).get_db_prep_save(values[name], connection)
        for name in names
    ]


def _restore_dismissals(clean, mode, rows, stories):
    """Write the matcher's dismissals of the file's jobs; merge adds those a job
    lacks (a story is dismissed from a requirement once)."""
    slots = {}
    for index, job in enumerate(clean.jobs):
        for key, story, created in job["dismissals"]:
            slots.setdefault((rows.jobs[index], key, stories[story]), created)
    if slots and mode == Mode.MERGE:
        for slot in Dismissal.objects.filter(
            job__in={job for job, _, _ in slots}
        ).values_list("job", "requirement_key", "story"):
            slots.pop(slot, None)
    created = Dismissal._meta.get_field("created")
    _insert(
        Dismissal,
        ["job", "requirement_key", "story", "created"],
        [
            [*slot, created.get_db_prep_save(stamp, connection)]
            for slot, stamp in slots.items()
        ],
    )


MOCK_FIELDS = ["title", "target_seconds", "created", "finished_at"]
STEP_FIELDS = [
    "position",
    "question_text",
    "theme_title",
    "started_at",
    "answered_at",
    "rating",
    "spoken_seconds",
    "followups",
    "done_at",
]


def _restore_mocks(clean, user, mode, rows, stories):
    """Write the file's mock interviews with their steps. A mock interview has no
    id that survives an export, so a merge knows it by its title and the instant
    it began, and keeps one the account has as it is (its steps included). Only
    the rows: the practice rounds their answers logged are in the file's
    "practice_sessions". Returns how many were added."""
    if not clean.mock_interviews:
        return 0
    mine = MockInterview.objects.for_user(user)
    have = set()
    if mode == Mode.MERGE:
        have = set(mine.values_list("title", "created"))
    new = [m for m in clean.mock_interviews if (m["title"], m["created"]) not in have]
    if not new:
        return 0
    _insert(
        MockInterview,
        ["owner", "job", *MOCK_FIELDS],
        [
            [
                user.pk,
                None if m["job"] is None else rows.jobs[m["job"]],
                *_prep(MockInterview, MOCK_FIELDS, m),
            ]
            for m in new
        ],
    )
    ids = {}
    for pk, *key in mine.filter(created__in={m["created"] for m in new}).values_list(
        "pk", "title", "created"
    ):
        ids.setdefault(tuple(key), pk)
    _insert(
        MockStep,
        ["interview", "question", "story", *STEP_FIELDS],
        [
            [
                ids[(m["title"], m["created"])],
                None if step["question"] is None else rows.question(step["question"]),
                None if step["story"] is None else stories[step["story"]],
                *_prep(MockStep, STEP_FIELDS, step),
            ]
            for m in new
            for step in m["steps"]
        ],
    )
    return len(new)


def _restore_share_rules(clean, user, mode):
    """Replace: the file's rules, when it has some. Merge: the account's lists gain
    the file's entries they lack (a term the account lists keeps its replacement),
    and its own stand-in for companies stays."""
    if clean.share_rules is None:
        return
    mine = ShareRules.objects.filter(owner=user)
    if mode == Mode.REPLACE:
        if not mine.update(**clean.share_rules):
            ShareRules.objects.create(owner=user, **clean.share_rules)
        return
    rules = mine.first()
    if rules is None:
        ShareRules.objects.create(owner=user, **clean.share_rules)
        return
    for name in SHARE_LISTS:
        lines, terms = [], set()
        for line in parse_lines(getattr(rules, name) + "\n" + clean.share_rules[name]):
            term = line if name == "names" else line.partition("=")[0].strip()
            if term.casefold() not in terms:
                terms.add(term.casefold())
                lines.append(line)
        setattr(rules, name, "\n".join(lines[:LIST_MAX_LINES]))
    rules.save()


def _new_pairs(user, targets, have):
    """[owner, target] rows for the targets not in `have`, each once."""
    have = set(have)
    return [[user.pk, pk] for pk in dict.fromkeys(targets) if pk not in have]


def _update(model, names, objects):
    """Write these fields of these objects, in one executemany."""
    fields = [model._meta.get_field(name) for name in names]
    _update_rows(
        model,
        names,
        [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            + [obj.pk]
            for obj in objects
        ],
    )


def _update_rows(model, names, rows):
    """UPDATE these fields of `model` from rows of database values, each ending in
    the row's id, in one executemany.

    Not bulk_update: it builds a CASE with a WHEN per story for every field, and
    resolving those took several seconds of CPU for 1,000 stories, all of it with
    SQLite's write lock held.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(
        f"{quote(model._meta.get_field(name).column)} = %s" for name in names
    )
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {columns} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _revision_rows(clean):
    """Each story's revisions as database values, prepared before the transaction.

    A file may hold 50,000 revisions (50 for each of 1,000 stories); bulk_create
    spent about 3 s of CPU preparing them, with SQLite's write lock held, where this
    and _insert's one executemany take half that, most of it before the lock.
    """
    fields = [Revision._meta.get_field(name) for name in REVISION_FIELDS]
    return {
        item.uuid: [
            [f.get_db_prep_save(rev[f.name], connection) for f in fields]
            for rev in item.revisions
        ]
        for item in clean.stories
    }


# Every column of a new story but its id, which the database assigns.
STORY_COLUMNS = [f.name for f in Story._meta.concrete_fields if not f.primary_key]


def _story_rows(clean, user):
    """Each story's INSERT values, prepared before the transaction.

    As _revision_rows: bulk_create spent most of a 1,000-story import compiling its
    INSERTs, with the write lock held. Rows for stories the account already has are
    prepared too and simply not used.
    """
    fields = [Story._meta.get_field(name) for name in STORY_COLUMNS]
    rows = {}
    for item in clean.stories:
        story = Story(owner=user, uuid=item.uuid, **item.fields)
        rows[item.uuid] = [
            f.get_db_prep_save(f.pre_save(story, True), connection) for f in fields
        ]
    return rows


def _insert(model, names, rows):
    """Insert rows of database values into these fields of `model`, in one call."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    values = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})"
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


_POINTS = Story.checked_points


def _restore_recordings(clean, user, rows, written):
    """Write the file's recordings the account lacks (by their bytes' SHA-256), each
    file's name added to `written` as soon as it is on disk. Returns how many."""
    if not clean.recordings:
        return 0
    have = set(Recording.objects.for_user(user).values_list("sha256", flat=True))
    stories = dict(
        Story.objects.for_user(user)
        .filter(uuid__in={r["story"] for r in clean.recordings} - {None})
        .values_list("uuid", "pk")
    )
    added = 0
    for entry in clean.recordings:
        digest = hashlib.sha256(entry["data"]).hexdigest()
        if digest in have:
            continue
        if len(have) >= MAX_RECORDINGS:
            raise BackupError(
                [
                    f"recordings: this account would hold more than {MAX_RECORDINGS} "
                    "recordings, the most kept. Delete some, or replace instead of "
                    "merging."
                ]
            )
        have.add(digest)
        question = entry["question"]
        Recording.keep(
            user,
            entry["data"],
            entry["content_type"],
            entry["duration_seconds"],
            question_id=None if question is None else rows.question(question),
            story_id=stories.get(entry["story"]),
            session_id=rows.sessions.get(entry["session"]),
            created=entry["created"],
            on_disk=written.append,
        )
        added += 1
    return added


def _card_recency(last_practised_on, times_practised):
    """What makes one state of a card newer than another: the day it was last
    practised, then how many rounds it has had (for two rounds on one day)."""
    return (last_practised_on or date.min, times_practised)


def _merge_practice(clean, user, outcome, rows):
    # Every story a practice entry names is in the file, so it is the user's by now.
    stories = {
        s.uuid: s
        for s in Story.objects.for_user(user).filter(
            uuid__in={
                entry["story"]
                for entry in clean.practice_sessions + clean.practice_cards
                if entry["story"] is not None
            }
        )
    }

    def fields(entry):
        return {
            "question_id": rows.question(entry["question"]),
            "story": stories.get(entry["story"]),
            **{k: v for k, v in entry.items() if k not in ("question", "story")},
        }

    # A session's identity is its question and the instant it started: a round is
    # never edited, and one question cannot be begun twice in the same microsecond
    # by one person. The story is left out because deleting a story unlinks (but
    # keeps) its sessions. Counted as a multiset, so a restore keeps exactly as many
    # rounds with one identity as the file holds, and re-importing adds none.
    # The ids of the rounds kept or added go to `rows`, for the recordings.
    have = defaultdict(list)
    for pk, *key in PracticeSession.objects.for_user(user).values_list(
        "pk", "question", "started_at"
    ):
        have[tuple(key)].append(pk)
    new_sessions = {}
    for index, entry in enumerate(clean.practice_sessions):
        key = (rows.question(entry["question"]), entry["started_at"])
        if have[key]:
            rows.sessions[index] = have[key].pop()
            continue
        new_sessions[index] = PracticeSession(owner=user, **fields(entry))
    # Both databases here return the new rows' ids (RETURNING).
    PracticeSession.objects.bulk_create(new_sessions.values())
    rows.sessions.update((index, s.pk) for index, s in new_sessions.items())
    outcome.sessions_added = len(new_sessions)

    # A card is identified by its (question, story) pair, as the model's constraints
    # say; of two states of one card the more recently practised wins.
    cards = {
        (c.question_id, c.story_id): c for c in PracticeCard.objects.for_user(user)
    }
    names = sorted(PRACTICE_CARD_KEYS - {"question", "story"})
    new_cards, changed = [], []
    for entry in clean.practice_cards:
        card = PracticeCard(owner=user, **fields(entry))
        pair = (card.question_id, card.story_id)
        # Two of the file's own questions may have merged into one here.
        found = cards.setdefault(pair, card)
        if found is card:
            new_cards.append(card)
        elif _card_recency(
            entry["last_practised_on"], entry["times_practised"]
        ) > _card_recency(found.last_practised_on, found.times_practised):
            for name in names:
                setattr(found, name, entry[name])
            if found.pk is not None:
                changed.append(found)
    PracticeCard.objects.bulk_create(new_cards)
    PracticeCard.objects.bulk_update(changed, names)
    outcome.cards_added, outcome.cards_updated = len(new_cards), len(changed)
