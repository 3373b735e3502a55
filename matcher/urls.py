from django.urls import path

from . import views

app_name = "matcher"
urlpatterns = [
    path("jobs/<id:pk>/match/", views.match_page, name="match"),
    path("jobs/<id:pk>/match/accept/", views.accept, name="accept"),
    path("jobs/<id:pk>/match/dismiss/", views.dismiss, name="dismiss"),
    path(
        "jobs/<id:pk>/match/dismissals/<id:dismissal_pk>/undo/",
        views.undo,
        name="undo",
    ),
]
