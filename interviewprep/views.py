"""Project-wide views that belong to no feature: the colour theme."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

THEMES = {"light", "dark", "auto"}
# A year: the choice is a preference, not a session.
THEME_COOKIE_AGE = 365 * 24 * 3600


@require_POST
def theme(request):
    """Remember the colour theme (light, dark or auto: the OS's) in a cookie that
    base.html reads into <html data-theme>, then go back. With JavaScript,
    static/js/theme.js switches at once and sets the same cookie instead."""
    choice = request.POST.get("theme", "")
    next_url = request.POST.get("next", "")
    # A path only: redirect() takes "abc" for the name of a URL pattern.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if choice in THEMES:
        # Not HttpOnly: theme.js writes the same cookie when it switches.
        response.set_cookie(
            "theme",
            choice,
            max_age=THEME_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
