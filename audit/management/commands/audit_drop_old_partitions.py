"""Drop the access log's monthly partitions that lie wholly before the retention
(AUDIT_LOG_RETENTION_MONTHS): the only way entries leave the log. Runs as the owner of
the table; prints what it drops, or with --dry-run what it would drop."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone
from psycopg import sql

from samen.db import owner_mode


class Command(BaseCommand):
    help = "Drop access-log partitions older than AUDIT_LOG_RETENTION_MONTHS (as the owner)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        months = settings.AUDIT_LOG_RETENTION_MONTHS
        first_kept = timezone.now().astimezone(datetime.UTC).date().replace(day=1) - relativedelta(
            months=months
        )
        keep_from = f"audit_accesslogentry_{first_kept:%Y%m}"
        with owner_mode(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT child.relname FROM pg_inherits i "
                "JOIN pg_class parent ON parent.oid = i.inhparent "
                "JOIN pg_class child ON child.oid = i.inhrelid "
                "WHERE parent.relname = 'audit_accesslogentry' ORDER BY 1"
            )
            # Names sort by month: audit_accesslogentry_YYYYMM.
            old = [name for (name,) in cursor.fetchall() if name < keep_from]
            for name in old:
                if not options["dry_run"]:
                    cursor.execute(
                        sql.SQL("DROP TABLE {}")
                        .format(sql.Identifier(name))
                        .as_string(cursor.connection)
                    )
                self.stdout.write(f"{'would drop' if options['dry_run'] else 'dropped'} {name}")
        self.stdout.write(f"kept: {keep_from} and later ({months} months)")
