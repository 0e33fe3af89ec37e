from django.core.management.base import BaseCommand

from indications import tasks
from samen.dates import command_date


class Command(BaseCommand):
    help = "Mark end-evaluations not received by end - 2 months as overdue (--date, default today)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=command_date, default=None)

    def handle(self, *args, date=None, **options):
        counts = tasks.check_evaluations(date.isoformat() if date else None)
        self.stdout.write(
            f"overdue {counts['overdue']}, worklist tasks {counts['tasks']}, notices {counts['notices']}"
        )
