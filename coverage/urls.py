from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    path("", views.coverage, name="index"),
    path("nav/", views.nav_summary, name="nav"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/cell/", views.toggle_cell, name="matrix_cell"),
]
