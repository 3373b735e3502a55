from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("names/", views.add_names, name="add_names"),
]
