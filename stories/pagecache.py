"""Whole rendered pages, cached per user until anything they show changes.

Rendering the story list or coverage costs many times a bare page (most of it Django
template rendering), and a user asks for the same page again far more often than
they change anything: paging back and forth, the htmx refreshes of the navigation
and coverage, returning to the list from a story. So `@cached_page` keeps the
rendered response under a key that holds the user's PageStamp token, and the token
is replaced by every write (`RenewStampMiddleware`, after any non-GET request of a
signed-in user) and by every model change (`renew_on_change`, for the admin, the
shell and the tests). A page from before a change is never served again: each
gunicorn worker keeps its own cache but reads the token from the database on every
request.

Not cached: pages rendered while a message or an undo offer waited in the session
(they are shown once), responses other than 200, and anything but GET.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from .models import PageStamp

# The HTML differs for these request headers (whole page or fragment, history
# restore, and the page a fragment is for: the nav marks the current page).
HTMX_HEADERS = (
    "HX-Request",
    "HX-Boosted",
    "HX-History-Restore-Request",
    "HX-Target",
    "HX-Current-URL",
)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _key(request, view_name, token):
    get_token(request)  # the secret below exists from here on
    parts = [
        view_name,
        str(request.user.pk),
        request.user.get_username(),
        token.hex,
        # "Due today" and the practice schedule change at midnight without a write.
        timezone.localdate().isoformat(),
        request.get_full_path(),
        # The page's forms carry tokens masked from this secret; a new secret (at
        # log-in) must not be given pages whose tokens it would refuse.
        request.META["CSRF_COOKIE"],
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
    ]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def cached_page(view):
    """Serve the view's last rendering for this user, path and headers while the
    user's PageStamp token is unchanged."""
    view_name = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method != "GET"
            or not request.user.is_authenticated
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        key = _key(request, view_name, PageStamp.current(request.user))
        stored = _cache().get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            # Rendering took something one-off from the session (an undo offer).
            and not request.session.modified
        ):
            stored = (response.status_code, list(response.items()), response.content)
            _cache().set(key, stored)
        return response

    return wrapper


class RenewStampMiddleware:
    """Any write by a signed-in user renews their token, whatever view made it, so a
    view that changes data through a bulk UPDATE cannot leave a stale page behind."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                PageStamp.renew(user.pk)
        return response


def _owner_id(instance):
    if hasattr(instance, "owner_id"):
        return instance.owner_id
    if getattr(instance, "story_id", None) is not None:
        return instance.story.owner_id
    return None


def renew_on_change(sender, instance, **kwargs):
    """A saved or deleted row renews its owner's token; a playbook row everyone's."""
    if sender is PageStamp:
        return
    label = sender._meta.app_label
    if label == "themes":
        PageStamp.renew_all()
    elif label == "stories":
        owner_id = _owner_id(instance)
        if owner_id is not None:
            PageStamp.renew(owner_id)
    elif sender._meta.label == settings.AUTH_USER_MODEL:
        if kwargs.get("created"):
            # So that reading it is always one query, never a get-or-create.
            PageStamp.objects.get_or_create(owner=instance)
        else:
            PageStamp.renew(instance.pk)  # the navigation shows the username


def renew_on_m2m_change(sender, instance, action, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if instance._meta.app_label == "stories":
        renew_on_change(type(instance), instance)
    elif model._meta.app_label == "stories" and pk_set:
        # Changed from the other side (a playbook point's stories): their owners.
        for owner_id in set(
            model.objects.filter(pk__in=pk_set).values_list("owner_id", flat=True)
        ):
            PageStamp.renew(owner_id)


def connect_signals():
    post_save.connect(renew_on_change, dispatch_uid="pagecache_save")
    post_delete.connect(renew_on_change, dispatch_uid="pagecache_delete")
    m2m_changed.connect(renew_on_m2m_change, dispatch_uid="pagecache_m2m")
