from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indications.importer import HEADER, OPTIONAL, import_indications_csv


class Command(BaseCommand):
    help = (
        "Import running indications (all or nothing). --format csv (default): a CSV file "
        "with the header "
        + ",".join(HEADER)
        + ", optionally followed by "
        + ",".join(OPTIONAL)
        + " (PGB lines: no provider_agb, a budget_holder; an empty end is an open end). "
        "--format jw301: the previous system's JW301 messages, a folder, a .zip or one .xml "
        "(per allocation number in order of their date; reason 13 removes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file; for jw301 a folder, .zip or .xml")
        parser.add_argument("--format", choices=["csv", "jw301"], default="csv")

    def handle(self, *args, file: Path, format: str, **options):
        if format == "jw301":
            return self._jw301(file)
        # Read in chunks by the importer: a file of any size is never held whole.
        try:
            with file.open("rb") as stream:
                result = import_indications_csv(stream)
        except OSError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing imported: %(count)s error(s) in %(file)s.")
                % {"count": len(result.errors), "file": file}
            )
        self.stdout.write(
            _(
                "Imported: %(created)s new indications, %(existing)s already known, %(clients)s new children."
            )
            % {
                "created": result.created,
                "existing": result.existing,
                "clients": result.clients_created,
            }
        )

    def _jw301(self, path: Path):
        from ijw.importer import Jw301Result, entries_from_path, import_jw301

        result = Jw301Result()
        try:
            entries = entries_from_path(path, result)
        except OSError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        if result.ok:
            result = import_jw301(entries, result=result)
        for note in result.notes:
            self.stdout.write(str(note))
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing imported: %(count)s error(s) in %(file)s.")
                % {"count": len(result.errors), "file": path}
            )
        self.stdout.write(result.summary())
