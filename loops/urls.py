from django.urls import path

from . import views

app_name = "loops"
urlpatterns = [
    path("jobs/<id:pk>/", views.plan, name="plan"),
    path("jobs/<id:pk>/rounds/", views.add_round, name="add_round"),
    path("jobs/<id:pk>/suggest/", views.suggest, name="suggest"),
    path("jobs/<id:pk>/plan.md", views.plan_markdown, name="markdown"),
    path("jobs/<id:pk>/print/", views.plan_print, name="print"),
    path("jobs/<id:pk>/plan.pdf", views.plan_pdf, name="pdf"),
    path("jobs/<id:pk>/scrub/", views.plan_scrub, name="scrub"),
    path("rounds/<id:pk>/", views.edit_round, name="edit_round"),
    path("rounds/<id:pk>/delete/", views.delete_round, name="delete_round"),
    path("rounds/<id:pk>/stories/", views.assign, name="assign"),
    path("rounds/<id:pk>/debrief/", views.debrief, name="debrief"),
    path(
        "debrief/<id:pk>/delete/",
        views.delete_debrief_entry,
        name="delete_debrief_entry",
    ),
    path("stories/<id:pk>/told/", views.story_told, name="story_told"),
]
