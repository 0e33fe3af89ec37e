"""Benchmark the intake pages on a large data set: `make bench` (PostgreSQL only).

Fills a database whose name ends in `_bench` with N support requests (bulk inserts, no
history), then requests each page repeatedly through Django's test client as a signed-in
worker and prints the median and 95th percentile time, the number of SQL queries, and
whether PostgreSQL's plan for the main list query uses an index.
"""

import datetime
import random
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intake.models import Client, Household, SupportRequest, Team, TeamMember
from samen import roles
from samen.db import owner_mode
from samen.workdays import add_working_days

BATCH = 5000


class Command(BaseCommand):
    help = "Benchmark the intake pages on N support requests (database name must end in _bench)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200_000)
        parser.add_argument("--repeat", type=int, default=15)

    def handle(self, *args, **options):
        name = settings.DATABASES["default"]["NAME"]
        if connection.vendor != "postgresql" or not str(name).endswith("_bench"):
            raise CommandError(
                "Run on a PostgreSQL database whose name ends in _bench (make bench)."
            )
        worker, lead, team = self.people()
        existing = SupportRequest.objects.count()
        if existing < options["requests"]:
            started = time.perf_counter()
            self.fill(options["requests"] - existing, team, worker)
            self.stdout.write(
                f"inserted {options['requests'] - existing} requests in {time.perf_counter() - started:.1f} s"
            )
        with owner_mode(), connection.cursor() as cursor:
            # Only the tables' owner may ANALYZE them (the app role may not).
            cursor.execute("ANALYZE")
        total = SupportRequest.objects.count()
        self.stdout.write(f"support requests: {total}; teams: {Team.objects.count()}")
        some = (
            SupportRequest.objects.visible_to(worker)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        pages = [
            ("my work", worker, "/werk/"),
            ("team view", lead, "/werk/team/"),
            ("search, no filter", worker, "/aanmeldingen/"),
            ("search, overdue", worker, "/aanmeldingen/?overdue=on"),
            ("search, status", worker, "/aanmeldingen/?status=registered"),
            ("search, referrer 05", worker, "/aanmeldingen/?referrer_type=05"),
            ("search, team", worker, f"/aanmeldingen/?team={team.pk}"),
            (
                "search, last 7 days",
                worker,
                f"/aanmeldingen/?received_from={timezone.localdate() - datetime.timedelta(days=7)}",
            ),
            ("search, page 200", worker, "/aanmeldingen/?page=200"),
            ("request detail", worker, f"/aanmeldingen/{some}/"),
            # Reports over all teams, the default 12 months by month.
            ("report client flows", lead, "/rapportages/instroom/?team="),
            ("report matched care", lead, "/rapportages/matched-care/?team="),
            ("report deadlines", lead, "/rapportages/termijnen/?team="),
            ("report transition", lead, "/rapportages/transitie/?team="),
        ]
        self.stdout.write(f"{'page':<22} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, user, url in pages:
            client = TestClient()
            client.force_login(user)
            client.get(url)  # warm up
            timings = []
            for _ in range(options["repeat"]):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            self.stdout.write(
                f"{label:<22} {statistics.median(timings):>10.1f} {p95:>8.1f} {len(queries.captured_queries):>8}"
            )
        self.explain(team)
        self.access_log(worker, some, options["repeat"])

    def access_log(self, worker, some, repeat):
        """What writing the access log adds to a page, and how fast entries are written."""
        import intake.views
        from audit.services import Event, access_log_record

        url = f"/aanmeldingen/{some}/"
        client = TestClient()
        client.force_login(worker)
        real = intake.views.log_read
        variants = {"with log": real, "without log": lambda *a, **k: None}
        timings = {label: [] for label in variants}
        client.get(url)
        # Interleaved, so that other load on the machine hits both alike.
        for _ in range(repeat * 2):
            for label, log_read in variants.items():
                intake.views.log_read = log_read
                started = time.perf_counter()
                client.get(url)
                timings[label].append((time.perf_counter() - started) * 1000)
        intake.views.log_read = real
        results = {}
        for label, values in timings.items():
            values.sort()
            results[label] = (statistics.median(values), values[int(len(values) * 0.95) - 1])
        for label, (median, p95) in results.items():
            self.stdout.write(f"{'request detail, ' + label:<34} {median:>10.1f} {p95:>8.1f}")
        added = results["with log"][0] - results["without log"][0]
        self.stdout.write(f"access log adds to a page (median): {added:.1f} ms")
        count = 2000
        started = time.perf_counter()
        for i in range(count):
            access_log_record(
                user=worker, event=Event.READ, part="bench", clients=[i], channel="command"
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"access log write rate (one process, autocommit): {count / elapsed:.0f} entries/s"
        )

    def explain(self, team):
        today = timezone.localdate()
        query = (
            SupportRequest.objects.open()
            .filter(team=team, contact_deadline__lt=today, first_contact_on__isnull=True)
            .order_by("contact_deadline")[:50]
        )
        plan = " / ".join(line.strip() for line in query.explain().splitlines()[:3])
        self.stdout.write(f"plan, team overdue: {plan}")

    def people(self):
        User = get_user_model()
        team, _ = Team.objects.get_or_create(name="WIJ Beijum")
        worker, _ = User.objects.get_or_create(username="bench_worker")
        lead, _ = User.objects.get_or_create(username="bench_lead")
        worker.groups.add(Group.objects.get(name=roles.WIJ_STAFF))
        lead.groups.add(Group.objects.get(name=roles.TEAM_LEAD))
        TeamMember.objects.get_or_create(user=lead, team=team)
        TeamMember.objects.get_or_create(user=worker, team=team)
        for name in (
            "WIJ Lewenborg",
            "WIJ Selwerd",
            "WIJ Paddepoel",
            "WIJ Vinkhuizen",
            "WIJ Haren",
        ):
            Team.objects.get_or_create(name=name)
        return worker, lead, team

    def fill(self, count, team, worker):
        rng = random.Random(7)  # noqa: S311 - benchmark data
        teams = list(Team.objects.all())
        now = timezone.now()
        through = SupportRequest.clients.through
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                households = Household.objects.bulk_create(
                    [Household(name=f"Gezin {done + i}") for i in range(size)]
                )
                clients = Client.objects.bulk_create(
                    [
                        Client(
                            first_name="Kind",
                            last_name=f"Bench {done + i}",
                            date_of_birth=datetime.date(2010, 1, 1)
                            + datetime.timedelta(days=rng.randint(0, 5000)),
                            team=rng.choice(teams),
                        )
                        for i in range(size)
                    ]
                )
                requests = []
                for i, household in enumerate(households):
                    received = now - datetime.timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
                    status = rng.choices(
                        ["registered", "contacted", "in_triage", "closed"], [5, 10, 10, 75]
                    )[0]
                    requests.append(
                        SupportRequest(
                            household=household,
                            received_at=received,
                            channel="phone",
                            question="Benchmark",
                            team=clients[i].team,
                            assigned_worker=worker if rng.random() < 0.002 else None,
                            referrer_type=rng.choice(["01", "02", "03", "04", "05", "06", "08"]),
                            status=status,
                            close_reason="triage_done" if status == "closed" else "",
                            contact_deadline=add_working_days(timezone.localdate(received), 5),
                            first_contact_on=None
                            if status == "registered"
                            else timezone.localdate(received),
                        )
                    )
                requests = SupportRequest.objects.bulk_create(requests)
                through.objects.bulk_create(
                    [
                        through(supportrequest_id=r.pk, client_id=c.pk)
                        for r, c in zip(requests, clients, strict=True)
                    ]
                )
            done += size
