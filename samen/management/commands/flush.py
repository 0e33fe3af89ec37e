"""`flush` runs as the owner: only the owner may empty the append-only access log (a test
database between transactional tests; see audit/migrations/0001)."""

from django.core.management.commands.flush import Command as DjangoFlush

from samen.db import owner_mode


class Command(DjangoFlush):
    def execute(self, *args, **options):
        with owner_mode():
            return super().execute(*args, **options)
