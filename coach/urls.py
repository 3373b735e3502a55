from django.urls import path

from . import views

app_name = "coach"
urlpatterns = [
    path("stories/<id:pk>/coach/", views.coach, name="story"),
]
