"""A lossless JSON backup of everything one user owns, and its validated restore.

Format (version 1)::

    {"format": "interviewprep-backup", "version": 1,
     "stories": [{"uuid": ..., "title": ..., ..., "themes": [{"theme": slug,
                  "angle": ..., "lead": true (only on the user's lead story for
                  the theme)}], "questions": [[theme slug, position]],
                  "checked_points": [[theme slug, kind, position]],
                  "revisions": [{...}]}],
     "own_questions": [{"text": ..., "created": ...}],
     "own_notes": [{"text": ..., "created": ...}],
     "practice_sessions": [{"question": [theme slug, position], "story": uuid or
                            null, "started_at": ..., "duration_seconds": ...,
                            "rating": 1-5, "note": ...}],
     "practice_cards": [{"question": [theme slug, position], "story": uuid or null,
                         "box": 1-5, "due_on": "2024-05-01", "last_rating": 1-5 or
                         null, "last_practised_on": date or null,
                         "times_practised": ...}]}

The playbook's content is referred to by natural key, never by database id, and the
file names no user: a restore always lands in the account that uploads it. Stories
are matched by their `uuid`; a uuid that belongs to another account's story is
refused, and a practice session or card may only name a story that is in the same
file. Export is deterministic (sorted keys, stable order, UTC timestamps with
microseconds), so export → restore → export gives the same bytes.

An import holds every limit editing holds, and is refused, naming the place, where
a file breaks one: at most MAX_STORIES stories, REVISIONS_KEPT revisions a story,
the models' text lengths, no text a database cannot store (stories.validators), no
number longer than any field takes. The restore is a few bulk statements, not a
few per story, in one transaction: on SQLite it holds the write lock for everyone.
"""

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from practice.models import PracticeCard, PracticeSession
from practice.scheduling import ROUND_SECONDS_MAX, TOP_BOX
from prepsheet.models import OWN_TEXT_MAX, OwnNote, OwnQuestion
from stories.models import REVISIONS_KEPT, TEXT_FIELDS, Revision, Story, StoryTheme
from stories.validators import UNSTORABLE, unstorable_character
from themes.models import SampleQuestion, Theme, ThemePoint

FORMAT = "interviewprep-backup"
VERSION = 1
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ERRORS = 20
# One import is one transaction, and on SQLite it holds the write lock for everyone
# while it runs: a file of at most this many stories keeps that short.
MAX_STORIES = 1000
# No field holds a number longer than this; a longer one is kept as a _LongNumber so
# its place in the file can be named (Python refuses to convert more than 4,300
# digits, and converting is quadratic in the length).
NUMBER_DIGITS_MAX = 30

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
TOP_KEYS = {
    "format",
    "version",
    "stories",
    "own_questions",
    "own_notes",
    "practice_sessions",
    "practice_cards",
}


class Mode:
    MERGE = "merge"
    REPLACE = "replace"


# Export ------------------------------------------------------------------------


def _stamp(value):
    return None if value is None else value.astimezone(UTC).isoformat()


def export_data(user):
    stories = (
        Story.objects.for_user(user)
        .prefetch_related(
            "story_themes__theme",
            "questions__theme",
            "checked_points__theme",
            "revisions",
        )
        .order_by("created", "uuid")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "stories": [_export_story(story) for story in stories],
        "own_questions": [
            {"text": q.text, "created": _stamp(q.created)}
            for q in OwnQuestion.objects.for_user(user)
        ],
        "own_notes": [
            {"text": n.text, "created": _stamp(n.created)}
            for n in OwnNote.objects.for_user(user)
        ],
        "practice_sessions": _export_sessions(user),
        "practice_cards": _export_cards(user),
    }


def _export_story(story):
    data = {name: getattr(story, name) for name in STORY_TEXT}
    data.update(
        uuid=str(story.uuid),
        status=story.status,
        version=story.version,
        created=_stamp(story.created),
        updated=_stamp(story.updated),
        deleted_at=_stamp(story.deleted_at),
        themes=[
            _export_tag(st)
            for st in sorted(story.story_themes.all(), key=lambda st: st.theme.number)
        ],
        questions=sorted(q.natural_key() for q in story.questions.all()),
        checked_points=sorted(p.natural_key() for p in story.checked_points.all()),
        revisions=[
            {
                **{name: getattr(r, name) for name in REVISION_TEXT},
                "version": r.version,
                "created": _stamp(r.created),
            }
            for r in sorted(story.revisions.all(), key=lambda r: (r.created, r.version))
        ],
    )
    data["questions"] = [list(key) for key in data["questions"]]
    data["checked_points"] = [list(key) for key in data["checked_points"]]
    return data


def _export_tag(link):
    tag = {"theme": link.theme.slug, "angle": link.angle}
    # Only when set: a file of a user without lead stories is as it always was.
    if link.is_lead:
        tag["lead"] = True
    return tag


def _uuid_or_none(story):
    return None if story is None else str(story.uuid)


def _export_sessions(user):
    sessions = [
        {
            "question": list(s.question.natural_key()),
            "story": _uuid_or_none(s.story),
            "started_at": _stamp(s.started_at),
            "duration_seconds": s.duration_seconds,
            "rating": s.rating,
            "note": s.note,
        }
        for s in PracticeSession.objects.for_user(user).select_related(
            "question__theme", "story"
        )
    ]
    # Oldest first, ties broken by every other exported value rather than the
    # database id, so a restore (which gives new ids) exports in the same order.
    return sorted(
        sessions,
        key=lambda s: (
            s["started_at"],
            s["question"],
            s["story"] or "",
            s["rating"],
            s["duration_seconds"],
            s["note"],
        ),
    )


def _export_cards(user):
    cards = [
        {
            "question": list(c.question.natural_key()),
            "story": _uuid_or_none(c.story),
            "box": c.box,
            "due_on": c.due_on.isoformat(),
            "last_rating": c.last_rating,
            "last_practised_on": (
                None if c.last_practised_on is None else c.last_practised_on.isoformat()
            ),
            "times_practised": c.times_practised,
        }
        for c in PracticeCard.objects.for_user(user).select_related(
            "question__theme", "story"
        )
    ]
    # A card is one (question, story) pair, so those two order them.
    return sorted(cards, key=lambda c: (c["question"], c["story"] or ""))


def dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# Validation --------------------------------------------------------------------


class BackupError(Exception):
    """A backup file that cannot be restored; `messages` say what and where."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class CleanStory:
    uuid: uuid.UUID
    fields: dict
    themes: list  # [(Theme, angle, is lead)]
    questions: list  # [SampleQuestion]
    points: list  # [ThemePoint]
    revisions: list  # [dict]


@dataclass
class CleanBackup:
    stories: list = field(default_factory=list)
    own_questions: list = field(default_factory=list)  # [(text, created)]
    own_notes: list = field(default_factory=list)
    # Model field values, with "question" a SampleQuestion and "story" a uuid or None.
    practice_sessions: list = field(default_factory=list)
    practice_cards: list = field(default_factory=list)


class _LongNumber:
    """A number in the file too long for any field: refused where it stands."""

    def __init__(self, text):
        self.digits = len(text.lstrip("-"))

    def __str__(self):
        return f"a {self.digits}-digit number"


def _parse_int(text):
    return _LongNumber(text) if len(text) > NUMBER_DIGITS_MAX else int(text)


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
        elif isinstance(value, bool) or not isinstance(value, int):
            self.error(where, "must be a whole number")
        elif value < minimum or value > maximum:
            self.error(where, f"must be between {minimum} and {maximum}")
        else:
            return value
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


def _short(value, length=60):
    text = str(value)
    text = text if len(text) <= length else text[: length - 1] + "…"
    # Shown back in the page, which could not be encoded with a lone surrogate in it.
    return UNSTORABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


class _Playbook:
    """The natural keys a backup may refer to, loaded once."""

    def __init__(self):
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.questions = {
            q.natural_key(): q for q in SampleQuestion.objects.select_related("theme")
        }
        self.points = {
            p.natural_key(): p for p in ThemePoint.objects.select_related("theme")
        }


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
    if data.get("version") != VERSION:
        raise BackupError(
            [
                f"version: this backup is version {_short(data.get('version'))!s}; "
                f"this app reads version {VERSION}."
            ]
        )
    check.obj(data, "", TOP_KEYS)
    playbook = _Playbook()
    clean = CleanBackup()
    seen = set()
    leads = {}  # {theme slug: index of the story leading it}
    items = check.array(data.get("stories", []), "stories")
    if len(items) > MAX_STORIES:
        raise BackupError(
            [
                f"stories: the file holds {len(items)} stories; one import takes at "
                f"most {MAX_STORIES}. Nothing was read from it."
            ]
        )
    for i, item in enumerate(items):
        story = _validate_story(check, playbook, item, f"stories[{i}]")
        if story is None:
            continue
        if story.uuid in seen:
            check.error(f"stories[{i}].uuid", "appears twice in this file")
        seen.add(story.uuid)
        clean.stories.append(story)
        for theme, _, lead in story.themes:
            if not lead:
                continue
            if theme.slug in leads:
                check.error(
                    f"stories[{i}].themes",
                    f"the lead story for theme '{theme.slug}' is already "
                    f"stories[{leads[theme.slug]}]; a theme has one lead story",
                )
            leads.setdefault(theme.slug, i)
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
            check, playbook, in_file, item, f"practice_sessions[{i}]"
        )
        if session is not None:
            clean.practice_sessions.append(session)
    pairs = {}
    for i, item in enumerate(
        check.array(data.get("practice_cards", []), "practice_cards")
    ):
        where = f"practice_cards[{i}]"
        card = _validate_card(check, playbook, in_file, item, where)
        if card is None:
            continue
        pair = (card["question"].pk, card["story"])
        if pair in pairs:
            check.error(
                where,
                f"has the same question and story as practice_cards[{pairs[pair]}]; "
                "a question and story have one card",
            )
        else:
            pairs[pair] = i
            clean.practice_cards.append(card)
    check.errors.extend(
        _foreign_story_errors([_story_uuid(item) for item in items], user)
    )
    if check.errors:
        raise BackupError(check.errors[:MAX_ERRORS] + _more(check.errors))
    return clean


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


def _practice_refs(check, playbook, in_file, item, where):
    """The question (by natural key) and story (by uuid) a session or card is for."""
    question = _lookup(
        check, item["question"], f"{where}.question", playbook.questions, "question"
    )
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


def _validate_session(check, playbook, in_file, item, where):
    if not check.obj(item, where, PRACTICE_SESSION_KEYS):
        return None
    before = len(check.errors)
    question, story_uuid = _practice_refs(check, playbook, in_file, item, where)
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


def _validate_card(check, playbook, in_file, item, where):
    if not check.obj(item, where, PRACTICE_CARD_KEYS):
        return None
    before = len(check.errors)
    question, story_uuid = _practice_refs(check, playbook, in_file, item, where)
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


def _validate_story(check, playbook, item, where):
    if not check.obj(item, where, STORY_KEYS):
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
        theme = (
            playbook.themes.get(tag["theme"]) if isinstance(tag["theme"], str) else None
        )
        if theme is None:
            check.error(at, f"unknown theme '{_short(tag['theme'])}'")
        elif theme.slug in seen_themes:
            check.error(at, f"theme '{theme.slug}' is listed twice")
        elif angle is not None and isinstance(lead, bool):
            seen_themes.add(theme.slug)
            themes.append((theme, angle, lead))

    questions = _resolve(
        check,
        item["questions"],
        f"{where}.questions",
        playbook.questions,
        "sample question",
    )
    points = _resolve(
        check,
        item["checked_points"],
        f"{where}.checked_points",
        playbook.points,
        "theme point",
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

    if len(check.errors) > before:
        return None
    return CleanStory(story_uuid, fields, themes, questions, points, revisions)


def _resolve(check, value, where, known, what):
    # A dict, not a list: a file may repeat one key many thousand times.
    found = {}
    for j, key in enumerate(check.array(value, where)):
        obj = _lookup(check, key, f"{where}[{j}]", known, what)
        if obj is not None:
            found[obj] = None
    return list(found)


def _lookup(check, key, where, known, what):
    """The playbook object a natural key names, or None (and an error)."""
    if not isinstance(key, list) or not all(
        isinstance(part, str | int) and not isinstance(part, bool) for part in key
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


def restore(clean, user, mode):
    """Apply a validated backup in one transaction.

    Replace: the account's stories, own questions and notes, practice sessions and
    cards are deleted first.
    Merge: a story whose uuid the account already holds is overwritten only when the
    backup's copy was updated later; own questions and notes are added unless the
    same text is already there; practice sessions are added unless already there,
    and a card the account already has takes the backup's state only if it is newer
    (see _merge_practice).

    Raises BackupError, as validate does, if another account took one of the file's
    story ids after validation (two imports of one file at once).
    """
    revisions = _revision_rows(clean)
    stories = _story_rows(clean, user)
    try:
        with transaction.atomic():
            return _restore(clean, user, mode, revisions, stories)
    except IntegrityError:
        # Only a story id is unique across accounts; the account's own rows cannot
        # clash, since its imports take turns (_restore). Anything else is a bug.
        errors = _foreign_story_errors([story.uuid for story in clean.stories], user)
        if not errors:
            raise
        raise BackupError(errors[:MAX_ERRORS] + _more(errors)) from None


def _restore(clean, user, mode, revisions, stories):
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
        # Practice first, so deleting the stories has no sessions to unlink.
        PracticeSession.objects.for_user(user).delete()
        PracticeCard.objects.for_user(user).delete()
        OwnQuestion.objects.for_user(user).delete()
        OwnNote.objects.for_user(user).delete()
        outcome.removed = Story.objects.for_user(user).count()
        Story.objects.for_user(user).delete()
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
    for model in (StoryTheme, Revision, _QUESTIONS.through, _POINTS.through):
        model.objects.filter(story__in=stale).delete()
    _update_stories([story for story, _ in newer])
    _insert(Story, STORY_COLUMNS, [stories[item.uuid] for _, item in added])
    ids = dict(
        Story.objects.for_user(user)
        .filter(uuid__in=[item.uuid for _, item in added])
        .values_list("uuid", "pk")
    )
    for story, item in added:
        story.pk = ids[item.uuid]

    written = added + newer
    _insert(
        StoryTheme,
        ["story", "theme", "angle", "is_lead"],
        [
            [story.pk, theme.pk, angle, lead]
            for story, item in written
            for theme, angle, lead in item.themes
        ],
    )
    # A lead the file brings replaces the account's own lead for that theme: one
    # lead per owner and theme (Story.make_lead).
    StoryTheme.objects.filter(
        story__owner=user,
        is_lead=True,
        theme__in={
            theme.pk for _, item in written for theme, _, lead in item.themes if lead
        },
    ).exclude(story__in=[story.pk for story, _ in written]).update(is_lead=False)
    _link(_QUESTIONS, ((story, q) for story, item in written for q in item.questions))
    _link(_POINTS, ((story, p) for story, item in written for p in item.points))
    _insert(
        Revision,
        ["story", *REVISION_FIELDS],
        [[story.pk, *row] for story, item in written for row in revisions[item.uuid]],
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
    _merge_practice(clean, user, outcome)
    return outcome


def _update_stories(stories):
    """Write the backup's fields over these stories, in one executemany.

    Not bulk_update: it builds a CASE with a WHEN per story for every field, and
    resolving those took several seconds of CPU for 1,000 stories, all of it with
    SQLite's write lock held.
    """
    fields = [Story._meta.get_field(name) for name in STORY_FIELDS]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(Story._meta.db_table)} SET {columns} WHERE {quote(Story._meta.pk.column)} = %s"
    rows = [
        [f.get_db_prep_save(getattr(story, f.attname), connection) for f in fields]
        + [story.pk]
        for story in stories
    ]
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


_QUESTIONS = Story.questions
_POINTS = Story.checked_points


def _link(relation, pairs):
    """Many-to-many rows (story, target) of `relation`, in one insert."""
    _insert(
        relation.through,
        [relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()],
        [[story.pk, target.pk] for story, target in pairs],
    )


def _card_recency(last_practised_on, times_practised):
    """What makes one state of a card newer than another: the day it was last
    practised, then how many rounds it has had (for two rounds on one day)."""
    return (last_practised_on or date.min, times_practised)


def _merge_practice(clean, user, outcome):
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

    # A session's identity is its question and the instant it started: a round is
    # never edited, and one question cannot be begun twice in the same microsecond
    # by one person. The story is left out because deleting a story unlinks (but
    # keeps) its sessions. Counted as a multiset, so a restore keeps exactly as many
    # rounds with one identity as the file holds, and re-importing adds none.
    have = Counter(
        PracticeSession.objects.for_user(user).values_list("question", "started_at")
    )
    new_sessions = []
    for entry in clean.practice_sessions:
        key = (entry["question"].pk, entry["started_at"])
        if have[key] > 0:
            have[key] -= 1
            continue
        new_sessions.append(
            PracticeSession(
                owner=user, **entry | {"story": stories.get(entry["story"])}
            )
        )
    PracticeSession.objects.bulk_create(new_sessions)
    outcome.sessions_added = len(new_sessions)

    # A card is identified by its (question, story) pair, as the model's constraints
    # say; of two states of one card the more recently practised wins.
    cards = {
        (c.question_id, c.story_id): c for c in PracticeCard.objects.for_user(user)
    }
    fields = sorted(PRACTICE_CARD_KEYS - {"question", "story"})
    new_cards, changed = [], []
    for entry in clean.practice_cards:
        story = stories.get(entry["story"])
        card = cards.get((entry["question"].pk, story and story.pk))
        if card is None:
            new_cards.append(PracticeCard(owner=user, **entry | {"story": story}))
        elif _card_recency(
            entry["last_practised_on"], entry["times_practised"]
        ) > _card_recency(card.last_practised_on, card.times_practised):
            for name in fields:
                setattr(card, name, entry[name])
            changed.append(card)
    PracticeCard.objects.bulk_create(new_cards)
    PracticeCard.objects.bulk_update(changed, fields)
    outcome.cards_added, outcome.cards_updated = len(new_cards), len(changed)
