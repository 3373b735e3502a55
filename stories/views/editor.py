"""Create and edit one story: one form, one save path, the checklist and the preview.

The editor's form saves as the user types (htmx, `hx-trigger` with a delay) and posts
plainly without JavaScript, to the same URL either way: /stories/new/ until the first
save makes the story, the story's own URL after. Every change of text goes through
Story.apply_edit with the version the form is based on; a stale one is answered with
409 and the conflict view, never a silent write.
"""

import functools
from dataclasses import dataclass, field
from typing import NamedTuple
from uuid import uuid4

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, connection, transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import (
    HttpResponseClientRedirect,
    replace_url,
    reswap,
    retarget,
    trigger_client_event,
)

from interviewprep.params import parse_id, parse_ids
from markup.render import render_inline
from themes.models import (
    HiddenQuestion,
    SampleQuestion,
    StarPrompt,
    Theme,
    ThemePoint,
)

from ..forms import (
    EDIT_FIELDS,
    PROSE_FIELDS,
    SECTION_MAX,
    StoryForm,
    TagsForm,
    angle_name,
)
from ..models import (
    TITLE_MAX,
    Revision,
    StaleVersion,
    Story,
    StoryQuestion,
    StoryTheme,
)
from . import get_story

TEMPLATE = "stories/editor.html"
CHECKLIST_KINDS = [ThemePoint.Kind.FRAMEWORK, ThemePoint.Kind.KEY_POINT]
CHECKLIST_LABELS = [
    (ThemePoint.Kind.FRAMEWORK, "Strong answer framework"),
    (ThemePoint.Kind.KEY_POINT, "Key points to hit"),
]


@functools.lru_cache(maxsize=256)
def _point_html(text):
    """A playbook point as HTML, rendered once per process: the playbook's text is
    the same for every story and changes only when its fixture is loaded again, and
    rendering its Markdown was a tenth of the editor's time. Keyed by the text, so a
    changed point is rendered afresh; 256 is several times the playbook's points."""
    return mark_safe(render_inline(text))


def _story_data(story):
    """The story as the editor form would post it, to bind a form to."""
    data = {name: getattr(story, name) for name in EDIT_FIELDS}
    data["version"] = story.version
    return data


def _label(name):
    return Story._meta.get_field(name).verbose_name.capitalize()


def _conflict(current, mine, based_on):
    """What the conflict view shows: each field where the user's text differs."""
    return {
        "version": current.version,
        "based_on": based_on,
        "fields": [
            {
                "name": name,
                "label": _label(name),
                "mine": mine[name],
                "theirs": getattr(current, name),
            }
            for name in EDIT_FIELDS
            if name in mine and str(mine[name]) != str(getattr(current, name))
        ],
    }


def _tag_choices(tags_form):
    """The themes, questions and angles the tags part of the form shows as chosen."""
    if tags_form.is_bound:
        data = tags_form.data
        return (
            set(data.getlist("themes")),
            set(data.getlist("questions")),
            {
                key: value
                for key, value in data.items()
                if key.startswith(("angle-", "qangle-"))
            },
        )
    initial = tags_form.initial
    return (
        {str(pk) for pk in initial.get("themes", [])},
        {str(pk) for pk in initial.get("questions", [])},
        {
            **{f"angle-{pk}": angle for pk, angle in initial.get("angles", {}).items()},
            **{
                f"qangle-{pk}": angle
                for pk, angle in initial.get("question_angles", {}).items()
            },
        },
    )


def _editor_context(story, form, tags_form, conflict=None, marks=None):
    """Everything the page shows, worked out here so the template only loops.

    Three queries, written in SQL (the ORM took ten times as long to build them as
    the database to run them, 4 ms of the page's CPU): the user's marks on the story
    (unless the caller has read them), the themes, and their questions, prompts and
    points. None inside the template's loops.
    """
    user = tags_form.user
    marks = marks or _Marks.read(story, user)
    chosen_themes, chosen_questions, angles = _tag_choices(tags_form)
    themes = _themes(user, parse_ids(chosen_themes))
    tagged = [t for t in themes if str(t.pk) in chosen_themes]
    questions, prompts, points = _playbook_text(user, themes, tagged)
    theme_rows = [
        {
            "theme": theme,
            "checked": theme in tagged,
            "angle_name": angle_name(theme),
            "angle": angles.get(angle_name(theme), ""),
            "questions": [
                (q, str(q.pk) in chosen_questions, angles.get(f"qangle-{q.pk}", ""))
                for q in questions.get(theme.pk, ())
                if q.pk not in marks.hidden or str(q.pk) in chosen_questions
            ],
        }
        for theme in themes
    ]
    guidance = [
        {
            "theme": theme,
            "angle": angles.get(angle_name(theme), ""),
            "saved": theme.pk in marks.leads,
            "lead": marks.leads.get(theme.pk, False),
            "lists": [
                (
                    label,
                    [
                        (point, point.pk in marks.checked, _point_html(point.text))
                        for point in points.get(theme.pk, ())
                        if point.kind == kind
                    ],
                )
                for kind, label in CHECKLIST_LABELS
            ],
        }
        for theme in tagged
    ]
    sections = [
        {
            "name": name,
            "field": form[name],
            "prompts": [
                (theme, prompt.text)
                for theme in tagged
                for prompt in prompts.get(theme.pk, ())
                if prompt.kind == name
            ],
        }
        for name in PROSE_FIELDS
    ]
    return {
        "story": story,
        "has_history": marks.has_history,
        "form": form,
        "tags_form": tags_form,
        "sections": sections,
        "theme_rows": theme_rows,
        "guidance": guidance,
        "conflict": conflict,
        "SECTION_MAX": SECTION_MAX,
    }


def _themes(user, tagged):
    """The user's set, and any theme the story is tagged with (`tagged`, pks) that is
    not in it (a hidden one, one of another playbook): a tag is never silently
    dropped. In the user's order, with `place` and `hidden`."""
    return [
        theme
        for theme in Theme.objects.listed_for(user)
        if (theme.place is not None and not theme.hidden) or theme.pk in tagged
    ]


class _Text(NamedTuple):
    """A sample question, STAR prompt or checklist point, as the editor shows it;
    `kind` is the prompt's section or the point's kind."""

    pk: int
    theme_id: int
    kind: str
    text: str


def _playbook_text(user, themes, tagged):
    """The questions the user may see of `themes`, and the STAR prompts and
    checklist points of `tagged`, each {theme pk: [_Text]} in its own order: the
    questions by owner and position (as SampleQuestion's ordering), the points by
    kind and position."""
    questions, prompts, points = {}, {}, {}
    if not themes:
        return questions, prompts, points
    by_part = {"q": questions, "s": prompts, "p": points}

    def listed(pks):
        return ", ".join(["%s"] * len(pks))

    pks = [theme.pk for theme in themes]
    sql = f"""
        SELECT 'q', id, theme_id, owner_id, NULL, position, text
          FROM {SampleQuestion._meta.db_table}
         WHERE theme_id IN ({listed(pks)}) AND (owner_id IS NULL OR owner_id = %s)
    """
    params = [*pks, user.pk]
    if tagged:
        pks = [theme.pk for theme in tagged]
        sql += f"""
        UNION ALL
        SELECT 's', id, theme_id, NULL, section, NULL, text
          FROM {StarPrompt._meta.db_table} WHERE theme_id IN ({listed(pks)})
        UNION ALL
        SELECT 'p', id, theme_id, NULL, kind, position, text
          FROM {ThemePoint._meta.db_table} WHERE theme_id IN ({listed(pks)})
        """
        params += [*pks, *pks]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY 1, 4, 5, 6, 2", params)
        for part, pk, theme_id, _, kind, _, text in cursor.fetchall():
            row = _Text(pk, theme_id, kind, text)
            by_part[part].setdefault(theme_id, []).append(row)
    return questions, prompts, points


@dataclass
class _Marks:
    """What the user has marked on the story, and the questions they hid: the
    story's themes ({theme pk: (angle, whether it leads)}), its questions ({question
    pk: angle}), its ticked points, whether it has revisions (the History link)."""

    themes: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)
    checked: set = field(default_factory=set)
    hidden: set = field(default_factory=set)
    has_history: bool = False

    @property
    def leads(self):
        return {pk: lead for pk, (_, lead) in self.themes.items()}

    @classmethod
    def read(cls, story, user):
        """In one query written in SQL: as five ORM queries they cost the editor
        about 1.5 ms of CPU to build, ten times what the database took to run them.
        Each part is a lookup by an indexed key (the story, the owner)."""
        marks = cls()
        pk = story.pk if story else None
        with connection.cursor() as cursor:
            cursor.execute(_marks_sql(), [pk, pk, pk, pk, user.pk])
            for kind, key, angle, lead in cursor.fetchall():
                if kind == "t":
                    marks.themes[key] = (angle, bool(lead))
                elif kind == "q":
                    marks.questions[key] = angle
                elif kind == "p":
                    marks.checked.add(key)
                elif kind == "r":
                    marks.has_history = True
                else:
                    marks.hidden.add(key)
        return marks

    def tags_initial(self):
        """The tags part of the form as the story has it."""
        return {
            "themes": list(self.themes),
            "angles": {pk: angle for pk, (angle, _) in self.themes.items()},
            "questions": list(self.questions),
            "question_angles": dict(self.questions),
        }


@functools.cache
def _marks_sql():
    """Rows of (kind, key, angle, lead); params: the story four times, the user."""
    tag, answer = StoryTheme._meta.db_table, StoryQuestion._meta.db_table
    question = StoryQuestion._meta.get_field("question").column
    ticks = Story.checked_points.through
    point = ticks._meta.get_field("themepoint").column
    revision, hidden = Revision._meta.db_table, HiddenQuestion._meta.db_table
    return f"""
        SELECT 't', theme_id, angle, is_lead FROM {tag} WHERE story_id = %s
        UNION ALL
        SELECT 'q', {question}, angle, NULL FROM {answer} WHERE story_id = %s
        UNION ALL
        SELECT 'p', {point}, NULL, NULL FROM {ticks._meta.db_table} WHERE story_id = %s
        UNION ALL
        SELECT 'r', id, NULL, NULL
          FROM (SELECT id FROM {revision} WHERE story_id = %s LIMIT 1) one
        UNION ALL
        SELECT 'h', question_id, NULL, NULL FROM {hidden} WHERE owner_id = %s
    """


def _new_edit_id():
    """A random id for this rendering of the editor: one per tab."""
    return uuid4().hex


def _template(request, partial="editor"):
    return f"{TEMPLATE}#{partial}" if request.htmx else TEMPLATE


def _changed(response):
    return trigger_client_event(response, "storyChanged")


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def create(request):
    """The new-story page; its first save (typing alone will do) makes the story."""
    if request.method == "GET":
        form = StoryForm(
            initial={
                "create_key": uuid4(),
                "edit_id": _new_edit_id(),
                # ?title=: a story drafted for something asked elsewhere (a job's
                # requirement); the form escapes it as it would any value.
                "title": request.GET.get("title", "")[:TITLE_MAX],
            },
        )
        tags_form = TagsForm(
            initial=_tags_from_query(request.GET, request.user), user=request.user
        )
        return render(
            request, _template(request), _editor_context(None, form, tags_form)
        )

    # A field the post leaves out is the model's default, as on a blank page.
    data = request.POST.copy()
    for name in EDIT_FIELDS:
        data.setdefault(name, Story._meta.get_field(name).get_default())
    form = StoryForm(data)
    tags_form = TagsForm(data, user=request.user)
    if not (form.is_valid() and tags_form.is_valid()):
        return _invalid(request, None, form, tags_form)
    key = form.cleaned_data["create_key"]
    # A retried create (the same key: a double click, a resent autosave whose answer
    # was lost) is a save of the story it already made, on the version the form
    # says (none yet: 1); the page learns the story's address all the same.
    made = Story.objects.for_user(request.user).filter(create_key=key)
    if key and made.exists():
        story = _retried(made)
        return _moved(request, story, _save(request, story, form, tags_form, True))
    if not form.has_writing():
        form.add_error(None, "Write a title or any part of the story first.")
        return _invalid(request, None, form, tags_form)
    try:
        with transaction.atomic():
            story = Story.objects.create(
                owner=request.user,
                create_key=key,
                last_edit_id=form.cleaned_data["edit_id"],
                **form.values(),
            )
            tags_form.save(story)
            response = _saved(request, story, form, tags_changed=True, created=True)
    except IntegrityError:
        # The same key, sent twice at once: the other request made the story.
        if not (key and made.exists()):
            raise
        story = _retried(made)
        return _moved(request, story, _save(request, story, form, tags_form, True))
    return _moved(request, story, _changed(response))


def _moved(request, story, response):
    """The new-story page now edits a story: its address becomes the story's, and
    the form's empty hx-post follows it there."""
    return replace_url(response, story.get_absolute_url()) if request.htmx else response


def _retried(stories):
    story = stories.get()
    if story.deleted_at is not None:
        raise Http404  # made, then trashed: it is in the trash, not editable
    return story


def _tags_from_query(query, user):
    """?theme=<slug> and ?question=<pk>: what a story started from a theme serves."""
    themes, questions = [], []
    theme = Theme.objects.visible_to(user).filter(slug=query.get("theme", "")).first()
    if theme:
        themes.append(theme.pk)
    if question_pk := parse_id(query.get("question")):
        question = (
            SampleQuestion.objects.visible_to(user).filter(pk=question_pk).first()
        )
        if question:
            questions.append(question.pk)
            if question.theme_id not in themes:
                themes.append(question.theme_id)
    return {"themes": themes, "questions": questions}


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def detail(request, pk):
    """The editor of one story: the page, and the one endpoint its form saves to."""
    story = get_story(request, pk)
    if request.method == "GET":
        form = StoryForm(
            initial={**_story_data(story), "edit_id": _new_edit_id()},
        )
        marks = _Marks.read(story, request.user)
        tags_form = TagsForm(initial=marks.tags_initial(), user=request.user)
        return render(
            request,
            _template(request),
            _editor_context(story, form, tags_form, marks=marks),
        )
    # A field the post leaves out is unchanged, never emptied.
    data = request.POST.copy()
    for name in EDIT_FIELDS:
        data.setdefault(name, getattr(story, name))
    form = StoryForm(data)
    tags_form = TagsForm(data, user=request.user)
    if not (form.is_valid() and tags_form.is_valid()):
        return _invalid(request, story, form, tags_form)
    if form.cleaned_data["version"] is None:
        form.add_error("version", "The page did not say which version it edits.")
        return _invalid(request, story, form, tags_form)
    return _save(request, story, form, tags_form)


def _save(request, story, form, tags_form, created=False):
    """Apply the form to the story, if nobody saved in between; answer either way.

    The response is rendered inside the transaction: the commit is the last thing
    that can fail, so a save that committed always answers success.
    """
    cleaned = form.cleaned_data
    based_on = cleaned["merged_version"] or cleaned["version"] or 1
    values = form.values()
    changed = any(values[name] != getattr(story, name) for name in EDIT_FIELDS)
    # Tags are part of the form only where it shows them (the plain form, htmx).
    tagging = "tagging" in form.data
    try:
        with transaction.atomic():
            if changed or based_on != story.version:
                story.apply_edit(values, based_on, cleaned["edit_id"])
            tags_changed = tagging and _save_tags(story, tags_form)
            response = _saved(request, story, form, tags_changed, created)
    except StaleVersion as stale:
        return _conflict_response(request, stale.current, form, tags_form, based_on)
    if changed or tags_changed:
        _changed(response)
    return response


def _save_tags(story, tags_form):
    """Save the tags if they differ from the story's; whether they did."""
    cleaned = tags_form.cleaned_data
    wanted = {
        "themes": sorted(theme.pk for theme in cleaned["themes"]),
        "angles": {theme.pk: angle for theme, angle in cleaned["angles"].items()},
        "questions": sorted(question.pk for question in cleaned["questions"]),
        "question_angles": {
            question.pk: angle for question, angle in cleaned["question_angles"].items()
        },
    }
    now = _Marks.read(story, tags_form.user).tags_initial()
    if wanted == {
        **now,
        "themes": sorted(now["themes"]),
        "questions": sorted(now["questions"]),
    }:
        return False
    tags_form.save(story)
    return True


def _saved(request, story, form, tags_changed=False, created=False):
    """A save went through: the plain form goes back to the page (POST/redirect/GET);
    htmx gets the new version and status out of band, and never the fields, so
    nothing typed since the request left is overwritten."""
    saved_at = timezone.localtime()
    if not request.htmx:
        messages.success(request, f"Saved at {saved_at:%H:%M:%S}.")
        return redirect(story)
    context = {"story": story, "saved_at": saved_at, "oob": True, "created": created}
    if tags_changed or created:
        marks = _Marks.read(story, request.user)
        tags_form = TagsForm(initial=marks.tags_initial(), user=request.user)
        context.update(_editor_context(story, form, tags_form, marks=marks))
        context.update(oob=True, tags_changed=tags_changed, created=created)
    else:
        context["has_history"] = story.revisions.exists()
    return render(request, f"{TEMPLATE}#saved", context)


def _invalid(request, story, form, tags_form):
    """422: what is wrong, next to each field; the typed text stays in the form."""
    context = _editor_context(story, form, tags_form)
    if request.htmx:
        context["oob"] = True
        response = render(request, f"{TEMPLATE}#refused", context, status=422)
        return reswap(response, "none")
    return render(request, TEMPLATE, context, status=422)


def _conflict_response(request, current, form, tags_form, based_on):
    """409: the user's text beside the newer one.

    htmx gets the conflict view in the page's one conflict slot, and keeps its form
    as it is; the plain form is the whole page again, its form holding the user's
    text and based on the newer version, ready to merge and save.
    """
    conflict = _conflict(current, form.values(), based_on)
    if request.htmx:
        response = render(
            request,
            f"{TEMPLATE}#conflict_response",
            {"conflict": conflict, "story": current},
            status=409,
        )
        return reswap(retarget(response, "#conflict-slot"), "innerHTML")
    data = form.data.copy()
    data["version"] = str(current.version)
    data.pop("merged_version", None)
    context = _editor_context(
        current, StoryForm(data), TagsForm(data, user=request.user), conflict=conflict
    )
    return render(request, TEMPLATE, context, status=409)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def checklist(request, pk):
    """Tick the framework and key points of the story's themes that it covers."""
    story = get_story(request, pk)
    allowed = ThemePoint.objects.filter(
        theme__in=story.themes.all(), kind__in=CHECKLIST_KINDS
    )
    ticked = allowed.filter(pk__in=parse_ids(request.POST.getlist("points")))
    with transaction.atomic():
        story.checked_points.remove(*allowed.exclude(pk__in=ticked))
        story.checked_points.add(*ticked)
    if request.htmx:
        return _changed(render(request, f"{TEMPLATE}#checklist_status", {}))
    messages.success(request, "Checklist saved.")
    return redirect(f"{story.get_absolute_url()}#guidance")


@login_required
@require_POST
def lead(request, pk):
    """Make the story the lead for one of its themes (`lead`), or not (`not_lead`)."""
    story = get_story(request, pk)
    making = "lead" in request.POST
    theme_pk = parse_id(request.POST.get("lead" if making else "not_lead"))
    if theme_pk is None:
        return HttpResponseBadRequest("Say which theme: lead=<theme id>.")
    theme = get_object_or_404(story.themes.all(), pk=theme_pk)
    if making:
        story.make_lead(theme)
        messages.success(request, f"This is now your lead story for {theme}.")
    else:
        story.stop_being_lead(theme)
        messages.success(request, f"This is no longer your lead story for {theme}.")
    return redirect(f"{story.get_absolute_url()}#guidance-{theme.slug}")


@login_required
@require_POST
def duplicate(request, pk):
    """Copy the story as a new draft and open the copy's editor."""
    copy = get_story(request, pk).duplicate()
    messages.success(request, "This is a copy: edit it into a new story.")
    if request.htmx:
        return HttpResponseClientRedirect(copy.get_absolute_url())
    return redirect(copy)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def preview(request):
    """Render one Markdown field as the export will: the live preview while typing."""
    name = request.htmx.trigger_name if request.htmx else request.POST.get("field")
    text = request.POST.get(name, "")[:SECTION_MAX] if name in PROSE_FIELDS else ""
    return render(
        request,
        f"{TEMPLATE}#preview_body" if request.htmx else "stories/preview.html",
        {"text": text},
    )
