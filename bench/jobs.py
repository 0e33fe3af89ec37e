"""The scheduled jobs and the import, measured on the data as it is (`make bench`).

Each job runs in a fresh subprocess (peak memory: its `ru_maxrss`, the whole process with
Django loaded; the note gives how much of it the job added), for `today` and then for
the day after, in one transaction that is rolled back: the data stays as it was, so a
bench can run again. Its floor is the bare SQL doing the same work (the same rows changed
and inserted), also rolled back. The import runs the real command on a generated file,
in a subprocess, rolled back too.
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction

from .report import Row

# A job: its beat task, and the bare SQL doing its work (None: no floor, said in the note).
JOBS = [
    ("indications.flag_expiring", "indications.tasks", "flag_expiring"),
    ("indications.end", "indications.tasks", "end"),
    ("indications.check_evaluations", "indications.tasks", "check_evaluations"),
    ("plans.evaluations_due", "plans.tasks", "evaluations_due"),
    ("ijw.answer_deadlines", "ijw.tasks", "answer_deadlines"),
    ("rights.retention_review", "rights.tasks", "retention_review"),
]

LIVING = (
    "NOT EXISTS (SELECT 1 FROM intake_client gone "
    "WHERE gone.id = ind.client_id AND gone.destroyed_on IS NOT NULL)"
)
RUNNING = "('active', 'ending_soon', 'extended')"

# The bare SQL of each job: the same rows changed and inserted, without Python or the job
# recording. %(day)s, %(limit)s are filled in.
FLOORS = {
    "indications.flag_expiring": [
        f"""
        WITH flagged AS (
            UPDATE indications_indication ind
            SET status = 'ending_soon', flagged_on = %(day)s, version = ind.version + 1
            WHERE ind.status IN ('active', 'extended') AND ind.end_on BETWEEN %(day)s AND %(limit)s
                AND {LIVING}
            RETURNING ind.id, ind.client_id, ind.provider_id, ind.end_on, ind.evaluation_due_on
        ), tasks AS (
            INSERT INTO indications_task (team_id, indication_id, kind, for_end_on, due_on,
                created_at)
            SELECT client.team_id, f.id, 'plan_triage', f.end_on, f.end_on, now()
            FROM flagged f JOIN intake_client client ON client.id = f.client_id
            ON CONFLICT DO NOTHING RETURNING 1
        ), notices AS (
            INSERT INTO indications_providernotice (provider_id, indication_id, kind,
                for_end_on, due_on, created_at)
            SELECT f.provider_id, f.id, 'evaluation_due', f.end_on, f.evaluation_due_on, now()
            FROM flagged f WHERE f.provider_id IS NOT NULL
            ON CONFLICT DO NOTHING RETURNING 1
        )
        SELECT (SELECT count(*) FROM flagged) + (SELECT count(*) FROM tasks)
            + (SELECT count(*) FROM notices)
        """,  # noqa: S608 - fixed strings
        "UPDATE indications_providernotice SET emailed_at = now() WHERE emailed_at IS NULL",
    ],
    "indications.end": [
        f"""
        UPDATE indications_indication ind SET status = 'ended', version = ind.version + 1
        WHERE ind.status IN {RUNNING} AND ind.end_on < %(day)s AND {LIVING}
        """,  # noqa: S608 - fixed strings
        "SELECT count(*) FROM indications_indication "
        "WHERE status = 'ended' AND follow_up_request_id IS NULL",
    ],
    "indications.check_evaluations": [
        f"""
        WITH overdue AS (
            SELECT ind.id, ind.client_id, ind.provider_id, ind.end_on, ind.evaluation_due_on
            FROM indications_indication ind
            WHERE ind.status IN {RUNNING} AND ind.provider_id IS NOT NULL
                AND ind.evaluation_due_on < %(day)s AND ind.end_on >= %(day)s AND {LIVING}
                AND NOT EXISTS (SELECT 1 FROM openhouse_endevaluation ev
                    WHERE ev.indication_id = ind.id AND ev.for_end_on = ind.end_on)
        ), tasks AS (
            INSERT INTO indications_task (team_id, indication_id, kind, for_end_on, due_on,
                created_at)
            SELECT client.team_id, o.id, 'evaluation_overdue', o.end_on, %(day)s, now()
            FROM overdue o JOIN intake_client client ON client.id = o.client_id
            ON CONFLICT DO NOTHING RETURNING 1
        ), notices AS (
            INSERT INTO indications_providernotice (provider_id, indication_id, kind,
                for_end_on, due_on, created_at)
            SELECT o.provider_id, o.id, 'evaluation_overdue', o.end_on, o.evaluation_due_on,
                now()
            FROM overdue o ON CONFLICT DO NOTHING RETURNING 1
        )
        SELECT (SELECT count(*) FROM overdue) + (SELECT count(*) FROM tasks)
            + (SELECT count(*) FROM notices)
        """,  # noqa: S608 - fixed strings
        "UPDATE indications_providernotice SET emailed_at = now() WHERE emailed_at IS NULL",
    ],
    "plans.evaluations_due": [
        """
        INSERT INTO indications_task (team_id, trajectory_id, assigned_to_id, kind, due_on,
            created_at)
        SELECT t.team_id, t.id, NULL, 'plan_evaluation_due', p.next_evaluation_on, now()
        FROM plans_supportplan p
        JOIN LATERAL (
            SELECT r.id, r.team_id FROM trajectories_trajectory r
            WHERE r.household_id = p.household_id AND r.status <> 'ended'
            ORDER BY r.created_at DESC, r.id DESC LIMIT 1
        ) t ON TRUE
        WHERE p.next_evaluation_on <= %(day)s
        ON CONFLICT DO NOTHING
        """
    ],
}
NO_FLOOR = {
    "ijw.answer_deadlines": "no SQL floor: one JW319 message (XML, validated) per request",
    "rights.retention_review": "no SQL floor: monthly; a request per file past retention",
}

# Runs a job in a fresh process for `today` and the day after, rolled back; prints JSON.
RUNNER = """
import datetime, importlib, json, resource, sys, time
import django
django.setup()
from django.db import transaction

module, name, day = sys.argv[1], sys.argv[2], datetime.date.fromisoformat(sys.argv[3])
task = getattr(importlib.import_module(module), name)
from django.db import connection
connection.ensure_connection()  # the connection and the imports are no part of the job
out = {"loaded_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}

class Rollback(Exception):
    pass

try:
    with transaction.atomic():
        for key, when in (("first", day), ("next", day + datetime.timedelta(days=1))):
            started = time.perf_counter()
            counts = task(when.isoformat())
            out[key] = {"ms": (time.perf_counter() - started) * 1000, "counts": counts}
            out[key + "_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        raise Rollback
except Rollback:
    pass
print(json.dumps(out))
"""


def _python(code: str, *args: str) -> dict:
    """Run `code` in a fresh Python with this process's environment; its last line, JSON."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samen.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


class _Rollback(Exception):
    pass


def _floor_ms(job: str, day: datetime.date) -> float | None:
    """The bare SQL of `job` for `day`, in a transaction that is rolled back."""
    statements = FLOORS.get(job)
    if not statements:
        return None
    params = {"day": day, "limit": day + relativedelta(months=3)}
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)
            elapsed = (time.perf_counter() - started) * 1000
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _touched(counts: dict) -> int:
    """Rows the run wrote: its counts but the ones that only count what is there."""
    return sum(v for k, v in counts.items() if k not in ("out_of_sight", "overdue", "failed"))


def _counts_note(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def job_rows(today: datetime.date, write) -> list[Row]:
    """Each scheduled job on the data as it is: the first run beside its bare-SQL floor,
    and the day after (what one day adds), with the process's peak memory."""
    rows = []
    for job, module, name in JOBS:
        write(f"  job {job} ...")
        floor = _floor_ms(job, today)
        run = _python(RUNNER, module, name, today.isoformat())
        loaded_mb = run["loaded_kb"] / 1024
        first, after = run["first"], run["next"]
        rows.append(
            Row(
                name=f"{job}: first run",
                median_ms=first["ms"],
                floor_name="bare SQL" if floor is not None else NO_FLOOR.get(job, ""),
                floor_ms=floor,
                rows=_touched(first["counts"]),
                peak_mb=run["first_kb"] / 1024,
                target="≤ 1.5× floor, constant memory",
                note=f"{_counts_note(first['counts'])}; +{run['first_kb'] / 1024 - loaded_mb:.0f}"
                f" MB over the loaded process (ru_maxrss)",
            )
        )
        rows.append(
            Row(
                name=f"{job}: the day after",
                median_ms=after["ms"],
                rows=_touched(after["counts"]),
                peak_mb=run["next_kb"] / 1024,
                target="∝ the day's changes",
                note=_counts_note(after["counts"]),
            )
        )
    return rows


# Runs the import command on a file in a fresh process, rolled back; prints JSON.
IMPORT_RUNNER = """
import json, resource, sys, time
import django
django.setup()
from django.core.management import call_command
from django.db import transaction

out = {"loaded_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}

class Rollback(Exception):
    pass

try:
    with transaction.atomic():
        started = time.perf_counter()
        call_command("import_indications", sys.argv[1], stdout=sys.stderr)
        out["ms"] = (time.perf_counter() - started) * 1000
        raise Rollback
except Rollback:
    pass
out["kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""

IMPORT_HEADER = (
    "bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,"
    "provider_agb,referrer_type,start,end\n"
)


def import_file(path: str, lines: int) -> int:
    """Write an import file of up to `lines` valid lines for the children registered here:
    a product each child has no indication of, a provider, 2027 as the period. Streamed
    from the database (COPY), never held. Returns the lines written."""
    sql = f"""
        COPY (
            SELECT c.bsn, c.first_name, c.last_name, c.date_of_birth, c.postcode,
                c.house_number, p.code, v.agb_code, '01', '2027-01-01', '2027-12-31'
            FROM intake_client c
            JOIN LATERAL (
                SELECT code, id FROM referrals_product p
                WHERE NOT EXISTS (SELECT 1 FROM indications_indication i
                    WHERE i.client_id = c.id AND i.product_id = p.id)
                ORDER BY p.id LIMIT 1
            ) p ON TRUE
            JOIN LATERAL (
                SELECT agb_code FROM openhouse_provider v
                ORDER BY v.id OFFSET (c.id % 10) LIMIT 1
            ) v ON TRUE
            WHERE c.bsn IS NOT NULL AND c.destroyed_on IS NULL AND c.postcode <> ''
            ORDER BY c.id LIMIT {int(lines)}
        ) TO STDOUT WITH (FORMAT csv)
    """  # noqa: S608 - an int
    written = 0
    connection.ensure_connection()
    with open(path, "w", encoding="utf-8") as out, connection.connection.cursor() as cursor:
        out.write(IMPORT_HEADER)
        with cursor.copy(sql) as copy:
            for chunk in copy:
                text = bytes(chunk).decode()
                written += text.count("\n")
                out.write(text)
    return written


def import_rows(lines: int, write) -> list[Row]:
    """The import command on a generated file of `lines` lines (rolled back): lines per
    second and the process's peak memory."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "indications.csv")
        written = import_file(path, lines)
        write(f"  import of {written:,} lines ...")
        run = _python(IMPORT_RUNNER, path)
    seconds = run["ms"] / 1000
    return [
        Row(
            name=f"import_indications, {written:,} lines",
            median_ms=run["ms"],
            rows=written,
            peak_mb=run["kb"] / 1024,
            target="≥ 5,000 lines/s, constant memory",
            note=f"{written / seconds:,.0f} lines/s; +{(run['kb'] - run['loaded_kb']) / 1024:.0f}"
            " MB over the loaded process (ru_maxrss)",
        )
    ]
