from django.utils.functional import SimpleLazyObject

from jobs.scope import stored_job_id

from .report import Summary


def nav_counts(request):
    """The nav's two counts, themes covered and practice questions due today, from
    one query (Summary.for_user), run only if a page shows them. The current job's
    id is taken unchecked: the nav's query joins on the owner, so a stale or foreign
    id counts nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    summary = SimpleLazyObject(lambda: Summary.for_user(user, stored_job_id(request)))
    return {
        "nav_coverage": summary,
        "practice_due": SimpleLazyObject(lambda: summary.due),
    }
