"""Create and edit one story: the plain form, autosave, in-place sections, tags.

Every change of text goes through Story.apply_edit with the version the browser based
it on; a stale one is answered with 409 and the conflict view, never a silent write.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from themes.models import SampleQuestion, Theme, ThemePoint

from ..forms import (
    EDIT_FIELDS,
    PROSE_FIELDS,
    SECTION_MAX,
    StoryForm,
    TagsForm,
    angle_name,
    clean_partial,
)
from ..models import StaleVersion, Story
from . import get_story

TEMPLATE = "stories/editor.html"
CHECKLIST_KINDS = [ThemePoint.Kind.FRAMEWORK, ThemePoint.Kind.KEY_POINT]


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
        "saved": [(name, getattr(current, name)) for name in EDIT_FIELDS],
    }


def _editor_context(story, form, tags_form, conflict=None):
    themes = list(Theme.objects.prefetch_related("questions", "star_prompts", "points"))
    if tags_form.is_bound:
        chosen_themes = set(tags_form.data.getlist("themes"))
        chosen_questions = set(tags_form.data.getlist("questions"))
        angles = {t.pk: tags_form.data.get(angle_name(t), "") for t in themes}
    else:
        chosen_themes = {str(pk) for pk in tags_form.initial.get("themes", [])}
        chosen_questions = {str(pk) for pk in tags_form.initial.get("questions", [])}
        angles = tags_form.initial.get("angles", {})
    checked_points = (
        set(story.checked_points.values_list("pk", flat=True)) if story else set()
    )
    tagged = [t for t in themes if str(t.pk) in chosen_themes]

    theme_rows = [
        {
            "theme": theme,
            "checked": theme in tagged,
            "angle_name": angle_name(theme),
            "angle": angles.get(theme.pk, ""),
            "questions": [
                (q, str(q.pk) in chosen_questions) for q in theme.questions.all()
            ],
        }
        for theme in themes
    ]
    guidance = [
        {
            "theme": theme,
            "angle": angles.get(theme.pk, ""),
            "lists": [
                (
                    label,
                    [
                        (point, point.pk in checked_points)
                        for point in theme.points.all()
                        if point.kind == kind
                    ],
                )
                for kind, label in [
                    (ThemePoint.Kind.FRAMEWORK, "Strong answer framework"),
                    (ThemePoint.Kind.KEY_POINT, "Key points to hit"),
                ]
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
                for prompt in theme.star_prompts.all()
                if prompt.section == name
            ],
        }
        for name in PROSE_FIELDS
    ]
    return {
        "story": story,
        "form": form,
        "tags_form": tags_form,
        "sections": sections,
        "theme_rows": theme_rows,
        "guidance": guidance,
        "conflict": conflict,
        "SECTION_MAX": SECTION_MAX,
    }


def _tags_initial(story):
    links = list(story.story_themes.all())
    return {
        "themes": [link.theme_id for link in links],
        "angles": {link.theme_id: link.angle for link in links},
        "questions": list(story.questions.values_list("pk", flat=True)),
    }


def _template(request, partial="editor"):
    return f"{TEMPLATE}#{partial}" if request.htmx else TEMPLATE


def _changed(response):
    return trigger_client_event(response, "storyChanged")


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def create(request):
    if request.method == "POST":
        form = StoryForm(request.POST, require_version=False)
        tags_form = TagsForm(request.POST)
        if form.is_valid() and tags_form.is_valid():
            with transaction.atomic():
                story = Story.objects.create(
                    owner=request.user,
                    **{name: form.cleaned_data[name] for name in EDIT_FIELDS},
                )
                tags_form.save(story)
            if request.htmx:
                return _changed(HttpResponseClientRedirect(story.get_absolute_url()))
            return redirect(story)
        status = 422
    else:
        form = StoryForm(require_version=False)
        tags_form = TagsForm(initial=_tags_from_query(request.GET))
        status = 200
    return render(
        request,
        _template(request),
        _editor_context(None, form, tags_form),
        status=status,
    )


def _tags_from_query(query):
    """?theme=<slug> and ?question=<pk>: what a story started from a theme serves."""
    themes, questions = [], []
    theme = Theme.objects.filter(slug=query.get("theme", "")).first()
    if theme:
        themes.append(theme.pk)
    if query.get("question", "").isdigit():
        question = SampleQuestion.objects.filter(pk=query["question"]).first()
        if question:
            questions.append(question.pk)
            if question.theme_id not in themes:
                themes.append(question.theme_id)
    return {"themes": themes, "questions": questions}


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def detail(request, pk):
    story = get_story(request, pk)
    if request.method == "GET":
        form = StoryForm(initial=_story_data(story))
        tags_form = TagsForm(initial=_tags_initial(story))
        return render(
            request, _template(request), _editor_context(story, form, tags_form)
        )

    form = StoryForm(request.POST)
    tags_form = TagsForm(request.POST)
    if not (form.is_valid() and tags_form.is_valid()):
        return render(
            request,
            _template(request),
            _editor_context(story, form, tags_form),
            status=422,
        )
    based_on = form.cleaned_data["version"]
    try:
        with transaction.atomic():
            changes = form.changes(story)
            if changes or based_on != story.version:
                story.apply_edit(changes, based_on=based_on)
            tags_form.save(story)
    except StaleVersion as stale:
        return _conflict_page(request, stale.current, form.cleaned_data, based_on)
    if request.htmx:
        return _changed(HttpResponseClientRedirect(story.get_absolute_url()))
    messages.success(request, f"Saved at {timezone.localtime():%H:%M:%S}.")
    return redirect(story)


def _conflict_page(request, current, mine, based_on):
    """409: the user's text beside the newer one, in a form based on the new version."""
    data = request.POST.copy()
    for name in EDIT_FIELDS:
        if name not in data:
            data[name] = getattr(current, name)
    data["version"] = str(current.version)
    context = _editor_context(
        current,
        StoryForm(data),
        TagsForm(data),
        conflict=_conflict(current, mine, based_on),
    )
    return render(request, _template(request), context, status=409)


@login_required
@require_POST
def autosave(request, pk):
    """Save the fields the editor's script sends, if nobody saved in between.

    200 {"version", "saved"}; 422 {"errors"}; 409 the conflict view (HTML).
    """
    story = get_story(request, pk)
    try:
        based_on = int(request.POST["version"])
    except (KeyError, ValueError):
        return JsonResponse(
            {"errors": {"version": ["The page did not say which version it edits."]}},
            status=400,
        )
    changes, errors = clean_partial(story, request.POST)
    if errors:
        return JsonResponse({"errors": errors}, status=422)
    changes = {name: v for name, v in changes.items() if v != getattr(story, name)}
    if changes or based_on != story.version:
        try:
            story.apply_edit(changes, based_on=based_on)
        except StaleVersion as stale:
            mine = {
                name: request.POST[name] for name in EDIT_FIELDS if name in request.POST
            }
            return render(
                request,
                f"{TEMPLATE}#conflict",
                {"conflict": _conflict(stale.current, mine, based_on)},
                status=409,
            )
    response = JsonResponse(
        {"version": story.version, "saved": sorted(changes)}, status=200
    )
    return _changed(response) if changes else response


@login_required
@require_POST
@vary_on_headers("HX-Request")
def save_section(request, pk, section):
    """Save one section in place (htmx), or as part of the page without it."""
    story = get_story(request, pk)
    if section not in PROSE_FIELDS:
        raise Http404
    data = _story_data(story)
    data[section] = request.POST.get(section, "")
    data["version"] = request.POST.get("version", "")
    form = StoryForm(data)
    if not form.is_valid():
        tags_form = TagsForm(initial=_tags_initial(story))
        context = _editor_context(story, form, tags_form)
        if request.htmx:
            context["section"] = _find_section(context, section)
            return render(request, f"{TEMPLATE}#feedback", context, status=422)
        return render(request, TEMPLATE, context, status=422)
    based_on = form.cleaned_data["version"]
    value = form.cleaned_data[section]
    try:
        if value != getattr(story, section) or based_on != story.version:
            story.apply_edit({section: value}, based_on=based_on)
    except StaleVersion as stale:
        conflict = _conflict(stale.current, {section: value}, based_on)
        if request.htmx:
            return render(
                request, f"{TEMPLATE}#conflict", {"conflict": conflict}, status=409
            )
        data = _story_data(stale.current)
        data[section] = value
        context = _editor_context(
            stale.current,
            StoryForm(data),
            TagsForm(initial=_tags_initial(stale.current)),
            conflict=conflict,
        )
        return render(request, TEMPLATE, context, status=409)
    if not request.htmx:
        messages.success(request, f"{_label(section)} saved.")
        return redirect(f"{story.get_absolute_url()}#section-{section}")
    context = _editor_context(
        story,
        StoryForm(initial=_story_data(story)),
        TagsForm(initial=_tags_initial(story)),
    )
    context["section"] = _find_section(context, section)
    context["saved_at"] = timezone.localtime()
    response = render(request, f"{TEMPLATE}#feedback", context)
    trigger_client_event(
        response, "storySaved", {"version": story.version, "field": section}
    )
    return _changed(response)


def _find_section(context, name):
    return next(s for s in context["sections"] if s["name"] == name)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def tags(request, pk):
    """Tag themes and questions at once; the guidance beside the editor follows."""
    story = get_story(request, pk)
    tags_form = TagsForm(request.POST)
    if not tags_form.is_valid():
        if request.htmx:
            return render(
                request,
                f"{TEMPLATE}#tags_status",
                {"tags_form": tags_form},
                status=422,
            )
        context = _editor_context(
            story, StoryForm(initial=_story_data(story)), tags_form
        )
        return render(request, TEMPLATE, context, status=422)
    tags_form.save(story)
    if not request.htmx:
        messages.success(request, "Themes and questions saved.")
        return redirect(f"{story.get_absolute_url()}#themes")
    context = _editor_context(
        story,
        StoryForm(initial=_story_data(story)),
        TagsForm(initial=_tags_initial(story)),
    )
    context["oob"] = True
    context["tags_saved"] = True
    return _changed(render(request, f"{TEMPLATE}#tags_response", context))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def checklist(request, pk):
    """Tick the framework and key points of the story's themes that it covers."""
    story = get_story(request, pk)
    allowed = ThemePoint.objects.filter(
        theme__in=story.themes.all(), kind__in=CHECKLIST_KINDS
    )
    ticked = allowed.filter(
        pk__in=[p for p in request.POST.getlist("points") if p.isdigit()]
    )
    with transaction.atomic():
        story.checked_points.remove(*allowed.exclude(pk__in=ticked))
        story.checked_points.add(*ticked)
    if request.htmx:
        return _changed(render(request, f"{TEMPLATE}#checklist_status", {}))
    messages.success(request, "Checklist saved.")
    return redirect(f"{story.get_absolute_url()}#guidance")


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
