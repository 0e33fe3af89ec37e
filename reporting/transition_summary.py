"""The transition report's summary over all teams (decision 120): per closed month, by
product and financing and by provider, the indications running on the month's last day (of
which with an open end), started and ended in the month (reporting.models.TransitionMonth);
and its other counts per month (flagged, ended, extensions, …: TransitionCount).

Refreshed at night as a whole, in one statement: every month from the first start up to the
last closed month (the month before today's), so that a late registration, an end moved
back or a destruction's skeleton in a closed month counts from the next refresh on. The
report reads it for the days up to its SummaryRefresh's `counted_until` and counts the
days since live (reporting.selectors.transition)."""

import datetime

from django.db import connection, transaction
from django.db.models import Count, DateField
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import SummaryRefresh
from .periods import month_start

# Running on a month's last day L is started on or before L, less ended before L: the
# running sum of starts less ends over the months up to L's, plus the ends on L itself
# (still running that day). An open end runs on: the running sum of open-ended starts.
REFRESH = """
WITH events AS (
    SELECT product_id, provider_id, financing, date_trunc('month', start_on)::date AS month,
           1 AS started, (end_on IS NULL)::int AS open_started, 0 AS ended, 0 AS ended_last
    FROM indications_indication
    WHERE start_on <= %(until)s
    UNION ALL
    SELECT product_id, provider_id, financing, date_trunc('month', end_on)::date,
           0, 0, 1, (date_trunc('month', end_on + 1) = end_on + 1)::int
    FROM indications_indication
    WHERE end_on <= %(until)s
),
per_month AS (
    SELECT CASE WHEN GROUPING(provider_id) = 1 THEN 'product' ELSE 'provider' END AS by,
           month, coalesce(product_id, 0) AS product, coalesce(provider_id, 0) AS provider,
           financing, sum(started) AS started, sum(open_started) AS open_started,
           sum(ended) AS ended, sum(ended_last) AS ended_last
    FROM events
    GROUP BY GROUPING SETS ((month, product_id, financing), (month, provider_id, financing))
),
grid AS (
    SELECT by, product, provider, financing, generate_series(
               min(month), %(last_month)s::date, interval '1 month')::date AS month
    FROM per_month
    GROUP BY by, product, provider, financing
),
summed AS (
    SELECT grid.*, coalesce(p.started, 0) AS started, coalesce(p.ended, 0) AS ended,
           sum(coalesce(p.started, 0) - coalesce(p.ended, 0)) OVER w
               + coalesce(p.ended_last, 0) AS running,
           sum(coalesce(p.open_started, 0)) OVER w AS open_end
    FROM grid
    LEFT JOIN per_month p USING (by, product, provider, financing, month)
    WINDOW w AS (PARTITION BY grid.by, grid.product, grid.provider, grid.financing
                 ORDER BY grid.month)
)
INSERT INTO reporting_transitionmonth (by, month, product_id, provider_id, financing,
                                       running, open_end, started, ended)
SELECT by, month, nullif(product, 0), nullif(provider, 0), financing, running, open_end,
       started, ended
FROM summed
WHERE running > 0 OR started > 0 OR ended > 0
"""


INSERT_COUNT = "INSERT INTO reporting_transitioncount (figure, month, key, n)"

# Its row in SummaryRefresh, beside the daily summaries' (reporting/summaries.py).
NAME = "transition"


def counted_until() -> datetime.date | None:
    """The last day the summary counts (None: no summary, count everything live)."""
    return SummaryRefresh.objects.filter(name=NAME).values_list("counted_until", flat=True).first()


def _counts_sql(until: datetime.date) -> list[tuple[str, list]]:
    """One INSERT … SELECT per monthly count, from the very queryset the report counts
    live (selectors.MONTHLY): one definition of each figure."""
    from .selectors import MONTHLY  # the selectors read this module

    statements = []
    for name, count in MONTHLY.items():
        keys = ["month", count.dimension] if count.dimension else ["month"]
        rows = (
            count.rows()
            .filter(**{f"{count.date_field}__lte": until})
            .annotate(month=TruncMonth(count.date_field, output_field=DateField()))
            .values(*keys)
            .annotate(n=Count("*"))
            .order_by()
        )
        sql, params = rows.query.sql_with_params()
        key = f'counted."{count.dimension}"' if count.dimension else "''"
        # Django's SQL of our own queryset and a column name of ours; values are params.
        insert = f"{INSERT_COUNT} SELECT %s, counted.month, {key}, counted.n FROM ({sql}) counted"  # noqa: S608
        statements.append((insert, [name, *params]))
    return statements


@transaction.atomic
def refresh(today: datetime.date) -> int:
    """Count every closed month again (idempotent: the old rows go in the same
    transaction, so a report reads either the old summary or the new one). Returns the
    number of rows."""
    until = month_start(today) - datetime.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_transitionmonth")
        cursor.execute("DELETE FROM reporting_transitioncount")
        cursor.execute(REFRESH, {"until": until, "last_month": month_start(until)})
        rows = cursor.rowcount
        for sql, params in _counts_sql(until):
            cursor.execute(sql, params)
            rows += cursor.rowcount
    SummaryRefresh.objects.update_or_create(
        name=NAME, defaults={"counted_until": until, "refreshed_at": timezone.now()}
    )
    return rows
