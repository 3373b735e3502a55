from django.urls import path

from .views import editor, library

app_name = "stories"
urlpatterns = [
    # The editor (stories/views/editor.py).
    path("stories/new/", editor.create, name="create"),
    path("stories/preview/", editor.preview, name="preview"),
    path("stories/<int:pk>/", editor.detail, name="detail"),
    path("stories/<int:pk>/checklist/", editor.checklist, name="checklist"),
    path("stories/<int:pk>/duplicate/", editor.duplicate, name="duplicate"),
    path("stories/<int:pk>/lead/", editor.lead, name="lead"),
    path("stories/", library.story_list, name="list"),
    path("stories/trash/", library.trash, name="trash"),
    path("stories/trash/empty/", library.empty_trash, name="empty_trash"),
    path("stories/<int:pk>/delete/", library.delete, name="delete"),
    path("stories/<int:pk>/restore/", library.restore, name="restore"),
    path("stories/<int:pk>/history/", library.history, name="history"),
    path(
        "stories/<int:pk>/history/<int:revision_pk>/",
        library.revision,
        name="revision",
    ),
    path(
        "stories/<int:pk>/history/<int:revision_pk>/restore/",
        library.restore_revision,
        name="restore_revision",
    ),
]
