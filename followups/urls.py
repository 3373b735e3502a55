from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("stories/<id:pk>/follow-ups/", views.panel, name="panel"),
    path("stories/<id:pk>/follow-ups/add/", views.add, name="add"),
    path("follow-ups/<id:pk>/edit/", views.edit, name="edit"),
    path("follow-ups/<id:pk>/move/", views.move, name="move"),
    path("follow-ups/<id:pk>/delete/", views.delete, name="delete"),
]
