"""`manage.py generate_scale_data --scale small|city|national --seed S [--if-missing]`:
wipe a benchmark database and generate one of bench.generate.SCALES in it, set-based
(docs/benchmarks.md, "Generated data")."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.generate import SCALES, database_comment, generate, marker


class Command(BaseCommand):
    help = (
        "Wipe this database and generate realistic data at a scale (PostgreSQL; the "
        "database name must end in _bench)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when the database already holds this scale and seed, complete.",
        )
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="Also wipe a database whose name does not end in _bench (the tests only).",
        )

    def handle(self, *args, scale, seed, if_missing, allow_any_database, **options):
        name = str(connection.settings_dict["NAME"])
        if connection.vendor != "postgresql":
            raise CommandError("generate_scale_data needs PostgreSQL.")
        if not name.endswith("_bench") and not allow_any_database:
            raise CommandError(
                f"Refusing to wipe database {name!r}: generate_scale_data only runs on a "
                "database whose name ends in _bench."
            )
        if if_missing and database_comment() == marker(scale, seed):
            self.stdout.write(f"{name} already holds scale {scale} with seed {seed}: skipped.")
            return
        generate(scale, seed, self.stdout.write)
