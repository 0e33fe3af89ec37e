"""Queries of the intake: search, worklists, duplicates and a request's timeline."""

import contextlib
import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.identifiers import normalize_bsn, search_form

from .models import (
    Client,
    FurtherQuestion,
    Household,
    HouseholdMember,
    RequestReopening,
    SupportRequest,
    WorkerChangeRequest,
)

# Postcode and house number in any spelling: "9735rv140", "9735 RV 140", "9735RV, 140a".
POSTCODE_AND_NUMBER = re.compile(
    r"^([1-9][0-9]{3})\s*([a-z]{2})[\s,.]*([0-9]{1,5})(?:\s*-?\s*([a-z0-9]{1,4}))?$",
    re.IGNORECASE,
)
# Dates as people type them: 7-3-2015, 07-03-2015, 7/3/2015, 7.3.2015, 07032015.
DATE = re.compile(r"(?<![0-9])(?:([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})|([0-9]{8}))(?![0-9])")
# A name with a date of birth, a BSN or an address fits; anything longer is not a search.
SEARCH_MAX = 100
SEARCH_MIN = 2
SEARCH_LIMIT = 20


@dataclass
class ClientSearch:
    """What a search found: at most `limit` clients, best first; `more` when there were
    more; `message` (Dutch) when the terms could not be searched."""

    clients: list[Client] = field(default_factory=list)
    more: bool = False
    message: str = ""
    searched: bool = False


@dataclass
class _Terms:
    bsn: str = ""
    dates: list[datetime.date] = field(default_factory=list)
    postcode: str = ""
    house_number: str = ""
    suffix: str = ""
    names: list[str] = field(default_factory=list)


def _date(day: str, month: str, year: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _terms(query: str) -> _Terms | str:
    """The terms of a search, or the Dutch message saying why it cannot be searched."""
    if "\x00" in query:
        return _("The search contains a character that cannot be searched for.")
    if len(query) > SEARCH_MAX:
        return _("Search with at most %(max)d characters.") % {"max": SEARCH_MAX}
    if len(re.sub(r"\W", "", query)) < SEARCH_MIN:
        return _("Type at least %(min)d letters or digits.") % {"min": SEARCH_MIN}
    terms = _Terms()
    compact = re.sub(r"[\s.]", "", query)
    if compact.isdigit() and len(compact) in (8, 9):
        with contextlib.suppress(ValidationError):
            terms.bsn = normalize_bsn(compact)
        # Eight digits may also be a date of birth (07032015).
        born = _date(compact[:2], compact[2:4], compact[4:]) if len(compact) == 8 else None
        if born:
            terms.dates.append(born)
        if not (terms.bsn or terms.dates):
            return _("This is not a valid BSN: it must be 8 or 9 digits and pass the 11-proof.")
        return terms
    address = POSTCODE_AND_NUMBER.match(query.strip())
    if address:
        terms.postcode = f"{address[1]}{address[2].upper()}"
        terms.house_number, terms.suffix = address[3], (address[4] or "").lower()
        return terms
    for found in DATE.finditer(query):
        day, month, year = found[1], found[2], found[3]
        if found[4]:
            day, month, year = found[4][:2], found[4][2:4], found[4][4:]
        born = _date(day, month, year)
        if born is None:
            return _("%(date)s is not a date: type a date of birth as 7-3-2015.") % {
                "date": found[0]
            }
        terms.dates.append(born)
    rest = search_form(re.sub(r"[^\w\s'-]", " ", DATE.sub(" ", query)))
    terms.names = [word for word in rest.split() if len(word) >= SEARCH_MIN]
    if not (terms.names or terms.dates):
        return _("Type at least %(min)d letters or digits.") % {"min": SEARCH_MIN}
    return terms


def client_search(
    query: str, *, visible: QuerySet[Client], limit: int = SEARCH_LIMIT
) -> ClientSearch:
    """Find clients by BSN (exact, on its unique index), by postcode + house number, by
    date of birth, by name (part of a name, any case, without diacritics, near misses such
    as Sarah/Sara: pg_trgm on Client.search_name) or name and date of birth together.
    Best first: the exact BSN, then the closest names. One query."""
    query = (query or "").strip()
    if not query:
        return ClientSearch()
    terms = _terms(query)
    if isinstance(terms, str):
        return ClientSearch(message=terms)
    condition = Q()
    if terms.bsn or (terms.dates and not terms.names):
        either = Q(pk__in=[])
        if terms.bsn:
            either |= Q(bsn=terms.bsn)
        if terms.dates:
            either |= Q(date_of_birth__in=terms.dates)
        condition = either
    elif terms.postcode:
        number = terms.house_number
        if terms.suffix:
            spellings = [
                f"{number}{terms.suffix}",
                f"{number} {terms.suffix}",
                f"{number}-{terms.suffix}",
            ]
            condition = Q(postcode=terms.postcode, house_number__iregex=_one_of(spellings))
        else:
            # 140 also finds 140a and 140-2, not 1400.
            condition = Q(postcode=terms.postcode, house_number__regex=rf"^{number}([^0-9]|$)")
    else:
        condition = Q(date_of_birth__in=terms.dates) if terms.dates else Q()
        for word in terms.names:
            condition &= Q(search_name__contains=word) | Q(search_name__trigram_word_similar=word)
    clients = visible.filter(condition).select_related("team")
    order = ["last_name", "first_name", "pk"]
    if terms.names:
        clients = clients.annotate(
            closeness=TrigramWordSimilarity(Value(" ".join(terms.names)), "search_name")
        )
        order = ["-closeness", *order]
    if terms.bsn:
        clients = clients.annotate(
            exact_bsn=Case(When(bsn=terms.bsn, then=Value(0)), default=Value(1))
        )
        order = ["exact_bsn", *order]
    found = list(clients.order_by(*order)[: limit + 1])
    return ClientSearch(clients=found[:limit], more=len(found) > limit, searched=True)


def _one_of(spellings: list[str]) -> str:
    return "^(" + "|".join(re.escape(spelling) for spelling in spellings) + ")$"


def with_children(households: QuerySet[Household]) -> QuerySet[Household]:
    """Households with their members and the members' clients, in one more query."""
    return households.prefetch_related(
        Prefetch(
            "members",
            queryset=HouseholdMember.objects.select_related("client").order_by(
                "client__date_of_birth", "id"
            ),
        )
    )


def mark_visible_children(households: list[Household], *, user) -> None:
    """Mark every household member's client `visible` when this user may see it
    (Client.visible_to, one query): a child of another team in a household the user sees
    is listed without name, date of birth or address (docs/permissions.md)."""
    clients = [m.client for h in households for m in h.members.all() if m.client_id]
    visible = set(
        Client.objects.visible_to(user)
        .filter(pk__in=[client.pk for client in clients])
        .values_list("pk", flat=True)
    )
    for client in clients:
        client.visible = client.pk in visible


def household_search(
    query: str, *, visible: QuerySet[Household], clients: list[Client], limit: int = 10
) -> list[Household]:
    """Families to register a request with: those of the children found (`clients`, from
    client_search) and those with an adult member whose name has every term of the query
    (a parent is found by name too)."""
    query = (query or "").strip()
    if not query or len(query) > SEARCH_MAX or "\x00" in query:
        return []
    adult = Q()
    for term in DATE.sub("", query).split():
        adult &= Q(name__icontains=term)
    adults = HouseholdMember.objects.filter(adult, client__isnull=True).values("household_id")
    children = HouseholdMember.objects.filter(client__in=[c.pk for c in clients]).values(
        "household_id"
    )
    found = visible.filter(Q(pk__in=children) | (Q(pk__in=adults) if adult else Q(pk__in=[])))
    return list(with_children(found.order_by("name", "pk"))[:limit])


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
        Client.objects.not_destroyed()
        .filter(Q(date_of_birth=date_of_birth) & (same_name | same_address))
        .select_related("team")[:10]
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
                "further_questions",
                queryset=FurtherQuestion.objects.select_related("added_by"),
            ),
            Prefetch(
                "reopenings",
                queryset=RequestReopening.objects.select_related("reopened_by"),
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
    for further in support_request.further_questions.all():
        events.append(
            {
                "when": further.added_at,
                "who": further.added_by,
                "what": _("Question added (received %(day)s)")
                % {"day": timezone.localtime(further.received_at).strftime("%d-%m-%Y")},
            }
        )
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
    for reopening in support_request.reopenings.all():
        events.append(
            {
                "when": reopening.reopened_at,
                "who": reopening.reopened_by,
                "what": _("Reopened (it was closed: %(closed)s). Reason: %(reason)s")
                % {
                    "closed": reopening.get_previous_close_reason_display(),
                    "reason": reopening.reason,
                },
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


def requests_touched_by_opening(
    referrer_type: str, old: datetime.date | None, new: datetime.date | None
) -> QuerySet[SupportRequest]:
    """Requests of a route whose route check would come out differently if the route's
    actual opening had been `new` instead of `old`: those whose referral date (or, without
    one, registration date) lies between the two. An empty date means "not open"."""
    if old == new:
        return SupportRequest.objects.none()
    dates = [day for day in (old, new) if day is not None]
    first, last = min(dates), (max(dates) if len(dates) == 2 else None)
    requests = SupportRequest.objects.filter(referrer_type=referrer_type).annotate(
        route_day=Coalesce("referral_date", TruncDate("received_at"))
    )
    requests = requests.filter(route_day__gte=first)
    return requests.filter(route_day__lt=last) if last else requests


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


# The referrer organisations offered at once on the registration page (issue 21: a
# national instance has thousands; the select lists the chosen one and these matches).
REFERRER_MATCHES = 20
REFERRER_SEARCH_MAX = 100


def referrer_organisations_matching(term: str, referrer_type: str = "") -> list:
    """Active referrer organisations whose name, place or AGB code contains `term` (of
    `referrer_type` when given), at most REFERRER_MATCHES by name. A term that cannot be a
    search (empty, too long, a NUL byte) matches nothing."""
    from referrals.models import ReferrerOrganisation, ReferrerType

    term = (term or "").strip()
    if not term or len(term) > REFERRER_SEARCH_MAX or "\x00" in term:
        return []
    organisations = ReferrerOrganisation.objects.filter(active=True).filter(
        Q(name__icontains=term) | Q(city__icontains=term) | Q(agb_code=term)
    )
    if referrer_type in ReferrerType.values:
        organisations = organisations.filter(referrer_type=referrer_type)
    return list(organisations.order_by("name", "pk")[:REFERRER_MATCHES])
