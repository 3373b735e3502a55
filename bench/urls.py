"""The project's URLs plus the baseline the pages are measured against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_GET

from interviewprep.urls import urlpatterns as project_urlpatterns

TRIVIAL = engines["django"].from_string(
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>baseline</title>"
    "</head><body><p>{{ user.get_username }}</p></body></html>"
)


@login_required
@require_GET
def baseline(request):
    """A bare authenticated page: same middleware and session, a trivial template."""
    return HttpResponse(TRIVIAL.render({"user": request.user}, request))


urlpatterns = [path("__bench__/baseline/", baseline, name="bench_baseline")]
urlpatterns += project_urlpatterns
