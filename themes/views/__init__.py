"""Views by topic: reading (a theme's page, the playbooks, questions to ask,
negotiation), the user's set (their themes page and the welcome choice), and own
themes and questions."""

from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Theme


def get_theme(request, slug, queryset=None):
    """A theme the user may see, by slug: a built-in one (of any playbook) or
    their own. Another user's own theme is a 404."""
    queryset = Theme.objects.all() if queryset is None else queryset
    # Theme.unique_slug keeps an own slug apart from the built-in ones, but a
    # playbook loaded later could bring the same slug: the user's own wins.
    theme = (
        queryset.visible_to(request.user)
        .filter(slug=slug)
        .order_by(F("owner").asc(nulls_last=True))
        .first()
    )
    if theme is None:
        raise Http404("No such theme.")
    return theme


def get_own_theme(request, slug):
    """One of the user's own themes: a built-in one, or another user's, is a 404."""
    return get_object_or_404(Theme.objects.filter(owner=request.user), slug=slug)


def safe_next(request, value, default):
    """`value` if it is a path on this site, else `default` (a URL or a name)."""
    # A path only: redirect() takes "abc" for the name of a URL pattern (a 500).
    if value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default
