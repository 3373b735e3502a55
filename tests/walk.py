"""Every URL the project defines, filled with one user's ids, for the walks that
must cover pages nobody remembered to list (isolation, CSRF, audits, bench).

The patterns come from the URL resolver, so a new view is walked as soon as it is
routed. Its keyword arguments are filled by name from KWARG_VALUES; a name the walk
does not know fails loudly, so that whoever adds `<int:log_pk>` also says here what
goes in it.
"""

import datetime
import itertools
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import ForeignKey, OneToOneField, Q
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from stories.models import TEXT_FIELDS, Story
from tests.factories import make_story
from themes.models import SampleQuestion, Theme, ThemePoint

# Not the project's own pages: Django's admin and the static files.
SKIPPED_PREFIXES = ("admin/", settings.STATIC_URL.lstrip("/"))
# The apps whose rows the walks snapshot: the project's own (top-level folders of the
# checkout), not Django's or a package's, so a new app is walked without a word here.
PROJECT_APPS = {
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).parent == settings.BASE_DIR
}
SECRET = "ALICE-SECRET"
METHODS = ["get", "post", "put", "patch", "delete"]
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def url_patterns():
    """(route, name) for every path() the project routes, in resolver order."""

    def walk(patterns, prefix, namespace):
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                yield from walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern):
                if route.startswith("^") or "(?P" in route:
                    raise AssertionError(f"re_path routes are not walked: {route!r}")
                name = f"{namespace}:{p.name}" if namespace else p.name
                yield route, name

    return list(walk(get_resolver().url_patterns, "", None))


def kwarg_names(route):
    return [m["name"] for m in PARAMETER.finditer(route)]


def fill(route, values):
    return "/" + PARAMETER.sub(lambda m: str(values[m["name"]]), route)


# Arguments that name no user's row: every value the views accept.
NAMED_VALUES = {
    "section": TEXT_FIELDS,
    "kind": ["question", "note"],  # the prep sheet's own items
    # A password-reset link whose token is wrong: the page says the link does not work.
    "uidb64": ["MQ"],
    "token": ["not-a-valid-token"],
    # Built-in playbooks are nobody's: the fixture's one.
    "playbook_slug": ["ml-computer-vision"],
}


# What each kind of keyword argument can hold, from the data `make_bank` made.
# "user" kinds are a user's rows: another user must get 404 for them.
def _kind(name):
    if name in ("pk", "id") or name.endswith(("_pk", "_id")):
        return "user"
    if name in NAMED_VALUES:
        return "named"
    if name == "slug" or name.endswith("_slug"):
        return "slug"
    return None


def candidates(name, bank):
    kind = _kind(name)
    if kind is None:
        raise AssertionError(
            f"the URL walk does not know what goes in <{name}>: add it to "
            "NAMED_VALUES in tests/walk.py (or teach _kind) so the new view is walked"
        )
    if kind == "user":
        return bank["user_pks"]
    if kind == "slug":
        return bank["theme_slugs"]
    return NAMED_VALUES[name]


def combos(route, bank, likely=False):
    """Every way to fill the route's arguments from the bank; [{}] if it has none.
    The likeliest ids come first (see _likely); with likely=True, only those."""
    names = kwarg_names(route)
    options = []
    for name in names:
        values = candidates(name, bank)
        first = _likely(route, name, bank)
        options.append(first if likely and first else _first(first, values))
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*options)
    ]


def reached(route, bank, reaches, limit=None):
    """Up to `limit` URLs of the route, filled from the bank, for which reaches(url)
    holds: the likely ids first, and every other id only when none of those do.

    Ids of different tables overlap on SQLite (1, 2, 3…) but not on PostgreSQL,
    whose sequences never roll back: tried in plain order, a two-id route there met
    hundreds of 404s before its first hit.
    """
    found, tried = [], set()
    for likely in (True, False):
        for values in combos(route, bank, likely=likely):
            url = fill(route, values)
            if url in tried:
                continue
            tried.add(url)
            if reaches(url):
                found.append(url)
                if len(found) == limit:
                    return found
        if found:
            break
    return found


def _first(first, values):
    return list(dict.fromkeys([*first, *values]))


def _hint(route, name):
    """The word that says what a user id names: "revision" for <revision_pk>, the
    path segment before it ("stories", "rounds") for a bare <pk>."""
    if name not in ("pk", "id"):
        word = name.rsplit("_", 1)[0]
    else:
        before = route[: route.index(f":{name}>")].rsplit("<", 1)[0]
        segments = [s for s in before.split("/") if s]
        word = segments[-1] if segments else ""
    word = word.replace("-", "").replace("_", "").lower()
    return word[:-3] + "y" if word.endswith("ies") else word.rstrip("s")


def _likely(route, name, bank):
    """The user's ids of the models the route's words name; [] if they name none."""
    if _kind(name) != "user":
        return []
    hint = _hint(route, name)
    if not hint:
        return []
    return [
        pk
        for model, pks in bank["pks_by_model"].items()
        if hint in model or model in hint
        for pk in pks
    ]


def touches_user_rows(route):
    return any(_kind(n) == "user" for n in kwarg_names(route))


def _owner_path(model, depth=0):
    """The lookup from `model` to its owning user ("owner", "story__owner"), if any."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    if model is user_model:
        return "pk"
    if depth > 3:
        return None
    links = [
        f
        for f in model._meta.get_fields()
        if isinstance(f, ForeignKey | OneToOneField) and f.concrete
    ]
    for field in links:
        if field.related_model is user_model:
            return field.name
    for field in links:
        if field.related_model._meta.app_label in PROJECT_APPS:
            rest = _owner_path(field.related_model, depth + 1)
            if rest is not None:
                return f"{field.name}__{rest}"
    return None


def project_models(include_auto_created=True):
    return [
        m
        for m in apps.get_models(include_auto_created=include_auto_created)
        if m._meta.app_label in PROJECT_APPS
    ]


def snapshot(user):
    """Every project row the user owns, and every row nobody owns (the playbook)."""
    rows = {}
    for model in project_models():
        path = _owner_path(model)
        qs = model._default_manager.all()
        if path is not None:
            qs = qs.filter(Q(**{path: user.pk}))
        rows[model._meta.label] = list(qs.order_by("pk").values())
    user_row = type(user)._default_manager.filter(pk=user.pk).values().get()
    user_row.pop("last_login")
    rows["user"] = user_row
    return rows


# Statements that cannot change a row; any other (INSERT, UPDATE, DELETE, raw SQL)
# counts as a write.
READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET ", "SHOW", "PRAGMA")


class Writes:
    """Whether any statement that may change a row ran inside the block. A request
    that wrote nothing cannot have changed anybody's data, so a walk takes its
    snapshot (tens of queries) only after one that did."""

    def __init__(self):
        self.seen = False

    def __call__(self, execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(READS):
            self.seen = True
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


def pks_by_model(user):
    """{model name, lower case: the primary keys of the user's rows of it}."""
    found = {}
    # Not the many-to-many link tables: no URL names their rows.
    for model in project_models(include_auto_created=False):
        path = _owner_path(model)
        if path is not None and path != "pk":
            found[model._meta.model_name] = sorted(
                model._default_manager.filter(**{path: user.pk}).values_list(
                    "pk", flat=True
                )
            )
    return found


def _create(model_label, **fields):
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return None
    return model.objects.create(**fields)


def make_bank(user):
    """A user with a bit of everything: tagged, revised, ready and trashed stories.

    Needs the playbook loaded. Every text contains SECRET, so a page that leaks it
    to another user is caught by a plain substring check.
    """
    themes = list(Theme.objects.built_in()[:3])
    own = Theme.objects.create(
        owner=user,
        slug=Theme.unique_slug(user, f"{SECRET} own theme"),
        title=f"{SECRET} own theme",
        description=f"{SECRET} what this theme probes",
    )
    own.add_to_set(user)
    own.star_prompts.create(section="situation", text=f"{SECRET} own prompt")
    own.points.create(kind="framework", position=1, text=f"{SECRET} own point")
    own_question = SampleQuestion.objects.create(
        theme=themes[0], owner=user, position=1, text=f"{SECRET} own sample question?"
    )
    _create(
        "themes.HiddenQuestion",
        owner=user,
        question=SampleQuestion.objects.filter(theme=themes[1], owner=None).first(),
    )
    story = make_story(
        user,
        themes=[*themes[:2], own],
        # Built-in questions only: another user's bank must not link this one's own
        # question (deleting it would then change their data).
        questions=[
            *SampleQuestion.objects.filter(theme=themes[0], owner=None)[:2],
            own_question,
        ],
        title=f"{SECRET} rolled back a drifting detector",
        summary=f"{SECRET} summary",
        situation=f"{SECRET} situation: the **detector** drifted.",
        task=f"{SECRET} task",
        action=f"{SECRET} action",
        result=f"{SECRET} result: 40% fewer pages",
        reflection=f"{SECRET} reflection",
        company="Acme",
        role="SRE",
        period="2024",
    )
    story.checked_points.set(ThemePoint.objects.filter(theme=themes[0])[:2])
    story.apply_edit({"result": f"{SECRET} result: 45% fewer pages"}, story.version)
    ready = make_story(
        user,
        themes=themes[1:3],
        title=f"{SECRET} shipped the migration",
        situation=f"{SECRET} situation two",
        status=Story.Status.READY,
    )
    trashed = make_story(user, themes=themes[:1], title=f"{SECRET} trashed story")
    trashed.move_to_trash()
    question = SampleQuestion.objects.filter(theme=themes[0], owner=None).first()
    # Rows of other features; a model that is gone is skipped, and a route that
    # then has nothing of alice's to reach fails the walk's own check.
    _create("themes.ThemeSetChoice", owner=user)
    _create("prepsheet.OwnQuestion", owner=user, text=f"{SECRET} own question")
    _create("prepsheet.OwnNote", owner=user, text=f"{SECRET} own note")
    _create(
        "practice.PracticeSession",
        owner=user,
        question=question,
        story=story,
        duration_seconds=95,
        rating=3,
        note=f"{SECRET} practice note",
    )
    _create(
        "practice.PracticeCard",
        owner=user,
        question=question,
        story=story,
        due_on=timezone.localdate(),
    )
    _create(
        "sharing.ShareRules",
        owner=user,
        companies=f"{SECRET} Corp = a large company",
        names=f"{SECRET}name",
        secrets=f"{SECRET} project",
    )
    job = _create(
        "jobs.Job",
        owner=user,
        company=f"{SECRET} company",
        role=f"{SECRET} role",
        description=f"{SECRET} job description",
    )
    if job is not None:
        job.themes.set([themes[0], own])
        round_ = _create(
            "loops.Round",
            job=job,
            name=f"{SECRET} round",
            interviewer=f"{SECRET} interviewer",
            date=timezone.localdate(),
            time=datetime.time(10, 0),
        )
        if round_ is not None:
            round_.themes.set([themes[0], own])
            _create("loops.Assignment", round=round_, theme=own, story=story)
            _create(
                "loops.DebriefEntry",
                round=round_,
                question_text=f"{SECRET} question asked",
                theme=own,
                question=own_question,
                story=story,
                story_title=story.title,
                rating=3,
                note=f"{SECRET} debrief note",
            )
        _create("matcher.Dismissal", job=job, requirement_key=f"{SECRET}", story=story)
    mock = _create(
        "mock.MockInterview", owner=user, job=job, title=f"{SECRET} mock interview"
    )
    if mock is not None:
        _create(
            "mock.MockStep",
            interview=mock,
            position=1,
            question=question,
            question_text=f"{SECRET} mock question",
            theme_title=f"{SECRET} mock theme",
            story=story,
            started_at=timezone.now(),
            followups=[{"question": f"{SECRET} follow-up", "answer": "", "ladder": 0}],
        )
    try:
        recording = apps.get_model("recordings.Recording")
    except LookupError:
        recording = None
    if recording is not None:
        # A real file (WebM's magic bytes, then padding): alice's audio is served.
        recording.keep(
            user, b"\x1a\x45\xdf\xa3" + bytes(2000), "audio/webm", 3, question=question
        )
    _create(
        "followups.Rung",
        story=story,
        position=1,
        question=f"{SECRET} what was your part?",
        answer=f"{SECRET} follow-up answer",
    )
    by_model = pks_by_model(user)
    return {
        "story": story,
        "ready": ready,
        "trashed": trashed,
        # The primary keys of every row the user owns, in any project model.
        "user_pks": sorted({pk for pks in by_model.values() for pk in pks}),
        "pks_by_model": by_model,
        "theme_slugs": [themes[0].slug, own.slug],
    }
