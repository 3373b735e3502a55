"""The job-description matcher: a job's requirements, the stories that answer each,
and the gaps; accepting a match tags the story, dismissing one hides it (until
undone)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from interviewprep.jinja2 import url_format
from interviewprep.params import parse_id
from jobs.models import Job
from stories.models import Story

from .forms import DescriptionForm
from .models import Dismissal
from .ranking import match, themes_for
from .text import REQUIREMENTS_MAX, split

TEMPLATE = "matcher/match.html"


def _get_job(request, pk):
    """One of the user's jobs; another user's is a 404, as a missing one is."""
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    job.owner = request.user  # known: the matcher reads it, without a query
    return job


def _requirements(job):
    requirements, fell_back = split(job.description)
    return requirements[:REQUIREMENTS_MAX], fell_back, len(requirements)


@login_required
@require_http_methods(["GET", "POST"])
def match_page(request, pk):
    """The page; its form saves the pasted description on the job and comes back
    here (POST/redirect/GET), so the matches have an address of their own."""
    job = _get_job(request, pk)
    if request.method == "POST":
        form = DescriptionForm(request.POST)
        if form.is_valid():
            job.description = form.cleaned_data["description"]
            job.save(update_fields=["description", "updated"])
            return redirect("matcher:match", job.pk)
        return render(
            request, TEMPLATE, {"job": job, "form": form, "results": None}, status=422
        )
    form = DescriptionForm(initial={"description": job.description})
    requirements, fell_back, found = _requirements(job)
    themes = themes_for(job) if requirements else []
    results = match(job, requirements, themes) if requirements else []
    context = {
        "job": job,
        "form": form,
        "results": results if job.description.strip() else None,
        "gaps": [r for r in results if r.is_gap],
        "fell_back": fell_back,
        "left_out": found - len(requirements),
        "has_themes": bool(themes),
        **_urls(job),
    }
    return render(request, TEMPLATE, context)


def _urls(job):
    """The addresses the requirement blocks link and post to, each reversed once
    rather than once per story shown."""
    return {
        "story_url": url_format("stories:detail"),
        "accept_url": reverse("matcher:accept", args=[job.pk]),
        "dismiss_url": reverse("matcher:dismiss", args=[job.pk]),
        "undo_url": url_format("matcher:undo", job.pk),
        "new_story_url": reverse("stories:create"),
    }


def _requirement(job, key):
    """(index, requirement) of the job's requirement with this key, as its
    description says now; None when it says it no more."""
    requirements, _, _ = _requirements(job)
    return next(((i, r) for i, r in enumerate(requirements) if r.key == key), None)


def _chosen(request, job):
    """(index, requirement, story) the form names: one of the job's requirements
    as its description says now (None when it says no more), and one of the user's
    live stories (404 otherwise)."""
    found = _requirement(job, request.POST.get("requirement", ""))
    if found is None:
        return None, None, None
    story = get_object_or_404(
        Story.objects.for_user(request.user).alive(),
        pk=parse_id(request.POST.get("story")) or 0,
    )
    return *found, story


def _after(request, job, index, requirement):
    """An htmx post gets the requirement's block afresh; a plain one goes back to
    it on the page."""
    if request.htmx:
        (result,) = match(job, [requirement])
        result.index = index
        return render(
            request,
            "matcher/_requirements.html",
            {"results": [result], **_urls(job)},
            using="jinja2",
        )
    return redirect(reverse("matcher:match", args=[job.pk]) + f"#req-{index}")


def _changed_description(request, job):
    messages.error(
        request,
        "The job description has changed since that page was shown: here are the "
        "matches for it now.",
    )
    if request.htmx:
        return HttpResponseClientRedirect(reverse("matcher:match", args=[job.pk]))
    return redirect("matcher:match", job.pk)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def accept(request, pk):
    """Tag the story with a theme the requirement probes and, when the button
    says so, as an answer to that theme's sample question."""
    job = _get_job(request, pk)
    index, requirement, story = _chosen(request, job)
    if requirement is None:
        return _changed_description(request, job)
    theme_pk, _, question_pk = request.POST.get("choice", "").partition("-")
    offered = {theme.pk: theme for theme in themes_for(job)}
    theme = offered.get(parse_id(theme_pk))
    if theme is None:
        raise Http404("No such theme for this job.")
    question = None
    if question_pk:
        question = get_object_or_404(
            theme.questions.for_user(request.user), pk=parse_id(question_pk) or 0
        )
    story.tag(theme)
    if question is not None:
        story.answer(question)
    if not request.htmx:
        what = f"“{question.text}”" if question else f"“{theme.title}”"
        messages.success(request, f"“{story.title}” now answers {what}.")
    return _after(request, job, index, requirement)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def dismiss(request, pk):
    job = _get_job(request, pk)
    index, requirement, story = _chosen(request, job)
    if requirement is None:
        return _changed_description(request, job)
    Dismissal.objects.get_or_create(
        job=job, requirement_key=requirement.key, story=story
    )
    if not request.htmx:
        messages.success(
            request, f"“{story.title}” is no longer offered for this requirement."
        )
    return _after(request, job, index, requirement)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def undo(request, pk, dismissal_pk):
    """Offer a dismissed story for its requirement again."""
    job = _get_job(request, pk)
    dismissal = get_object_or_404(
        Dismissal.objects.for_job(job).select_related("story"), pk=dismissal_pk
    )
    found = _requirement(job, dismissal.requirement_key)
    dismissal.delete()
    if found is None:
        # Reworded since the page was shown: the dismissal had lapsed anyway.
        return _changed_description(request, job)
    if not request.htmx:
        messages.success(
            request, f"“{dismissal.story.title}” is offered again for this requirement."
        )
    return _after(request, job, *found)
