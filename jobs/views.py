"""The jobs a user prepares for, and the switcher that scopes the pages to one."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interviewprep.params import parse_id

from .forms import JobForm, JobThemeForm
from .models import Job
from .scope import current_job, job_themes, switch_job


def _get_job(request, pk):
    """One of the user's jobs; another user's is a 404, as a missing one is."""
    return get_object_or_404(Job.objects.for_user(request.user), pk=pk)


def _next_url(request, default):
    url = request.POST.get("next", "")
    # A path only: redirect() takes "abc" for the name of a URL pattern (a 500).
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@login_required
@require_GET
def index(request):
    # The order spelled out: Meta.ordering does not apply to a query with an
    # aggregate, and PostgreSQL then returns the jobs in any order.
    jobs = (
        Job.objects.for_user(request.user)
        .annotate(theme_count=Count("themes"))
        .order_by("-created", "-id")
    )
    current = current_job(request)
    return render(
        request,
        "jobs/index.html",
        {"jobs": jobs, "current_pk": current.pk if current else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    data = request.POST if request.method == "POST" else None
    form = JobForm(data, user=request.user)
    if data is not None and form.is_valid():
        job = form.save(commit=False)
        job.owner = request.user
        job.save()
        form.save_m2m()
        messages.success(request, f"Added {job}.")
        return redirect(job)
    return render(
        request, "jobs/new.html", {"form": form}, status=422 if form.errors else 200
    )


def _detail_page(request, job, form, theme_form, status=200):
    current = current_job(request)
    context = {
        "job": job,
        "themes": job_themes(job),
        "is_current": current is not None and current.pk == job.pk,
        "form": form,
        "theme_form": theme_form,
    }
    return render(request, "jobs/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    job = _get_job(request, pk)
    if request.method == "POST":
        # A copy: a refused form writes what was typed into its instance, and the
        # page's heading shows the job as it is saved.
        form = JobForm(request.POST, instance=copy.copy(job), user=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Saved the job.")
            return redirect(job)
        return _detail_page(
            request, job, form, JobThemeForm(user=request.user), status=422
        )
    form = JobForm(instance=job, user=request.user)
    return _detail_page(request, job, form, JobThemeForm(user=request.user))


@login_required
@require_POST
def add_theme(request, pk):
    job = _get_job(request, pk)
    theme_form = JobThemeForm(request.POST, user=request.user)
    if theme_form.is_valid():
        theme = job.add_new_theme(**theme_form.cleaned_data)
        messages.success(
            request, f"Added the theme “{theme.title}” to this job and to your set."
        )
        return redirect(job)
    form = JobForm(instance=job, user=request.user)
    return _detail_page(request, job, form, theme_form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    job = _get_job(request, pk)
    if request.method == "POST":
        current = current_job(request)
        if current is not None and current.pk == job.pk:
            switch_job(request, None)
        job.delete()
        messages.success(
            request, f"Deleted {job}. Your stories and themes are as they were."
        )
        return redirect("jobs:index")
    return render(request, "jobs/delete.html", {"job": job})


@login_required
@require_POST
def switch(request):
    """Scope the pages to one of the user's jobs, or (an empty `job`) to all of
    their themes, then go back to the page the switcher was on."""
    value = request.POST.get("job", "")
    job = None
    if value:
        pk = parse_id(value)
        if pk is None:
            raise Http404("No such job.")
        job = _get_job(request, pk)
    switch_job(request, job)
    if job is None:
        messages.success(request, "Showing all your themes.")
    else:
        messages.success(request, f"Preparing for {job}: showing its themes.")
    return redirect(_next_url(request, reverse("coverage:index")))
