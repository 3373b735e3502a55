"""The coverage dashboard, the stories × themes matrix and the nav summary."""

import re
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from coach.analysis import READY_SCORE
from interviewprep.params import ID_MAX, parse_int
from jobs.scope import stored_job_id, themes_in_view
from stories.views import get_story
from themes.models import Theme, has_chosen_start

from .report import Coverage, Summary, due_today

# A cell of the matrix, as its button posts it: "<story pk>-<theme pk>".
CELL = re.compile(r"(?P<story>[0-9]{1,18})-(?P<theme>[0-9]{1,18})")


@login_required
@require_GET
@vary_on_headers("HX-Request")
def coverage(request):
    """?min_readiness=N counts only stories the coach scores N or more as ready."""
    min_readiness = _min_readiness(request.GET.get("min_readiness"))
    job, themes = themes_in_view(request)
    report = Coverage(request.user, min_readiness, themes)
    if not report.themes and job is None and not has_chosen_start(request.user):
        # A new user starts by choosing a playbook (or to start empty).
        choose = reverse("themes:choose")
        return redirect(f"{choose}?{urlencode({'next': request.get_full_path()})}")
    report.with_questions().with_leads().with_practice()
    template = "coverage/coverage.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#coverage-live"
    return render(
        request,
        template,
        {
            "coverage": report,
            "job": job,
            "next": request.get_full_path(),
            "READY_SCORE": READY_SCORE,
            **_first_screen(report),
            **_nav(request, report.marked_summary),
        },
    )


def _first_screen(report):
    """What the top of the page leads with, from the counts already made (no query):
    a welcome when no story is on any theme yet, else the one gap to fill next: the
    uncovered theme with the fewest ready stories (the user's order breaks ties),
    with one of its unanswered questions as a prompt."""
    if not any(t.total for t in report.themes):
        return {"is_new": True}
    gaps = [t for t in report.themes if not t.covered]
    gap = min(gaps, key=lambda t: t.ready, default=None)
    question = gap and next((q for q in gap.questions if not q.answered), None)
    return {"is_new": False, "next_gap": gap, "next_question": question}


def _nav(request, summary):
    """The nav's counts on a page that has counted the themes already: only the
    practice count is left to query. The nav counts every story marked Ready,
    weighed or not."""
    return {
        "nav_coverage": summary,
        "practice_due": SimpleLazyObject(lambda: due_today(request.user)),
    }


def _min_readiness(value):
    """A score from 0 to 100, or None (do not weigh) for anything else."""
    number = parse_int(value, 0, ID_MAX)
    return None if number is None else min(number, 100)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def matrix(request):
    job, themes = themes_in_view(request)
    report = Coverage(request.user, themes=themes).with_matrix()
    template = "coverage/matrix.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#matrix"
    return render(
        request,
        template,
        {
            "coverage": report,
            "job": job,
            "next": request.get_full_path(),
            **_nav(request, report.summary),
        },
    )


@login_required
@require_POST
def toggle_cell(request):
    """Tag or untag one story with one theme: a cell of the matrix. Every cell posts
    here, from one form: `tag` or `untag` = "<story pk>-<theme pk>". One URL for
    every cell keeps the matrix's markup small (no URL per cell)."""
    tagged = "tag" in request.POST
    cell = CELL.fullmatch(request.POST.get("tag" if tagged else "untag", ""))
    if cell is None:
        return HttpResponseBadRequest("Which cell?")
    story = get_story(request, int(cell["story"]))
    theme = get_object_or_404(
        Theme.objects.visible_to(request.user), pk=int(cell["theme"])
    )
    return _toggle(request, story, theme, tagged)


def _toggle(request, story, theme, tagged):
    """Tag or untag, then back to the page the form came from."""
    if tagged:
        story.tag(theme)
    else:
        story.untag(theme)
    next_url = request.POST.get("next", "")
    # A path only: redirect() takes "abc" for the name of a URL pattern (a 500).
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("coverage:matrix")
    if not request.htmx:
        return redirect(next_url)
    response = render(
        request,
        "coverage/matrix.html#matrix",
        {
            "coverage": Coverage(
                request.user, themes=themes_in_view(request)[1]
            ).with_matrix(),
            "next": next_url,
        },
    )
    return trigger_client_event(response, "storyChanged")


@login_required
@require_GET
def nav_summary(request):
    """The "Coverage 2/5" item of the navigation, reloaded when a story changes."""
    current = bool(request.htmx) and (request.htmx.current_url_abs_path or "").split(
        "?"
    )[0] == reverse("coverage:index")
    return render(
        request,
        "coverage/_coverage_nav.html",
        {
            "nav_coverage": Summary.for_user(request.user, stored_job_id(request)),
            "nav_current": current,
        },
        using="jinja2",
    )
