from django.utils.functional import SimpleLazyObject

from .report import Summary


def coverage_nav(request):
    """The nav's coverage summary, queried only if a page actually shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_coverage": SimpleLazyObject(lambda: Summary.for_user(user))}
