from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indications.importer import HEADER, OPTIONAL, import_indications_csv


class Command(BaseCommand):
    help = (
        "Import running indications from a CSV file (all or nothing). Header: "
        + ",".join(HEADER)
        + ", optionally followed by "
        + ",".join(OPTIONAL)
        + " (PGB lines: no provider_agb, a budget_holder; an empty end is an open end)"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        result = import_indications_csv(data)
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
