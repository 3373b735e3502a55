from django.urls import path

from .views import mine, own, reading

app_name = "themes"
# A theme's own pages are /themes/<slug>/…; the single-segment pages and prefixes
# here are in RESERVED_SLUGS (themes/models.py), so no own theme is named like one.
urlpatterns = [
    path("", mine.index, name="index"),
    path("choose/", mine.choose, name="choose"),
    path("new/", own.create, name="create"),
    path("questions-to-ask/", reading.questions_to_ask, name="questions_to_ask"),
    path("negotiation/", reading.negotiation, name="negotiation"),
    path("playbooks/<slug:playbook_slug>/", reading.playbook, name="playbook"),
    path("playbooks/<slug:playbook_slug>/adopt/", mine.adopt, name="adopt"),
    path("questions/<id:pk>/edit/", own.edit_question, name="edit_question"),
    path("questions/<id:pk>/delete/", own.delete_question, name="delete_question"),
    path("<slug:slug>/", reading.detail, name="detail"),
    path("<slug:slug>/edit/", own.edit, name="edit"),
    path("<slug:slug>/delete/", own.delete, name="delete"),
    path("<slug:slug>/copy/", own.copy, name="copy"),
    path("<slug:slug>/add/", mine.add, name="add"),
    path("<slug:slug>/hide/", mine.hide, name="hide"),
    path("<slug:slug>/move/", mine.move, name="move"),
    path("<slug:slug>/questions/", own.add_question, name="add_question"),
    path("<slug:slug>/questions/hide/", own.hide_question, name="hide_question"),
    path("<slug:slug>/questions/show/", own.show_question, name="show_question"),
]
