from django.core.management.base import BaseCommand

from rights import tasks
from samen.dates import command_date


class Command(BaseCommand):
    help = (
        "Put the files past their retention (FILE_RETENTION_YEARS) before the privacy "
        "officer as destruction requests, as on --date (default today); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=command_date, default=None)

    def handle(self, *args, date=None, **options):
        counts = tasks.retention_review(date.isoformat() if date else None)
        self.stdout.write(f"destruction requests made {counts['requests']}")
