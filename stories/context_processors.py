from django.utils.functional import SimpleLazyObject

from .coverage import Summary


def coverage_nav(request):
    """The nav's coverage summary, queried only if a page actually shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_coverage": SimpleLazyObject(lambda: Summary.for_user(user))}


def practice_nav(request):
    """The nav's "due today" count: one COUNT query, only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .scheduling import due_count

    return {"practice_due": SimpleLazyObject(lambda: due_count(user))}
