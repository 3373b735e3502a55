from django.urls import path

from . import views

app_name = "backup"
urlpatterns = [
    path("", views.backup_page, name="index"),
    path("download/", views.backup_export, name="export"),
    path("import/", views.backup_import, name="import"),
]
