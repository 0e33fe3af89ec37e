"""Queries about indications: ending per month, a client's indications on a timeline, and
the worklist tasks and back-office counts of the dashboards."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from samen.counted import count_and_keep, kept_or_count

from .models import FLAG_MONTHS, ExtensionRequest, Indication, Task


def ending_per_month(*, today: datetime.date, months: int = 6) -> dict:
    """Running indications ending in each of the next `months` months, per team and per
    provider: two aggregates grouped by id (the provider's from the partial index
    indication_running_end_idx alone, no join), then the few names (four queries,
    whatever the number of indications)."""
    from intake.models import Team
    from openhouse.models import Provider

    start = today.replace(day=1)
    end = start + relativedelta(months=months)
    running = Indication.objects.running().filter(end_on__gte=start, end_on__lt=end).order_by()
    month_list = [start + relativedelta(months=n) for n in range(months)]

    def table(field, names):
        rows = list(
            running.annotate(month=TruncMonth("end_on"))
            .values(field, "month")
            .annotate(count=Count("*"))
            .order_by()
        )
        name_of = names({row[field] for row in rows if row[field] is not None})
        grid: dict[str, dict] = {}
        for row in rows:
            month = (
                row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
            )
            # A personal budget has no provider: its row counts the PGB indications together
            # (never the budget holders: officials read this page too).
            name = name_of.get(row[field]) if row[field] is not None else None
            grid.setdefault(name, {m: 0 for m in month_list})[month] += row["count"]
        return [
            {"name": name, "counts": [counts[m] for m in month_list], "total": sum(counts.values())}
            for name, counts in sorted(
                grid.items(), key=lambda item: (item[0] is None, item[0] or "")
            )
        ]

    def team_names(ids):
        return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))

    def provider_names(ids):
        return dict(Provider.objects.filter(pk__in=ids).values_list("pk", "name"))

    providers = table("provider_id", provider_names)
    for row in providers:
        if row["name"] is None:
            row["name"] = _("PGB (personal budget)")
    return {
        "months": month_list,
        "teams": table("client__team_id", team_names),
        "providers": providers,
    }


def ending_count(*, today: datetime.date) -> dict:
    """Count ending_per_month for `today` and keep it (the beat, every quarter of an hour:
    indications.count_ending; samen/counted.py)."""
    return count_and_keep("indications:ending", today, lambda: ending_per_month(today=today))


def ending_counted(*, today: datetime.date) -> dict:
    """ending_per_month as last counted for `today`, or counted now when there is none
    (issue 21: the team's figures join a month's running indications with their clients,
    over a second at national scale)."""
    return kept_or_count("indications:ending", today, lambda: ending_per_month(today=today))


def timeline(indications, *, today: datetime.date) -> dict:
    """Positions (percent) for a small timeline of a client's indications, with the 3-month
    (flag, preferred end-evaluation) and 2-month (latest end-evaluation) marks. An open end
    (no end date) runs to the right edge, `open_end` set and without marks (None)."""
    indications = list(indications)
    if not indications:
        return {"rows": []}
    start = min([i.start_on for i in indications] + [today])
    last = [i.end_on or i.start_on for i in indications]
    end = max([*last, today]) + relativedelta(months=1)
    total = (end - start).days or 1

    def pos(day):
        return round(100 * (day - start).days / total, 2) if day is not None else None

    rows = [
        {
            "indication": i,
            "left": pos(i.start_on),
            "width": round(pos(i.end_on or end) - pos(i.start_on), 2),
            "open_end": i.end_on is None,
            "three_months": pos(i.flag_from),
            "two_months": pos(i.evaluation_due_on),
        }
        for i in indications
    ]
    return {"rows": rows, "today": pos(today), "start": start, "end": end}


def task_counts(tasks, *, today: datetime.date, until: datetime.date) -> dict:
    """Open tasks counted: total, due by `until` (this week, overdue included), overdue,
    support plans without safety agreements, and families handed over early.
    One query; `tasks` is what the user may see (Task.objects.visible_to)."""
    return tasks.open().aggregate(
        total=Count("id"),
        due=Count("id", filter=Q(due_on__lte=until)),
        overdue=Count("id", filter=Q(due_on__lt=today)),
        # Safety first: a support plan without safety agreements is counted on its own.
        plan_no_safety=Count("id", filter=Q(kind=Task.Kind.PLAN_NO_SAFETY)),
        # A provider that hands a family over early: WIJ picks it up now.
        handed_over=Count("id", filter=Q(kind=Task.Kind.HANDED_OVER)),
    )


def open_tasks(tasks, *, until: datetime.date | None = None, limit: int = 100) -> list:
    """Open tasks, earliest due first, with what the worklist shows (three queries: the
    page's ids, its rows, and the children of trajectory tasks for the access log)."""
    tasks = tasks.open()
    if until is not None:
        tasks = tasks.filter(due_on__lte=until)
    # The page's ids first, then its rows by primary key: PostgreSQL under-estimates the
    # visible ids (Task.visible_to's UNION) and would otherwise join every open task with
    # its indication, client and household before the top-N sort (issue 21: 3.6 s against
    # 0.15 s on the national data set).
    ids = list(tasks.order_by("due_on", "id").values_list("pk", flat=True)[:limit])
    return list(
        Task.objects.filter(pk__in=ids)
        .select_related(
            "indication__product",
            "indication__provider",
            "indication__client",
            "trajectory__household",
            "assigned_to",
        )
        .prefetch_related("trajectory__children")
        .order_by("due_on", "id")
    )


def back_office_counts(*, today: datetime.date) -> dict:
    """The municipality's own work, without any child: extension requests waiting for a
    decision (and of those, the ones past their deadline), and running indications ending
    within 3 months. Two queries."""
    extensions = ExtensionRequest.objects.pending().aggregate(
        pending=Count("id"), overdue=Count("id", filter=Q(decide_by__lt=today))
    )
    return {
        "extensions_pending": extensions["pending"],
        "extensions_overdue": extensions["overdue"],
        "ending_soon": Indication.objects.running()
        .filter(end_on__gte=today, end_on__lte=today + relativedelta(months=FLAG_MONTHS))
        .count(),
    }
