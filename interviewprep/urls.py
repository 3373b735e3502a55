from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="stories:coverage"), name="home"),
    path("accounts/", include("accounts.urls")),
    path("themes/", include("themes.urls")),
    path("", include("stories.urls")),
    path("admin/", admin.site.urls),
]
