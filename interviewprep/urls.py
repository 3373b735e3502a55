from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from interviewprep import views
from interviewprep.params import IdConverter

# Before the apps' routes are included: they use <id:pk> for ids.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="coverage:index"), name="home"),
    path("theme/", views.theme, name="theme"),
    path("accounts/", include("accounts.urls")),
    path("themes/", include("themes.urls")),
    path("", include("stories.urls")),
    path("", include("coach.urls")),
    path("", include("followups.urls")),
    path("", include("matcher.urls")),
    path("coverage/", include("coverage.urls")),
    path("practice/", include("practice.urls")),
    path("prep-sheet/", include("prepsheet.urls")),
    path("backup/", include("backup.urls")),
    path("jobs/", include("jobs.urls")),
    path("share-safely/", include("sharing.urls")),
    path("loops/", include("loops.urls")),
    path("import/", include("storyimport.urls")),
    path("mock/", include("mock.urls")),
    path("recordings/", include("recordings.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg")),
]
