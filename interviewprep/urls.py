from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="coverage:index"), name="home"),
    path("accounts/", include("accounts.urls")),
    path("themes/", include("themes.urls")),
    path("", include("stories.urls")),
    path("", include("coach.urls")),
    path("coverage/", include("coverage.urls")),
    path("practice/", include("practice.urls")),
    path("prep-sheet/", include("prepsheet.urls")),
    path("backup/", include("backup.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg")),
]
