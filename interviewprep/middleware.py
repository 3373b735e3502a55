import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.gzip import GZipMiddleware
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_cache_control

from interviewprep.params import unstorable_parameter

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again when the database is down.
RETRY_AFTER = 30


class GZipPagesMiddleware(GZipMiddleware):
    """Django's gzip, but never on a response served by byte ranges (a recording):
    a range of the gzipped body is not the range of the file the client asked for,
    and audio is compressed already."""

    def process_response(self, request, response):
        if response.get("Accept-Ranges") == "bytes":
            return response
        return super().process_response(request, response)


class PrivatePagesMiddleware:
    """Pages built from a user's stories must not outlive the session in any cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The 503 is no-store already, and asking who the user is would ask the
        # database that just failed.
        if response.status_code == 503:
            return response
        if getattr(request, "user", None) and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class UnstorableQueryMiddleware:
    """A query parameter with NUL or a lone surrogate is refused (400) before any
    view compares it in SQL: PostgreSQL rejects NUL in text, a server error there.

    Form fields refuse such text themselves (forms.CharField and
    validate_storable_text); the query string has no form in every view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = unstorable_parameter(request.GET)
        if found is not None:
            name, problem = found
            return HttpResponseBadRequest(
                f"The address's parameter {name!r} {problem}.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """The database is down or unreachable: a 503 that asks the browser to retry,
    says the text being typed is kept in the editor, and logs one line, not a
    traceback per request while the outage lasts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        first_line = (str(exception).strip().splitlines() or [""])[0]
        logger.warning(
            "Database unavailable for %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            first_line,
        )
        # Rendered without the request: context processors would ask the database
        # (the user, the messages in the session).
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        # Logged above in one line: Django would log it again as a server error.
        response._has_been_logged = True
        return response
