from django.utils.functional import SimpleLazyObject

from .models import Job
from .scope import current_job


def job_switcher(request):
    """The header's job switcher: the current job and the jobs it offers, each
    asked of the database only if the page shows them (one query for the list;
    the current job is the one current_job() fetched for the view, if it did)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_job": SimpleLazyObject(lambda: current_job(request)),
        "switcher_jobs": SimpleLazyObject(lambda: switcher_jobs(request)),
    }


def switcher_jobs(request):
    """The user's open jobs, and the current one even if it is closed, each with
    `is_current`."""
    current = current_job(request)
    jobs = list(Job.objects.for_user(request.user).open().only("company", "role"))
    if current is not None and all(job.pk != current.pk for job in jobs):
        jobs.append(current)
    for job in jobs:
        job.is_current = current is not None and job.pk == current.pk
    return jobs
