"""The search by name: Client.search_name (lower case, without diacritics, written by
Client.save()) with a trigram index (pg_trgm), filled here for the clients that exist.
The extension needs the database owner's right to create it (as btree_gist does)."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from samen.identifiers import search_form

BATCH = 2000


def fill_search_names(apps, schema_editor):
    Client = apps.get_model("intake", "Client")
    batch = []
    for client in Client.objects.only("first_name", "last_name").iterator(chunk_size=BATCH):
        client.search_name = search_form(f"{client.first_name} {client.last_name}")
        batch.append(client)
        if len(batch) == BATCH:
            Client.objects.bulk_update(batch, ["search_name"])
            batch = []
    Client.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_version_for_optimistic_locking")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="client",
            name="search_name",
            field=models.CharField(
                blank=True,
                db_default="",
                editable=False,
                max_length=251,
                verbose_name="name as searched",
            ),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="client",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_name"], name="client_search_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
