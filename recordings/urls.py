from django.urls import path

from . import views

app_name = "recordings"
urlpatterns = [
    path("", views.index, name="index"),
    path("keep/", views.upload, name="upload"),
    path("<id:pk>/audio/", views.audio, name="audio"),
    path("<id:pk>/download/", views.download, name="download"),
    path("<id:pk>/delete/", views.delete, name="delete"),
]
