"""No two indications of one client for the same product overlap in time (as the national
iJw rules forbid): a PostgreSQL exclusion constraint. It needs the btree_gist extension
(the migration creates it; in production the database owner needs the right to).
samen runs on PostgreSQL everywhere, the demo included (an embedded server); the import
and Indication.clean() check the same rule first, for a readable message."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE indications_indication ADD CONSTRAINT indication_no_overlap
    EXCLUDE USING gist (client_id WITH =, product_id WITH =, daterange(start_on, end_on, '[]') WITH &&);
"""
DROP = "ALTER TABLE indications_indication DROP CONSTRAINT IF EXISTS indication_no_overlap;"


class Migration(migrations.Migration):
    dependencies = [("indications", "0001_indications_extensions_tasks_notices")]

    operations = [migrations.RunSQL(CREATE, DROP)]
