from django.utils.functional import SimpleLazyObject

from .scheduling import due_count


def practice_nav(request):
    """The nav's "due today" count: one COUNT query, only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"practice_due": SimpleLazyObject(lambda: due_count(user))}
