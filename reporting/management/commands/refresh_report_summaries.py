import time

from django.core.management.base import BaseCommand

from reporting import tasks
from samen.dates import command_date


class Command(BaseCommand):
    help = (
        "Recount the reports' summary tables up to the day before --date (default today): "
        "the last two years of days, or every day with --all; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=command_date, default=None)
        parser.add_argument("--all", action="store_true", help="Recount every day.")

    def handle(self, *args, date=None, all=False, **options):
        started = time.perf_counter()
        counts = tasks.refresh_summaries(date.isoformat() if date else None, everything=all)
        seconds = time.perf_counter() - started
        self.stdout.write(
            ", ".join(f"{name} {rows} rows" for name, rows in counts.items())
            + f" ({sum(counts.values()):,} rows in {seconds:.1f} s)"
        )
