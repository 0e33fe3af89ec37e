"""The figures behind the reports: aggregates per period, never a family.

Each report function takes a `Filters` (period, team, today) and returns its tables.
Counting is done in the database where a GROUP BY does it; the few figures that need a
date rule (working days, "within 6 months") fetch the dates they need and count in Python.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indications.models import ExtensionRequest, Indication
from intake.models import SupportRequest, Team
from openhouse.models import EndEvaluation, Provider
from referrals.models import Product, ReferrerType
from samen.codelists import EARLY_END_REASONS, EndReason
from samen.counted import count_and_keep, kept_or_count
from samen.workdays import working_days_between
from trajectories.models import (
    INTENSITY_ORDER,
    TRAJECTORY_END_REASONS,
    IntensityChange,
    Trajectory,
    TrajectoryChild,
)
from trajectories.selectors import after_six_months
from triage.models import ChildOutcome, Triage

from . import summaries, transition_summary
from .models import (
    AfterTrajectoryDay,
    ChildOutcomeDay,
    ContactDay,
    EndedDay,
    EvaluationDay,
    StartedDay,
    TooLightDay,
    TransitionCount,
    TransitionMonth,
    TriageDay,
)
from .periods import MONTH, QUARTER, Bucket, Period, month_start
from .tables import Chart, Median, Row, Share, Table, counts, median
from .tables import Count as Cell

Outcome = Triage.Outcome

# Triage outcomes in four groups: helped at WIJ, or referred on (specialist care, the
# Open House), or no youth care needed.
OUTCOME_GROUPS = {
    "wij": (gettext_lazy("Helped at WIJ"), (Outcome.BASIS_WIJ, Outcome.REINDICATION_WIJ)),
    "other": (gettext_lazy("Other route / no youth care"), (Outcome.OTHER_ROUTE,)),
    "specialist": (
        gettext_lazy("Referred on: specialist care"),
        (Outcome.SPECIALIST, Outcome.REINDICATION_SPECIALIST),
    ),
    "open_house": (
        gettext_lazy("Referred on: Open House (exception or extension)"),
        (Outcome.OPEN_HOUSE_EXCEPTION, Outcome.REINDICATION_EXTEND),
    ),
}
GROUP_OF = {
    outcome: key for key, (_label, outcomes) in OUTCOME_GROUPS.items() for outcome in outcomes
}
REINDICATIONS = (
    Outcome.REINDICATION_WIJ,
    Outcome.REINDICATION_EXTEND,
    Outcome.REINDICATION_SPECIALIST,
)
ESCALATIONS = OUTCOME_GROUPS["specialist"][1]
FINISHED = (Indication.Status.ENDED, Indication.Status.STOPPED_EARLY, Indication.Status.TRANSFERRED)
# Ended in the transition's sense: at its end date, or early (to WIJ, stopped, or handed over
# to another provider: that one ended here and a new one started there).
ENDED_ANY = (Indication.Status.ENDED, *Indication.ENDED_EARLY)
PGB = Q(financing=Indication.Financing.PGB)

SIGNAL_MONTHS = 6
SHORT_WEEKS = 8
FORECAST_MONTHS = 12
INTAKE_MONTHS = 3


@dataclass(frozen=True)
class Filters:
    period: Period
    team: Team | None
    today: datetime.date


# --- helpers ---------------------------------------------------------------------


def _trunc(field: str, period: Period):
    kind = TruncQuarter if period.by == QUARTER else TruncMonth
    return kind(field, output_field=models.DateField())


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _received_in(period: Period) -> Q:
    """A timestamp range (not `__date`), so the index on received_at is used."""
    return Q(
        received_at__gte=_moment(period.start),
        received_at__lt=_moment(period.end + datetime.timedelta(days=1)),
    )


def _per_bucket(queryset, date_field: str, period: Period, dimension: str | None = None):
    """{(bucket start, dimension value): count} in one GROUP BY."""
    keys = ["bucket", dimension] if dimension else ["bucket"]
    rows = (
        queryset.annotate(bucket=_trunc(date_field, period))
        .values(*keys)
        .annotate(n=Count("*"))
        .order_by()
    )
    return {
        tuple(row[key] for key in keys) if dimension else row["bucket"]: row["n"] for row in rows
    }


def _per_outcome(triages, dimension: str) -> dict:
    """{(dimension value, outcome): count} of triages, in one GROUP BY."""
    rows = triages.values(dimension, "outcome").annotate(n=Count("id")).order_by()
    return {(row[dimension], row["outcome"]): row["n"] for row in rows}


def _by_group(per_outcome: dict) -> Counter:
    """{(key, outcome): count} added up to {(key, outcome group): count}: the outcomes of
    one group (Basis jeugdhulp and re-indication at WIJ, say) are summed, not overwritten."""
    tally = Counter()
    for (key, outcome), n in per_outcome.items():
        tally[key, GROUP_OF[outcome]] += n
    return tally


def _total_row(rows: list[Row], *, suppress: bool = True) -> Row:
    """The column totals of count rows (shares and medians are left empty)."""
    width = len(rows[0].cells) if rows else 0
    totals = []
    for index in range(width):
        cells = [row.cells[index] for row in rows]
        if all(isinstance(cell, Cell) for cell in cells):
            totals.append(Cell(sum(cell.n for cell in cells), suppress))
        else:
            totals.append("")
    return Row(_("Total"), totals, total=True)


def _bucket_table(slug, title, period: Period, columns, values_of, *, chart=None, note=""):
    """A table with one row per bucket (month or quarter) and a total row."""
    rows = [Row(bucket.label, values_of(bucket)) for bucket in period.buckets]
    rows.append(_total_row(rows))
    return Table(slug, title, [str(c) for c in columns], rows, chart=chart, note=note)


def _team_requests(filters: Filters):
    requests = SupportRequest.objects.all()
    return requests.filter(team=filters.team) if filters.team else requests


def _team_triages(filters: Filters):
    triages = Triage.objects.filter(held_on__range=(filters.period.start, filters.period.end))
    return triages.filter(support_request__team=filters.team) if filters.team else triages


def _team_child_outcomes(filters: Filters):
    outcomes = ChildOutcome.objects.filter(
        triage__held_on__range=(filters.period.start, filters.period.end)
    )
    if filters.team:
        return outcomes.filter(triage__support_request__team=filters.team)
    return outcomes


def _team_trajectories(filters: Filters):
    trajectories = Trajectory.objects.all()
    return trajectories.filter(team=filters.team) if filters.team else trajectories


def _team_indications(filters: Filters):
    indications = Indication.objects.all()
    return indications.filter(client__team=filters.team) if filters.team else indications


# --- client flows ----------------------------------------------------------------


def client_flows(filters: Filters) -> list[Table]:
    period = filters.period
    requests = _team_requests(filters).filter(_received_in(period))
    referrers = ReferrerType.choices
    # One pass over the period's requests for both tables.
    by_referrer, by_route = Counter(), Counter()
    for row in (
        requests.annotate(bucket=_trunc("received_at", period))
        .values("bucket", "referrer_type", "route_outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_referrer[row["bucket"], row["referrer_type"]] += row["n"]
        by_route[row["bucket"], row["route_outcome"]] += row["n"]
    routes = SupportRequest.RouteOutcome.choices

    def referrer_cells(bucket):
        values = [by_referrer.get((bucket.start, code), 0) for code, _label in referrers]
        return counts([*values, sum(values)])

    def route_cells(bucket):
        values = [by_route.get((bucket.start, code), 0) for code, _label in routes]
        return counts([*values, sum(values)])

    triages = _team_triages(filters)
    by_outcome = _per_bucket(triages, "held_on", period, "outcome")

    by_group = _by_group(by_outcome)

    def outcome_cells(bucket):
        values = [by_group[bucket.start, key] for key in OUTCOME_GROUPS]
        return [*counts([*values, sum(values)]), Share(values[0], sum(values))]

    group_labels = [label for label, _outcomes in OUTCOME_GROUPS.values()]
    outcome_table = _bucket_table(
        "triage-outcomes",
        _("Triage outcomes: helped at WIJ or referred on"),
        period,
        [*group_labels, _("Triages"), _("Share helped at WIJ")],
        outcome_cells,
        chart=Chart(bars=[0, 1, 2, 3]),
    )
    _fill_total_shares(outcome_table, [(5, 0, 4)])

    per_referrer = _by_group(_per_outcome(triages, "support_request__referrer_type"))
    referrer_rows = []
    for code, label in referrers:
        values = [per_referrer[code, key] for key in OUTCOME_GROUPS]
        referrer_rows.append(
            Row(label, [*counts([*values, sum(values)]), Share(values[0], sum(values))])
        )

    products = (
        triages.filter(outcome__in=OUTCOME_GROUPS["wij"][1])
        .values("products__code", "products__name")
        .annotate(n=Count("id"))
        .order_by("products__code")
    )
    product_rows = [
        Row(f"{row['products__code']} {row['products__name']}", counts([row["n"]]))
        for row in products
        if row["products__code"]
    ]
    return [
        _bucket_table(
            "requests-by-referrer",
            _("New support requests by referrer"),
            period,
            [*(label for _code, label in referrers), _("Total")],
            referrer_cells,
            chart=Chart(bars=list(range(len(referrers)))),
        ),
        _bucket_table(
            "requests-by-route",
            _("New support requests by route check"),
            period,
            [*(label for _code, label in routes), _("Total")],
            route_cells,
            chart=Chart(bars=list(range(len(routes)))),
            note=_(
                "'Route not open' are referrals that arrived before their referrer's route "
                "through WIJ was open (see the phasing table)."
            ),
        ),
        outcome_table,
        Table(
            "outcomes-by-referrer",
            _("Triage outcomes by referrer"),
            [*map(str, group_labels), _("Triages"), _("Share helped at WIJ")],
            referrer_rows,
            chart=Chart(bars=[0, 1, 2, 3]),
            row_header=_("Referrer"),
        ),
        Table(
            "basis-by-product",
            _("Basis jeugdhulp by WIJ per product"),
            [_("Triages")],
            product_rows,
            chart=Chart(bars=[0]),
            row_header=_("Product"),
            note=_("A triage may name more than one product."),
        ),
    ]


# --- matched care ----------------------------------------------------------------


def matched_care(filters: Filters) -> list[Table]:
    period = filters.period
    until = summaries.counted_until()

    # Per child: ChildOutcome carries the need assessed for every outcome, so a light need
    # that was referred on shows. Rows carried over by the data migration (legacy) have no
    # intensity for a referral: "not recorded".
    child_groups, child_summarised = _day_groups(
        filters,
        until.get("child_outcomes"),
        model=ChildOutcomeDay,
        keys=["held_on", "intensity", "outcome"],
        sums=["n"],
        live=lambda *days: child_outcome_groups(
            _team_child_outcomes(filters).filter(triage__held_on__range=days)
        ),
    )
    per_outcome = Counter()
    for row in child_groups:
        per_outcome[row["intensity"], row["outcome"]] += row["n"]
    pairs = _by_group(per_outcome)

    intensities = [*Triage.Intensity.choices, ("", _("not recorded (carried over)"))]
    intensity_rows = []
    for code, label in intensities:
        values = [pairs.get((code, key), 0) for key in OUTCOME_GROUPS]
        intensity_rows.append(Row(str(label), counts([*values, sum(values)])))
    group_labels = [str(label) for label, _outcomes in OUTCOME_GROUPS.values()]

    triage_groups, summarised = _day_groups(
        filters,
        until.get("triages"),
        model=TriageDay,
        keys=["held_on", "outcome"],
        sums=["n"],
        live=lambda *days: triage_groups_of(_team_triages(filters).filter(held_on__range=days)),
    )
    by_outcome = Counter()
    for row in triage_groups:
        by_outcome[period.bucket_of(row["held_on"]), row["outcome"]] += row["n"]

    def outcomes_in(bucket, outcomes):
        return sum(
            n for (start, o), n in by_outcome.items() if start == bucket.start and o in outcomes
        )

    def share_cells(bucket):
        total = outcomes_in(bucket, Outcome.values)
        specialist = outcomes_in(bucket, ESCALATIONS)
        open_house = outcomes_in(bucket, OUTCOME_GROUPS["open_house"][1])
        return [
            Cell(total),
            Cell(specialist),
            Share(specialist, total),
            Cell(open_house),
            Share(open_house, total),
        ]

    def reindication_cells(bucket):
        values = [outcomes_in(bucket, (outcome,)) for outcome in REINDICATIONS]
        total = outcomes_in(bucket, Outcome.values)
        return [*counts([*values, sum(values)]), Share(sum(values), total)]

    share_table = _bucket_table(
        "referral-shares",
        _("Specialist referrals and Open House exceptions"),
        period,
        [
            _("Triages"),
            _("Specialist referrals"),
            _("Share specialist"),
            _("Open House exceptions and extensions"),
            _("Share Open House"),
        ],
        share_cells,
        chart=Chart(lines=[2, 4], percent=True),
        note=_summary_note("", summarised),
    )
    _fill_total_shares(share_table, [(2, 1, 0), (4, 3, 0)])
    reindication_table = _bucket_table(
        "reindications",
        _("Re-indications and their outcomes"),
        period,
        [*(Outcome(o).label for o in REINDICATIONS), _("Re-indications"), _("Share of triages")],
        reindication_cells,
        chart=Chart(bars=[0, 1, 2]),
        note=_summary_note("", summarised),
    )
    total_triages = sum(by_outcome.values())
    reindication_table.rows[-1].cells[-1] = Share(
        reindication_table.rows[-1].cells[3].n, total_triages
    )
    return [
        Table(
            "intensity-outcome",
            _("Intensity assessed in the triage against the outcome, per child"),
            [*group_labels, _("Children")],
            intensity_rows,
            chart=Chart(bars=[0, 1, 2, 3]),
            row_header=_("Intensity"),
            note=_summary_note(
                _(
                    "Counted per child of a triage (a triage can have a different outcome per "
                    "child). 'Not recorded': outcomes carried over from before outcomes per "
                    "child, when a referral kept no intensity."
                ),
                child_summarised,
            ),
        ),
        share_table,
        reindication_table,
        _too_light(filters, until.get("too_light")),
        _after_trajectory(filters, until.get("after_trajectory")),
        _too_heavy(filters, until.get("started")),
    ]


def triage_groups_of(triages, *keys):
    """Triages per day held and outcome."""
    return triages.values(*keys, "held_on", "outcome").annotate(n=Count("id")).order_by()


def triage_summary_rows(first, last, by_team: bool):
    rows, keys = _teams(
        Triage.objects.filter(_days("held_on", first, last)), "support_request__team_id", by_team
    )
    return triage_groups_of(rows, *keys)


def child_outcome_groups(outcomes, *keys):
    """Outcomes per child per day held, intensity assessed and outcome."""
    return (
        outcomes.annotate(held_on=F("triage__held_on"))
        .values(*keys, "held_on", "intensity", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )


def child_outcome_summary_rows(first, last, by_team: bool):
    rows, keys = _teams(
        ChildOutcome.objects.filter(_days("triage__held_on", first, last)),
        "triage__support_request__team_id",
        by_team,
    )
    return child_outcome_groups(rows, *keys)


def _fill_total_shares(table: Table, shares: list[tuple[int, int, int]]) -> None:
    """Shares in the total row, from its counts: (share column, numerator, denominator)."""
    total = table.rows[-1]
    for column, numerator, denominator in shares:
        total.cells[column] = Share(total.cells[numerator].n, total.cells[denominator].n)


def _six_months_after(field: str) -> Func:
    """The day 6 months after a date field, in SQL (PostgreSQL clamps the 31st to the
    month's last day, as relativedelta does)."""
    return Func(
        F(field),
        template=f"(%(expressions)s + interval '{SIGNAL_MONTHS} months')::date",
        output_field=models.DateField(),
    )


def too_light_groups(triages, *keys):
    """Basis jeugdhulp outcomes per day held, and of those followed within 6 months by a
    new request of the same family or a specialist triage outcome: the two signals as
    EXISTS on the household (index on the request's household)."""
    household = OuterRef("support_request__household_id")
    later_request = (
        SupportRequest.objects.annotate(on=TruncDate("received_at"))
        .filter(household_id=household, on__gt=OuterRef("held_on"), on__lte=OuterRef("until"))
        .exclude(pk=OuterRef("support_request_id"))
    )
    escalation = Triage.objects.filter(
        support_request__household_id=household,
        outcome__in=ESCALATIONS,
        held_on__gt=OuterRef("held_on"),
        held_on__lte=OuterRef("until"),
    )
    return (
        triages.filter(outcome__in=OUTCOME_GROUPS["wij"][1])
        .annotate(until=_six_months_after("held_on"))
        .values(*keys, "held_on")
        .annotate(
            basis=Count("id"),
            back=Count("id", filter=Exists(later_request)),
            escalated=Count("id", filter=Exists(escalation)),
        )
        .order_by()
    )


def too_light_summary_rows(first, last, by_team: bool):
    rows, keys = _teams(
        Triage.objects.filter(_days("held_on", first, last)), "support_request__team_id", by_team
    )
    return too_light_groups(rows, *keys)


def _six_months_open(day: datetime.date, today: datetime.date) -> bool:
    """The 6 months after `day` have not passed (the SQL's `+ interval '6 months'`:
    relativedelta clamps the 31st alike)."""
    return day + relativedelta(months=SIGNAL_MONTHS) > today


def _too_light(filters: Filters, until: datetime.date | None = None) -> Table:
    """Basis jeugdhulp outcomes after which the family was back at WIJ, or went to
    specialist care, within 6 months: was the help too light?"""
    period, today = filters.period, filters.today
    groups, summarised = _day_groups(
        filters,
        until,
        model=TooLightDay,
        keys=["held_on"],
        sums=["basis", "back", "escalated"],
        live=lambda *days: too_light_groups(_team_triages(filters).filter(held_on__range=days)),
    )
    for row in groups:
        row["open"] = row["basis"] if _six_months_open(row["held_on"], today) else 0
    tally = _per_day_bucket(groups, period, "held_on")

    return _six_month_table(
        "too-light",
        _("Help too light? Back at WIJ or to specialist care within 6 months"),
        _("Helped at WIJ"),
        {start: (t["basis"], t["back"], t["escalated"], t["open"]) for start, t in tally.items()},
        period,
        note=_summary_note(
            _(
                "Counted per Basis jeugdhulp outcome: a new support request of the same family, "
                "or a triage with a specialist outcome, within 6 months. For recent outcomes the "
                "6 months have not yet passed: their figures can still grow."
            ),
            summarised,
        ),
    )


def _six_month_table(slug, title, base_label, counts: dict, period, *, note) -> Table:
    """What followed within 6 months, per bucket: {bucket start: (base, back at WIJ, to
    specialist care, 6 months not yet passed)}, with the shares of the two signals."""

    def cells(bucket: Bucket):
        base, back, onward, still_open = counts.get(bucket.start, (0, 0, 0, 0))
        return [
            Cell(base),
            Cell(back),
            Share(back, base),
            Cell(onward),
            Share(onward, base),
            Cell(still_open),
        ]

    table = _bucket_table(
        slug,
        title,
        period,
        [
            base_label,
            _("Back at WIJ within 6 months"),
            _("Share back"),
            _("To specialist care within 6 months"),
            _("Share to specialist care"),
            _("6 months not yet passed"),
        ],
        cells,
        chart=Chart(lines=[2, 4], percent=True),
        note=note,
    )
    _fill_total_shares(table, [(2, 1, 0), (4, 3, 0)])
    return table


def too_heavy_groups(indications, *keys):
    """Indications per start day, and of those ended within 8 weeks of their start."""
    short = Q(
        status__in=FINISHED,
        end_on__isnull=False,
        end_on__lte=F("start_on") + datetime.timedelta(weeks=SHORT_WEEKS),
    )
    return (
        indications.values(*keys, "start_on")
        .annotate(started=Count("id"), short=Count("id", filter=short))
        .order_by()
    )


def too_heavy_summary_rows(first, last, by_team: bool):
    rows, keys = _teams(
        Indication.objects.filter(_days("start_on", first, last)), "client__team_id", by_team
    )
    return too_heavy_groups(rows, *keys)


def _too_heavy(filters: Filters, until: datetime.date | None = None) -> Table:
    """Indications (referrals to specialist or Open House care) that ended within 8 weeks
    of their start: was the help too heavy?"""
    period = filters.period
    groups, summarised = _day_groups(
        filters,
        until,
        model=StartedDay,
        keys=["start_on"],
        sums=["started", "short"],
        live=lambda *days: too_heavy_groups(
            _team_indications(filters).filter(start_on__range=days)
        ),
    )
    tally = _per_day_bucket(groups, period, "start_on")

    def cells(bucket: Bucket):
        t = tally[bucket.start]
        return [Cell(t["started"]), Cell(t["short"]), Share(t["short"], t["started"])]

    table = _bucket_table(
        "too-heavy",
        _("Help too heavy? Indications that ended within 8 weeks"),
        period,
        [_("Indications started"), _("Ended within 8 weeks"), _("Share")],
        cells,
        chart=Chart(bars=[0, 1], stacked=False),
        note=_summary_note("", summarised),
    )
    _fill_total_shares(table, [(2, 1, 0)])
    return table


# --- forecast --------------------------------------------------------------------


# The forecast's re-triages ahead join every running indication of the next twelve months
# with its client (over a million at national scale, seconds): the beat counts them every
# quarter of an hour for all teams (reporting.count_forecast, samen/counted.py) and the
# page reads that, as Aflopende indicaties does (decisions 128, 141).


def _forecast_per_team(today: datetime.date) -> dict:
    """Running indications without a follow-up, ending in each of the next twelve months,
    per team: {"per_team": {team id: {month: n}}}. Numbers per team only: no child."""
    first = month_start(today)
    last_day = first + relativedelta(months=FORECAST_MONTHS, days=-1)
    ending = (
        Indication.objects.running()
        .filter(follow_up_request__isnull=True, end_on__range=(first, last_day))
        .annotate(month=TruncMonth("end_on", output_field=models.DateField()))
        .values("client__team_id", "month")
        .annotate(n=Count("*"))
        .order_by()
    )
    per_team = defaultdict(dict)
    for row in ending:
        per_team[row["client__team_id"]][row["month"]] = row["n"]
    return {"per_team": dict(per_team)}


def forecast_count(*, today: datetime.date) -> dict:
    """Count the re-triages ahead for all teams now and keep them for `today`."""
    return count_and_keep("reporting:forecast", today, lambda: _forecast_per_team(today))


def forecast_counted(*, today: datetime.date) -> dict:
    """The re-triages ahead as last counted for `today` (at most a quarter of an hour old
    while the beat runs), or counted now when there is none."""
    return kept_or_count("reporting:forecast", today, lambda: _forecast_per_team(today))


def forecast(filters: Filters) -> list[Table]:
    """Re-triages ahead: running indications without a follow-up yet, by the month they
    end, per WIJ team; next to each team's recent intake (average per month)."""
    today = filters.today
    first = month_start(today)
    months = [first + relativedelta(months=i) for i in range(FORECAST_MONTHS)]
    counted = forecast_counted(today=today)
    per_team = defaultdict(Counter)
    for team_id, per_month in counted["per_team"].items():
        if filters.team is None or team_id == filters.team.pk:
            per_team[team_id].update(per_month)
    intake_from = first - relativedelta(months=INTAKE_MONTHS)
    intake = dict(
        _team_requests(filters)
        .filter(received_at__gte=_moment(intake_from), received_at__lt=_moment(first))
        .values_list("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    teams = Team.objects.filter(pk=filters.team.pk) if filters.team else Team.objects.all()
    teams = teams.filter(Q(active=True) | Q(pk__in=list(per_team))).order_by("name")
    month_labels = [date_format(m, "M Y") for m in months]

    team_rows = []
    for team in teams:
        values = [per_team[team.pk][m] for m in months]
        team_rows.append(
            Row(team.name, counts([*values, round(intake.get(team.pk, 0) / INTAKE_MONTHS)]))
        )
    total_rows = [
        Row(
            label,
            counts(
                [
                    sum(per_team[team.pk][m] for team in teams),
                    round(sum(intake.get(team.pk, 0) for team in teams) / INTAKE_MONTHS),
                ]
            ),
        )
        for m, label in zip(months, month_labels, strict=True)
    ]
    intake_label = _("New requests per month (average of the last 3 months)")
    return [
        Table(
            "forecast-total",
            _("Re-triages ahead, next to recent intake"),
            [_("Re-triages (indications ending)"), intake_label],
            total_rows,
            chart=Chart(bars=[0], lines=[1]),
            row_header=_("Month"),
            note=_(
                "Running indications without a follow-up yet, by the month they end: each "
                "brings a triage at WIJ in the months before its end."
            )
            + " "
            + _("Counted at %(time)s; counted again every quarter of an hour.")
            % {"time": date_format(timezone.localtime(counted["counted_at"]), "H:i")},
        ),
        Table(
            "forecast-teams",
            _("Re-triages ahead per WIJ team"),
            [*month_labels, intake_label],
            team_rows,
            row_header=_("WIJ team"),
        ),
    ]


# --- deadlines -------------------------------------------------------------------
# Each figure is a GROUP BY per day (and team, for the summary): the nightly refresh stores
# these groups of the closed days (reporting/summaries.py), the report reads them there and
# counts live only the days since; without a refresh everything is counted live.


def deadlines(filters: Filters) -> list[Table]:
    until = summaries.counted_until()
    return [
        _contact(filters, until.get("contact")),
        _evaluations(filters, until.get("evaluations")),
        _out_of_sight(filters, until.get("ended")),
    ]


def _split(first: datetime.date, last: datetime.date, until: datetime.date | None):
    """The days first..last as (from the summary, counted live): each a (first, last) range
    or None. The summary holds the days up to and including `until`."""
    if until is None or until < first:
        return None, (first, last)
    if until >= last:
        return (first, last), None
    return (first, until), (until + datetime.timedelta(days=1), last)


def _summary_note(note, summarised) -> str:
    """The table's note, and up to which day its figures come from the summary."""
    if not summarised:
        return note
    source = _("Up to and including %(day)s from the nightly summary, later days counted live.") % {
        "day": date_format(summarised[1], "j F Y")
    }
    return f"{note} {source}".strip()


def _team_rows(model, filters: Filters, day: str, days):
    """A summary's rows of those days: one team's, or the rows of all teams together."""
    rows = model.objects.filter(**{f"{day}__range": days})
    return rows.filter(team=filters.team) if filters.team else rows.filter(team__isnull=True)


def _teams(queryset, field: str, by_team: bool):
    """A summary's rows per team (`field`: the row's team; rows without one are left out)
    and its keys, or (`by_team` false) of all teams together, no key: the all-teams
    report then reads a few thousand rows a year instead of one per team and day."""
    if not by_team:
        return queryset, ()
    if field != "team_id":
        queryset = queryset.annotate(team_id=F(field))
    return queryset.filter(team_id__isnull=False), ("team_id",)


def _day_groups(filters, until, *, model, keys, sums, live, last=None):
    """A figure's groups per day of the period (to `last`, default the period's end): the
    summary `model`'s rows up to `until`, added over the teams, and the days since counted
    live by `live(first, last)`, a queryset of the same names. Returns (groups, the days
    taken from the summary or None)."""
    period = filters.period
    last = period.end if last is None else last
    if last < period.start:
        return [], None
    summarised, counted = _split(period.start, last, until)
    groups = []
    if summarised:
        groups += (
            _team_rows(model, filters, keys[0], summarised)
            .values(*keys)
            .annotate(**{name: Sum(name) for name in sums})
            .order_by()
        )
    if counted:
        groups += live(*counted)
    return groups, summarised


def _per_day_bucket(groups, period: Period, day: str) -> defaultdict:
    """{bucket start: Counter of the groups' counts} (the day and other keys left out)."""
    tally = defaultdict(Counter)
    for row in groups:
        tally[period.bucket_of(row[day])].update(
            {
                name: n
                for name, n in row.items()
                if isinstance(n, int) and not isinstance(n, bool) and name != day
            }
        )
    return tally


def _days(field: str, first: datetime.date | None, last: datetime.date) -> Q:
    """first..last of a date field (every day up to last when first is None)."""
    days = Q(**{f"{field}__lte": last})
    return days & Q(**{f"{field}__gte": first}) if first else days


CONTACT_KEYS = ("received_on", "contact_deadline", "first_contact_on", "closed")


def contact_groups(requests, *keys):
    """Requests per day received (local date), deadline, first contact and closed or not."""
    return (
        requests.annotate(
            received_on=TruncDate("received_at"),
            closed=ExpressionWrapper(
                Q(status=SupportRequest.Status.CLOSED), output_field=models.BooleanField()
            ),
        )
        .values(*keys, *CONTACT_KEYS)
        .annotate(n=Count("id"))
        .order_by()
    )


def contact_summary_rows(first, last, by_team: bool):
    requests = SupportRequest.objects.filter(_received_between(first, last))
    rows, keys = _teams(requests, "team_id", by_team)
    return contact_groups(rows, *keys)


def _received_between(first: datetime.date | None, last: datetime.date) -> Q:
    before = Q(received_at__lt=_moment(last + datetime.timedelta(days=1)))
    return before & Q(received_at__gte=_moment(first)) if first else before


def _contact(filters: Filters, until: datetime.date | None = None) -> Table:
    """First contact within 5 working days of registration."""
    period, today = filters.period, filters.today
    groups, summarised = _day_groups(
        filters,
        until,
        model=ContactDay,
        keys=CONTACT_KEYS,
        sums=["n"],
        live=lambda *days: contact_groups(_team_requests(filters).filter(_received_between(*days))),
    )
    tally = defaultdict(Counter)
    days = defaultdict(list)
    spans = {}
    for row in groups:
        bucket, n, contacted = (
            period.bucket_of(row["received_on"]),
            row["n"],
            row["first_contact_on"],
        )
        deadline = row["contact_deadline"]
        t = tally[bucket]
        t["received"] += n
        if contacted:
            t["contacted"] += n
            if deadline and contacted <= deadline:
                t["on_time"] += n
            # Working days to first contact: counted once per distinct (received, contacted).
            pair = (row["received_on"], contacted)
            if pair not in spans:
                spans[pair] = working_days_between(*pair)
            days[bucket].extend([spans[pair]] * n)
        elif deadline and deadline < today and not row["closed"]:
            t["overdue"] += n
    for t in tally.values():
        t["due"] = t["contacted"] + t["overdue"]

    def cells(bucket: Bucket):
        t = tally[bucket.start]
        return [
            Cell(t["received"]),
            Cell(t["due"]),
            Cell(t["on_time"]),
            Share(t["on_time"], t["due"]),
            median(days[bucket.start]),
            Cell(t["overdue"]),
        ]

    table = _bucket_table(
        "contact",
        _("Contact with the family within 5 working days"),
        period,
        [
            _("Requests"),
            _("Contact due"),
            _("Contacted in time"),
            _("Share in time"),
            _("Median working days to contact"),
            _("Still not contacted, overdue"),
        ],
        cells,
        chart=Chart(lines=[3], percent=True),
        note=_summary_note(
            _(
                "'Contact due': contacted, or open and past the deadline. Requests still within "
                "their 5 working days, and those closed without contact (a duplicate, withdrawn), "
                "are not counted."
            ),
            summarised,
        ),
    )
    _fill_total_shares(table, [(3, 2, 1)])
    table.rows[-1].cells[4] = median([d for values in days.values() for d in values])
    return table


def evaluation_groups(indications, *keys):
    """In-kind indications not ended early, per end-evaluation due day: due, evaluated for
    the current end (not one for the end before an extension), of which on time."""
    for_this_end = EndEvaluation.objects.filter(
        indication=OuterRef("pk"), for_end_on=OuterRef("end_on")
    )
    return (
        indications.exclude(status__in=Indication.ENDED_EARLY)
        .filter(provider__isnull=False)
        .annotate(due_on=F("evaluation_due_on"))
        .values(*keys, "due_on")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Exists(for_this_end.filter(on_time=True))),
            received=Count("id", filter=Exists(for_this_end)),
        )
        .order_by()
    )


def evaluation_summary_rows(first, last, by_team: bool):
    rows, keys = _teams(
        Indication.objects.filter(_days("evaluation_due_on", first, last)),
        "client__team_id",
        by_team,
    )
    return evaluation_groups(rows, *keys)


def _evaluations(filters: Filters, until: datetime.date | None = None) -> Table:
    """End-evaluations received at least 2 months before the end date."""
    period, today = filters.period, filters.today
    groups, summarised = _day_groups(
        filters,
        until,
        model=EvaluationDay,
        keys=["due_on"],
        sums=["due", "on_time", "received"],
        live=lambda *days: evaluation_groups(
            _team_indications(filters).filter(evaluation_due_on__range=days)
        ),
        last=min(period.end, today - datetime.timedelta(days=1)),
    )
    tally = _per_day_bucket(groups, period, "due_on")
    for t in tally.values():
        t["late"] = t["received"] - t["on_time"]
        t["missing"] = t["due"] - t["received"]

    def cells(bucket: Bucket):
        t = tally[bucket.start]
        return [
            *counts([t["due"], t["on_time"], t["late"], t["missing"]]),
            Share(t["on_time"], t["due"]),
        ]

    table = _bucket_table(
        "end-evaluations",
        _("End-evaluations on time (at least 2 months before the end)"),
        period,
        [_("Due"), _("On time"), _("Late"), _("Missing"), _("Share on time")],
        cells,
        chart=Chart(bars=[1, 2, 3]),
        note=_summary_note(
            _(
                "By the month the end-evaluation was due; only dates that have passed. In kind "
                "only (a personal budget has no provider); after an extension only an "
                "evaluation for the new end counts."
            ),
            summarised,
        ),
    )
    _fill_total_shares(table, [(4, 1, 0)])
    return table


def ended_groups(indications, *keys):
    """Indications ended at their end date, per end day, and of those without a follow-up
    at WIJ ('niet in beeld')."""
    return (
        indications.filter(status=Indication.Status.ENDED)
        .values(*keys, "end_on")
        .annotate(ended=Count("id"), lost=Count("id", filter=Q(follow_up_request__isnull=True)))
        .order_by()
    )


def ended_summary_rows(first, last, by_team: bool):
    rows, keys = _teams(
        Indication.objects.filter(_days("end_on", first, last)), "client__team_id", by_team
    )
    return ended_groups(rows, *keys)


def _out_of_sight(filters: Filters, until: datetime.date | None = None) -> Table:
    period = filters.period
    groups, summarised = _day_groups(
        filters,
        until,
        model=EndedDay,
        keys=["end_on"],
        sums=["ended", "lost"],
        live=lambda *days: ended_groups(_team_indications(filters).filter(end_on__range=days)),
    )
    tally = _per_day_bucket(groups, period, "end_on")

    def cells(bucket: Bucket):
        total, out = tally[bucket.start]["ended"], tally[bucket.start]["lost"]
        return [Cell(total), Cell(total - out), Cell(out), Share(out, total)]

    table = _bucket_table(
        "out-of-sight",
        _("Ended indications 'niet in beeld'"),
        period,
        [_("Ended"), _("Followed up at WIJ"), _("Niet in beeld"), _("Share niet in beeld")],
        cells,
        chart=Chart(bars=[1, 2]),
        note=_summary_note(_("Ended without a triage or follow-up at WIJ recorded."), summarised),
    )
    _fill_total_shares(table, [(3, 2, 0)])
    return table


# --- transition ------------------------------------------------------------------


def _running_on(day: datetime.date) -> Q:
    """Running on `day` by its dates (an early end moves `end_on`, so the dates tell the
    truth whatever the status): started, and not ended before it; an open end runs on."""
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gte=day))


# The providers the transition page lists by name (the exports list all).
TOP_PROVIDERS = 25


def _running_figures(period: Period, days: list[datetime.date]) -> dict:
    """Counted live per group: running on the period's first day and on each of `days`
    (with an open end apart), started and ended in the period."""
    figures = {
        "at_start": Count("id", filter=_running_on(period.start)),
        "started": Count("id", filter=Q(start_on__range=(period.start, period.end))),
        "ended": Count("id", filter=Q(end_on__range=(period.start, period.end))),
    }
    for i, day in enumerate(days):
        figures[f"b{i}"] = Count("id", filter=_running_on(day))
        figures[f"open{i}"] = Count("id", filter=_running_on(day) & Q(end_on__isnull=True))
    return figures


def _month_end(day: datetime.date) -> datetime.date:
    return month_start(day) + relativedelta(months=1, days=-1)


def _whole_months(period: Period, until: datetime.date) -> tuple[Q, list]:
    """The months of the summary (up to `until`) wholly in the period, as a filter on its
    `month`, and the days of the period outside them [(first, last), ...]."""
    day = datetime.timedelta(days=1)
    first = period.start if period.start.day == 1 else _month_end(period.start) + day
    last = min(period.end, until)
    last = last if last == _month_end(last) else month_start(last) - day
    if first < last:
        return Q(month__range=(first, last)), [
            (period.start, first - day),
            (last + day, period.end),
        ]
    return Q(pk__in=[]), [(period.start, period.end)]


def _in_ranges(field: str, ranges: list) -> Q:
    """`field` within one of the (first, last) ranges (an empty range left out)."""
    within = Q(pk__in=[])
    for start, end in ranges:
        if start <= end:
            within |= Q(**{f"{field}__range": (start, end)})
    return within


@dataclass(frozen=True)
class MonthlyCount:
    """A count per month of the transition report, by `dimension` (or none): rows of
    `rows()` by the month of `date_field`. The nightly summary keeps it per closed month
    over all teams (TransitionCount); `team` is the path to a row's team."""

    rows: object
    date_field: str
    dimension: str | None
    team: str


MONTHLY = {
    "flagged": MonthlyCount(
        lambda: Indication.objects.filter(flagged_on__isnull=False),
        "flagged_on",
        "financing",
        "client__team",
    ),
    "ended": MonthlyCount(
        lambda: Indication.objects.filter(status__in=ENDED_ANY),
        "end_on",
        "financing",
        "client__team",
    ),
    "followed": MonthlyCount(
        lambda: Indication.objects.filter(handled_on__isnull=False),
        "handled_on",
        None,
        "client__team",
    ),
    "early": MonthlyCount(
        lambda: Indication.objects.filter(status__in=Indication.ENDED_EARLY),
        "end_on",
        "status",
        "client__team",
    ),
    "early_reason": MonthlyCount(
        lambda: Indication.objects.filter(status__in=Indication.ENDED_EARLY),
        "end_on",
        "end_reason",
        "client__team",
    ),
    "asked": MonthlyCount(
        lambda: ExtensionRequest.objects.all(), "requested_on", None, "indication__client__team"
    ),
    "decided": MonthlyCount(
        lambda: ExtensionRequest.objects.exclude(decision=ExtensionRequest.Decision.PENDING),
        "decided_on",
        "decision",
        "indication__client__team",
    ),
}


def _monthly(name: str, filters: Filters) -> dict:
    """`_per_bucket` of a MONTHLY count: over all teams the whole closed months from the
    summary and the other days live; for one team all live."""
    count = MONTHLY[name]
    period = filters.period
    rows = count.rows()
    if filters.team:
        rows = rows.filter(**{count.team: filters.team})
    until = None if filters.team else transition_summary.counted_until()
    if until is None:
        whole, outside = None, [(period.start, period.end)]
    else:
        whole, outside = _whole_months(period, until)
    live = _in_ranges(count.date_field, outside)
    result = Counter(_per_bucket(rows.filter(live), count.date_field, period, count.dimension))
    if whole is not None:
        for month, key, n in TransitionCount.objects.filter(whole, figure=name).values_list(
            "month", "key", "n"
        ):
            bucket = period.bucket_of(month)
            result[(bucket, key) if count.dimension else bucket] += n
    return result


def _summed_figures(period: Period, days: list[datetime.date], until: datetime.date):
    """The figures of `_running_figures` over all teams from the summary (months up to
    `until`, reporting/transition_summary.py) and the days since, counted live: running
    on a day is running on the last summarised month end before it, plus the starts
    after that end up to the day, less the ends from that end to the day before.
    Returns ({name: Sum over the summary}, {name: Count live}, the live rows' filter,
    {name: live counts to add, less those to take off})."""
    day = datetime.timedelta(days=1)

    def base(on: datetime.date) -> datetime.date:
        if on <= until and on == _month_end(on):
            return on
        return min(month_start(on) - day, until)

    points = {"at_start": period.start, **{f"b{i}": on for i, on in enumerate(days)}}
    summary, live, wanted = {}, {}, Q(pk__in=[])
    for name, on in points.items():
        since = base(on)
        summary[name] = Sum("running", filter=Q(month=month_start(since)), default=0)
        starts = Q(start_on__gt=since, start_on__lte=on)
        stops = Q(end_on__gte=since, end_on__lt=on)
        live[f"add_{name}"] = Count("id", filter=starts)
        live[f"sub_{name}"] = Count("id", filter=stops)
        if name != "at_start":
            index = name[1:]
            summary[f"open{index}"] = Sum("open_end", filter=Q(month=month_start(since)), default=0)
            live[f"add_open{index}"] = Count("id", filter=starts & Q(end_on__isnull=True))
        if since < on:
            wanted |= starts | stops
    # Started and ended: the whole months of the period up to `until` from the summary,
    # the days before and after them live.
    whole, outside = _whole_months(period, until)
    for figure, field in (("started", "start_on"), ("ended", "end_on")):
        summary[figure] = Sum(figure, filter=whole, default=0)
        in_range = _in_ranges(field, outside)
        live[f"add_{figure}"] = Count("id", filter=in_range)
        wanted |= in_range
    months = whole | Q(month__in=[month_start(base(on)) for on in points.values()])
    return summary, months, live, wanted


def _running_groups(filters: Filters, days: list[datetime.date]) -> tuple[dict, dict]:
    """The running indications' figures ({name: count}) by (product, financing) and by
    provider. Over all teams from the summary where there is one, plus the days since
    (decision 120); for one team (a few thousand indications) all live."""
    period = filters.period
    by_product, by_provider = defaultdict(Counter), defaultdict(Counter)

    def add(row: dict, figures, sign: int = 1, prefix: str = ""):
        counted = Counter({name: sign * (row[prefix + name] or 0) for name in figures})
        if row.get("by") != TransitionMonth.By.PROVIDER:
            by_product[row["product_id"], row["financing"]].update(counted)
        if row.get("by") != TransitionMonth.By.PRODUCT:
            by_provider[row["provider_id"]].update(counted)

    names = list(_running_figures(period, days))
    keys = ("product_id", "provider_id", "financing")
    indications = _team_indications(filters)
    until = None if filters.team else transition_summary.counted_until()
    if until is None:
        # One pass over the indications that overlap the period (running on one of its
        # days needs that; an open end runs on), grouped by product, provider and financing.
        for row in (
            indications.filter(
                Q(end_on__isnull=True) | Q(end_on__gte=period.start), start_on__lte=period.end
            )
            .values(*keys)
            .annotate(**_running_figures(period, days))
            .order_by()
        ):
            add(row, names)
        return by_product, by_provider
    summary, months, live, wanted = _summed_figures(period, days, until)
    for row in (
        TransitionMonth.objects.filter(months).values("by", *keys).annotate(**summary).order_by()
    ):
        add(row, names)
    for row in indications.filter(wanted).values(*keys).annotate(**live).order_by():
        add(row, [name for name in names if f"add_{name}" in live], prefix="add_")
        add(row, [name for name in names if f"sub_{name}" in live], sign=-1, prefix="sub_")
    return by_product, by_provider


def transition(filters: Filters) -> list[Table]:
    period = filters.period
    buckets = period.buckets
    products = list(Product.objects.order_by("code"))
    ends = {bucket.start: min(bucket.end, period.end) for bucket in buckets}

    def on_label(bucket: Bucket) -> str:
        return _("%(period)s (on %(day)s)") % {
            "period": bucket.label,
            "day": date_format(ends[bucket.start], "j M"),
        }

    by_product, by_provider = _running_groups(filters, list(ends.values()))

    def added(groups: dict, position: int | None) -> dict:
        """{key part at `position` (all of the key: None): {figure: sum over the groups}}."""
        sums = defaultdict(Counter)
        for key, figures in groups.items():
            sums[key if position is None else key[position]].update(figures)
        return sums

    running = added(by_product, 0)
    running_rows = []
    for i, bucket in enumerate(buckets):
        values = [running[p.pk][f"b{i}"] for p in products]
        running_rows.append(Row(on_label(bucket), counts([*values, sum(values)])))

    financing = added(by_product, 1)
    zin_sums, pgb_sums = financing[Indication.Financing.ZIN], financing[Indication.Financing.PGB]
    left_rows = [
        Row(
            on_label(bucket),
            counts(
                [
                    zin_sums[f"b{i}"],
                    pgb_sums[f"b{i}"],
                    zin_sums[f"b{i}"] + pgb_sums[f"b{i}"],
                    zin_sums[f"open{i}"] + pgb_sums[f"open{i}"],
                ]
            ),
        )
        for i, bucket in enumerate(buckets)
    ]

    per_provider = [
        {"provider_id": provider_id, **sums}
        for provider_id, sums in added(by_provider, None).items()
    ]
    providers = Provider.objects.in_bulk(
        [row["provider_id"] for row in per_provider if row["provider_id"]]
    )

    def provider_counts(row) -> list:
        return counts(
            [
                row["at_start"],
                *(row[f"b{i}"] for i in range(len(buckets))),
                row["started"],
                row["ended"],
            ]
        )

    def provider_row(row) -> Row:
        provider = providers[row["provider_id"]]
        status = provider.get_status_display()
        if provider.stops_on:
            status = f"{status} ({date_format(provider.stops_on, 'j M Y')})"
        return Row(provider.name, [*provider_counts(row), status])

    in_kind = [row for row in per_provider if row["provider_id"]]
    provider_rows = [
        provider_row(row) for row in sorted(in_kind, key=lambda r: providers[r["provider_id"]].name)
    ]
    # A personal budget has no provider: the budget holders together, as one row.
    budgets = [
        Row(_("Personal budget (PGB): no provider"), [*provider_counts(row), "–"])
        for row in per_provider
        if row["provider_id"] is None
    ]
    # The page shows the providers with the most running at the end, the others together
    # (all 1,200 of national scale made a page of 1.5 MB); the exports give every one.
    page_rows = None
    if len(in_kind) > TOP_PROVIDERS:
        last = f"b{len(buckets) - 1}"
        ranked = sorted(in_kind, key=lambda r: (-r[last], providers[r["provider_id"]].name))
        others = Counter()
        for row in ranked[TOP_PROVIDERS:]:
            others.update({name: n for name, n in row.items() if name != "provider_id"})
        page_rows = [
            *(provider_row(row) for row in ranked[:TOP_PROVIDERS]),
            Row(
                _("Other providers (%(count)s)") % {"count": len(ranked) - TOP_PROVIDERS},
                [*provider_counts(others), "–"],
            ),
            *budgets,
        ]

    in_period = (period.start, period.end)
    flagged = _monthly("flagged", filters)
    ended = _monthly("ended", filters)
    followed = _monthly("followed", filters)
    stops = _per_bucket(Provider.objects.filter(stops_on__range=in_period), "stops_on", period)
    zin, pgb = Indication.Financing.ZIN, Indication.Financing.PGB

    def flow_cells(bucket: Bucket):
        key = bucket.start
        return [
            Cell(flagged.get((key, zin), 0)),
            Cell(flagged.get((key, pgb), 0)),
            Cell(ended.get((key, zin), 0)),
            Cell(ended.get((key, pgb), 0)),
            Cell(followed.get(key, 0)),
            Cell(stops.get(key, 0), suppress=False),
        ]

    running_table = Table(
        "running",
        _("Running indications per product (the Open House running down)"),
        [*(p.code for p in products), _("Total")],
        running_rows,
        chart=Chart(bars=[len(products)]),
        note=_("Indications running on the last day of each period, in kind and PGB."),
    )
    left_table = Table(
        "running-left",
        _("Indications still running: in kind (ZIN) and personal budget (PGB)"),
        [_("In kind (ZIN)"), _("Personal budget (PGB)"), _("Total"), _("Of which an open end")],
        left_rows,
        chart=Chart(bars=[0, 1]),
        note=_(
            "How many are left: indications running on the last day of each period by their "
            "dates (started, and their end date not before that day; an early end moves the "
            "end date). An open end (no end date) runs on: counted in the totals, and apart."
        ),
    )
    flows = _bucket_table(
        "flagged-ended",
        _("Flagged, ended and followed up per period; provider stops"),
        period,
        [
            _("Flagged, in kind (ZIN)"),
            _("Flagged, PGB"),
            _("Ended, in kind (ZIN)"),
            _("Ended, PGB"),
            _("Followed up at WIJ"),
            _("Providers stopping"),
        ],
        flow_cells,
        chart=Chart(bars=[0, 1, 2, 3], stacked=False),
        note=_(
            "Flagged: ending within 3 months. Ended: at the end date or early (handed over to "
            "WIJ, stopped early, or handed over to another provider)."
        ),
    )
    flows.rows[-1].cells[5] = Cell(flows.rows[-1].cells[5].n, suppress=False)
    provider_table = Table(
        "providers",
        _("Running indications per provider"),
        [
            _("Running at the start"),
            *(
                _("Running at the end of %(period)s") % {"period": bucket.label}
                for bucket in buckets
            ),
            _("Started"),
            _("Ended"),
            _("Provider status"),
        ],
        [*provider_rows, *budgets],
        row_header=_("Provider"),
    )
    if page_rows:
        provider_table.page = replace(
            provider_table,
            rows=page_rows,
            note=_(
                "The %(count)s providers with the most indications running at the end of the "
                "period, the others together; the CSV and Excel exports give every provider."
            )
            % {"count": TOP_PROVIDERS},
        )
    return [
        running_table,
        left_table,
        provider_table,
        flows,
        _extensions(filters),
        _early_ends(filters),
        _early_end_reasons(filters),
    ]


def _extensions(filters: Filters) -> Table:
    """Extension requests by the month they were asked, and decisions by the month they
    were decided (extend, or not extended: Basis jeugdhulp at WIJ)."""
    period = filters.period
    asked = _monthly("asked", filters)
    decided = _monthly("decided", filters)
    extend, wij = ExtensionRequest.Decision.EXTEND, ExtensionRequest.Decision.WIJ

    def cells(bucket: Bucket):
        key = bucket.start
        extended, not_extended = decided.get((key, extend), 0), decided.get((key, wij), 0)
        return [
            Cell(asked.get(key, 0)),
            Cell(extended),
            Cell(not_extended),
            Share(extended, extended + not_extended),
        ]

    table = _bucket_table(
        "extensions",
        _("Extension requests and decisions"),
        period,
        [
            _("Requested"),
            _("Decided: extended"),
            _("Decided: not extended (Basis jeugdhulp at WIJ)"),
            _("Share extended"),
        ],
        cells,
        chart=Chart(bars=[0, 1, 2], stacked=False),
        note=_(
            "Requested: by the month of the request (from the provider or WIJ's triage). "
            "Decided: by the month of the youth administration's decision."
        ),
    )
    total = table.rows[-1].cells
    table.rows[-1].cells[3] = Share(total[1].n, total[1].n + total[2].n)
    return table


def _early_ends(filters: Filters) -> Table:
    """Indications ended before their end date, by the month of their (new) end date."""
    period = filters.period
    per = _monthly("early", filters)
    statuses = Indication.ENDED_EARLY

    def cells(bucket: Bucket):
        values = [per.get((bucket.start, status), 0) for status in statuses]
        return counts([*values, sum(values)])

    return _bucket_table(
        "early-handovers",
        _("Ended early: handed over to WIJ, stopped, to another provider"),
        period,
        [
            _("Handed over to WIJ"),
            _("Care stopped early"),
            _("Handed over to another provider"),
            _("Total"),
        ],
        cells,
        chart=Chart(bars=[0, 1, 2]),
        note=_("By the month of the last day of care (the end date the early end set)."),
    )


def _early_end_reasons(filters: Filters) -> Table:
    tally = Counter()
    for (_bucket, reason), n in _monthly("early_reason", filters).items():
        tally[reason] += n
    ended = sum(tally.values())
    rows = [
        Row(f"{code} {label}", [Cell(tally.get(code, 0)), Share(tally.get(code, 0), ended)])
        for code, label in EndReason.choices
        if code not in (EndReason.PAUSED, EndReason.AS_PLANNED)
    ]
    rows.append(Row(_("Total"), [Cell(ended), Share(ended, ended)], total=True))
    return Table(
        "early-handover-reasons",
        _("Indications ended early by reason for ending (JZ588)"),
        [_("Ended early"), _("Share")],
        rows,
        # No chart: the JZ588 labels are too long for an axis.
        row_header=_("Reason for ending"),
    )


# --- the help itself (Basis jeugdhulp at WIJ) -----------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the continuous percentile (0.5 is the median) of an
    expression, computed in the database (a GROUP BY), never over all rows in Python."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        # A constant of ours, formatted into the SQL (never user input).
        super().__init__(expression, fraction=f"{float(fraction)!r}", **extra)


def _days_between(later, earlier) -> Func:
    """later - earlier in whole days (date minus date is an integer in PostgreSQL)."""
    return Func(
        later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField()
    )


def _spread(n: int, middle, high) -> list:
    """Median and 90th percentile cells, hidden below 5 values (like every median)."""
    return [Median(middle, n), Median(high, n)]


def _running_at_some_moment(start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """Help that ran (started, not yet ended) on at least one day of [start, end]. A pause
    counts as running: it is a stop within the help, not its end."""
    return Q(**{f"{prefix}started_on__lte": end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": start})
    )


def _bucket_ends(period: Period) -> dict:
    """The last day of each bucket, within the period."""
    return {bucket.start: min(bucket.end, period.end) for bucket in period.buckets}


def basis_help(filters: Filters) -> list[Table]:
    return [
        _helped(filters),
        _waiting_time(filters),
        _duration(filters),
        _scaling(filters),
        _end_results(filters),
        _end_reasons(filters),
        _satisfaction(filters),
        _combined_help(filters),
    ]


def _distinct(rows, key: str, conditions: dict) -> dict:
    """{name: how many distinct values of `key` have a row meeting condition `name`}: one
    GROUP BY on the key with a count per condition, counted again around it. The same as
    COUNT(DISTINCT key) FILTER (…) per condition, which sorts the rows once per condition
    (26 sorts of every child helped in a year, 5 s at national scale)."""
    per_value = rows.values(key).annotate(
        **{f"{name}_rows": Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    return per_value.order_by().aggregate(
        **{name: Count(f"{name}_rows", filter=Q(**{f"{name}_rows__gt": 0})) for name in conditions}
    )


def _helped(filters: Filters) -> Table:
    """Children (and their households) in a trajectory whose help ran at some moment of the
    bucket: the council's "how many were helped". Distinct per bucket, and distinct over the
    whole period in the total row (a child helped in three months counts once there)."""
    period = filters.period
    # Only the links of help that ran in the period (help started in it ran in it too).
    links = TrajectoryChild.objects.filter(
        _running_at_some_moment(period.start, period.end, "trajectory__")
    )
    if filters.team:
        # A plain filter, not `trajectory__in` a subquery: over all teams that subquery is
        # every trajectory, and PostgreSQL joined all of them a second time.
        links = links.filter(trajectory__team=filters.team)
    # (label, first day, last day): each bucket within the period, then the whole period.
    spans = [
        (bucket.label, max(bucket.start, period.start), min(bucket.end, period.end))
        for bucket in period.buckets
    ]
    spans.append((_("Total (each child once)"), period.start, period.end))
    per_child, per_family = {}, {}
    for i, (_label, start, end) in enumerate(spans):
        running = _running_at_some_moment(start, end, "trajectory__")
        per_child[f"c{i}"] = running
        per_child[f"n{i}"] = Q(trajectory__started_on__range=(start, end))
        per_family[f"h{i}"] = running
    tally = {
        **_distinct(links, "client_id", per_child),
        **_distinct(links, "trajectory__household_id", per_family),
    }
    rows = [
        Row(label, counts([tally[f"c{i}"], tally[f"h{i}"], tally[f"n{i}"]]))
        for i, (label, _start, _end) in enumerate(spans)
    ]
    rows[-1].total = True
    return Table(
        "basis-helped",
        _("Children and families helped by Basis jeugdhulp at WIJ"),
        [_("Children helped"), _("Families helped"), _("Children whose help started")],
        rows,
        chart=Chart(bars=[0, 1], stacked=False),
        note=_(
            "A child in a trajectory whose help had started and not yet ended on at least one "
            "day of the period (a pause counts as help); a family is its household. The total "
            "counts each child and family once, so it is less than the sum of the periods."
        ),
    )


def _waiting_time(filters: Filters) -> Table:
    """Days from registration (the request's received_at) to the start of the help, by the
    month the help started; and the trajectories still waiting on the last day."""
    period = filters.period
    trajectories = _team_trajectories(filters)
    days = _days_between(F("started_on"), TruncDate("triage__support_request__received_at"))
    started = trajectories.filter(
        started_on__range=(period.start, period.end), triage__isnull=False
    )
    spread = {
        "n": Count("id"),
        "middle": Percentile(days, 0.5),
        "high": Percentile(days, 0.9),
    }
    per_bucket = {
        row["bucket"]: row
        for row in started.annotate(bucket=_trunc("started_on", period))
        .values("bucket")
        .annotate(**spread)
        .order_by()
    }
    overall = started.aggregate(**spread)
    ends = _bucket_ends(period)

    def waiting_on(day):
        return (
            Q(triage__held_on__lte=day)
            & (Q(started_on__isnull=True) | Q(started_on__gt=day))
            & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        )

    # Only help not started and not ended by the first of those days can be waiting on
    # one of them: that filter leaves the few still waiting, not every trajectory.
    first = min(ends.values(), default=period.end)
    candidates = trajectories.filter(
        Q(started_on__isnull=True) | Q(started_on__gt=first),
        Q(ended_on__isnull=True) | Q(ended_on__gt=first),
    )
    waiting = candidates.aggregate(
        **{f"w{i}": Count("id", filter=waiting_on(day)) for i, day in enumerate(ends.values())}
    )
    empty = {"n": 0, "middle": None, "high": None}

    rows = []
    for i, bucket in enumerate(period.buckets):
        row = per_bucket.get(bucket.start, empty)
        rows.append(
            Row(
                bucket.label,
                [
                    Cell(row["n"]),
                    *_spread(row["n"], row["middle"], row["high"]),
                    Cell(waiting[f"w{i}"]),
                ],
            )
        )
    last = waiting[f"w{len(ends) - 1}"] if ends else 0
    rows.append(
        Row(
            _("Total"),
            [
                Cell(overall["n"]),
                *_spread(overall["n"], overall["middle"], overall["high"]),
                Cell(last),
            ],
            total=True,
        )
    )
    return Table(
        "waiting-time",
        _("Waiting time from registration to the start of the help"),
        [
            _("Help started"),
            _("Median days waited"),
            _("90th percentile days waited"),
            _("Still waiting at the end"),
        ],
        rows,
        chart=Chart(lines=[1, 2]),
        note=_(
            "Calendar days from the registration of the request to the start of the help, for "
            "trajectories whose help started in the period. 'Still waiting': triaged, help not "
            "started on the last day of the period (in the total row: of the whole period)."
        ),
    )


def _duration(filters: Filters) -> Table:
    """Start to end of the help, of trajectories ended in the period."""
    period = filters.period
    ended = _team_trajectories(filters).filter(
        status=Trajectory.Status.ENDED, ended_on__range=(period.start, period.end)
    )
    days = _days_between(F("ended_on"), F("started_on"))
    spread = {
        "n": Count("id", filter=Q(started_on__isnull=False)),
        "unstarted": Count("id", filter=Q(started_on__isnull=True)),
        "middle": Percentile(days, 0.5, filter=Q(started_on__isnull=False)),
        "high": Percentile(days, 0.9, filter=Q(started_on__isnull=False)),
    }
    per_bucket = {
        row["bucket"]: row
        for row in ended.annotate(bucket=_trunc("ended_on", period))
        .values("bucket")
        .annotate(**spread)
        .order_by()
    }
    overall = ended.aggregate(**spread)
    empty = {"n": 0, "unstarted": 0, "middle": None, "high": None}

    def cells(row):
        return [
            Cell(row["n"]),
            *_spread(row["n"], row["middle"], row["high"]),
            Cell(row["unstarted"]),
        ]

    rows = [Row(b.label, cells(per_bucket.get(b.start, empty))) for b in period.buckets]
    rows.append(Row(_("Total"), cells(overall), total=True))
    return Table(
        "trajectory-duration",
        _("Duration of the help (trajectories ended)"),
        [
            _("Ended after the help started"),
            _("Median days of help"),
            _("90th percentile days of help"),
            _("Ended before the help started"),
        ],
        rows,
        chart=Chart(lines=[1, 2]),
        note=_("Calendar days from the start of the help to its end, by the month it ended."),
    )


def _is_up() -> Q:
    """A change to a heavier level (light → basic → specialist)."""
    up = Q(pk__in=[])
    for lower, rank in INTENSITY_ORDER.items():
        heavier = [level for level, other in INTENSITY_ORDER.items() if other > rank]
        up |= Q(from_intensity=lower, to_intensity__in=heavier)
    return up


def _scaling(filters: Filters) -> Table:
    period = filters.period
    changes = IntensityChange.objects.filter(changed_on__range=(period.start, period.end))
    if filters.team:
        changes = changes.filter(trajectory__team=filters.team)
    tally = {
        row["bucket"]: row
        for row in changes.annotate(bucket=_trunc("changed_on", period))
        .values("bucket")
        .annotate(up=Count("id", filter=_is_up()), total=Count("id"))
        .order_by()
    }
    empty = {"up": 0, "total": 0}

    def cells(bucket: Bucket):
        row = tally.get(bucket.start, empty)
        return counts([row["up"], row["total"] - row["up"], row["total"]])

    return _bucket_table(
        "scaling",
        _("Scaling up and down"),
        period,
        [_("Scaled up"), _("Scaled down"), _("Changes of intensity")],
        cells,
        chart=Chart(bars=[0, 1], stacked=False),
        note=_("Changes of intensity recorded in the period (one click, no approval)."),
    )


def _ended(filters: Filters):
    period = filters.period
    return _team_trajectories(filters).filter(
        status=Trajectory.Status.ENDED, ended_on__range=(period.start, period.end)
    )


GOALS = Trajectory.GoalsReached
SATISFACTION = Trajectory.Satisfaction


def _end_results(filters: Filters) -> Table:
    """CBS Beleidsinformatie Jeugd for help a municipality gives itself: ended as planned
    (JZ588 31) or early (32-35), and whether the goals were reached."""
    period = filters.period
    early = [reason.value for reason in EARLY_END_REASONS]
    figures = {
        "ended": Count("id"),
        "planned": Count("id", filter=Q(end_reason=EndReason.AS_PLANNED)),
        "early": Count("id", filter=Q(end_reason__in=early)),
        **{goal: Count("id", filter=Q(goals_reached=goal)) for goal in GOALS.values},
    }
    tally = _ended_per_bucket(filters, figures)
    empty = Counter()

    def cells(bucket: Bucket):
        t = tally.get(bucket.start, empty)
        other = t["ended"] - t["planned"] - t["early"]
        return [
            *counts([t["ended"], t["planned"], t["early"], other]),
            Share(t["planned"], t["ended"]),
            *counts([t[goal] for goal in GOALS.values]),
            Share(t[GOALS.FULLY] + t[GOALS.PARTLY], t["ended"]),
        ]

    table = _bucket_table(
        "end-results",
        _("Ended trajectories: as planned or early, goals reached"),
        period,
        [
            _("Ended"),
            _("As planned (31)"),
            _("Early (32-35)"),
            _("Other reason"),
            _("Share as planned"),
            *(_("Goals reached: %(answer)s") % {"answer": label} for label in GOALS.labels),
            _("Share goals fully or partly reached"),
        ],
        cells,
        chart=Chart(bars=[1, 2, 3]),
        note=_(
            "By the month the help ended; reasons on the national list JZ588, so that they "
            "count alike with the providers' stop messages. 'Other reason': death, a move to "
            "another provider or outflow to another domain."
        ),
    )
    total = table.rows[-1].cells
    table.rows[-1].cells[4] = Share(total[1].n, total[0].n)
    table.rows[-1].cells[9] = Share(total[5].n + total[6].n, total[0].n)
    return table


def _end_reasons(filters: Filters) -> Table:
    tally = dict(_ended(filters).values_list("end_reason").annotate(n=Count("id")).order_by())
    ended = sum(tally.values())
    rows = [
        Row(f"{code} {label}", [Cell(tally.get(code, 0)), Share(tally.get(code, 0), ended)])
        for code, label in TRAJECTORY_END_REASONS
    ]
    rows.append(Row(_("Total"), [Cell(ended), Share(ended, ended)], total=True))
    return Table(
        "end-reasons",
        _("Ended trajectories by reason for ending (JZ588)"),
        [_("Ended"), _("Share")],
        rows,
        # No chart: the JZ588 labels are too long for an axis; the table says it all.
        row_header=_("Reason for ending"),
    )


def _ended_per_bucket(filters: Filters, figures: dict) -> dict:
    """{bucket start: row of `figures`} over the trajectories ended in the period, in one
    GROUP BY on the month (or quarter) of the end."""
    return {
        row["bucket"]: row
        for row in _ended(filters)
        .annotate(bucket=_trunc("ended_on", filters.period))
        .values("bucket")
        .annotate(**figures)
        .order_by()
    }


def _satisfaction(filters: Filters) -> Table:
    period = filters.period
    figures = {
        "ended": Count("id"),
        "asked": Count("id", filter=Q(satisfaction_asked=True)),
        **{answer: Count("id", filter=Q(satisfaction=answer)) for answer in SATISFACTION.values},
    }
    tally = _ended_per_bucket(filters, figures)
    empty = Counter()

    def cells(bucket: Bucket):
        t = tally.get(bucket.start, empty)
        answered = sum(t[answer] for answer in SATISFACTION.values)
        return [
            *counts([t["ended"], t["asked"]]),
            Share(t["asked"], t["ended"]),
            *counts([t[answer] for answer in SATISFACTION.values]),
            Share(t[SATISFACTION.SATISFIED], answered),
        ]

    table = _bucket_table(
        "satisfaction",
        _("Client satisfaction at the end"),
        period,
        [
            _("Ended"),
            _("Satisfaction asked"),
            _("Share asked"),
            *(str(label).capitalize() for label in SATISFACTION.labels),
            _("Share satisfied"),
        ],
        cells,
        chart=Chart(bars=[3, 4, 5]),
        note=_("'Share satisfied': of those who gave an answer."),
    )
    total = table.rows[-1].cells
    table.rows[-1].cells[2] = Share(total[1].n, total[0].n)
    table.rows[-1].cells[6] = Share(total[3].n, total[3].n + total[4].n + total[5].n)
    return table


def _combined_help(filters: Filters) -> Table:
    """Among the children to whom WIJ keeps a role after triage, those with specialist help
    added (a provider): help added, not handed over (seed 001 §3.7)."""
    period = filters.period
    Role = ChildOutcome.WijRole
    tally = {
        row["bucket"]: row
        for row in _team_child_outcomes(filters)
        .exclude(wij_role="")
        .annotate(bucket=_trunc("triage__held_on", period))
        .values("bucket")
        .annotate(
            basis=Count("id", filter=Q(wij_role=Role.BASIS)),
            coordination=Count("id", filter=Q(wij_role=Role.COORDINATION)),
            total=Count("id"),
            combined=Count("id", filter=Q(provider__isnull=False)),
        )
        .order_by()
    }
    empty = Counter()

    def cells(bucket: Bucket):
        t = tally.get(bucket.start, empty)
        return [
            *counts([t["basis"], t["coordination"], t["total"], t["combined"]]),
            Share(t["combined"], t["total"]),
        ]

    table = _bucket_table(
        "combined-help",
        _("Combined help: specialist help added beside WIJ"),
        period,
        [
            _("Basis jeugdhulp by WIJ"),
            _("WIJ coordinates"),
            _("Children with a role for WIJ"),
            _("Of which specialist help added"),
            _("Share combined"),
        ],
        cells,
        chart=Chart(lines=[4], percent=True),
        note=_(
            "Per child of a triage held in the period whose outcome gives WIJ a role; "
            "'specialist help added': a provider was named beside it."
        ),
    )
    _fill_total_shares(table, [(4, 3, 2)])
    return table


def after_trajectory_groups(trajectories, today: datetime.date, *keys):
    """Trajectories ended per end day, and of those back at WIJ or to specialist care
    within 6 months (trajectories.selectors.after_six_months)."""
    return (
        after_six_months(trajectories, today)
        .values(*keys, "ended_on")
        .annotate(
            ended=Count("id"),
            back=Count("id", filter=Q(back_at_wij=True)),
            specialist=Count("id", filter=Q(to_specialist=True)),
        )
        .order_by()
    )


def after_trajectory_summary_rows(first, last, by_team: bool):
    rows, keys = _teams(
        Trajectory.objects.filter(_days("ended_on", first, last)), "team_id", by_team
    )
    return after_trajectory_groups(rows, last, *keys)


def _after_trajectory(filters: Filters, until: datetime.date | None = None) -> Table:
    """Matched care after the help: trajectories ended in the period, and whether within 6
    months the family was back at WIJ or went to specialist care (computed from the data,
    trajectories.selectors.after_six_months)."""
    period, today = filters.period, filters.today
    groups, summarised = _day_groups(
        filters,
        until,
        model=AfterTrajectoryDay,
        keys=["ended_on"],
        sums=["ended", "back", "specialist"],
        live=lambda *days: after_trajectory_groups(
            _team_trajectories(filters).filter(ended_on__range=days), today
        ),
    )
    for row in groups:
        row["open"] = row["ended"] if _six_months_open(row["ended_on"], today) else 0
    tally = _per_day_bucket(groups, period, "ended_on")
    return _six_month_table(
        "after-trajectory",
        _("After the help at WIJ: back at WIJ or to specialist care within 6 months"),
        _("Trajectories ended"),
        {start: (t["ended"], t["back"], t["specialist"], t["open"]) for start, t in tally.items()},
        period,
        note=_summary_note(
            _(
                "By the month the trajectory ended: a new support request about one of its "
                "children, or a specialist triage outcome, Open House exception or indication "
                "that started, within 6 months after the end."
            ),
            summarised,
        ),
    )


def ijw_requests(filters: Filters) -> list[Table]:
    """The national messages: reporting/ijw_figures.py (imported here, it builds on the
    helpers above)."""
    from .ijw_figures import requests_for_allocation

    return requests_for_allocation(filters)


# --- the register ------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    description: str
    build: object
    uses_period: bool = True


REPORTS = {
    report.slug: report
    for report in (
        Report(
            "instroom",
            gettext_lazy("Client flows"),
            gettext_lazy(
                "New requests by referrer and route; triage outcomes: helped at WIJ or referred on."
            ),
            client_flows,
        ),
        Report(
            "matched-care",
            gettext_lazy("Matched care"),
            gettext_lazy(
                "Intensity against outcome, referral shares, re-indications, and signals of help too light or too heavy."
            ),
            matched_care,
        ),
        Report(
            "basis-jeugdhulp",
            gettext_lazy("Basis jeugdhulp: the help itself"),
            gettext_lazy(
                "Children and families helped, waiting time, duration, scaling up and down, end reasons and results, combined help."
            ),
            basis_help,
        ),
        Report(
            "prognose",
            gettext_lazy("Forecast"),
            gettext_lazy(
                "The re-triages that running indications bring to each WIJ team in the next 12 months."
            ),
            forecast,
            uses_period=False,
        ),
        Report(
            "termijnen",
            gettext_lazy("Deadlines"),
            gettext_lazy(
                "Contact within 5 working days, end-evaluations on time, indications 'niet in beeld'."
            ),
            deadlines,
        ),
        Report(
            "transitie",
            gettext_lazy("Transition"),
            gettext_lazy(
                "Running indications per product and provider, in kind and PGB, flagged and "
                "ended, extensions, early handovers, provider stops."
            ),
            transition,
        ),
        Report(
            "verzoeken-om-toewijzing",
            gettext_lazy("Requests for allocation (JW315)"),
            gettext_lazy(
                "Requests from Open House providers per referrer type and product: to WIJ, "
                "allocated, rejected or outside Basis jeugdhulp; answers and retours in time."
            ),
            ijw_requests,
        ),
    )
}


__all__ = ["MONTH", "QUARTER", "REPORTS", "Filters"]
