from django.utils.functional import SimpleLazyObject

from .report import Summary


def nav_counts(request):
    """The nav's two counts, themes covered and practice questions due today, from
    one query (Summary.for_user), run only if a page shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    summary = SimpleLazyObject(lambda: Summary.for_user(user))
    return {
        "nav_coverage": summary,
        "practice_due": SimpleLazyObject(lambda: summary.due),
    }
