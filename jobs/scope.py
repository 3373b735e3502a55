"""Which themes the pages show: the current job's, or all of the user's.

The job switcher keeps the current job in the session. Coverage, the matrix,
practice and the prep sheet each ask `themes_in_view(request)`.
"""

from themes.models import Theme

from .models import Job

SESSION_KEY = "job"


def current_job(request):
    """The job the user is preparing for now, or None for "All my themes".

    A job that is gone (deleted, or in another session) is forgotten quietly.
    """
    if not hasattr(request, "_current_job"):
        job = None
        pk = stored_job_id(request)
        if pk is not None:
            job = Job.objects.for_user(request.user).filter(pk=pk).first()
            if job is None:
                request.session.pop(SESSION_KEY, None)
        request._current_job = job
    return request._current_job


def stored_job_id(request):
    """The current job's id as the switcher stored it, unchecked (no query): a
    reader must still find it among the user's jobs."""
    pk = request.session.get(SESSION_KEY)
    return pk if isinstance(pk, int) else None


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
    return job.themes.visible_to(job.owner_id).in_user_order(job.owner_id)
