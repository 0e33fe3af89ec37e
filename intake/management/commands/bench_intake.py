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

from intake.models import (
    Client,
    Household,
    HouseholdMember,
    SupportRequest,
    Team,
    TeamMember,
    client_search_name,
)
from samen import roles
from samen.db import owner_mode
from samen.workdays import add_working_days

BATCH = 5000
# Realistic invented names (with diacritics) for the search timings.
FIRST_NAMES = [
    "Sara",
    "Sarah",
    "Daan",
    "Noah",
    "Zoë",
    "Emma",
    "Julia",
    "Tess",
    "Sem",
    "Liam",
    "Lucas",
    "Finn",
    "Mila",
    "Yara",
    "Noor",
    "Anaïs",
    "Chloë",
    "Jesse",
    "Thijs",
    "Bram",
    "Joëlle",
    "Iris",
    "Fleur",
    "Ömer",
    "Eliza",
    "Mees",
    "Sophie",
    "Gijs",
    "Loïs",
    "Ruben",
    "Lotte",
    "Jaïr",
]
LAST_NAMES = (
    (
        "Jansen Janssen de Vries Bakker Dijkstra Visser Smit Meijer de Boer Mulder Bos Huizinga "
        "Zijlstra Hoekstra Postma Kuipers Wiersma Veenstra van der Veen Brouwer Kooistra Çelik "
        "Yılmaz El Amrani Pérez Nijboer Bloemhof Groenewold Oosterhuis Wijnstra"
    )
    .replace("de Vries", "de_Vries")
    .replace("de Boer", "de_Boer")
    .replace("van der Veen", "van_der_Veen")
    .replace("El Amrani", "El_Amrani")
    .split()
)


def signed_in(user) -> TestClient:
    """A test client signed in with the second factor too, as every real session past the
    login pages (accounts.middleware sends others to the code page)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = TestClient()
    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def median_p95(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.95))]


def bench_bsn(number: int) -> str:
    """A unique invented BSN that passes the 11-proof: the number's 8 digits (times two,
    to leave room when the check digit would be 10) and their check digit."""
    for prefix in (10_000_000 + number * 2, 10_000_000 + number * 2 + 1):
        digits = f"{prefix:08d}"
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return f"{digits}{check}"
    raise AssertionError("two prefixes in a row cannot both need a check digit of 10")


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
            client = signed_in(user)
            client.get(url)  # warm up
            timings = []
            for _ in range(options["repeat"]):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            median, p95 = median_p95(timings)
            self.stdout.write(
                f"{label:<22} {median:>10.1f} {p95:>8.1f} {len(queries.captured_queries):>8}"
            )
        self.explain(team)
        self.search(worker, options["repeat"])
        self.access_log(worker, some, options["repeat"])

    def search(self, worker, repeat):
        """The search from the header (POST /zoeken/, as htmx sends it as you type)."""
        sample = Client.objects.exclude(bsn=None).order_by("pk")[Client.objects.count() // 2]
        terms = [
            ("search BSN", sample.bsn),
            ("search partial name", "jans"),
            ("search near miss", "Sarah Janssen"),
            ("search name + birth", f"{sample.first_name} {sample.date_of_birth:%d-%m-%Y}"),
            ("search postcode+nr", f"{sample.postcode}{sample.house_number}".lower()),
        ]
        self.stdout.write(f"search: {Client.objects.count()} clients")
        client = signed_in(worker)
        for label, term in terms:
            client.post("/zoeken/", {"search": term}, headers={"HX-Request": "true"})
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.post(
                        "/zoeken/", {"search": term}, headers={"HX-Request": "true"}
                    )
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (label, response.status_code)
            median, p95 = median_p95(timings)
            found = response.content.decode().count("<li")
            self.stdout.write(
                f"{label:<22} {median:>10.1f} {p95:>8.1f} "
                f"{len(queries.captured_queries):>8}   ({found} shown)"
            )

    def access_log(self, worker, some, repeat):
        """What writing the access log adds to a page, and how fast entries are written."""
        import intake.views
        from audit.services import Event, access_log_record

        url = f"/aanmeldingen/{some}/"
        client = signed_in(worker)
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
                # One to three children per household, at one address (siblings).
                families = [self.family(rng, teams, done + i) for i in range(size)]
                clients = Client.objects.bulk_create([c for family in families for c in family])
                members = iter(clients)
                families = [[next(members) for _ in family] for family in families]
                HouseholdMember.objects.bulk_create(
                    [
                        HouseholdMember(household=household, role="child", client=child)
                        for household, family in zip(households, families, strict=True)
                        for child in family
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
                            team=families[i][0].team,
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
                        for r, family in zip(requests, families, strict=True)
                        for c in family
                    ]
                )
            done += size

    @staticmethod
    def family(rng, teams, number: int) -> list[Client]:
        """Siblings at one address; bulk_create skips save(), so search_name is set here."""
        last_name = rng.choice(LAST_NAMES).replace("_", " ")
        postcode = f"{rng.randint(9711, 9747)}{rng.choice('ABCDEHKLMNPRTVWX')}{rng.choice('ABCDEHKLMNPRSTVWX')}"
        house_number = str(rng.randint(1, 250)) + rng.choice(["", "", "", "a", "-2"])
        team = rng.choice(teams)
        children = []
        for _ in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
            first_name = rng.choice(FIRST_NAMES)
            children.append(
                Client(
                    bsn=bench_bsn(number * 3 + len(children)),
                    first_name=first_name,
                    last_name=last_name,
                    search_name=client_search_name(first_name, last_name),
                    date_of_birth=datetime.date(2005, 1, 1)
                    + datetime.timedelta(days=rng.randint(0, 7000)),
                    postcode=postcode,
                    house_number=house_number,
                    street="Benchstraat",
                    team=team,
                )
            )
        return children
