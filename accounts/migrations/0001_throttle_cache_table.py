from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def table_name():
    return settings.CACHES[settings.RATELIMIT_USE_CACHE]["LOCATION"]


def create_cache_table(apps, schema_editor):
    # The throttles' counters live in a DatabaseCache (settings.CACHES["throttles"]):
    # make its table wherever `migrate` runs, so no deployment step is forgotten.
    # createcachetable skips a table that already exists.
    call_command(
        "createcachetable",
        table_name(),
        database=schema_editor.connection.alias,
        verbosity=0,
    )


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.quote_name(table_name())}"
    )


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
