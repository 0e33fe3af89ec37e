from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.council import council_filename, council_pdf
from reporting.periods import last_full_quarter, parse_quarter
from samen.dates import MAX_DATE, MIN_DATE, command_date, in_range


class Command(BaseCommand):
    help = "Write the quarterly council report (raadsrapportage) as a PDF."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quarter", help="e.g. 2026-Q3 (default: the last full quarter)", default=""
        )
        parser.add_argument("--output", help="file or folder (default: this folder)", default=".")
        parser.add_argument(
            "--today",
            type=command_date,
            help="the day the figures are counted on (default: today)",
        )

    def handle(self, *args, quarter, output, today, **options):
        today = today or timezone.localdate()
        try:
            period = parse_quarter(quarter) if quarter else last_full_quarter(today)
        except ValueError as exc:
            raise CommandError(f"Unknown quarter {quarter!r}: write it as 2026-Q3.") from exc
        if not (in_range(period.start) and in_range(period.end)):
            raise CommandError(
                f"Quarter {quarter} is outside the accepted range {MIN_DATE.year}-{MAX_DATE.year}."
            )
        target = Path(output)
        if target.is_dir():
            target = target / council_filename(period)
        target.write_bytes(council_pdf(period, today))
        self.stdout.write(f"{target}")
