"""A story's follow-up ladder: the editor loads the panel; its forms post here."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from stories.views import get_story

from .forms import RungForm
from .models import RUNGS_MAX, Rung
from .suggestions import suggest


def _get_rung(request, pk):
    """The user's own rung on a live story: anyone else's is a 404."""
    return get_object_or_404(
        Rung.objects.for_user(request.user)
        .filter(story__deleted_at__isnull=True)
        .select_related("story"),
        pk=pk,
    )


def _render(request, story, *, add_form=None, invalid=None, status=200):
    """The panel: the whole page, or the fragment htmx swaps in.

    `invalid` is a rung's bound form that was refused, shown in that rung's place
    with what was typed."""
    rungs = list(Rung.objects.for_story(story))
    forms = [
        (
            rung,
            invalid
            if invalid is not None and invalid.instance.pk == rung.pk
            else RungForm(instance=rung, prefix=f"rung-{rung.pk}"),
        )
        for rung in rungs
    ]
    template = "followups/ladder.html"
    if request.htmx:
        template += "#panel"
    return render(
        request,
        template,
        {
            "story": story,
            "rungs": forms,
            "suggestions": suggest(story, taken=[rung.question for rung in rungs]),
            "add_form": add_form or RungForm(prefix="new"),
            "full": len(rungs) >= RUNGS_MAX,
            "rungs_max": RUNGS_MAX,
        },
        status=status,
    )


def _done(request, story):
    """After a change: the fresh panel for htmx, else back to the panel's page."""
    if request.htmx:
        return _render(request, story)
    return redirect("followups:panel", story.pk)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def panel(request, pk):
    """The panel; to htmx with ?part=suggestions, only the suggested rungs (the
    editor fetches them again after each save)."""
    story = get_story(request, pk)
    if request.htmx and request.GET.get("part") == "suggestions":
        taken = Rung.objects.for_story(story).values_list("question", flat=True)
        return render(
            request,
            "followups/ladder.html#suggestions",
            {"story": story, "suggestions": suggest(story, taken=list(taken))},
        )
    return _render(request, story)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def add(request, pk):
    story = get_story(request, pk)
    form = RungForm(request.POST, prefix="new")
    if form.is_valid() and Rung.objects.for_story(story).count() >= RUNGS_MAX:
        form.add_error(None, f"A ladder holds at most {RUNGS_MAX} questions.")
    if not form.is_valid():
        return _render(request, story, add_form=form, status=422)
    Rung.add_to(story, form.cleaned_data["question"], form.cleaned_data["answer"])
    return _done(request, story)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def edit(request, pk):
    rung = _get_rung(request, pk)
    form = RungForm(request.POST, instance=rung, prefix=f"rung-{rung.pk}")
    if not form.is_valid():
        return _render(request, rung.story, invalid=form, status=422)
    form.save()
    return _done(request, rung.story)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def move(request, pk):
    rung = _get_rung(request, pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        rung.move(up=direction == "up")
    return _done(request, rung.story)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def delete(request, pk):
    rung = _get_rung(request, pk)
    rung.delete()
    return _done(request, rung.story)
