from django.db import migrations

from stories import fts

# SEARCH_FIELDS when this was written.
FIELDS = [
    "title",
    "summary",
    "situation",
    "task",
    "action",
    "result",
    "reflection",
    "company",
    "role",
    "period",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in fts.create_sql(FIELDS):
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in fts.drop_sql():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    """SQLite's FTS5 index of the stories and the triggers that keep it (stories/
    fts.py); PostgreSQL computes its vectors in the query and needs nothing."""

    dependencies = [("stories", "0010_question_angles")]

    operations = [migrations.RunPython(create, drop)]
