from django.db import migrations, models


class Migration(migrations.Migration):
    # Its own migration: PostgreSQL will not alter a table in the transaction that
    # just updated its rows (0003).
    dependencies = [("themes", "0003_built_in_playbook")]

    operations = [
        migrations.AddConstraint(
            model_name="theme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("owner__isnull", True), ("playbook__isnull", False)),
                    models.Q(("owner__isnull", False), ("playbook__isnull", True)),
                    _connector="OR",
                ),
                name="theme_built_in_xor_own",
            ),
        ),
    ]
