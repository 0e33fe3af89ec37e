from django.core.management.base import BaseCommand

from indications import tasks
from samen.dates import command_date


class Command(BaseCommand):
    help = "Flag indications ending within 3 months of --date (default today); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=command_date, default=None)

    def handle(self, *args, date=None, **options):
        counts = tasks.flag_expiring(date.isoformat() if date else None)
        self.stdout.write(
            f"flagged {counts['flagged']}, worklist tasks {counts['tasks']}, notices {counts['notices']}"
        )
