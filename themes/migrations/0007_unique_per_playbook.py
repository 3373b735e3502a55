import django.db.models.deletion
from django.db import migrations, models


# Apart from 0006: PostgreSQL refuses to alter a table in the transaction that
# updated its rows while their foreign-key checks are still pending.
class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0006_playbook_questions_and_notes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="questioncategory",
            name="playbook",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ask_categories",
                to="themes.playbook",
            ),
        ),
        migrations.AlterField(
            model_name="negotiationnote",
            name="playbook",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="negotiation_notes",
                to="themes.playbook",
            ),
        ),
        migrations.AlterField(
            model_name="questioncategory",
            name="position",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AlterField(
            model_name="questioncategory",
            name="slug",
            field=models.SlugField(),
        ),
        migrations.AlterField(
            model_name="negotiationnote",
            name="position",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AlterModelOptions(
            name="questioncategory",
            options={
                "ordering": ["playbook__position", "playbook__slug", "position"],
                "verbose_name_plural": "question categories",
            },
        ),
        migrations.AlterModelOptions(
            name="questiontoask",
            options={
                "ordering": [
                    "category__playbook__position",
                    "category__playbook__slug",
                    "category__position",
                    "position",
                ],
                "verbose_name_plural": "questions to ask",
            },
        ),
        migrations.AlterModelOptions(
            name="negotiationnote",
            options={"ordering": ["playbook__position", "playbook__slug", "position"]},
        ),
        migrations.AddConstraint(
            model_name="questioncategory",
            constraint=models.UniqueConstraint(
                fields=("playbook", "position"),
                name="questioncategory_unique_position",
            ),
        ),
        migrations.AddConstraint(
            model_name="questioncategory",
            constraint=models.UniqueConstraint(
                fields=("playbook", "slug"), name="questioncategory_unique_slug"
            ),
        ),
        migrations.AddConstraint(
            model_name="negotiationnote",
            constraint=models.UniqueConstraint(
                fields=("playbook", "position"), name="negotiationnote_unique_position"
            ),
        ),
    ]
