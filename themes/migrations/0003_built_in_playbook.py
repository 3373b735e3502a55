from django.conf import settings
from django.db import migrations

ML_PLAYBOOK = {
    "slug": "ml-computer-vision",
    "title": "Senior ML / computer vision engineer",
    "position": 1,
}


def built_in_playbook(apps, schema_editor):
    """The prep document's themes become the built-in playbook they always were,
    and every existing user keeps them as their set, in the document's order."""
    Playbook = apps.get_model("themes", "Playbook")
    Theme = apps.get_model("themes", "Theme")
    UserTheme = apps.get_model("themes", "UserTheme")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    themes = list(Theme.objects.filter(playbook=None).order_by("number"))
    if not themes:
        return
    book = Playbook.objects.order_by("pk").first() or Playbook(**ML_PLAYBOOK)
    for name, value in ML_PLAYBOOK.items():
        setattr(book, name, value)
    book.save()
    Theme.objects.filter(pk__in=[t.pk for t in themes]).update(playbook=book)
    for user_id in User.objects.values_list("pk", flat=True).iterator():
        UserTheme.objects.bulk_create(
            UserTheme(owner_id=user_id, theme=theme, position=i)
            for i, theme in enumerate(themes, 1)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0002_playbooks_and_own_themes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(built_in_playbook, migrations.RunPython.noop),
    ]
