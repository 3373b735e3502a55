"""Which themes the pages show: the current job's, or all of the user's.

The job switcher keeps the current job in the session. Coverage, the matrix,
practice and the prep sheet each ask `themes_in_view(request)`.
"""

from django.db.models import F, FilteredRelation, Q

from themes.models import Theme

from .models import Job

SESSION_KEY = "job"


def current_job(request):
    """The job the user is preparing for now, or None for "All my themes".

    A job that is gone (deleted, or in another session) is forgotten quietly.
    """
    if not hasattr(request, "_current_job"):
        job = None
        pk = request.session.get(SESSION_KEY)
        if isinstance(pk, int):
            job = Job.objects.for_user(request.user).filter(pk=pk).first()
            if job is None:
                request.session.pop(SESSION_KEY, None)
        request._current_job = job
    return request._current_job


def switch_job(request, job):
    """Make `job` (one of the user's, or None) the current job."""
    if job is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = job.pk
    request._current_job = job


def themes_in_view(request):
    """(job, themes): the current job and the themes the pages are scoped to."""
    job = current_job(request)
    if job is None:
        return None, Theme.objects.for_user(request.user)
    return job, job_themes(job)


def job_themes(job):
    """A job's themes, in the owner's order where they have one."""
    return (
        job.themes.visible_to(job.owner_id)
        .alias(
            choice=FilteredRelation("choices", condition=Q(choices__owner=job.owner_id))
        )
        .order_by(F("choice__position").asc(nulls_last=True), "number", "pk")
    )
