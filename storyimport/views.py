"""Import an existing story bank: upload or paste, preview, then create drafts.

The source text (for a .docx, the Markdown made from it) waits in the session
between the upload and the import, at most 5 MB of it: the preview and the import
both parse it again with the mapping the user chose, so nothing the browser sends
back is trusted as story data.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from interviewprep.uploads import SizeLimitHandler
from stories.models import Story, StoryTheme
from themes.models import Theme

from . import parse

SESSION_KEY = "storyimport"
TOO_LARGE = "The file is larger than 5 MB, the limit for an import. Nothing was saved."


def _page(request, errors=(), status=200):
    return render(
        request,
        "storyimport/upload.html",
        {
            "errors": errors,
            "pending": request.session.get(SESSION_KEY),
            "max_stories": parse.MAX_STORIES,
            # Given back to fix, without the NUL a page cannot hold.
            "text": request.POST.get("text", "")[:100_000].replace("\x00", "\ufffd"),
        },
        status=status,
    )


@login_required
@require_GET
def import_page(request):
    return _page(request)


# The upload handlers must be set before anything reads the body, and the CSRF check
# reads it: hence exempt here and protected inside (Django's documented pattern).
@csrf_exempt
@login_required
@require_POST
def import_upload(request):
    request.upload_handlers.insert(0, SizeLimitHandler(request, parse.MAX_BYTES))
    return _upload(request)


@csrf_protect
def _upload(request):
    upload = request.FILES.get("file")
    if getattr(request, "upload_too_large", False) or (
        upload and upload.size > parse.MAX_BYTES
    ):
        return _page(request, [TOO_LARGE], status=400)
    try:
        if upload is not None:
            name = upload.name[:200]
            kind, text = parse.source_from_upload(name, upload.read())
        else:
            name, kind, text = "pasted text", "markdown", request.POST.get("text", "")
            if not text.strip():
                return _page(
                    request, ["Paste your stories, or choose a file."], status=400
                )
            if len(text.encode()) > parse.MAX_BYTES:
                raise parse.ImportProblem(TOO_LARGE)
        parse.parse(kind, text)
    except parse.ImportProblem as problem:
        return _page(request, problem.messages, status=400)
    request.session[SESSION_KEY] = {
        "kind": kind,
        "name": name,
        "text": text,
        "token": secrets.token_urlsafe(16),
    }
    return redirect("storyimport:preview")


def _choices(params):
    """The mapping the user chose on the preview, checked: a story heading level
    the text has, and a target for each CSV column."""
    level = params.get("level", "")
    story_level = None
    if level.isascii() and level.isdigit() and len(level) == 1:
        story_level = int(level)
    columns = params.getlist("column")
    mapping = None
    if columns and all(c in parse.TARGETS for c in columns):
        mapping = columns
    return story_level, mapping


def _parse_pending(pending, params):
    story_level, mapping = _choices(params)
    if story_level is not None and story_level not in (
        0,
        *parse.heading_levels(pending["text"]),
    ):
        story_level = None
    return parse.parse(pending["kind"], pending["text"], story_level, mapping)


def _theme_lookup(user):
    """Theme titles, case folded, to the user's theme of that title: one in their
    set first, else any they may tag with (built-in or their own)."""
    found = {}
    for queryset in (Theme.objects.for_user(user), Theme.objects.visible_to(user)):
        for theme in queryset.only("pk", "title"):
            found.setdefault(theme.title.casefold(), theme)
    return found


def _match_themes(parsed, lookup):
    """Each story's known themes (`story.matched`), and the unknown names."""
    unknown = {}  # case folded name: (the name as first written, story numbers)
    for number, story in enumerate(parsed.stories, 1):
        story.matched = []
        for name in story.themes:
            theme = lookup.get(name.casefold())
            if theme is None:
                numbers = unknown.setdefault(name.casefold(), (name, []))[1]
                if number not in numbers:
                    numbers.append(number)
            elif theme not in story.matched:
                story.matched.append(theme)
    return sorted(unknown.values(), key=lambda item: item[0].casefold())


@login_required
@require_GET
def import_preview(request):
    pending = request.session.get(SESSION_KEY)
    if pending is None:
        # Nothing to preview: the page to upload or paste is where to start.
        return redirect("storyimport:index")
    context = {"pending": pending, "targets": parse.TARGET_LABELS}
    try:
        parsed = _parse_pending(pending, request.GET)
    except parse.ImportProblem as problem:
        context["errors"] = problem.messages
        return render(request, "storyimport/preview.html", context, status=400)
    unknown = _match_themes(parsed, _theme_lookup(request.user))
    context.update(
        parsed=parsed,
        columns=list(zip(parsed.columns, parsed.mapping, strict=True)),
        unknown=unknown,
        notes_heading=parse.NOTES_HEADING,
    )
    return render(request, "storyimport/preview.html", context)


@login_required
@require_POST
def import_save(request):
    pending = request.session.get(SESSION_KEY)
    # Compared as bytes: compare_digest refuses a str that is not ASCII.
    sent = request.POST.get("token", "").encode()
    if pending is None or not secrets.compare_digest(sent, pending["token"].encode()):
        messages.error(
            request,
            "That preview is no longer current (it was imported, or replaced by "
            "another upload). Nothing was saved.",
        )
        return redirect("storyimport:index")
    try:
        parsed = _parse_pending(pending, request.POST)
    except parse.ImportProblem:
        messages.error(request, "The stories could not be imported; nothing was saved.")
        return redirect("storyimport:preview")
    _match_themes(parsed, _theme_lookup(request.user))
    with transaction.atomic():
        stories = Story.objects.bulk_create(
            Story(
                owner=request.user,
                status=Story.Status.DRAFT,
                title=story.title,
                situation=story.situation,
                task=story.task,
                action=story.action,
                result=story.result,
                reflection=story.reflection_with_notes(),
                company=story.company,
                role=story.role,
                period=story.period,
            )
            for story in parsed.stories
        )
        StoryTheme.objects.bulk_create(
            StoryTheme(story=saved, theme=theme)
            for saved, story in zip(stories, parsed.stories, strict=True)
            for theme in story.matched
        )
    del request.session[SESSION_KEY]
    count = len(stories)
    messages.success(
        request,
        f"Imported {count} stor{'y' if count == 1 else 'ies'} as drafts.",
    )
    return redirect("stories:list")


@login_required
@require_POST
def import_cancel(request):
    request.session.pop(SESSION_KEY, None)
    messages.info(request, "The import was cancelled; nothing was saved.")
    return redirect("storyimport:index")
