import functools

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
    """The user's open jobs (Job.objects.open()), newest first, and the current one
    even if it is closed, each with `is_current`.

    Written in SQL, on every page: the ORM spent about 0.3 ms of CPU building this
    one-table query, a fifth of the bare page, and a raw query some 0.05 ms."""
    current = current_job(request)
    jobs = list(Job.objects.raw(_switcher_sql(), [request.user.pk, Job.Status.CLOSED]))
    if current is not None and all(job.pk != current.pk for job in jobs):
        jobs.append(current)
    for job in jobs:
        job.is_current = current is not None and job.pk == current.pk
    return jobs


@functools.cache
def _switcher_sql():
    """Params: owner, the closed status."""
    return (
        f"SELECT id, company, role FROM {Job._meta.db_table}"
        " WHERE owner_id = %s AND status <> %s ORDER BY created DESC, id DESC"
    )
