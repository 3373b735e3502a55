import django.db.models.deletion
from django.db import migrations, models


def keep_only_the_ml_playbooks(apps, schema_editor):
    """Going back: before 0006 there was one playbook's worth of these, unique by
    position (and the categories by slug), so only the prep document's stay."""
    Playbook = apps.get_model("themes", "Playbook")
    others = list(
        Playbook.objects.exclude(slug="ml-computer-vision").values_list("pk", flat=True)
    )
    categories = apps.get_model("themes", "QuestionCategory").objects.filter(
        playbook_id__in=others
    )
    # Plain deletes by id, questions first: with a backward migration's historical
    # models the deletion collector fails to follow a category to its questions.
    alias = schema_editor.connection.alias
    apps.get_model("themes", "QuestionToAsk").objects.filter(
        category_id__in=list(categories.values_list("pk", flat=True))
    )._raw_delete(alias)
    categories._raw_delete(alias)
    apps.get_model("themes", "NegotiationNote").objects.filter(
        playbook_id__in=others
    )._raw_delete(alias)
    if schema_editor.connection.vendor == "postgresql":
        # The deletes' deferred foreign-key checks, run now: PostgreSQL refuses to
        # alter a table that has them pending, as the operations after this do.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


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
        # Last, so that going back it runs first, before the positions are unique
        # again.
        migrations.RunPython(migrations.RunPython.noop, keep_only_the_ml_playbooks),
    ]
