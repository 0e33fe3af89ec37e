"""Queries of the intake: search, worklists, duplicates and a request's timeline."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from samen.identifiers import normalize_bsn, normalize_postcode

from .models import Client, HouseholdMember, SupportRequest, WorkerChangeRequest

POSTCODE_AND_NUMBER = re.compile(r"^\s*([1-9][0-9]{3}\s?[A-Za-z]{2})\s+(\d+\S*)\s*$")
DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
# A name with a date of birth, a BSN or an address fits; anything longer is not a search.
SEARCH_MAX = 100


def client_search(query: str, *, visible: QuerySet[Client], limit: int = 20) -> list[Client]:
    """Find clients by BSN, by postcode + house number, or by name (and date of birth)."""
    query = (query or "").strip()
    # PostgreSQL cannot compare a text holding a NUL byte (a server error otherwise).
    if not query or len(query) > SEARCH_MAX or "\x00" in query:
        return []
    digits = query.replace(" ", "")
    if digits.isdigit() and len(digits) in (8, 9):
        try:
            return list(visible.filter(bsn=normalize_bsn(digits))[:limit])
        except ValidationError:
            return []
    address = POSTCODE_AND_NUMBER.match(query)
    if address:
        postcode = normalize_postcode(address[1])
        return list(visible.filter(postcode=postcode, house_number__iexact=address[2])[:limit])
    condition = Q()
    date = DATE.search(query)
    if date:
        try:
            born = datetime.date(int(date[3]), int(date[2]), int(date[1]))
        except ValueError:
            return []
        condition &= Q(date_of_birth=born)
        query = DATE.sub("", query)
    for term in query.split():
        condition &= Q(first_name__icontains=term) | Q(last_name__icontains=term)
    return list(visible.filter(condition).select_related("team")[:limit])


def likely_duplicates(
    *, first_name: str, last_name: str, date_of_birth, postcode: str = "", house_number: str = ""
) -> list[Client]:
    """Clients that may be the same child: same date of birth and a name or address in common."""
    if not date_of_birth:
        return []
    same_name = Q(last_name__iexact=last_name.strip()) | Q(first_name__iexact=first_name.strip())
    same_address = (
        Q(postcode=postcode, house_number__iexact=house_number) if postcode else Q(pk__in=[])
    )
    return list(
        Client.objects.filter(
            Q(date_of_birth=date_of_birth) & (same_name | same_address)
        ).select_related("team")[:10]
    )


def with_list_data(requests: QuerySet[SupportRequest], today: datetime.date):
    """What every list of requests shows, in a fixed number of queries."""
    return (
        requests.select_related("household", "team", "assigned_worker", "referrer_organisation")
        .prefetch_related(Prefetch("clients", queryset=Client.objects.order_by("date_of_birth")))
        .annotate(
            overdue=Case(
                When(overdue_condition(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def worklist(requests: QuerySet[SupportRequest], today: datetime.date):
    """Open requests, overdue first, then by contact deadline."""
    return with_list_data(requests.open(), today).order_by("-overdue", "contact_deadline", "id")


def request_detail(pk: int, *, visible: QuerySet[SupportRequest]) -> SupportRequest:
    return (
        visible.select_related(
            "household",
            "team",
            "assigned_worker",
            "referrer_organisation",
            "registered_by",
            "triage__exception__product",
        )
        .prefetch_related(
            "clients",
            "reports",
            "beschikkingen",
            Prefetch("triage__products"),
            Prefetch(
                "household__members",
                queryset=HouseholdMember.objects.select_related("client").order_by("role", "id"),
            ),
            Prefetch(
                "worker_changes",
                queryset=WorkerChangeRequest.objects.select_related(
                    "previous_worker", "new_worker", "decided_by"
                ),
            ),
        )
        .get(pk=pk)
    )


TRACKED = {
    "status": _("status"),
    "assigned_worker": _("assigned worker"),
    "first_contact_on": _("first contact on"),
    "close_reason": _("reason for closing"),
    "question": _("question"),
    "team": _("WIJ team"),
}


def request_timeline(support_request: SupportRequest) -> list[dict]:
    """What happened to a request, newest first, from its history (two queries)."""
    records = list(support_request.history.select_related("history_user").order_by("history_date"))
    events = []
    previous = None
    for record in records:
        if previous is None:
            events.append(
                {"when": record.history_date, "who": record.history_user, "what": _("Registered")}
            )
        else:
            delta = record.diff_against(
                previous, included_fields=list(TRACKED), foreign_keys_are_objs=False
            )
            for change in delta.changes:
                events.append(
                    {
                        "when": record.history_date,
                        "who": record.history_user,
                        "what": _("%(field)s changed") % {"field": TRACKED[change.field]},
                        "field": change.field,
                        "old": change.old,
                        "new": change.new,
                    }
                )
        previous = record
    _label_values(events)
    for change in support_request.worker_changes.all():
        events.append(
            {
                "when": datetime.datetime.combine(
                    change.requested_on, datetime.time(), tzinfo=datetime.UTC
                ),
                "who": None,
                "what": _("Family asked for another worker: %(reason)s")
                % {"reason": change.get_reason_display()},
            }
        )
    events.sort(key=lambda event: event["when"], reverse=True)
    return events


def _label_values(events: list[dict]) -> None:
    """Turn stored values (ids, codes) into what a person reads; one query for the users."""
    from django.contrib.auth import get_user_model

    from .models import Team

    user_ids = {
        value
        for event in events
        if event.get("field") == "assigned_worker"
        for value in (event["old"], event["new"])
        if value
    }
    team_ids = {
        value
        for event in events
        if event.get("field") == "team"
        for value in (event["old"], event["new"])
        if value
    }
    users = (
        {
            u.pk: u.get_full_name() or u.username
            for u in get_user_model().objects.filter(pk__in=user_ids)
        }
        if user_ids
        else {}
    )
    teams = {t.pk: t.name for t in Team.objects.filter(pk__in=team_ids)} if team_ids else {}
    labels = {
        "status": dict(SupportRequest.Status.choices),
        "close_reason": dict(SupportRequest.CloseReason.choices),
        "assigned_worker": users,
        "team": teams,
    }
    for event in events:
        field = event.get("field")
        if field in labels:
            for key in ("old", "new"):
                event[key] = labels[field].get(event[key], event[key])


# Dashboards and Mijn team. Each function is one query (an aggregate or a grouped count),
# whatever the number of rows; the callers pass what the user may see (visible_to).


def overdue_condition(today: datetime.date) -> Q:
    """Open, not contacted, past the contact deadline (as SupportRequestQuerySet.overdue)."""
    return ~Q(status=SupportRequest.Status.CLOSED) & Q(
        first_contact_on__isnull=True, contact_deadline__lt=today
    )


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday of this week: "this week" on the dashboards."""
    return today + datetime.timedelta(days=6 - today.weekday())


def request_counts(requests: QuerySet[SupportRequest], today: datetime.date) -> dict:
    """Open requests counted: total, overdue, contact due this week (not yet overdue),
    unassigned, in triage. One query."""
    due_this_week = Q(
        first_contact_on__isnull=True,
        contact_deadline__gte=today,
        contact_deadline__lte=week_end(today),
    )
    return requests.open().aggregate(
        total=Count("id"),
        overdue=Count("id", filter=overdue_condition(today)),
        due_this_week=Count("id", filter=due_this_week),
        unassigned=Count("id", filter=Q(assigned_worker__isnull=True)),
        in_triage=Count("id", filter=Q(status=SupportRequest.Status.IN_TRIAGE)),
    )


def workload_per_worker(requests: QuerySet[SupportRequest], today: datetime.date) -> list[dict]:
    """Open and overdue requests per assigned worker (unassigned last), most overdue first.
    One grouped query; names come with it."""
    rows = (
        requests.open()
        .values(
            "assigned_worker_id",
            "assigned_worker__first_name",
            "assigned_worker__last_name",
            "assigned_worker__username",
        )
        .annotate(open=Count("id"), overdue=Count("id", filter=overdue_condition(today)))
        .order_by("-overdue", "-open", "assigned_worker__first_name", "assigned_worker_id")
    )
    result = []
    for row in rows:
        name = " ".join(
            part
            for part in (row["assigned_worker__first_name"], row["assigned_worker__last_name"])
            if part
        )
        result.append(
            {
                "worker_id": row["assigned_worker_id"],
                "name": name or row["assigned_worker__username"],
                "open": row["open"],
                "overdue": row["overdue"],
            }
        )
    # Unassigned requests are a decision for the team lead, shown on their own row last.
    result.sort(key=lambda row: row["worker_id"] is None)
    return result


def worker_changes_pending(requests: QuerySet[SupportRequest], *, limit: int = 20):
    """Families' requests for another worker waiting for the team lead's decision, oldest
    first (one query)."""
    return list(
        WorkerChangeRequest.objects.filter(
            outcome=WorkerChangeRequest.Outcome.PENDING, support_request__in=requests
        )
        .select_related("support_request__household", "previous_worker")
        .order_by("requested_on", "id")[:limit]
    )
