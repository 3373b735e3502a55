from django.utils.functional import SimpleLazyObject

from jobs.scope import SESSION_KEY

from .report import Summary


def nav_counts(request):
    """The nav's two counts, themes covered and practice questions due today, from
    one query (Summary.for_user), run only if a page shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    summary = SimpleLazyObject(lambda: Summary.for_user(user, _job_id(request)))
    return {
        "nav_coverage": summary,
        "practice_due": SimpleLazyObject(lambda: summary.due),
    }


def _job_id(request):
    """The current job's id as the switcher stored it (jobs.scope), unchecked: the
    nav's query joins on the owner, so a stale or foreign id counts nothing."""
    job_id = request.session.get(SESSION_KEY)
    return job_id if isinstance(job_id, int) else None
