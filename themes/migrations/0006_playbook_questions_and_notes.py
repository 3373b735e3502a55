import django.db.models.deletion
from django.db import migrations, models

ML_PLAYBOOK = {
    "slug": "ml-computer-vision",
    "title": "Senior ML / computer vision engineer",
    "position": 1,
}


def to_the_ml_playbook(apps, schema_editor):
    """Every question category and negotiation note there is came from the prep
    document, so they belong to its playbook (made here in the unlikely case a
    database has them without it, as 0003 would have)."""
    Playbook = apps.get_model("themes", "Playbook")
    QuestionCategory = apps.get_model("themes", "QuestionCategory")
    NegotiationNote = apps.get_model("themes", "NegotiationNote")
    models_ = (QuestionCategory, NegotiationNote)
    if not any(model.objects.filter(playbook=None).exists() for model in models_):
        return
    slug = ML_PLAYBOOK["slug"]
    book, _ = Playbook.objects.get_or_create(
        slug=slug, defaults={k: v for k, v in ML_PLAYBOOK.items() if k != "slug"}
    )
    for model in models_:
        model.objects.filter(playbook=None).update(playbook=book)


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0005_theme_set_choice"),
    ]

    operations = [
        migrations.AddField(
            model_name="questioncategory",
            name="playbook",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ask_categories",
                to="themes.playbook",
            ),
        ),
        migrations.AddField(
            model_name="negotiationnote",
            name="playbook",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="negotiation_notes",
                to="themes.playbook",
            ),
        ),
        migrations.RunPython(to_the_ml_playbook, migrations.RunPython.noop),
    ]
