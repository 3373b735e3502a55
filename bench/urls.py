"""The project's URLs plus the baseline the pages are measured against, and the two
floor pages that show how much of a main page's 3× budget is spent before it renders
anything of its own."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_GET

from interviewprep.urls import urlpatterns as project_urlpatterns
from stories.models import LIST_FIELDS, Story
from stories.views.library import PER_PAGE

TRIVIAL = engines["django"].from_string(
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>baseline</title>"
    "</head><body><p>{{ user.get_username }}</p></body></html>"
)
EMPTY = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>Empty</h1>{% endblock %}'
)


@login_required
@require_GET
def baseline(request):
    """A bare authenticated page: same middleware and session, a trivial template."""
    return HttpResponse(TRIVIAL.render({"user": request.user}, request))


@login_required
@require_GET
def chrome(request):
    """An empty page in the chrome every page shares (base.html): its head, header,
    nav counts, job switcher and footer."""
    return HttpResponse(EMPTY.render({}, request))


@login_required
@require_GET
def list_floor(request):
    """The chrome, plus what the story list cannot do without, read as the list
    reads it and not shown: its page of stories through the ORM, and their count
    (the pager's). The query mirrors the list's default one
    (LibraryFilterForm.filter), whose form would add its own theme query."""
    stories = (
        Story.objects.for_user(request.user)
        .alive()
        .exclude(status=Story.Status.RETIRED)
        .order_by("-updated", "-pk")
        .only(*LIST_FIELDS)
    )
    page = Paginator(stories, PER_PAGE).get_page(1)
    read = len(list(page.object_list)) + page.paginator.count
    # The empty page's template: the two floors differ only by the reads.
    return HttpResponse(EMPTY.render({"read": read}, request))


urlpatterns = [
    path("__bench__/baseline/", baseline, name="bench_baseline"),
    path("__bench__/chrome/", chrome, name="bench_chrome"),
    path("__bench__/list-floor/", list_floor, name="bench_list_floor"),
]
urlpatterns += project_urlpatterns
