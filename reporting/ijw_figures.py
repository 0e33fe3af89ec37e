"""The national messages in figures: requests for allocation (JW315) per month, referrer
type and product, where they went (WIJ, allocated, rejected, outside Basis jeugdhulp), and
whether answers and retours were on time. The first figure shows whether referrers still
refer the old way, to the Open House (implementation plan, §4: "Verwijzers blijven
verwijzen naar de OH ... - Monitoren"). Aggregates only, suppressed as every report."""

import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ijw.codes import RETOUR_FOR
from ijw.models import AllocationRequest, Message
from referrals.models import Product, ReferrerType

from .periods import Bucket
from .selectors import Filters, _bucket_table, _moment, _received_in, _total_row, _trunc
from .tables import Chart, Row, Share, Table, counts
from .tables import Count as Cell

Route = AllocationRequest.Route
ANSWERS = ("JW301", "JW319")

# Where a request went: one column each, counted in one GROUP BY.
OUTCOMES = {
    "received": Q(),
    "proposed_wij": Q(proposed_route=Route.WIJ),
    "wij": Q(route=Route.WIJ),
    "allocated": Q(route=Route.ALLOCATE),
    "rejected": Q(route=Route.REJECT),
    "out_of_scope": Q(route=Route.OUT_OF_SCOPE),
    "open": Q(status__in=AllocationRequest.OPEN),
}


def _outcome_columns() -> list[str]:
    return [
        _("Requested"),
        _("Proposed: to WIJ"),
        _("Decided: to WIJ"),
        _("Allocated"),
        _("Rejected"),
        _("Outside Basis jeugdhulp"),
        _("Still open"),
        _("Share to WIJ of those decided"),
    ]


def _outcome_cells(tally: dict) -> list:
    values = [tally.get(key, 0) for key in OUTCOMES]
    decided = tally.get("received", 0) - tally.get("open", 0)
    return [*counts(values), Share(tally.get("wij", 0), decided)]


def _requests(filters: Filters):
    """The requested products of the JW315s received in the period (a refused message
    made none); month by the message's receipt."""
    requests = AllocationRequest.objects.filter(
        kind=AllocationRequest.Kind.ALLOCATION,
        message__received_at__gte=_moment(filters.period.start),
        message__received_at__lt=_moment(filters.period.end + datetime.timedelta(days=1)),
    )
    if filters.team:
        requests = requests.filter(Q(client__team=filters.team) | Q(team=filters.team))
    return requests


def _tally(requests, *keys) -> dict:
    """{key values: {outcome: count}} in one query."""
    rows = (
        requests.values(*keys)
        .annotate(**{name: Count("id", filter=q) for name, q in OUTCOMES.items()})
        .order_by()
    )
    return {tuple(row[k] for k in keys): row for row in rows}


def _fill_total_share(table: Table) -> None:
    total = table.rows[-1].cells
    total[-1] = Share(total[2].n, total[0].n - total[6].n)


def requests_for_allocation(filters: Filters) -> list[Table]:
    period = filters.period
    requests = _requests(filters).annotate(bucket=_trunc("message__received_at", period))
    per_month = _tally(requests, "bucket")
    per_referrer_month = _tally(requests, "bucket", "referrer_type")
    per_referrer = _tally(requests, "referrer_type")
    per_product = _tally(requests, "product_id")
    products = list(Product.objects.order_by("moves_on", "code"))
    referrers = [*ReferrerType.choices, ("", _("Not given"))]

    monthly = _bucket_table(
        "ijw-requests",
        _("Requests for allocation (JW315): where they went"),
        period,
        _outcome_columns(),
        lambda bucket: _outcome_cells(per_month.get((bucket.start,), {})),
        chart=Chart(bars=[2, 3, 4, 5, 6]),
        note=_(
            "Each requested product of a JW315 received in the month counts once. Proposed: "
            "the phasing table's proposal; decided: the youth administration's decision (or "
            "the automatic one). Still open: waiting for the decision, also when answered "
            "'in onderzoek'. A message refused with a retour (error codes) requests nothing."
        ),
    )
    _fill_total_share(monthly)

    def referrer_cells(bucket: Bucket) -> list:
        values = [
            per_referrer_month.get((bucket.start, code), {}).get("received", 0)
            for code, _label in referrers
        ]
        return counts([*values, sum(values)])

    by_referrer_month = _bucket_table(
        "ijw-requests-by-referrer",
        _("Requests for allocation (JW315) per referrer type"),
        period,
        [*(label for _code, label in referrers), _("Total")],
        referrer_cells,
        chart=Chart(bars=list(range(len(referrers)))),
        note=_(
            "The referrer (COD327) the provider names in the request. Requests from a "
            "referrer whose route to WIJ is open show that it still refers the old way, to "
            "the Open House (implementation plan, §4: monitored)."
        ),
    )

    referrer_rows = [
        Row(str(label), _outcome_cells(per_referrer.get((code,), {}))) for code, label in referrers
    ]
    referrer_rows.append(_total_row(referrer_rows))
    outcomes_by_referrer = Table(
        "ijw-referrer-outcomes",
        _("Requests for allocation (JW315) per referrer type: where they went"),
        _outcome_columns(),
        referrer_rows,
        row_header=_("Referrer"),
        note=_("Over the whole period."),
    )
    _fill_total_share(outcomes_by_referrer)

    product_rows = [
        Row(f"{p.code} {p.name}", _outcome_cells(per_product.get((p.pk,), {}))) for p in products
    ]
    product_rows.append(
        Row(_("Another product code"), _outcome_cells(per_product.get((None,), {})))
    )
    product_rows.append(_total_row(product_rows))
    outcomes_by_product = Table(
        "ijw-product-outcomes",
        _("Requests for allocation (JW315) per product: where they went"),
        _outcome_columns(),
        product_rows,
        row_header=_("Product"),
        note=_(
            "Over the whole period. Another product code: not one of the 11 products of "
            "Basis jeugdhulp (the municipality's own handling)."
        ),
    )
    _fill_total_share(outcomes_by_product)
    return [
        monthly,
        by_referrer_month,
        outcomes_by_referrer,
        outcomes_by_product,
        _answers_on_time(filters),
        _retours_on_time(filters),
    ]


def _local_day(moment) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def _answers_on_time(filters: Filters) -> Table:
    """JW315s answered (JW301 or JW319, the first one) within 5 working days of receipt."""
    period, today = filters.period, filters.today
    messages = Message.objects.filter(
        _received_in(period),
        direction=Message.Direction.IN,
        message_type="JW315",
        answer_due_on__isnull=False,
    ).exclude(status=Message.Status.REJECTED)
    if filters.team:
        messages = messages.filter(
            Q(client__team=filters.team) | Q(requests__team=filters.team)
        ).distinct()
    rows = (
        messages.annotate(
            bucket=_trunc("received_at", period),
            first_answer=Min("replies__received_at", filter=Q(replies__message_type__in=ANSWERS)),
        )
        .values("bucket", "answer_due_on", "first_answer")
        .order_by()
    )
    tally: dict = {}
    for row in rows:
        t = tally.setdefault(row["bucket"], {"received": 0, "on_time": 0, "late": 0, "due": 0})
        t["received"] += 1
        answered_on = _local_day(row["first_answer"])
        if answered_on is None:
            t["due"] += row["answer_due_on"] < today
        elif answered_on <= row["answer_due_on"]:
            t["on_time"] += 1
        else:
            t["late"] += 1

    def cells(bucket: Bucket) -> list:
        t = tally.get(bucket.start, {})
        on_time, late, overdue = t.get("on_time", 0), t.get("late", 0), t.get("due", 0)
        return [
            Cell(t.get("received", 0)),
            Cell(on_time),
            Cell(late),
            Share(on_time, on_time + late + overdue),
            Cell(overdue),
        ]

    table = _bucket_table(
        "ijw-answers",
        _("Answers to requests for allocation within 5 working days"),
        period,
        [
            _("JW315 received"),
            _("Answered in time"),
            _("Answered late"),
            _("Share in time"),
            _("Not answered, overdue now"),
        ],
        cells,
        chart=Chart(lines=[3], percent=True),
        note=_(
            "The first answer to a JW315 counts: a JW301 (allocation) or a JW319 (rejected, "
            "or 'in onderzoek'), written on or before the 5th working day after receipt. "
            "Messages refused with a retour need no answer."
        ),
    )
    total = table.rows[-1].cells
    total[3] = Share(total[1].n, total[1].n + total[2].n + total[4].n)
    return table


def _retours_on_time(filters: Filters) -> Table:
    """Our retours on what came in (written at once), and the providers' retours on our
    JW301 and JW319 (within 3 working days)."""
    period, today = filters.period, filters.today
    incoming = Message.objects.filter(
        _received_in(period),
        direction=Message.Direction.IN,
        message_type__in=list(RETOUR_FOR),
    )
    ours = Message.objects.filter(
        _received_in(period),
        direction=Message.Direction.OUT,
        message_type__in=list(RETOUR_FOR),
    )
    if filters.team:
        incoming = incoming.filter(client__team=filters.team)
        ours = ours.filter(client__team=filters.team)
    retour_types = list(RETOUR_FOR.values())
    in_rows = (
        incoming.annotate(
            bucket=_trunc("received_at", period),
            retour_at=Min("replies__received_at", filter=Q(replies__message_type__in=retour_types)),
        )
        .values("bucket", "retour_due_on", "retour_at")
        .order_by()
    )
    tally: dict = {}

    def add(bucket, key):
        t = tally.setdefault(
            bucket, dict.fromkeys(("in", "ours", "out", "on_time", "late", "due"), 0)
        )
        t[key] += 1

    for row in in_rows:
        add(row["bucket"], "in")
        written = _local_day(row["retour_at"])
        if written is not None and written <= row["retour_due_on"]:
            add(row["bucket"], "ours")
    out_rows = (
        ours.annotate(bucket=_trunc("received_at", period))
        .values("bucket", "retour_due_on", "done_at", "status")
        .order_by()
    )
    for row in out_rows:
        add(row["bucket"], "out")
        if row["status"] in (Message.Status.CONFIRMED, Message.Status.RETURNED):
            add(
                row["bucket"],
                "on_time" if _local_day(row["done_at"]) <= row["retour_due_on"] else "late",
            )
        elif row["retour_due_on"] and row["retour_due_on"] < today:
            add(row["bucket"], "due")

    def cells(bucket: Bucket) -> list:
        t = tally.get(bucket.start, {})
        get = t.get
        return [
            Cell(get("in", 0)),
            Cell(get("ours", 0)),
            Share(get("ours", 0), get("in", 0)),
            Cell(get("out", 0)),
            Cell(get("on_time", 0)),
            Cell(get("late", 0)),
            Cell(get("due", 0)),
        ]

    table = _bucket_table(
        "ijw-retours",
        _("Retours in time"),
        period,
        [
            _("Messages received"),
            _("Our retour in time"),
            _("Share in time"),
            _("Our JW301 and JW319"),
            _("Provider's retour in time"),
            _("Provider's retour late"),
            _("No retour, overdue now"),
        ],
        cells,
        note=_(
            "Our retour (JW316, JW306, JW308, JW318) is written when the message is "
            "registered; in time: within 3 working days. The provider's retour (JW302, "
            "JW320) on our allocation or answer is due within 3 working days of our message."
        ),
    )
    total = table.rows[-1].cells
    total[2] = Share(total[1].n, total[0].n)
    return table
