"""The story coach panel: findings, speaking time, readiness and checklist state."""

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from stories.models import SECTION_FIELDS, SECTION_LABELS, SECTION_MAX, Story
from stories.views import get_story

from .analysis import Playbook, readiness


def _get_story(request, pk):
    return get_story(
        request, pk, Story.objects.prefetch_related("themes", "checked_points")
    )


def _render_coach(request, story, text=None, playbook=None):
    playbook = playbook or Playbook.load(request.user)
    template = "coach/_coach.html" if request.htmx else "coach/coach.html"
    source = text or story
    return render(
        request,
        template,
        {
            "story": story,
            "score": readiness(story, playbook, text=text),
            # The page's scratch form: the text being analysed, section by section.
            "scratch": [
                (n, SECTION_LABELS[n], getattr(source, n)) for n in SECTION_FIELDS
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def coach(request, pk):
    """The coach's view of a story: its saved text on GET.

    A POST carries the editor's unsaved fields (htmx posts them as the user types)
    and is analysed as if saved. It is read-only: nothing is stored.
    """
    story = _get_story(request, pk)
    text = None
    if request.method == "POST":
        text = SimpleNamespace(
            **{
                name: request.POST.get(name, getattr(story, name))[:SECTION_MAX]
                for name in SECTION_FIELDS
            }
        )
    return _render_coach(request, story, text)
