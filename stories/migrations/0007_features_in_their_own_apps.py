from django.db import migrations


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models to their new apps."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, model in [
        ("practice", "practicesession"),
        ("practice", "practicecard"),
        ("prepsheet", "ownquestion"),
        ("prepsheet", "ownnote"),
    ]:
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            ContentType.objects.filter(app_label="stories", model=model).update(
                app_label=app_label
            )


class Migration(migrations.Migration):
    """Practice and the prep sheet's own texts now belong to their own apps.

    Their tables keep their names and rows (the new apps' models set `db_table`); only
    the state moves. The page cache's PageStamp is gone for good.
    """

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("stories", "0006_page_stamp"),
        ("practice", "0001_initial"),
        ("prepsheet", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PracticeSession"),
                migrations.DeleteModel(name="PracticeCard"),
                migrations.DeleteModel(name="OwnQuestion"),
                migrations.DeleteModel(name="OwnNote"),
            ],
        ),
        migrations.DeleteModel(name="PageStamp"),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
