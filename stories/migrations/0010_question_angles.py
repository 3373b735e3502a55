import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A story's sample questions get an angle, as its themes have: the plain
    many-to-many table becomes the through model StoryQuestion, keeping its rows."""

    dependencies = [
        ("stories", "0009_storytheme_is_lead"),
        ("themes", "0004_theme_built_in_xor_own"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StoryQuestion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "story",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="story_questions",
                                to="stories.story",
                            ),
                        ),
                        (
                            "question",
                            models.ForeignKey(
                                db_column="samplequestion_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="story_questions",
                                to="themes.samplequestion",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "stories_story_questions",
                        "ordering": [
                            "question__theme__number",
                            "question__position",
                            "pk",
                        ],
                    },
                ),
                # The many-to-many table already has this unique index.
                migrations.AddConstraint(
                    model_name="storyquestion",
                    constraint=models.UniqueConstraint(
                        fields=("story", "question"),
                        name="storyquestion_unique_question",
                    ),
                ),
                migrations.AlterField(
                    model_name="story",
                    name="questions",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="stories",
                        through="stories.StoryQuestion",
                        to="themes.samplequestion",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="storyquestion",
            name="angle",
            field=models.CharField(
                blank=True,
                db_default="",
                help_text="What to emphasise when this story answers this question.",
                max_length=300,
            ),
        ),
    ]
