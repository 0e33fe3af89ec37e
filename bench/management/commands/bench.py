"""`make bench SCALE=…`: every page of the application beside its floor, the jobs, the
import, the council PDF and a load run against gunicorn, on whatever data is in the
database (docs/benchmarks.md).

Pages go through Django's test client as signed-in personas (bench/pages.py), each
repeated: median, 95th percentile, queries and response size. A response other than 200
is an error: the command lists them at the end and fails.
"""

import importlib
import importlib.util
import os
import platform
import time
import traceback

import django
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from bench import pages as bench_pages
from bench.report import Row, print_rows, summarise

# The main tables, counted at the top of the output (the data size of the run).
COUNTED = (
    "intake.Client",
    "intake.Household",
    "intake.SupportRequest",
    "intake.Team",
    "auth.User",
    "triage.Triage",
    "triage.ConversationReport",
    "trajectories.Trajectory",
    "plans.SupportPlan",
    "openhouse.Provider",
    "indications.Indication",
    "indications.Task",
    "ijw.Message",
    "rights.RightsRequest",
    "audit.AccessLogEntry",
)
DEFAULT_REPEAT = {"small": 15, "city": 15, "national": 7}
IMPORT_LINES = {"small": 10_000, "city": 100_000, "national": 100_000}
LOAD_SECONDS = {"small": 15, "city": 30, "national": 30}


class Command(BaseCommand):
    help = "Measure every page, job and report on the data in the database (make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="small", help="The data's scale (a label).")
        parser.add_argument("--repeat", type=int, help="Requests per page (15; 7 at national).")
        parser.add_argument("--no-load", action="store_true", help="Skip the gunicorn load run.")
        parser.add_argument(
            "--no-jobs", action="store_true", help="Skip the jobs, import and council PDF."
        )
        parser.add_argument(
            "--load-seconds", type=int, help="Seconds of each load run (15 at small, else 30)."
        )
        parser.add_argument("--port", type=int, default=0, help="gunicorn's port (0: a free one).")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="TEXT",
            help="Measure only the pages whose name or route holds TEXT (repeatable); "
            "implies --no-jobs and --no-load.",
        )

    def handle(self, *args, **options):
        database = str(connection.settings_dict["NAME"])
        if "bench" not in database and not database.startswith("test_"):
            # It makes users, a superuser among them, and runs the jobs on the data.
            raise CommandError(
                f"Refusing to run on {database!r}: use a database whose name has 'bench' "
                "in it (make bench)."
            )
        scale = options["scale"]
        if options["only"]:
            options["no_jobs"] = options["no_load"] = True
        repeat = options["repeat"] or DEFAULT_REPEAT.get(scale, 15)
        self.errors: list[str] = []
        write = self.stdout.write
        write(f"# make bench SCALE={scale}, {timezone.now():%Y-%m-%d %H:%M %Z}, repeat {repeat}")
        self.machine()
        self.data_size()
        people = bench_pages.personas()
        found = bench_pages.objects(people)
        measured = self.measure_pages(people, found, repeat, only=options["only"])
        for group in bench_pages.GROUPS:
            print_rows(write, measured["titles"][group], measured["rows"][group])
        if not options["no_jobs"]:
            today = timezone.localdate()
            self.optional(
                "bench.jobs",
                "job_rows",
                "Jobs: each beside the bare SQL doing its work, then the day after",
                today,
            )
            self.optional(
                "bench.jobs",
                "import_rows",
                "Import of indications",
                IMPORT_LINES.get(scale, 100_000),
            )
            self.optional(
                "bench.reports", "council_pdf_rows", "Council PDF (the Celery task's work)"
            )
        if not options["no_load"]:
            self.load(people, measured["load_pages"], options, scale)
        if self.errors:
            write("\n## Errors")
            for error in self.errors:
                write(f"- {error}")
            raise CommandError(f"{len(self.errors)} error(s): see the list above.")

    # --- the header ---

    def machine(self):
        write = self.stdout.write
        memory = ""
        try:
            with open("/proc/meminfo") as meminfo:
                kb = int(meminfo.readline().split()[1])
            memory = f", {kb / 1024 / 1024:.1f} GB memory"
        except (OSError, ValueError, IndexError):
            pass
        load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT name, setting, coalesce(unit, ''), source FROM pg_settings "
                "WHERE source <> 'default' ORDER BY name"
            )
            tuned = cursor.fetchall()
        write("\n## Machine")
        write(
            f"{os.cpu_count()} cores{memory}, load average {load} (1/5/15 min); "
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"PostgreSQL {version}"
        )
        write(
            "PostgreSQL settings not at their default: "
            + ", ".join(
                f"{name}={setting}{unit} ({source})" for name, setting, unit, source in tuned
            )
        )

    def data_size(self):
        counts = []
        for label in COUNTED:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            counts.append(f"{label.split('.')[1]} {model.objects.count():,}")
        database = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        self.stdout.write("\n## Data")
        self.stdout.write(f"database {database}, {size}: " + ", ".join(counts))

    # --- the pages ---

    def request(self, client, page):
        headers = {"HX-Request": "true"} if page.htmx else {}
        if page.method == "post":
            return client.post(page.path, page.data or {}, headers=headers)
        return client.get(page.path, headers=headers)

    def timed(self, client, page, repeat):
        """(samples in ms, queries of the last request, bytes, status); one warm-up first.
        A first response other than 200 stops the page there."""
        response = self.request(client, page)
        if response.status_code != 200:
            return [], None, None, response.status_code
        samples = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = self.request(client, page)
                samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                return samples, None, None, response.status_code
        size = len(response.content) if not response.streaming else None
        return samples, len(queries.captured_queries), size, 200

    def measure_pages(self, people, found, repeat, only=()):
        from bench.urls import FLOOR_CHANGELIST, TRIVIAL_PATH

        users = people["users"]
        clients = {persona: bench_pages.signed_in(user) for persona, user in users.items()}
        clients[None] = TestClient()
        rows = {group: [] for group in bench_pages.GROUPS}
        load_pages = []
        with override_settings(ROOT_URLCONF="bench.urls"):
            trivial = bench_pages.Page(
                bench_pages.STAFF, "trivial view (floor)", "", bench_pages.WORKER, TRIVIAL_PATH
            )
            samples, queries, size, _status = self.timed(
                clients[bench_pages.WORKER], trivial, repeat
            )
            floor_ms, floor_p95 = summarise(samples)
            admin_floor = bench_pages.Page(
                bench_pages.ADMIN,
                "request list, Django admin default (floor)",
                "",
                bench_pages.ADMIN_USER,
                FLOOR_CHANGELIST,
            )
            admin_samples, admin_queries, admin_size, admin_status = self.timed(
                clients[bench_pages.ADMIN_USER], admin_floor, repeat
            )
            if admin_status != 200:
                self.errors.append(f"{admin_status} {FLOOR_CHANGELIST} (the admin floor)")
            for page in bench_pages.pages(people, found):
                if only and not any(text in f"{page.name} {page.route}" for text in only):
                    continue
                rows[page.group].append(self.page_row(clients, page, repeat, floor_ms))
                if (
                    page.group == bench_pages.STAFF
                    and page.method == "get"
                    # Whole pages only: an htmx part is asked by its page, with its header.
                    and not page.htmx
                    and page.persona in (bench_pages.WORKER, bench_pages.LEAD)
                    and page.path
                    and page.route != "accounts:session_status"
                ):
                    load_pages.append((page.persona, page.path))
        rows[bench_pages.STAFF].insert(
            0, Row("trivial view (floor)", floor_ms, floor_p95, queries, size, note=TRIVIAL_PATH)
        )
        if admin_samples and admin_status == 200:
            admin_ms, admin_p95 = summarise(admin_samples)
            rows[bench_pages.ADMIN].insert(
                0, Row(admin_floor.name, admin_ms, admin_p95, admin_queries, admin_size)
            )
            ours = next(
                (r for r in rows[bench_pages.STAFF] if r.name == "request list, first page"), None
            )
            if ours and ours.median_ms is not None:
                rows[bench_pages.STAFF].append(
                    Row(
                        "request list vs Django's admin",
                        ours.median_ms,
                        ours.p95_ms,
                        ours.queries,
                        ours.bytes,
                        floor_name="admin changelist, default ModelAdmin",
                        floor_ms=admin_ms,
                    )
                )
        titles = {
            group: f"{group} (ratio: median over the trivial view's {floor_ms:.1f} ms)"
            for group in bench_pages.GROUPS
        }
        titles[bench_pages.ADMIN] = (
            f"{bench_pages.ADMIN} (ratio: median over the trivial view's {floor_ms:.1f} ms)"
        )
        return {"rows": rows, "titles": titles, "load_pages": load_pages}

    def page_row(self, clients, page, repeat, floor_ms) -> Row:
        if page.path is None:
            return Row(page.name, target=page.target, note="skipped: no such object in the data")
        samples, queries, size, status = self.timed(clients[page.persona], page, repeat)
        if status != 200:
            self.errors.append(
                f"{status} {page.method.upper()} {page.path} ({page.name}, {page.persona})"
            )
            return Row(page.name, target=page.target, note=f"ERROR {status} {page.path}")
        median, p95 = summarise(samples)
        return Row(page.name, median, p95, queries, size, floor_ms=floor_ms, target=page.target)

    # --- the other parts ---

    def optional(self, module, function, title, *args):
        """Call another part's figures when that part is there; its failure is an error."""
        if importlib.util.find_spec(module) is None:
            self.stdout.write(f"\n## {title}\n({module} is not there yet: skipped)")
            return
        try:
            produce = getattr(importlib.import_module(module), function)
            rows = produce(*args, write=self.stdout.write)
        except Exception as exc:
            self.stdout.write(traceback.format_exc())
            self.errors.append(f"{module}.{function}: {exc!r}")
            return
        print_rows(self.stdout.write, title, rows)

    def load(self, people, load_pages, options, scale):
        from bench import load

        seconds = options["load_seconds"] or LOAD_SECONDS.get(scale, 30)
        try:
            rows, errors = load.load_run(
                users=people["users"],
                pages=load_pages,
                seconds=seconds,
                port=options["port"],
                write=self.stdout.write,
            )
        except load.LoadError as exc:
            self.errors.append(f"load run: {exc}")
            return
        self.errors.extend(errors)
        print_rows(
            self.stdout.write, f"Load run: gunicorn, production settings, {load.USERS} users", rows
        )
