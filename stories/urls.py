from django.urls import path  # noqa: F401

from .views import backup as backup_views
from .views import coach as coach_views
from .views import coverage, editor, library, prep_sheet
from .views import practice as practice_views

app_name = "stories"
urlpatterns = [
    # Issue 6: the story coach and practice mode.
    path("stories/<int:pk>/coach/", coach_views.coach, name="coach"),
    path("practice/", practice_views.practice, name="practice"),
    path("practice/log/", practice_views.log, name="practice_log"),
    path("practice/due/", practice_views.due_nav, name="practice_due"),
    # The editor (stories/views/editor.py).
    path("stories/new/", editor.create, name="create"),
    path("stories/preview/", editor.preview, name="preview"),
    path("stories/<int:pk>/", editor.detail, name="detail"),
    path("stories/<int:pk>/autosave/", editor.autosave, name="autosave"),
    path(
        "stories/<int:pk>/sections/<slug:section>/",
        editor.save_section,
        name="section",
    ),
    path("stories/<int:pk>/tags/", editor.tags, name="tags"),
    path("stories/<int:pk>/checklist/", editor.checklist, name="checklist"),
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
    # Prep sheet and backup (stories/views/prep_sheet.py, stories/views/backup.py).
    path("prep-sheet/", prep_sheet.prep_sheet, name="prep_sheet"),
    path(
        "prep-sheet/sheet.md",
        prep_sheet.prep_sheet_markdown,
        name="prep_sheet_markdown",
    ),
    path("prep-sheet/print/", prep_sheet.prep_sheet_print, name="prep_sheet_print"),
    path("prep-sheet/sheet.pdf", prep_sheet.prep_sheet_pdf, name="prep_sheet_pdf"),
    path("prep-sheet/own/<slug:kind>/", prep_sheet.own_add, name="own_add"),
    path(
        "prep-sheet/own/<slug:kind>/<int:pk>/delete/",
        prep_sheet.own_delete,
        name="own_delete",
    ),
    path("backup/", backup_views.backup_page, name="backup"),
    path("backup/download/", backup_views.backup_export, name="backup_export"),
    path("backup/import/", backup_views.backup_import, name="backup_import"),
    path("coverage/", coverage.coverage, name="coverage"),
    path("coverage/nav/", coverage.nav_summary, name="coverage_nav"),
    path("coverage/matrix/", coverage.matrix, name="matrix"),
    path("coverage/matrix/cell/", coverage.toggle_cell, name="matrix_cell"),
]
