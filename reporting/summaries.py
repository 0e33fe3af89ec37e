"""Summary tables: the groups of a figure's GROUP BY per team and closed day, stored at
night so that a report reads thousands of rows instead of counting millions (docs/reports.md
"Summary tables", decisions 116-117).

A summary is made by the very queryset the report counts live with (`rows(first, last,
by_team)`: the groups of those days per team, and of all teams together, stored without a
team), so both paths count alike by construction; the
report adds the summary's days up to `counted_until` and counts the days since live, so a
change today shows today. `reporting.services.refresh_summaries` recounts each table's
last RECOUNT_DAYS of closed days every night (a change to a closed day, such as a late
registration, an early end dated back or a first contact recorded late, shows after the
next refresh), in one DELETE and two INSERT ... SELECT per table.

Another report adds its tables by adding a `Summary` to `SUMMARIES` below.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import QuerySet

from . import transition_summary
from .models import (
    AfterTrajectoryDay,
    ChildOutcomeDay,
    ContactDay,
    EndedDay,
    EvaluationDay,
    StartedDay,
    SummaryRefresh,
    TooLightDay,
    TriageDay,
)

# Closed days recounted every night: two years covers every correction the figures know
# (contacts, end-evaluations and follow-ups are recorded within weeks; an end is dated back
# at most months). `manage.py refresh_report_summaries --all` recounts every day.
RECOUNT_DAYS = 2 * 366


@dataclass(frozen=True)
class Summary:
    name: str
    model: type[models.Model]  # a TeamDay: its DAY names the day column
    # rows(first, last, by_team): the groups of those days per team, or (by_team false) of
    # all teams together (stored with no team); named as the model's columns.
    rows: Callable[[datetime.date | None, datetime.date, bool], QuerySet]


def _rows(name):
    """The reports' queryset of that name (imported late: the selectors read us)."""

    def rows(first, last, by_team):
        from . import selectors

        return getattr(selectors, name)(first, last, by_team)

    return rows


SUMMARIES = [
    # Deadlines.
    Summary("contact", ContactDay, _rows("contact_summary_rows")),
    Summary("evaluations", EvaluationDay, _rows("evaluation_summary_rows")),
    Summary("ended", EndedDay, _rows("ended_summary_rows")),
    # Matched care.
    Summary("triages", TriageDay, _rows("triage_summary_rows")),
    Summary("child_outcomes", ChildOutcomeDay, _rows("child_outcome_summary_rows")),
    Summary("too_light", TooLightDay, _rows("too_light_summary_rows")),
    Summary("after_trajectory", AfterTrajectoryDay, _rows("after_trajectory_summary_rows")),
    Summary("started", StartedDay, _rows("too_heavy_summary_rows")),
]


def counted_until() -> dict[str, datetime.date]:
    """{daily summary name: the last day it holds}, one query; a summary never refreshed is
    absent (its report counts everything live). The transition's monthly summary keeps its
    row in the same table (transition_summary.counted_until)."""
    names = [summary.name for summary in SUMMARIES]
    return dict(SummaryRefresh.objects.filter(name__in=names).values_list("name", "counted_until"))


def refresh(summary: Summary, first: datetime.date | None, last: datetime.date) -> int:
    """Replace the summary's rows of the days first..last (every day up to `last` when
    first is None) by a fresh count: one DELETE and one INSERT ... SELECT."""
    days = {f"{summary.model.DAY}__lte": last}
    if first:
        days[f"{summary.model.DAY}__gte"] = first
    summary.model.objects.filter(**days).delete()
    return sum(_insert(summary, summary.rows(first, last, by_team)) for by_team in (True, False))


def _insert(summary: Summary, queryset: QuerySet) -> int:
    """INSERT INTO the summary's table SELECT the queryset's groups."""
    names = [*queryset.query.values_select, *queryset.query.annotation_select]
    columns = [summary.model._meta.get_field(n.removesuffix("_id")).column for n in names]
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    # Names quoted, the query Django's own, its values parameters.
    insert = (
        f"INSERT INTO {quote(summary.model._meta.db_table)} "  # noqa: S608
        f"({', '.join(map(quote, columns))}) "
        f"SELECT {', '.join(map(quote, names))} FROM ({sql}) AS grain"
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


@transaction.atomic
def refresh_all(
    *, today: datetime.date, now: datetime.datetime, everything: bool = False
) -> dict[str, int]:
    """Every summary counted up to yesterday: the last RECOUNT_DAYS, or since the last
    refresh if that is longer ago, or every day (`everything`, or never refreshed). One
    transaction: a report reads the old figures or the new, never half."""
    last = today - datetime.timedelta(days=1)
    until = counted_until()
    rows = {}
    for summary in SUMMARIES:
        first = None
        if not everything and summary.name in until:
            first = min(
                until[summary.name] + datetime.timedelta(days=1),
                today - datetime.timedelta(days=RECOUNT_DAYS),
            )
        rows[summary.name] = refresh(summary, first, last)
        SummaryRefresh.objects.update_or_create(
            name=summary.name, defaults={"counted_until": last, "refreshed_at": now}
        )
    # The transition's months (reporting/transition_summary.py): whole closed months,
    # counted again in full each night.
    rows["transition"] = transition_summary.refresh(today)
    return rows
