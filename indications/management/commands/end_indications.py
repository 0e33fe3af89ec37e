from django.core.management.base import BaseCommand

from indications import tasks
from samen.dates import command_date


class Command(BaseCommand):
    help = "Mark indications past their end date (--date, default today) as ended; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=command_date, default=None)

    def handle(self, *args, date=None, **options):
        counts = tasks.end(date.isoformat() if date else None)
        self.stdout.write(f"ended {counts['ended']}, niet in beeld {counts['out_of_sight']}")
