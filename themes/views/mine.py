"""The user's set of themes: their themes page (order, hide, show, add, adopt a
playbook) and the welcome choice of where to start."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import slug_re
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from ..models import (
    Guideline,
    Playbook,
    Theme,
    ThemeSetChoice,
    has_chosen_start,
)
from . import get_theme, safe_next

MOVES = {"up": -1, "down": 1}


def set_context(user):
    """The user's set in their order, shown and hidden apart, each theme with its
    playbook and question count: one query, however many themes."""
    themes = list(
        Theme.objects.in_set(user).select_related("playbook").with_question_counts(user)
    )
    return {
        "shown": [t for t in themes if not t.hidden],
        "hidden_themes": [t for t in themes if t.hidden],
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def index(request):
    context = set_context(request.user)
    if request.htmx:
        return render(request, "themes/index.html#theme_set", context)
    context["playbooks"] = Playbook.objects.with_counts(request.user)
    context["guidelines"] = Guideline.objects.all()
    return render(request, "themes/index.html", context)


def _set_changed(request, message):
    """htmx gets the set again, to swap in; a plain post goes back where it came
    from (the themes page unless it says otherwise), and is told what changed."""
    if request.htmx:
        return render(request, "themes/index.html#theme_set", set_context(request.user))
    messages.success(request, message)
    return redirect(safe_next(request, request.POST.get("next", ""), "themes:index"))


@login_required
@require_POST
def move(request, slug):
    theme = get_theme(request, slug)
    offset = MOVES.get(request.POST.get("direction"))
    if offset is None:
        return HttpResponseBadRequest("Say which way to move: up or down.")
    moved = theme.move_in_set(request.user, offset)
    where = request.POST["direction"]
    return _set_changed(
        request,
        f"Moved “{theme.title}” {where}."
        if moved
        else f"“{theme.title}” cannot move further {where}.",
    )


@login_required
@require_POST
def hide(request, slug):
    theme = get_theme(request, slug)
    theme.hide_for(request.user)
    return _set_changed(
        request, f"Hid “{theme.title}”: it is listed under Hidden themes."
    )


@login_required
@require_POST
def add(request, slug):
    """Put the theme in the user's set, last, or bring a hidden one back."""
    theme = get_theme(request, slug)
    theme.add_to_set(request.user)
    return _set_changed(request, f"“{theme.title}” is in your themes.")


@login_required
@require_POST
def adopt(request, playbook_slug):
    playbook = get_object_or_404(Playbook, slug=playbook_slug)
    added = playbook.adopt(request.user)
    return _set_changed(
        request,
        f"Added {added} theme{'s' if added != 1 else ''} from “{playbook.title}”."
        if added
        else f"Every theme of “{playbook.title}” is already in your themes.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def choose(request):
    """Where a new user starts: a built-in playbook's themes, or none."""
    if request.method == "POST":
        next_url = safe_next(request, request.POST.get("next", ""), "coverage:index")
        slug = request.POST.get("playbook", "")
        if slug:
            # Checked before it reaches SQL: PostgreSQL refuses a NUL in a query.
            if not slug_re.fullmatch(slug):
                raise Http404
            playbook = get_object_or_404(Playbook, slug=slug)
            playbook.adopt(request.user)
            ThemeSetChoice.record(request.user, playbook)
            messages.success(request, f"Your themes are those of “{playbook.title}”.")
            return redirect(next_url)
        if "empty" in request.POST:
            ThemeSetChoice.record(request.user)
            messages.success(
                request, "You start with no themes: add your own on Your themes."
            )
            return redirect(next_url)
        return HttpResponseBadRequest("Choose a playbook, or to start empty.")
    playbooks = Playbook.objects.with_counts(request.user).prefetch_related(
        Prefetch("themes", Theme.objects.order_by("number").only("playbook", "title"))
    )
    return render(
        request,
        "themes/choose.html",
        {
            "playbooks": playbooks,
            "next": safe_next(request, request.GET.get("next", ""), ""),
            "chosen": has_chosen_start(request.user),
        },
    )
