"""Generated data at scale for the benchmarks (`manage.py generate_scale_data`).

Set-based: every table is filled by one `INSERT ... SELECT` over `generate_series` (no row
is made in Python), with explicit ids so that rows can point at each other by arithmetic
(client c lives in the household of its range, request j belongs to household
1 + (j - 1) % households, a triage, its trajectory and plan share the request's id).

Reproducible: every random choice is `pg_temp.rnd(key, salt)`, a hash of the row's key and
the seed (PostgreSQL's `hashint8extended`), not `random()`: the same scale and seed give
the same rows whatever order or plan PostgreSQL evaluates them in (docs/decisions.md, 97).
The few choices made in Python (name lists, the deadline calendar) use no randomness.

Consistent with the schema: every check, unique and exclusion constraint holds (the
tests load the small scale), the histories get their "+" row per record, the sequences
are moved past the ids used. Dates are relative to `today`.
"""

# ruff: noqa: S608 - the SQL is built from this module's constants and numbers; every value
# from outside (dates, name lists) is a query parameter.

import datetime
import time

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone, translation
from psycopg import sql

from bench import names
from bench.report import Row, print_rows
from samen import roles
from samen.db import owner_mode
from samen.identifiers import search_form
from samen.workdays import add_working_days
from triage.models import LifeDomain

# Bump when the generated data changes shape: `--if-missing` then generates again.
GENERATOR_VERSION = 1

SCALES = {
    "small": {
        "teams": 4,
        "staff": 60,
        "referrer_organisations": 100,
        "providers": 20,
        "clients": 1_000,
        "requests": 2_000,
        "indications": 3_000,
    },
    "city": {
        "teams": 12,
        "staff": 400,
        "referrer_organisations": 1_000,
        "providers": 100,
        "clients": 50_000,
        "requests": 100_000,
        "indications": 150_000,
    },
    "national": {
        "teams": 300,
        "staff": 4_550,
        "referrer_organisations": 5_000,
        "providers": 1_200,
        "clients": 1_000_000,
        "requests": 2_000_000,
        "indications": 5_000_000,
    },
}

# Tables that generation keeps: Django's own, the role groups, and the reference data the
# migrations load (products and the phasing table, with their history).
KEPT_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "referrals_product",
    "referrals_routephase",
    "referrals_historicalproduct",
    "referrals_historicalroutephase",
}
# Kept tables that point at a wiped one (auth_user: the history's user): saved and restored
# around the TRUNCATE, which would otherwise empty them by CASCADE.
SAVED_TABLES = ("referrals_historicalproduct", "referrals_historicalroutephase")

# How indications spread over providers: provider i (0-based) gets a share falling as
# exp(-SKEW * i / providers), so at national scale the first has ~41,000 of 5 million
# and the last a few (issue 21).
PROVIDER_SKEW = 10.0


def marker(scale: str, seed: int) -> str:
    """The database comment that says this scale and seed are complete (--if-missing)."""
    return f"samen generate_scale_data v{GENERATOR_VERSION} scale={scale} seed={seed} complete"


def database_comment() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return (row[0] if row else None) or ""


def check_sum(number: str) -> str:
    """SQL: the 11-proof's weighted sum of the 8 digits of `number` (weights 9 down to 2)."""
    return " + ".join(f"({number} / {10**k} %% 10) * {k + 2}" for k in range(8))


def labels(choices) -> str:
    """SQL: the WHEN branches of a CASE from a field's choices to their labels."""
    return " ".join(
        "WHEN '{}' THEN '{}'".format(value, str(label).replace("'", "''"))
        for value, label in choices
    )


def case(u: str, choices: list[tuple[str, float]]) -> str:
    """SQL choosing a value by weight with the uniform number `u` (an SQL expression):
    CASE WHEN u < 0.3 THEN 'a' ... END. Values are this module's constants."""
    total = sum(weight for _value, weight in choices)
    parts, upto = [], 0.0
    for value, weight in choices[:-1]:
        upto += weight / total
        parts.append(f"WHEN {u} < {upto:.6f} THEN '{value}'")
    return f"CASE {' '.join(parts)} ELSE '{choices[-1][0]}' END"


class Generator:
    def __init__(self, scale: str, seed: int, today: datetime.date, write):
        self.scale = scale
        self.seed = seed
        self.today = today
        self.write = write
        self.counts = dict(SCALES[scale])
        self.rows: list[Row] = []
        counts = self.counts
        teams = counts["teams"]
        office = max(3, counts["staff"] // 100)
        self.officials = max(1, office // 3)
        self.youth_admins = max(1, office // 3)
        self.privacy = office - self.officials - self.youth_admins
        self.workers = counts["staff"] - teams - office
        assert self.workers >= teams, "every team needs a worker"
        # User ids: team leads 1..T (lead of team t is t), office, workers, provider users.
        self.office_base = teams
        self.worker_base = teams + office
        self.provider_user_base = counts["staff"]
        # Postcode areas: four per team in a city, twenty per team across the country.
        self.areas_per_team = 4 if teams <= 20 else 20
        self.area_base = 9700 if teams * self.areas_per_team <= 299 else 1000
        start = max(datetime.date(2023, 1, 1), today - datetime.timedelta(days=4 * 365))
        if start > today - datetime.timedelta(days=365):
            start = today - datetime.timedelta(days=365)
        self.start = start
        zone = timezone.get_current_timezone()
        self.now = datetime.datetime.combine(today, datetime.time(12), zone)
        self.start_at = datetime.datetime.combine(start, datetime.time(8), zone)
        self.params = {
            "today": today,
            "now": self.now,
            "start": start,
            "start_at": self.start_at,
            "span": (self.now - self.start_at).total_seconds(),
            "teams": teams,
            "workers": self.workers,
            "worker_base": self.worker_base,
            "clients": counts["clients"],
            "requests": counts["requests"],
            "indications": counts["indications"],
            "providers": counts["providers"],
            "first_names": names.FIRST_NAMES,
            "first_search": [search_form(n) for n in names.FIRST_NAMES],
            "last_names": names.LAST_NAMES,
            "last_search": [search_form(n) for n in names.LAST_NAMES],
            "parent_names": names.PARENT_FIRST_NAMES,
            "streets": names.STREETS,
            "places": names.PLACES,
            "neighbourhoods": names.NEIGHBOURHOODS,
            "provider_words": names.PROVIDER_WORDS,
            "questions": names.QUESTIONS,
            "reports": names.REPORT_TEXTS,
            "goals": names.GOAL_TEXTS,
        }

    # -- helpers -------------------------------------------------------------------------

    def execute(self, statement: str, params: dict | None = None) -> int:
        statement = statement.replace("RND(", "pg_temp.rnd(").replace("PICK(", "pg_temp.pick(")
        with connection.cursor() as cursor:
            cursor.execute(statement, {**self.params, **(params or {})})
            return cursor.rowcount

    def scalar(self, statement: str, params: dict | None = None):
        with connection.cursor() as cursor:
            cursor.execute(statement, params or {})
            return cursor.fetchone()[0]

    def step(self, table: str, statement: str, params: dict | None = None) -> int:
        started = time.perf_counter()
        count = self.execute(statement, params)
        self.record(table, count, time.perf_counter() - started)
        return count

    def record(self, table: str, count: int, seconds: float) -> None:
        rate = count / seconds if seconds else 0
        self.rows.append(
            Row(name=table, median_ms=seconds * 1000, rows=count, note=f"{rate:,.0f} rows/s")
        )

    def worker_of(self, team: str, u: str) -> str:
        """SQL: a worker of `team` (1-based), chosen by the uniform number `u`. Worker w
        (0-based) works in team 1 + w % T; team t has floor((W - t) / T) + 1 of them."""
        return (
            f"(%(worker_base)s + 1 + ({team} - 1) + %(teams)s * "
            f"floor({u} * ((%(workers)s - {team}) / %(teams)s + 1))::int)"
        )

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> None:
        started = time.perf_counter()
        self.functions()
        self.wipe()
        self.reference()
        self.people()
        self.families()
        self.requests()
        self.triages()
        self.trajectories()
        self.plans()
        self.indications()
        self.histories()
        self.indexes()
        self.sequences()
        total = sum(row.rows or 0 for row in self.rows)
        elapsed = time.perf_counter() - started
        self.rows.append(
            Row(
                name="total",
                median_ms=elapsed * 1000,
                rows=total,
                note=f"{total / elapsed:,.0f} rows/s",
            )
        )

    def functions(self) -> None:
        """The deterministic random number of a key and a salt, and picking from a list."""
        self.execute(
            f"""
            CREATE OR REPLACE FUNCTION pg_temp.rnd(k bigint, salt int) RETURNS float8
            LANGUAGE sql IMMUTABLE AS $$
                SELECT (hashint8extended(k, {int(self.seed)}::bigint * 1000 + salt)
                        & 2147483647)::float8 / 2147483648.0
            $$;
            CREATE OR REPLACE FUNCTION pg_temp.pick(items text[], u float8) RETURNS text
            LANGUAGE sql IMMUTABLE AS $$
                SELECT items[1 + floor(u * cardinality(items))::int]
            $$;
            """
        )

    def wipe(self) -> None:
        """Empty every table but the kept ones (what an earlier run generated, and anything
        else: this is a benchmark database)."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred to the commit: checked per statement
            # instead, no queue of millions of pending checks (and TRUNCATE needs none).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                "ORDER BY c.relname"
            )
            tables = [name for (name,) in cursor.fetchall() if name not in KEPT_TABLES]
            for name in SAVED_TABLES:
                cursor.execute(
                    sql.SQL(
                        "DROP TABLE IF EXISTS {saved}; CREATE TEMP TABLE {saved} AS TABLE {table}"
                    ).format(
                        saved=sql.Identifier(f"bench_saved_{name}"), table=sql.Identifier(name)
                    )
                )
            cursor.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                    sql.SQL(", ").join(sql.Identifier(name) for name in tables)
                )
            )
            # Indexes that enforce nothing are built once at the end, from sorted data,
            # instead of row by row (decision 98); unique and exclusion ones stay.
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                "JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE n.nspname = 'public' AND t.relkind = 'r' AND NOT t.relispartition "
                "AND t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisexclusion "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [tables],
            )
            self.deferred_indexes = cursor.fetchall()
            for name, _definition in self.deferred_indexes:
                cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            for name in SAVED_TABLES:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "'public' AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
                    [name],
                )
                columns = sql.SQL(", ").join(sql.Identifier(c) for (c,) in cursor.fetchall())
                cursor.execute(
                    sql.SQL(
                        "INSERT INTO {table} ({columns}) OVERRIDING SYSTEM VALUE "
                        "SELECT {columns} FROM {saved} ORDER BY 1"
                    ).format(
                        saved=sql.Identifier(f"bench_saved_{name}"),
                        table=sql.Identifier(name),
                        columns=columns,
                    )
                )
        self.record("(truncate)", 0, time.perf_counter() - started)

    # -- reference: teams, areas, referrers, providers -----------------------------------

    def reference(self) -> None:
        self.step(
            "intake_team",
            """
            INSERT INTO intake_team (id, name, active, version)
            SELECT t, 'WIJ ' || (%(neighbourhoods)s::text[])[1 + (t - 1) %% cardinality(%(neighbourhoods)s::text[])]
                   || CASE WHEN t > cardinality(%(neighbourhoods)s::text[])
                           THEN ' ' || ((t - 1) / cardinality(%(neighbourhoods)s::text[]) + 1)
                           ELSE '' END,
                   true, 1
            FROM generate_series(1, %(teams)s) t
            """,
        )
        self.step(
            "intake_postcodearea",
            """
            INSERT INTO intake_postcodearea (id, digits, team_id, version)
            SELECT a, (%(area_base)s + a - 1)::text, 1 + (a - 1) / %(per_team)s, 1
            FROM generate_series(1, %(teams)s * %(per_team)s) a
            """,
            {"area_base": self.area_base, "per_team": self.areas_per_team},
        )
        types = [("02", 55), ("03", 10), ("04", 10), ("05", 20), ("08", 5)]
        total = self.counts["referrer_organisations"]
        # Organisations of one type have consecutive ids: (type, first id, how many).
        self.referrer_blocks, first = [], 1
        for index, (code, weight) in enumerate(types):
            size = (
                total - first + 1
                if index == len(types) - 1
                else max(1, total * weight // sum(w for _c, w in types))
            )
            self.referrer_blocks.append((code, first, size))
            first += size
        type_of = " ".join(
            f"WHEN o BETWEEN {first} AND {first + size - 1} THEN '{code}'"
            for code, first, size in self.referrer_blocks
        )
        self.step(
            "referrals_referrerorganisation",
            f"""
            INSERT INTO referrals_referrerorganisation
                (id, name, referrer_type, agb_code, city, active, version)
            SELECT o, CASE kind
                       WHEN '02' THEN 'Huisartsenpraktijk ' || PICK(%(last_names)s, RND(o, 1))
                       WHEN '03' THEN 'GGD Jeugdgezondheidszorg ' || PICK(%(places)s, RND(o, 2))
                       WHEN '04' THEN 'Gecertificeerde instelling ' || PICK(%(places)s, RND(o, 2))
                       WHEN '05' THEN 'Kinderafdeling ziekenhuis ' || PICK(%(places)s, RND(o, 2))
                       ELSE 'Rechtbank ' || PICK(%(places)s, RND(o, 2)) END || ' ' || o,
                   kind,
                   CASE WHEN kind IN ('02', '03', '04', '05') THEN '01' || lpad(o::text, 6, '0')
                        ELSE '' END,
                   PICK(%(places)s, RND(o, 2)), RND(o, 3) > 0.03, 1
            FROM (SELECT o, CASE {type_of} END AS kind
                  FROM generate_series(1, {total}) o) orgs
            """,
        )
        self.step(
            "openhouse_provider",
            """
            INSERT INTO openhouse_provider
                (id, name, agb_code, contact_email, status, stops_on, version)
            SELECT p, PICK(%(provider_words)s, RND(p, 1)) || ' ' || PICK(%(last_names)s, RND(p, 2))
                      || ' ' || p,
                   '7' || lpad(p::text, 7, '0'), 'zorg@aanbieder-' || p || '.example',
                   status,
                   CASE status WHEN 'stopping' THEN %(today)s::date + 30 + (RND(p, 4) * 150)::int
                               WHEN 'stopped' THEN %(today)s::date - 30 - (RND(p, 4) * 700)::int END,
                   1
            FROM (SELECT p, """
            + case("RND(p, 3)", [("active", 95), ("stopping", 3), ("stopped", 2)])
            + """ AS status FROM generate_series(1, %(providers)s) p) providers
            """,
        )

    # -- users ---------------------------------------------------------------------------

    def people(self) -> None:
        counts = self.counts
        group_ids = dict(Group.objects.values_list("name", "id"))
        missing = {roles.WIJ_STAFF, roles.TEAM_LEAD, roles.PROVIDER} - set(group_ids)
        if missing:
            roles.roles_sync()
            group_ids = dict(Group.objects.values_list("name", "id"))
        office = self.officials + self.youth_admins + self.privacy
        users = counts["staff"] + counts["providers"]
        # (role, first id, last id, username prefix)
        self.role_ranges = [
            (roles.TEAM_LEAD, 1, counts["teams"], "teamleider"),
            (roles.OFFICIAL, self.office_base + 1, self.office_base + self.officials, "gemeente"),
            (
                roles.YOUTH_ADMIN,
                self.office_base + self.officials + 1,
                self.office_base + self.officials + self.youth_admins,
                "jeugdadministratie",
            ),
            (
                roles.PRIVACY,
                self.office_base + self.officials + self.youth_admins + 1,
                self.office_base + office,
                "privacy",
            ),
            (roles.WIJ_STAFF, self.worker_base + 1, counts["staff"], "medewerker"),
            (roles.PROVIDER, counts["staff"] + 1, users, "aanbieder"),
        ]
        role_of = " ".join(
            f"WHEN u BETWEEN {first} AND {last} THEN '{prefix}'"
            for _role, first, last, prefix in self.role_ranges
        )
        self.step(
            "auth_user",
            f"""
            INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT u, '!', false, 'bench-' || prefix || '-' || u,
                   PICK(%(parent_names)s, RND(u, 1)), PICK(%(last_names)s, RND(u, 2)),
                   'bench-' || u || '@samen.example', prefix = 'gemeente', true, %(start_at)s
            FROM (SELECT u, CASE {role_of} END AS prefix
                  FROM generate_series(1, {users}) u) people
            """,
        )
        group_of = " ".join(
            f"WHEN u BETWEEN {first} AND {last} THEN {group_ids[role]}"
            for role, first, last, _prefix in self.role_ranges
        )
        self.step(
            "auth_user_groups",
            f"""
            INSERT INTO auth_user_groups (user_id, group_id)
            SELECT u, CASE {group_of} END FROM generate_series(1, {users}) u ORDER BY u
            """,
        )
        # Leads in their team; workers in theirs, one in twenty in a neighbouring team too.
        self.step(
            "intake_teammember",
            """
            INSERT INTO intake_teammember (user_id, team_id, version)
            SELECT user_id, team_id, 1 FROM (
                SELECT t AS user_id, t AS team_id FROM generate_series(1, %(teams)s) t
                UNION ALL
                SELECT %(worker_base)s + 1 + w, 1 + w %% %(teams)s
                FROM generate_series(0, %(workers)s - 1) w
                UNION ALL
                SELECT %(worker_base)s + 1 + w, 1 + (w + 1) %% %(teams)s
                FROM generate_series(0, %(workers)s - 1) w
                WHERE %(teams)s > 1 AND RND(w, 7) < 0.05
            ) members ORDER BY user_id, team_id
            """,
        )
        self.step(
            "openhouse_providermembership",
            f"""
            INSERT INTO openhouse_providermembership (id, user_id, provider_id, version)
            SELECT p, {self.provider_user_base} + p, p, 1
            FROM generate_series(1, %(providers)s) p
            """,
        )

    # -- families ------------------------------------------------------------------------

    def families(self) -> None:
        """Households of one to three children at one address (siblings), with one or two
        parents holding parental authority."""
        started = time.perf_counter()
        self.execute(
            """
            DROP TABLE IF EXISTS bench_family;
            CREATE TEMP TABLE bench_family AS
            WITH sizes AS (
                SELECT h, CASE WHEN RND(h, 1) < 0.6 THEN 1 WHEN RND(h, 1) < 0.9 THEN 2 ELSE 3 END
                          AS size
                FROM generate_series(1, %(clients)s) h
            ), ranged AS (
                SELECT h, size, sum(size) OVER (ORDER BY h) - size AS before FROM sizes
            )
            SELECT h, before + 1 AS first_client, least(size, %(clients)s - before) AS size,
                   1 + floor(RND(h, 2) * %(areas)s)::int AS area
            FROM ranged WHERE before < %(clients)s;
            ALTER TABLE bench_family ADD PRIMARY KEY (h);
            ALTER TABLE bench_family ADD COLUMN team int;
            UPDATE bench_family SET team = 1 + (area - 1) / %(per_team)s;
            DROP TABLE IF EXISTS bench_client;
            CREATE TEMP TABLE bench_client AS
            SELECT c, h, team FROM bench_family, generate_series(first_client, first_client + size - 1) c;
            ALTER TABLE bench_client ADD PRIMARY KEY (c);
            ANALYZE bench_family; ANALYZE bench_client;
            """,
            {
                "areas": self.counts["teams"] * self.areas_per_team,
                "per_team": self.areas_per_team,
            },
        )
        self.households = self.scalar("SELECT count(*) FROM bench_family")
        self.params["households"] = self.households
        # The first request of household h has id h (see requests): its received time
        # is when the family's children were registered.
        self.params["rounds"] = -(-self.counts["requests"] // self.households)
        self.record("(families plan)", 0, time.perf_counter() - started)
        self.step(
            "intake_household",
            """
            INSERT INTO intake_household (id, name, phone, email)
            SELECT h, 'Gezin ' || PICK(%(last_names)s, RND(h, 3)),
                   '06' || lpad((floor(RND(h, 4) * 100000000))::bigint::text, 8, '0'), ''
            FROM bench_family ORDER BY h
            """,
        )
        # The BSN: 8 digits from the client's id (times two, so that the next number is
        # free when the check digit would be 10) and the 11-proof's check digit.
        self.step(
            "intake_client",
            f"""
            INSERT INTO intake_client (id, bsn, first_name, last_name, date_of_birth, street,
                                       house_number, postcode, city, team_id, created_at,
                                       search_name)
            SELECT c, CASE WHEN RND(c, 5) < 0.01 THEN NULL
                           WHEN check_a < 10 THEN lpad(prefix::text, 8, '0') || check_a
                           ELSE lpad((prefix + 1)::text, 8, '0') || check_b END,
                   (%(first_names)s::text[])[first_index], (%(last_names)s::text[])[last_index],
                   %(today)s::date - 30 - floor(RND(c, 6) * 6500)::int,
                   PICK(%(streets)s, RND(f.h, 7)),
                   (1 + floor(RND(f.h, 8) * 240)::int)::text
                       || CASE WHEN RND(f.h, 9) < 0.1 THEN 'a' WHEN RND(f.h, 9) < 0.15 THEN '-2'
                               ELSE '' END,
                   (%(area_base)s + f.area - 1)::text
                       || PICK(%(letters)s, RND(f.h, 10)) || PICK(%(letters)s, RND(f.h, 11)),
                   PICK(%(places)s, f.area::float8 / (%(areas)s + 1)),
                   f.team,
                   %(start_at)s + make_interval(secs => %(span)s * RND(f.h, 10) / %(rounds)s),
                   (%(first_search)s::text[])[first_index] || ' '
                       || (%(last_search)s::text[])[last_index]
            FROM bench_family f, generate_series(f.first_client, f.first_client + f.size - 1) c,
                 LATERAL (
                     SELECT 10000000 + 2 * c AS prefix,
                            1 + floor(RND(c, 12) * cardinality(%(first_names)s::text[]))::int
                                AS first_index,
                            1 + floor(RND(f.h, 3) * cardinality(%(last_names)s::text[]))::int
                                AS last_index
                 ) p,
                 LATERAL (
                     SELECT ({check_sum("prefix")}) %% 11 AS check_a,
                            ({check_sum("(prefix + 1)")}) %% 11 AS check_b
                 ) checks
            ORDER BY c
            """,
            {
                "letters": list("ABCDEHJKLMNPRTVWXZ"),
                "area_base": self.area_base,
                "areas": self.counts["teams"] * self.areas_per_team,
            },
        )
        self.step(
            "intake_householdmember",
            """
            INSERT INTO intake_householdmember (household_id, role, client_id, name, phone,
                                                parental_authority)
            SELECT household_id, role, client_id, name, phone, authority FROM (
                SELECT h AS household_id, 'child' AS role, c AS client_id, '' AS name,
                       '' AS phone, 'no' AS authority, c AS sort, 0 AS part
                FROM bench_client
                UNION ALL
                SELECT h, 'parent', NULL,
                       PICK(%(parent_names)s, RND(h * 2 + parent, 13)) || ' '
                           || PICK(%(last_names)s, RND(h, 3)),
                       '06' || lpad((floor(RND(h * 2 + parent, 14) * 100000000))::bigint::text, 8, '0'),
                       CASE WHEN RND(h * 2 + parent, 15) < 0.9 THEN 'yes' ELSE 'unknown' END,
                       h, parent
                FROM bench_family, generate_series(1, 2) parent
                WHERE parent = 1 OR RND(h, 16) < 0.6
            ) members ORDER BY household_id, part, sort
            """,
        )

    # -- requests ------------------------------------------------------------------------

    def requests(self) -> None:
        """Requests of each household over the years (its k-th request in the k-th part of
        the period): the recent ones open in every state, the rest closed."""
        started = time.perf_counter()
        days = (self.today - self.start).days + 2
        calendar = [self.start + datetime.timedelta(days=d) for d in range(-1, days)]
        deadline_of = " ".join(
            f"WHEN '{code}' THEN {first} + floor(RND(j, 26) * {size})::int"
            for code, first, size in self.referrer_blocks
        )
        self.execute(
            """
            DROP TABLE IF EXISTS bench_deadline;
            CREATE TEMP TABLE bench_deadline (day date PRIMARY KEY, deadline date NOT NULL);
            INSERT INTO bench_deadline SELECT * FROM unnest(%(days)s::date[], %(deadlines)s::date[]);
            """,
            {"days": calendar, "deadlines": [add_working_days(day, 5) for day in calendar]},
        )
        self.execute(
            f"""
            DROP TABLE IF EXISTS bench_request;
            CREATE TEMP TABLE bench_request AS
            SELECT j, h, team, received_at, received_on, age, kind, referrer_type, route_open,
                   status, group_, assigned,
                   CASE WHEN status = 'registered' THEN NULL
                        WHEN status = 'closed'
                             AND group_ IN ('not_reached', 'duplicate', 'route_not_open') THEN NULL
                        ELSE least(%(today)s::date, received_on + floor(RND(j, 20) * 6)::int)
                   END AS first_contact_on
            FROM (
                SELECT j, h, team, received_at, received_on, age, kind, referrer_type, route_open,
                       CASE WHEN NOT route_open AND RND(j, 21) < 0.3 THEN 'closed'
                            WHEN age < 90 THEN {case("RND(j, 22)", [("registered", 25), ("contacted", 25), ("in_triage", 20), ("closed", 30)])}
                            ELSE {case("RND(j, 22)", [("contacted", 1), ("in_triage", 2), ("closed", 97)])}
                       END AS status,
                       CASE WHEN NOT route_open AND RND(j, 21) < 0.3 THEN 'route_not_open'
                            ELSE {case("RND(j, 23)", [("triage", 45), ("trajectory", 20), ("no_help_needed", 15), ("withdrawn", 8), ("not_reached", 7), ("duplicate", 5)])}
                       END AS group_,
                       {self.worker_of("team", "RND(j, 24)")} AS assigned
                FROM (
                    SELECT j, f.h, f.team, received_at, received_at::date AS received_on,
                           %(today)s::date - received_at::date AS age,
                           kind, kind::text AS referrer_type,
                           received_at::date >= coalesce(phase.opened_on, '2100-12-31') AS route_open
                    FROM (
                        SELECT j, 1 + (j - 1) %% %(households)s AS h,
                               %(start_at)s + make_interval(secs => %(span)s *
                                   (((j - 1) / %(households)s) + RND(j, 10)) / %(rounds)s
                               ) AS received_at,
                               {case("RND(j, 25)", [("01", 10), ("02", 40), ("03", 10), ("04", 8), ("05", 7), ("06", 22), ("08", 3)])} AS kind
                        FROM generate_series(1, %(requests)s) j
                    ) r
                    JOIN bench_family f ON f.h = r.h
                    LEFT JOIN referrals_routephase phase ON phase.referrer_type = r.kind
                ) dated
            ) decided;
            ALTER TABLE bench_request ADD PRIMARY KEY (j);
            ANALYZE bench_request;
            """
        )
        self.record("(requests plan)", 0, time.perf_counter() - started)
        self.step(
            "intake_supportrequest",
            f"""
            INSERT INTO intake_supportrequest (
                id, household_id, received_at, channel, question, team_id, assigned_worker_id,
                referrer_type, referrer_organisation_id, referring_person, referral_date,
                route_open, route_outcome, status, close_reason, contact_deadline,
                first_contact_on, client_supporter, client_supporter_name, version,
                registered_by_id, open_request_check, duplicate_reason)
            SELECT j, h, received_at,
                   CASE WHEN referrer_type IN ('02', '05') AND RND(j, 30) < 0.5 THEN 'zorgdomein'
                        ELSE {case("RND(j, 31)", [("phone", 50), ("walk_in", 20), ("mail", 20), ("letter", 10)])} END,
                   PICK(%(questions)s, RND(j, 32)), team,
                   CASE WHEN status = 'registered' AND RND(j, 33) < 0.5 THEN NULL ELSE assigned END,
                   referrer_type,
                   CASE referrer_type {deadline_of} END,
                   CASE WHEN referrer_type IN ('01', '06') THEN ''
                        ELSE 'dr. ' || PICK(%(last_names)s, RND(j, 34)) END,
                   CASE WHEN referrer_type IN ('01', '06') THEN NULL ELSE received_on END,
                   route_open,
                   CASE WHEN route_open THEN 'open'
                        WHEN group_ = 'route_not_open' THEN 'usual_way'
                        ELSE 'accepted_as_self' END,
                   status,
                   CASE WHEN status <> 'closed' THEN ''
                        WHEN group_ = 'triage' THEN 'triage_done'
                        WHEN group_ = 'trajectory' THEN 'to_trajectory'
                        ELSE group_ END,
                   d.deadline, first_contact_on,
                   RND(j, 35) < 0.05,
                   CASE WHEN RND(j, 35) < 0.05 THEN 'MEE Groningen' ELSE '' END,
                   1, {self.worker_of("team", "RND(j, 36)")}, 'none', ''
            FROM bench_request JOIN bench_deadline d ON d.day = received_on
            ORDER BY j
            """,
        )
        self.step(
            "intake_supportrequest_clients",
            """
            INSERT INTO intake_supportrequest_clients (supportrequest_id, client_id)
            SELECT r.j, c FROM bench_request r JOIN bench_family f ON f.h = r.h,
                   generate_series(f.first_client, f.first_client + f.size - 1) c
            ORDER BY r.j, c
            """,
        )
        self.step(
            "triage_conversationreport",
            """
            INSERT INTO triage_conversationreport (support_request_id, held_on, author_id, text,
                                                   shown_to_family_on)
            SELECT j, first_contact_on, assigned, PICK(%(reports)s, RND(j, 40)),
                   CASE WHEN RND(j, 41) < 0.3
                        THEN least(%(today)s::date, first_contact_on + 7) END
            FROM bench_request WHERE first_contact_on IS NOT NULL ORDER BY j
            """,
        )

    # -- triages -------------------------------------------------------------------------

    def triages(self) -> None:
        """A triage (id = the request's) for every closed request that got that far: other
        routes, referrals and exceptions close it as "triage done", help at WIJ as "to a
        trajectory"; one outcome per child."""
        started = time.perf_counter()
        self.execute(
            f"""
            DROP TABLE IF EXISTS bench_triage;
            CREATE TEMP TABLE bench_triage AS
            SELECT j, h, team, assigned, held_on, outcome, intensity, wij_role,
                   CASE WHEN outcome IN ('specialist', 'open_house_exception',
                                         'reindication_extend', 'reindication_specialist')
                        THEN 1 + floor(%(providers)s * RND(j, 52))::int END AS provider
            FROM (
                SELECT j, h, team, assigned,
                       least(%(today)s::date, first_contact_on + floor(RND(j, 50) * 14)::int)
                           AS held_on,
                       CASE WHEN group_ = 'trajectory'
                            THEN {case("RND(j, 51)", [("basis_wij", 75), ("reindication_wij", 10), ("specialist", 15)])}
                            ELSE {case("RND(j, 51)", [("other_route", 45), ("specialist", 30), ("open_house_exception", 10), ("reindication_extend", 5), ("reindication_specialist", 10)])}
                       END AS outcome,
                       {case("RND(j, 53)", [("light", 40), ("basic", 45), ("specialist", 15)])} AS intensity,
                       CASE WHEN group_ = 'trajectory' AND RND(j, 51) >= 0.85 THEN 'coordination'
                            WHEN group_ = 'trajectory' THEN 'basis' ELSE '' END AS wij_role
                FROM bench_request
                WHERE status = 'closed' AND group_ IN ('triage', 'trajectory')
            ) t;
            ALTER TABLE bench_triage ADD PRIMARY KEY (j);
            ANALYZE bench_triage;
            """
        )
        self.record("(triage plan)", 0, time.perf_counter() - started)
        self.step(
            "triage_triage",
            f"""
            INSERT INTO triage_triage (
                id, support_request_id, held_on, life_domains, child_heard,
                child_not_heard_reason, safety_concerns, safety_actions, outcome, intensity,
                other_route, provider_name, provider_contacted_on, reasons)
            SELECT t.j, t.j, held_on,
                   (ARRAY['["upbringing", "school"]', '["development"]',
                          '["upbringing", "safety", "finances"]', '["social", "housing"]'])
                       [1 + floor(RND(t.j, 54) * 4)::int]::jsonb,
                   RND(t.j, 55) >= 0.05,
                   CASE WHEN RND(t.j, 55) < 0.05 THEN 'De jeugdige is nog te jong.' ELSE '' END,
                   RND(t.j, 56) < 0.05,
                   CASE WHEN RND(t.j, 56) < 0.05
                        THEN 'Meldcode doorlopen, Veilig Thuis geraadpleegd.' ELSE '' END,
                   outcome, intensity,
                   CASE WHEN outcome = 'other_route'
                        THEN {case("RND(t.j, 57)", [("own_network", 30), ("social_base", 30), ("general_provision", 15), ("school", 15), ("nothing", 10)])}
                        ELSE '' END,
                   coalesce(p.name, ''), CASE WHEN p.id IS NOT NULL THEN held_on END,
                   CASE WHEN p.id IS NOT NULL
                        THEN 'Specialistische hulp nodig die WIJ niet zelf biedt.' ELSE '' END
            FROM bench_triage t LEFT JOIN openhouse_provider p ON p.id = t.provider
            ORDER BY t.j
            """,
        )
        self.step(
            "triage_triage_workers",
            """
            INSERT INTO triage_triage_workers (triage_id, user_id)
            SELECT j, assigned FROM bench_triage ORDER BY j
            """,
        )
        self.step(
            "triage_childoutcome",
            """
            INSERT INTO triage_childoutcome (triage_id, client_id, outcome, intensity, wij_role,
                                             other_route, provider_id, provider_contacted_on,
                                             legacy)
            SELECT t.j, c, t.outcome, t.intensity, t.wij_role, tr.other_route, t.provider,
                   CASE WHEN t.provider IS NOT NULL THEN t.held_on END, false
            FROM bench_triage t JOIN triage_triage tr ON tr.id = t.j
                 JOIN bench_family f ON f.h = t.h,
                 generate_series(f.first_client, f.first_client + f.size - 1) c
            ORDER BY t.j, c
            """,
        )
        first_official = self.office_base + 1
        self.step(
            "triage_openhouseexception",
            f"""
            INSERT INTO triage_openhouseexception (triage_id, product_id, approval,
                                                   decided_by_id, decided_on, decision_reasons)
            SELECT t.j, p.id, CASE WHEN t.held_on < p.open_house_closes_on THEN 'not_needed'
                                   ELSE 'approved' END,
                   CASE WHEN t.held_on >= p.open_house_closes_on THEN {first_official} END,
                   CASE WHEN t.held_on >= p.open_house_closes_on THEN t.held_on END,
                   CASE WHEN t.held_on >= p.open_house_closes_on
                        THEN 'Individueel gewogen: WIJ kan deze hulp niet bieden.' ELSE '' END
            FROM bench_triage t
                 JOIN LATERAL (SELECT id, open_house_closes_on FROM referrals_product
                               ORDER BY code OFFSET floor(RND(t.j, 58) * 11)::int LIMIT 1) p
                   ON true
            WHERE t.outcome = 'open_house_exception'
            ORDER BY t.j
            """,
        )
        self.step(
            "triage_conversationreport (triage)",
            """
            INSERT INTO triage_conversationreport (support_request_id, held_on, author_id, text,
                                                   shown_to_family_on)
            SELECT j, held_on, assigned, PICK(%(reports)s, RND(j, 59)), NULL
            FROM bench_triage ORDER BY j
            """,
        )

    # -- trajectories and plans ----------------------------------------------------------

    def trajectories(self) -> None:
        """A trajectory (id = the triage's) for every triage with a role for WIJ; only a
        household's latest, and only when under a year old, still runs (one running
        trajectory per child)."""
        started = time.perf_counter()
        ended_reasons = [("31", 70), ("32", 8), ("33", 4), ("34", 8), ("35", 3), ("38", 3), ("39", 3), ("02", 1)]  # fmt: skip
        self.execute(
            f"""
            DROP TABLE IF EXISTS bench_trajectory;
            CREATE TEMP TABLE bench_trajectory AS
            SELECT j, h, team, assigned, held_on, intensity, wij_role, status,
                   CASE WHEN status = 'waiting' THEN NULL
                        ELSE least(%(today)s::date, held_on + 7 + floor(RND(j, 61) * 21)::int)
                   END AS started_on
            FROM (
                SELECT t.*,
                       CASE WHEN latest AND held_on > %(today)s::date - 365 AND RND(j, 60) < 0.85
                            THEN {case("RND(j, 62)", [("waiting", 15), ("active", 75), ("paused", 10)])}
                            ELSE 'ended' END AS status
                FROM (SELECT *, row_number() OVER (PARTITION BY h ORDER BY held_on DESC, j DESC) = 1
                                AS latest
                      FROM bench_triage WHERE wij_role <> '') t
            ) s;
            ALTER TABLE bench_trajectory ADD PRIMARY KEY (j);
            ALTER TABLE bench_trajectory ADD COLUMN ended_on date;
            UPDATE bench_trajectory
            SET ended_on = least(%(today)s::date, started_on + 30 + floor(RND(j, 63) * 270)::int)
            WHERE status = 'ended';
            ANALYZE bench_trajectory;
            """
        )
        self.record("(trajectory plan)", 0, time.perf_counter() - started)
        self.step(
            "trajectories_trajectory",
            f"""
            INSERT INTO trajectories_trajectory (
                id, household_id, triage_id, team_id, role, product_id, intensity, status,
                started_on, ended_on, end_reason, end_note, goals_reached, satisfaction_asked,
                satisfaction, created_at, created_by_id, version)
            SELECT j, h, j, team, wij_role, NULL, intensity, status, started_on, ended_on,
                   CASE WHEN status = 'ended' THEN {case("RND(j, 64)", ended_reasons)} ELSE '' END,
                   '',
                   CASE WHEN status = 'ended'
                        THEN {case("RND(j, 65)", [("fully", 50), ("partly", 35), ("not", 10), ("unknown", 5)])}
                        ELSE '' END,
                   CASE WHEN status = 'ended' THEN RND(j, 66) < 0.6 END,
                   CASE WHEN status = 'ended' AND RND(j, 66) < 0.6
                        THEN {case("RND(j, 67)", [("satisfied", 70), ("neutral", 20), ("dissatisfied", 10)])}
                        ELSE '' END,
                   held_on + time '12:00', assigned, 1
            FROM bench_trajectory ORDER BY j
            """,
        )
        self.step(
            "trajectories_trajectorychild",
            """
            INSERT INTO trajectories_trajectorychild (trajectory_id, client_id, current)
            SELECT t.j, c, t.status <> 'ended'
            FROM bench_trajectory t JOIN bench_family f ON f.h = t.h,
                 generate_series(f.first_client, f.first_client + f.size - 1) c
            ORDER BY t.j, c
            """,
        )
        self.step(
            "trajectories_trajectorycoach",
            """
            INSERT INTO trajectories_trajectorycoach (trajectory_id, coach_id, coordinator,
                                                      from_on, until_on, reason, note)
            SELECT j, assigned, true, coalesce(started_on, held_on), ended_on, 'start', ''
            FROM bench_trajectory ORDER BY j
            """,
        )

    def plans(self) -> None:
        """A support plan (id = its trajectory's) for each household's latest trajectory:
        two goals, two agreements (the provider's, shared, where WIJ coordinates), and its
        first version, agreed with the family."""
        self.step(
            "plans_supportplan",
            """
            INSERT INTO plans_supportplan (id, household_id, trajectory_id, next_evaluation_on,
                                           created_at, created_by_id, version)
            SELECT j, h, j,
                   CASE WHEN status <> 'ended'
                        THEN %(today)s::date + floor(RND(j, 70) * 90)::int END,
                   coalesce(started_on, held_on) + time '13:00', assigned, 1
            FROM (SELECT *, row_number() OVER (PARTITION BY h ORDER BY held_on DESC, j DESC) AS n
                  FROM bench_trajectory) t
            WHERE n = 1 ORDER BY j
            """,
        )
        from plans.models import Agreement

        domains = ["upbringing", "school", "development", "finances"]
        self.step(
            "plans_goal",
            """
            INSERT INTO plans_goal (plan_id, domain, text, child_id, child_view)
            SELECT p.id, (%(domains)s::text[])[1 + (floor(RND(p.id, 71) * 4)::int + g) %% 4],
                   PICK(%(goals)s, RND(p.id * 2 + g, 72)),
                   CASE WHEN g = 0 THEN f.first_client END,
                   CASE WHEN g = 0 THEN 'Ik wil dat het thuis gezellig is.' ELSE '' END
            FROM plans_supportplan p JOIN bench_family f ON f.h = p.household_id,
                 generate_series(0, 1) g
            ORDER BY p.id, g
            """,
            {"domains": domains},
        )
        self.step(
            "plans_agreement",
            """
            INSERT INTO plans_agreement (plan_id, party, provider_id, text, is_safety,
                                         shared_with_provider)
            SELECT p.id, party, CASE WHEN party = 'provider' THEN t.provider END,
                   CASE party WHEN 'family' THEN 'Ouders brengen de kinderen op tijd naar school.'
                              WHEN 'wij' THEN 'WIJ komt elke twee weken op huisbezoek.'
                              ELSE 'De aanbieder geeft wekelijks behandeling.' END,
                   party = 'family' AND RND(p.id, 73) < 0.1, party = 'provider'
            FROM plans_supportplan p JOIN bench_triage t ON t.j = p.id,
                 LATERAL (SELECT unnest(CASE WHEN t.provider IS NULL THEN ARRAY['family', 'wij']
                                             ELSE ARRAY['family', 'provider'] END) AS party) a
            ORDER BY p.id, party
            """,
        )
        # The version keeps the labels as a person saw them (plans.services.snapshot_of).
        with translation.override("nl"):
            domain_labels = labels(LifeDomain.choices)
            party_labels = labels(Agreement.Party.choices)
        self.step(
            "plans_planversion",
            f"""
            INSERT INTO plans_planversion (plan_id, number, changes, snapshot, made_at,
                                           made_by_id, shown_on, agreed_on,
                                           agreed_recorded_by_id)
            SELECT p.id, 1, 'Eerste versie van het plan.',
                   jsonb_build_object('goals', g.goals, 'agreements', a.agreements),
                   p.created_at, p.created_by_id, p.created_at::date,
                   least(%(today)s::date, p.created_at::date + 3), p.created_by_id
            FROM plans_supportplan p
                 JOIN (SELECT plan_id, jsonb_agg(jsonb_build_object(
                                  'id', id, 'domain', CASE domain {domain_labels} END,
                                  'text', text, 'child', '',
                                  'child_id', child_id, 'child_view', child_view) ORDER BY id)
                                  AS goals
                       FROM plans_goal GROUP BY plan_id) g ON g.plan_id = p.id
                 JOIN (SELECT plan_id, jsonb_agg(jsonb_build_object(
                                  'id', id, 'party', CASE party {party_labels} END,
                                  'provider', '', 'text', text,
                                  'is_safety', is_safety,
                                  'shared_with_provider', shared_with_provider) ORDER BY id)
                                  AS agreements
                       FROM plans_agreement GROUP BY plan_id) a ON a.plan_id = p.id
            ORDER BY p.id
            """,
        )

    # -- indications ---------------------------------------------------------------------

    def indications(self) -> None:
        """Indications over every product and status: client c gets its k-th indication in
        the k-th round, each round a different product (so none overlap); providers by a
        skewed share; ends spread over the past and the future."""
        started = time.perf_counter()
        skew = PROVIDER_SKEW
        ended = case("RND(k, 82)", [("ended", 85), ("transferred", 5), ("stopped_early", 6), ("other_provider", 4)])  # fmt: skip
        soon = case("RND(k, 82)", [("ending_soon", 50), ("active", 40), ("extended", 10)])
        later = case("RND(k, 82)", [("active", 85), ("extended", 15)])
        # Ends: half in the past (up to ~3 years), 12% within the flag window, the rest later.
        end_offset = (
            case("RND(k, 86)", [("past", 50), ("soon", 12), ("later", 38)])
            .replace("'past'", "(-1 - floor(RND(k, 87) * 1000)::int)")
            .replace("'soon'", "floor(RND(k, 87) * 85)::int")
            .replace("'later'", "(90 + floor(RND(k, 87) * 640)::int)")
        )
        self.execute(
            f"""
            DROP TABLE IF EXISTS bench_indication;
            CREATE TEMP TABLE bench_indication AS
            SELECT k, c, product, financing, provider, end_on,
                   CASE WHEN end_on IS NULL THEN %(today)s::date - 30 - floor(RND(k, 81) * 900)::int
                        ELSE end_on - 180 - floor(RND(k, 81) * 900)::int END AS start_on,
                   CASE WHEN end_on IS NULL THEN 'active'
                        WHEN end_on < %(today)s::date THEN {ended}
                        WHEN end_on < %(today)s::date + 85 THEN {soon}
                        ELSE {later}
                   END AS status
            FROM (
                SELECT k, c, products[1 + (((k - 1) / %(clients)s)::int
                                          + floor(RND(c, 80) * 11)::int) %% 11] AS product,
                       CASE WHEN RND(k, 83) < 0.06 THEN 'pgb' ELSE 'zin' END AS financing,
                       CASE WHEN RND(k, 83) >= 0.06 THEN
                           1 + least(%(providers)s - 1, floor(-%(providers)s / {skew} *
                               ln(1 - RND(k, 84) * (1 - exp(-{skew})))))::int
                       END AS provider,
                       CASE WHEN RND(k, 85) < 0.05 THEN NULL
                            ELSE %(today)s::date + {end_offset}
                       END AS end_on
                FROM (SELECT k, 1 + (k - 1) %% %(clients)s AS c FROM generate_series(1, %(indications)s) k) kc,
                     (SELECT array_agg(id ORDER BY code) AS products FROM referrals_product) p
            ) i;
            ALTER TABLE bench_indication ADD PRIMARY KEY (k);
            ANALYZE bench_indication;
            """
        )
        self.record("(indications plan)", 0, time.perf_counter() - started)
        early_reason = "CASE status WHEN 'transferred' THEN '39' WHEN 'stopped_early' THEN '33' WHEN 'other_provider' THEN '38' ELSE '' END"  # fmt: skip
        self.step(
            "indications_indication",
            f"""
            INSERT INTO indications_indication (
                id, client_id, product_id, financing, provider_id, budget_holder, referrer_type,
                start_on, end_on, evaluation_due_on, status, end_reason, allocation_number,
                care_started_on, care_stopped_on, flagged_on, handled_on, follow_up_request_id,
                preceded_by_id, version)
            SELECT k, i.c, product, financing, provider,
                   CASE WHEN financing = 'pgb'
                        THEN PICK(%(parent_names)s, RND(k, 88)) || ' ' || cl.last_name ELSE '' END,
                   {case("RND(k, 89)", [("", 20), ("02", 40), ("04", 20), ("05", 10), ("03", 10)])},
                   start_on, end_on,
                   CASE WHEN end_on IS NOT NULL AND financing = 'zin'
                        THEN (end_on - interval '2 months')::date END,
                   status, {early_reason},
                   CASE WHEN RND(k, 90) < 0.8 THEN 500000000 + k END,
                   CASE WHEN RND(k, 91) < 0.7 THEN start_on END,
                   CASE WHEN status IN ('ended', 'transferred', 'stopped_early', 'other_provider')
                             AND RND(k, 91) < 0.5 THEN end_on END,
                   CASE WHEN status = 'ending_soon'
                        THEN greatest((end_on - interval '3 months')::date, %(today)s::date - 14)
                   END,
                   CASE WHEN follow_up THEN least(%(today)s::date, greatest(start_on, end_on - 60)) END,
                   CASE WHEN follow_up THEN bc.h END,
                   NULL, 1
            FROM (SELECT *, (status = 'ending_soon' AND RND(k, 92) < 0.3)
                            OR (status = 'ended' AND RND(k, 92) < 0.5) AS follow_up
                  FROM bench_indication) i
                 JOIN bench_client bc ON bc.c = i.c
                 JOIN intake_client cl ON cl.id = i.c
            ORDER BY k
            """,
        )
        self.step(
            "openhouse_provider_products",
            """
            INSERT INTO openhouse_provider_products (provider_id, product_id)
            SELECT DISTINCT provider, product FROM bench_indication
            WHERE provider IS NOT NULL ORDER BY provider, product
            """,
        )
        youth_admin = self.office_base + self.officials + 1
        provider_user = f"{self.provider_user_base} + i.provider_id"
        self.step(
            "openhouse_endevaluation",
            f"""
            INSERT INTO openhouse_endevaluation (indication_id, version, for_end_on, document,
                                                 original_name, uploaded_by_id, uploaded_at,
                                                 on_time, read_by_id, read_at)
            SELECT i.id, 1, i.end_on, 'end-evaluations/bench-' || i.id || '.pdf',
                   'eindevaluatie-' || i.id || '.pdf', {provider_user}, uploaded + time '10:00',
                   uploaded <= i.evaluation_due_on, NULL, NULL
            FROM (SELECT i.*, least(%(today)s::date,
                                    i.evaluation_due_on - 20 + floor(RND(i.id, 93) * 35)::int)
                              AS uploaded
                  FROM indications_indication i
                  WHERE i.provider_id IS NOT NULL AND i.evaluation_due_on <= %(today)s::date + 20
                        AND RND(i.id, 94) < 0.6) i
            ORDER BY i.id
            """,
        )
        self.step(
            "indications_extensionrequest",
            f"""
            INSERT INTO indications_extensionrequest (
                indication_id, requested_on, requested_by, requested_by_user_id, reasons,
                proposed_end_on, end_evaluation_id, triage_id, wij_advice, decide_by, weighing,
                decision, new_end_on, decided_by_id, decided_on, letter_printed_on,
                letter_printed_by_id)
            SELECT i.id, requested_on,
                   CASE WHEN i.provider_id IS NULL THEN 'family' ELSE 'provider' END,
                   CASE WHEN i.provider_id IS NOT NULL THEN {provider_user} END,
                   'De hulp is nog niet afgerond; de doelen zijn deels bereikt.',
                   i.end_on + 180, NULL, NULL, '', least(requested_on + 56, i.end_on),
                   CASE WHEN decision = 'pending' THEN ''
                        ELSE 'Individueel gewogen met het advies van WIJ.' END,
                   decision, CASE WHEN decision = 'extend' THEN i.end_on END,
                   CASE WHEN decision <> 'pending' THEN {youth_admin} END,
                   CASE WHEN decision <> 'pending' THEN least(%(today)s::date, requested_on + 20) END,
                   NULL, NULL
            FROM (SELECT i.*,
                         CASE WHEN status = 'extended' THEN 'extend'
                              WHEN status = 'ending_soon' THEN 'pending' ELSE 'wij' END AS decision,
                         CASE WHEN status = 'extended'
                              THEN least(%(today)s::date, i.end_on - 200 + floor(RND(i.id, 95) * 60)::int)
                              WHEN status = 'ending_soon'
                              THEN %(today)s::date - floor(RND(i.id, 95) * 20)::int
                              ELSE i.end_on - 40 END AS requested_on
                  FROM indications_indication i
                  WHERE i.status = 'extended'
                        OR (i.status = 'ending_soon' AND RND(i.id, 96) < 0.2)
                        OR (i.status = 'ended' AND RND(i.id, 96) < 0.05)) i
            ORDER BY i.id
            """,
        )
        self.step(
            "indications_task",
            """
            INSERT INTO indications_task (team_id, indication_id, trajectory_id, assigned_to_id,
                                          kind, for_end_on, due_on, created_at, done_on,
                                          done_by_id, done_how, done_note)
            SELECT c.team_id, i.id, NULL, NULL, 'plan_triage', i.end_on, i.end_on,
                   i.flagged_on + time '06:00', NULL, NULL, '', ''
            FROM indications_indication i JOIN intake_client c ON c.id = i.client_id
            WHERE i.status = 'ending_soon' ORDER BY i.id
            """,
        )
        self.step(
            "indications_providernotice",
            """
            INSERT INTO indications_providernotice (provider_id, indication_id, kind, for_end_on,
                                                    due_on, created_at, emailed_at, read_at)
            SELECT i.provider_id, i.id, 'evaluation_due', i.end_on, i.evaluation_due_on,
                   i.flagged_on + time '06:00', i.flagged_on + time '06:05', NULL
            FROM indications_indication i
            WHERE i.status = 'ending_soon' AND i.provider_id IS NOT NULL ORDER BY i.id
            """,
        )

    # -- histories and sequences ---------------------------------------------------------

    def histories(self) -> None:
        """One "+" row per record in each history table (django-simple-history), dated when
        the record was made."""
        from indications.models import ExtensionRequest, Indication, Task
        from intake.models import (
            Client,
            Household,
            HouseholdMember,
            PostcodeArea,
            SupportRequest,
            Team,
            TeamMember,
        )
        from openhouse.models import EndEvaluation, Provider, ProviderMembership
        from plans.models import Agreement, Goal, PlanVersion, SupportPlan
        from referrals.models import ReferrerOrganisation
        from trajectories.models import Trajectory, TrajectoryCoach
        from triage.models import ChildOutcome, ConversationReport, OpenHouseException, Triage

        start = "%(start_at)s"
        dated = [
            (Team, start),
            (PostcodeArea, start),
            (TeamMember, start),
            (ReferrerOrganisation, start),
            (Provider, start),
            (ProviderMembership, start),
            (Client, "created_at"),
            (Household, start),
            (HouseholdMember, start),
            (SupportRequest, "received_at"),
            (Triage, "held_on + time '14:00'"),
            (ChildOutcome, start),
            (OpenHouseException, start),
            (ConversationReport, "held_on + time '15:00'"),
            (Trajectory, "created_at"),
            (TrajectoryCoach, "from_on + time '12:00'"),
            (SupportPlan, "created_at"),
            (Goal, start),
            (Agreement, start),
            (PlanVersion, "made_at"),
            (Indication, "greatest(start_on, %(start)s) + time '09:00'"),
            (ExtensionRequest, "requested_on + time '11:00'"),
            (EndEvaluation, "uploaded_at"),
            (Task, "created_at"),
        ]
        for model, when in dated:
            historical = model.history.model
            columns = [
                field.column
                for field in historical._meta.concrete_fields
                if not field.name.startswith("history_")
            ]
            column_list = ", ".join(columns)
            self.step(
                historical._meta.db_table,
                f"""
                INSERT INTO {historical._meta.db_table}
                    ({column_list}, history_date, history_change_reason, history_type,
                     history_user_id)
                SELECT {column_list}, {when}, NULL, '+', NULL
                FROM {model._meta.db_table} ORDER BY id
                """,
            )

    def indexes(self) -> None:
        """Build the indexes wipe() dropped, as their definitions were."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for _name, definition in self.deferred_indexes:
                cursor.execute(definition)
        self.record(
            f"({len(self.deferred_indexes)} indexes built)", 0, time.perf_counter() - started
        )

    def sequences(self) -> None:
        """Move every id sequence past the ids generated, so that the application's own
        inserts go on from there."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND (is_identity = 'YES' "
                "OR column_default LIKE 'nextval%%')"
            )
            for table, column in cursor.fetchall():
                cursor.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({table_literal}, {column_literal}), "
                        "coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
                    ).format(
                        table_literal=sql.Literal(table),
                        column_literal=sql.Literal(column),
                        table=sql.Identifier(table),
                        column=sql.Identifier(column),
                    )
                )


def generate(scale: str, seed: int, write, today: datetime.date | None = None) -> None:
    """Wipe the database's data (not the reference data of the migrations) and generate
    `scale` with `seed`, as the owner of the tables, in one transaction; print the speed
    per table; VACUUM ANALYZE; mark the database complete (database_comment).

    VACUUM sets the visibility map that autovacuum keeps in production: without it every
    index-only scan of the freshly written tables reads the heap too, and the figures would
    measure a state no running database is in."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: one of {', '.join(SCALES)}")
    today = today or timezone.localdate()
    generator = Generator(scale, seed, today, write)
    with owner_mode():
        with transaction.atomic():
            generator.run()
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                        sql.Identifier(connection.settings_dict["NAME"]),
                        sql.Literal(marker(scale, seed)),
                    )
                )
        if not connection.in_atomic_block:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
            generator.record("(vacuum analyze)", 0, time.perf_counter() - started)
    print_rows(
        write,
        f"generate_scale_data --scale {scale} --seed {seed} (today {today.isoformat()})",
        generator.rows,
    )
