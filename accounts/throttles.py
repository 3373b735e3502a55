"""The account forms' throttles (rates in settings.ACCOUNT_THROTTLES), counted by
django-ratelimit in a cache every worker shares.

A view asks `is_throttled` before it does any work and calls `count` for each
attempt that should count: every sign-up, but only a failed log-in or a wrong
current password, so a user who gets it right is never slowed down.
"""

import ipaddress

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

# Whose attempts each throttle counts: the client's address, or the logged-in user.
KEYS = {"signup": "ip", "login": "ip", "password": "user", "password_reset": "ip"}

MESSAGES = {
    "signup": "Too many sign-up attempts have come from your address.",
    "login": "Too many failed log-ins have come from your address.",
    "password": "Your current password was entered wrongly too many times.",
    "password_reset": "Too many password resets have been asked for from your address.",
}


def client_ip(request):
    """The client's address, for axes and the throttles alike: REMOTE_ADDR, or with
    settings.PROXY_COUNT proxies in front, the address the outermost one saw, read
    from the right of X-Forwarded-For (the end a client cannot write)."""
    if settings.PROXY_COUNT:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= settings.PROXY_COUNT:
            address = forwarded[-settings.PROXY_COUNT].strip()
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")


def _usage(request, name, increment):
    return get_usage(
        request,
        group=f"accounts.{name}",
        key=KEYS[name],
        rate=settings.ACCOUNT_THROTTLES[name],
        increment=increment,
    )


def is_throttled(request, name):
    """Whether the attempts counted so far in this period have used up the limit."""
    usage = _usage(request, name, increment=False)
    # should_limit alone would let one attempt more through than the limit.
    return usage is not None and (
        usage["should_limit"] or usage["count"] >= usage["limit"]
    )


def count(request, name):
    _usage(request, name, increment=True)


def refuse(request, name):
    """The 429 page: what was refused and when it opens again."""
    usage = _usage(request, name, increment=False)
    seconds = max(usage["time_left"], 60) if usage else 60
    context = {
        "message": MESSAGES[name],
        "limit": usage["limit"] if usage else 0,
        "minutes": -(-seconds // 60),
    }
    response = render(request, "accounts/throttled.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
