from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("switch/", views.switch, name="switch"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/themes/", views.add_theme, name="add_theme"),
    path("<id:pk>/delete/", views.delete, name="delete"),
]
