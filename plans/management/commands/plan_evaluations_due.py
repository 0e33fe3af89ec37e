from django.core.management.base import BaseCommand

from plans import tasks
from samen.dates import command_date


class Command(BaseCommand):
    help = (
        "Put 'evaluation of the support plan due' on the coordinators' worklists for plans "
        "whose next evaluation date has come (--date, default today)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=command_date, default=None)

    def handle(self, *args, date=None, **options):
        counts = tasks.evaluations_due(date.isoformat() if date else None)
        self.stdout.write(f"worklist tasks {counts['tasks']}")
