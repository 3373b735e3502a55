from django.urls import path

from . import views

app_name = "mock"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:pk>/", views.run, name="run"),
    path("<id:pk>/answer/", views.answer, name="answer"),
    path("<id:pk>/next/", views.next_step, name="next"),
    path("<id:pk>/debrief/", views.debrief, name="debrief"),
]
