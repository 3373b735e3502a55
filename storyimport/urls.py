from django.urls import path

from . import views

app_name = "storyimport"
urlpatterns = [
    path("", views.import_page, name="index"),
    path("upload/", views.import_upload, name="upload"),
    path("preview/", views.import_preview, name="preview"),
    path("save/", views.import_save, name="save"),
    path("cancel/", views.import_cancel, name="cancel"),
]
