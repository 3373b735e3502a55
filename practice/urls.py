from django.urls import path

from . import views

app_name = "practice"
urlpatterns = [
    path("", views.practice, name="index"),
    path("log/", views.log, name="log"),
    path("due/", views.due_nav, name="due"),
    path("stories/<id:pk>/", views.story_practice, name="story"),
    path("stories/<id:pk>/follow-ups/", views.drill, name="drill"),
]
