from django.urls import path

from .views import editor, library

app_name = "stories"
urlpatterns = [
    # The editor (stories/views/editor.py).
    path("stories/new/", editor.create, name="create"),
    path("stories/preview/", editor.preview, name="preview"),
    path("stories/<id:pk>/", editor.detail, name="detail"),
    path("stories/<id:pk>/checklist/", editor.checklist, name="checklist"),
    path("stories/<id:pk>/duplicate/", editor.duplicate, name="duplicate"),
    path("stories/<id:pk>/lead/", editor.lead, name="lead"),
    path("stories/", library.story_list, name="list"),
    path("stories/trash/", library.trash, name="trash"),
    path("stories/trash/empty/", library.empty_trash, name="empty_trash"),
    path("stories/<id:pk>/delete/", library.delete, name="delete"),
    path("stories/<id:pk>/restore/", library.restore, name="restore"),
    path("stories/<id:pk>/history/", library.history, name="history"),
    path(
        "stories/<id:pk>/history/<id:revision_pk>/",
        library.revision,
        name="revision",
    ),
    path(
        "stories/<id:pk>/history/<id:revision_pk>/restore/",
        library.restore_revision,
        name="restore_revision",
    ),
]
