"""`migrate` runs as the owner of the tables, not as the application role (samen/db.py)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from samen.db import owner_mode


class Command(DjangoMigrate):
    def execute(self, *args, **options):
        with owner_mode():
            return super().execute(*args, **options)
