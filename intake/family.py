"""Queries of the family file (gezinsdossier): a household's members, each visible child's
records, and one timeline of the family's case in plain Dutch events.

Every read goes through the models' visibility rules: the household through
Household.visible_to, the children through Client.visible_to, their records through
SupportRequest.visible_to and Indication.visible_to. A child the user may not see is
listed without details and none of its records are read. A fixed number of queries,
whatever the number of children or records (tests/intake/test_family.py)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indications.models import Indication
from openhouse.models import EndEvaluation, HandoverNote
from triage.models import Beschikking, ChildOutcome, ConversationReport

from .models import Client, Household, HouseholdMember, SupportRequest


@dataclass
class ChildFile:
    client: Client
    member: HouseholdMember
    requests: list = field(default_factory=list)
    indications: list = field(default_factory=list)
    trajectories: list = field(default_factory=list)


@dataclass
class FamilyFile:
    household: Household
    members: list  # the adults and siblings who are no clients
    children: list  # ChildFile, one per child the user may see
    hidden: list  # HouseholdMember rows of children the user may not see

    @property
    def child_ids(self) -> list[int]:
        return [child.client.pk for child in self.children]


def person_short(user) -> str:
    """ "S. de Vries": how the timeline names a worker."""
    if user is None:
        return ""
    if user.first_name and user.last_name:
        return f"{user.first_name[0]}. {user.last_name}"
    return user.get_full_name() or user.username


def family_file(household: Household, *, user) -> FamilyFile:
    """The household's members and, for each child the user may see, its requests (with
    triage, beschikkingen, reports), trajectories (with coaches and intensity changes) and
    indications (with end-evaluations, handover notes)."""
    members = list(
        household.members.select_related("client__team").order_by(
            "role", "client__date_of_birth", "id"
        )
    )
    child_ids = [m.client_id for m in members if m.client_id]
    visible = set(
        Client.objects.visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True)
    )
    children = {
        m.client_id: ChildFile(client=m.client, member=m) for m in members if m.client_id in visible
    }
    requests = (
        SupportRequest.objects.visible_to(user)
        .filter(
            pk__in=SupportRequest.clients.through.objects.filter(client_id__in=visible).values(
                "supportrequest_id"
            )
        )
        .select_related("team", "assigned_worker", "registered_by", "household", "triage")
        .prefetch_related(
            "clients",
            "triage__products",
            "triage__workers",
            Prefetch(
                "triage__child_outcomes",
                queryset=ChildOutcome.objects.select_related("provider", "client"),
            ),
            "worker_changes",
            Prefetch("beschikkingen", queryset=Beschikking.objects.select_related("issued_by")),
            Prefetch("reports", queryset=ConversationReport.objects.select_related("author")),
        )
        .order_by("-received_at", "-id")
    )
    for support_request in requests:
        for client in support_request.clients.all():
            if client.pk in children:
                children[client.pk].requests.append(support_request)
    indications = (
        Indication.objects.visible_to(user)
        .filter(client_id__in=visible)
        .select_related("product", "provider", "follow_up_request")
        .prefetch_related(
            Prefetch("end_evaluations", queryset=EndEvaluation.objects.order_by("-version")),
            Prefetch("handover_notes", queryset=HandoverNote.objects.select_related("author")),
        )
        .order_by("-start_on", "-id")
    )
    for indication in indications:
        children[indication.client_id].indications.append(indication)
    from trajectories.models import Trajectory, TrajectoryChild, TrajectoryCoach

    trajectories = (
        Trajectory.objects.visible_to(user)
        .filter(pk__in=TrajectoryChild.objects.filter(client_id__in=visible).values("trajectory"))
        .select_related("product")
        .prefetch_related(
            "children",
            "intensity_changes",
            Prefetch(
                "coaches",
                queryset=TrajectoryCoach.objects.filter(coordinator=True).select_related("coach"),
            ),
        )
        .order_by("-created_at", "-id")
    )
    for trajectory in trajectories:
        for link in trajectory.children.all():
            if link.client_id in children:
                children[link.client_id].trajectories.append(trajectory)
    return FamilyFile(
        household=household,
        members=[m for m in members if not m.client_id],
        children=list(children.values()),
        hidden=[m for m in members if m.client_id and m.client_id not in visible],
    )


# --- The timeline -----------------------------------------------------------------------


@dataclass
class Event:
    when: datetime.datetime
    what: str
    children: list = field(default_factory=list)  # Client rows the event is about
    url: str = ""
    with_time: bool = True


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _day_event(day, what, children, url="") -> Event:
    return Event(when=_at(day), what=what, children=children, url=url, with_time=False)


def family_timeline(family: FamilyFile, *, child_id: int | None = None) -> list[Event]:
    """The family's case, newest first, in plain Dutch events built from the records and
    their history; `child_id` keeps the events about that child (and the family's own)."""

    events: list[Event] = []
    requests = {r.pk: r for child in family.children for r in child.requests}
    visible = {child.client.pk for child in family.children}
    for support_request in requests.values():
        about = [c for c in support_request.clients.all() if c.pk in visible]
        url = reverse("intake:detail", args=[support_request.pk])
        events += _request_events(support_request, about, url)
        triage = getattr(support_request, "triage", None)
        if triage is not None:
            events.append(_triage_event(triage, about, url))
        for beschikking in support_request.beschikkingen.all():
            link = reverse("triage:beschikking", args=[beschikking.pk])
            events.append(
                _day_event(beschikking.requested_on, _("Beschikking requested"), about, link)
            )
            if beschikking.issued_on:
                events.append(
                    _day_event(beschikking.issued_on, _("Beschikking issued"), about, link)
                )
        for report in support_request.reports.all():
            events.append(
                _day_event(
                    report.held_on,
                    _("Conversation report by %(name)s") % {"name": person_short(report.author)},
                    about,
                    reverse("triage:report", args=[report.pk]),
                )
            )
        for change in support_request.worker_changes.all():
            events.append(
                _day_event(
                    change.requested_on,
                    _("Family asked for another worker: %(reason)s")
                    % {"reason": change.get_reason_display()},
                    about,
                    url,
                )
            )
    events += _history_events(requests, visible)
    events += _trajectory_events(family, visible)
    for child in family.children:
        client_url = reverse("indications:client", args=[child.client.pk])
        for indication in child.indications:
            events += _indication_events(indication, child.client, client_url)
            for evaluation in indication.end_evaluations.all():
                events.append(
                    Event(
                        evaluation.uploaded_at,
                        _("End-evaluation received (%(code)s, version %(version)s)")
                        % {"code": indication.product.code, "version": evaluation.version},
                        [child.client],
                        client_url,
                    )
                )
            for note in indication.handover_notes.all():
                events.append(
                    Event(
                        note.created_at,
                        _("Handover: message from %(side)s (%(code)s)")
                        % {"side": note.get_side_display(), "code": indication.product.code},
                        [child.client],
                        client_url,
                    )
                )
    events += _household_events(family.household)
    if child_id is not None:
        events = [e for e in events if not e.children or any(c.pk == child_id for c in e.children)]
    events.sort(key=lambda event: event.when, reverse=True)
    return events


def _indication_events(indication, client, url) -> list[Event]:
    """An indication's start (with its provider or PGB, and its end or an open end) and,
    when the care ended before its end date, that end with its reason."""
    values = {
        "code": indication.product.code,
        "provider": indication.provider_label,
        "start": f"{indication.start_on:%d-%m-%Y}",
        "end": f"{indication.end_on:%d-%m-%Y}" if indication.end_on else "",
    }
    if indication.end_on:
        what = _("Indication %(code)s with %(provider)s from %(start)s to %(end)s") % values
    else:
        what = _("Indication %(code)s with %(provider)s from %(start)s, open end") % values
    events = [_day_event(indication.start_on, what, [client], url)]
    if indication.status in Indication.ENDED_EARLY:
        events.append(
            _day_event(
                indication.end_on,
                _("Indication %(code)s ended early on %(end)s: %(status)s (%(reason)s)")
                % {
                    **values,
                    "status": indication.get_status_display(),
                    "reason": indication.get_end_reason_display(),
                },
                [client],
                url,
            )
        )
    return events


def _trajectory_events(family: FamilyFile, visible: set) -> list[Event]:
    """A trajectory's start of the help, its changes of intensity and its end."""
    events = []
    seen = {}
    for child in family.children:
        for trajectory in child.trajectories:
            seen[trajectory.pk] = trajectory
    for trajectory in seen.values():
        about = [
            child.client
            for child in family.children
            if any(link.client_id == child.client.pk for link in trajectory.children.all())
        ]
        url = reverse("trajectories:detail", args=[trajectory.pk])
        number = {"number": trajectory.pk}
        if trajectory.started_on:
            events.append(
                _day_event(
                    trajectory.started_on,
                    _("Trajectory %(number)s: help started") % number,
                    about,
                    url,
                )
            )
        for change in trajectory.intensity_changes.all():
            events.append(
                _day_event(
                    change.changed_on,
                    _("Trajectory %(number)s: intensity %(from)s → %(to)s")
                    % {
                        **number,
                        "from": change.get_from_intensity_display(),
                        "to": change.get_to_intensity_display(),
                    },
                    about,
                    url,
                )
            )
        if trajectory.ended_on:
            events.append(
                _day_event(
                    trajectory.ended_on,
                    _("Trajectory %(number)s ended: %(reason)s")
                    % {**number, "reason": trajectory.get_end_reason_display()},
                    about,
                    url,
                )
            )
    return events


def _request_events(support_request, about, url) -> list[Event]:
    registered = _("Registration #%(pk)s registered") % {"pk": support_request.pk}
    if support_request.registered_by:
        registered = _("Registration #%(pk)s registered by %(name)s") % {
            "pk": support_request.pk,
            "name": person_short(support_request.registered_by),
        }
    events = [Event(support_request.received_at, registered, about, url)]
    if support_request.first_contact_on:
        events.append(_day_event(support_request.first_contact_on, _("First contact"), about, url))
    return events


def _triage_event(triage, about, url) -> Event:
    workers = ", ".join(person_short(worker) for worker in triage.workers.all())
    codes = " ".join(product.code for product in triage.products.all())
    shown = {child.pk for child in about}
    rows = [row for row in triage.child_outcomes.all() if row.client_id in shown]
    if rows:
        # What follows per child (of those the user may see), with the provider beside it.
        outcome = "; ".join(
            f"{row.client.first_name}: {row.get_outcome_display()}"
            + (f" ({row.provider.name})" if row.provider_id else "")
            for row in rows
        )
    else:
        outcome = triage.get_outcome_display()
    text = f"{outcome} {codes}".strip()
    if workers:
        what = _("Triage by %(workers)s: %(outcome)s") % {"workers": workers, "outcome": text}
    else:
        what = _("Triage: %(outcome)s") % {"outcome": text}
    return _day_event(triage.held_on, what, about, url)


def _history_events(requests: dict, visible: set) -> list[Event]:
    """Assignments and closings, from the requests' history (two queries in all)."""
    from django.contrib.auth import get_user_model

    if not requests:
        return []
    records = list(
        SupportRequest.history.filter(id__in=list(requests)).order_by(
            "id", "history_date", "history_id"
        )
    )
    worker_ids = {r.assigned_worker_id for r in records if r.assigned_worker_id}
    workers = (
        {u.pk: u for u in get_user_model().objects.filter(pk__in=worker_ids)} if worker_ids else {}
    )
    events = []
    previous = None
    for record in records:
        support_request = requests[record.id]
        about = [c for c in support_request.clients.all() if c.pk in visible]
        url = reverse("intake:detail", args=[record.id])
        before = previous if previous is not None and previous.id == record.id else None
        if record.assigned_worker_id and (
            before is None or before.assigned_worker_id != record.assigned_worker_id
        ):
            name = person_short(workers.get(record.assigned_worker_id))
            events.append(
                Event(record.history_date, _("Assigned to %(name)s") % {"name": name}, about, url)
            )
        if record.status == SupportRequest.Status.CLOSED and (
            before is None or before.status != SupportRequest.Status.CLOSED
        ):
            reason = dict(SupportRequest.CloseReason.choices).get(record.close_reason, "")
            events.append(
                Event(record.history_date, _("Closed: %(reason)s") % {"reason": reason}, about, url)
            )
        if before is not None and before.household_id != record.household_id:
            what = _("Request moved to another household")
            if record.household_id == support_request.household_id:
                what = _("Request moved to %(name)s") % {"name": support_request.household.name}
            events.append(Event(record.history_date, what, about, url))
        previous = record
    return events


def _household_events(household: Household) -> list[Event]:
    """Merges into this household and splits from or off it (two queries)."""
    events = []
    related = Household.objects.filter(merged_into=household) | Household.objects.filter(
        split_from=household
    )
    if household.split_from_id:
        related = related | Household.objects.filter(pk=household.split_from_id)
    for other in related.order_by("pk"):
        if other.merged_into_id == household.pk and other.changed_at:
            events.append(
                Event(other.changed_at, _("Family merged with %(name)s") % {"name": other.name})
            )
        elif other.split_from_id == household.pk and other.changed_at:
            events.append(
                Event(
                    other.changed_at,
                    _("Family split: %(name)s continues separately") % {"name": other.name},
                )
            )
        elif other.pk == household.split_from_id and household.changed_at:
            events.append(
                Event(
                    household.changed_at,
                    _("Family split off from %(name)s") % {"name": other.name},
                )
            )
    return events
