from django.urls import path

from . import views

app_name = "themes"
urlpatterns = [
    path("", views.index, name="index"),
    path("questions-to-ask/", views.questions_to_ask, name="questions_to_ask"),
    path("negotiation/", views.negotiation, name="negotiation"),
    path("<slug:slug>/", views.detail, name="detail"),
]
