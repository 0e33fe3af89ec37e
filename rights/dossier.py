"""Everything the system holds on one child (Jeugdwet art. 7.3.10, AVG art. 15), for an
inspection or a copy: the records in sections, each with its fields as the family reads
them (Dutch labels, choice labels, dates) and its history (who changed what when).

`file_collect(client)` reads every model that relates to a child (docs/privacy.md, "The
family's rights"): a fixed number of queries per section, whatever the number of records
(each model once, its history once, and the names it points to once per kind).

Every item has a stable key ("indication:12"): the privacy officer's choices to withhold
(FileCopy.withheld) refer to it, and a section's key ("indications") withholds all of it."""

import datetime
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AccessGrant, AccessLogEntry
from audit.selectors import log_entries
from ijw.models import AllocationRequest, Message
from indications.models import ExtensionRequest, Indication, ProviderNotice, Task
from intake.models import (
    Client,
    FurtherQuestion,
    Household,
    HouseholdMember,
    RequestReopening,
    SupportRequest,
    Team,
    WorkerChangeRequest,
)
from openhouse.models import EndEvaluation, HandoverNote, PassedOnReferral, Provider
from plans.models import Agreement, Evaluation, Goal, GoalProgress, PlanVersion, SupportPlan
from referrals.models import Product, ReferrerOrganisation
from trajectories.models import (
    IntensityChange,
    Reassessment,
    Trajectory,
    TrajectoryChild,
    TrajectoryCoach,
)
from triage.models import (
    Beschikking,
    ChildOutcome,
    ConversationReport,
    CorrectionRequest,
    LifeDomain,
    OpenHouseException,
    Triage,
)

from .models import RightsRequest

# Internal columns that say nothing to a family (search forms, locking counters).
SKIPPED_FIELDS = {"id", "version", "search_name"}
# The access log's columns a family reads (not the IP address, path or user id).
LOG_FIELDS = (
    "at",
    "user_name",
    "role",
    "on_behalf_of",
    "event",
    "part",
    "break_glass",
    "reason",
    "outcome",
)


@dataclass
class HistoryRow:
    at: datetime.datetime
    by: str
    what: str


@dataclass
class Item:
    key: str
    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    # Set when the record concerns other family members too (Jeugdwet art. 7.3.11).
    shared_note: str = ""
    # Documents kept with the record: [(file name, FieldFile)].
    files: list = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Dossier:
    client: Client
    collected_at: datetime.datetime
    sections: list[Section]

    def items(self):
        for section in self.sections:
            yield from section.items

    def keys(self) -> set[str]:
        return {item.key for item in self.items()}


# --- values as the family reads them -------------------------------------------------------


def _name_of(obj) -> str:
    if obj is None:
        return ""
    if isinstance(obj, get_user_model()):
        return obj.get_full_name() or obj.username
    if isinstance(obj, Client):
        return obj.full_name
    return str(getattr(obj, "name", "") or obj)


# The models a record points to that are shown by name; any other link is shown as a
# reference to the record (which is in the dossier itself, or not the child's).
LOOKUP_MODELS = (Team, Product, Provider, ReferrerOrganisation, Household, Client)


class _Names:
    """The names the records point to, fetched once per kind for the whole dossier."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[type, dict] = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def fetch(self):
        for model, ids in self.wanted.items():
            self.found[model] = model._default_manager.in_bulk(ids)

    def name(self, model, pk) -> str:
        obj = self.found.get(model, {}).get(pk)
        return _name_of(obj) if obj is not None else f"{model._meta.verbose_name} {pk}"


def _related_lookup(f) -> type | None:
    model = f.related_model
    if model is get_user_model() or model in LOOKUP_MODELS:
        return model
    return None


def _format_json(value) -> str:
    if isinstance(value, list):
        return ", ".join(_format_json(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_format_json(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _format(f, value, names: _Names) -> str:
    """One stored value as text; '' when empty (empty fields are left out)."""
    if value is None or value == "" or value == []:
        return ""
    if f.is_relation:
        model = _related_lookup(f)
        if model is not None:
            return names.name(model, value)
        return f"{f.related_model._meta.verbose_name} {value}"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(f, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "j-n-Y H:i")
    if isinstance(f, models.DateField):
        return formats.date_format(value, "j-n-Y")
    if isinstance(f, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    if isinstance(f, models.JSONField):
        if f.name == "life_domains":
            labels = dict(LifeDomain.choices)
            value = [labels.get(v, v) for v in value]
        return _format_json(value)
    return str(value)


def _label(f) -> str:
    text = str(f.verbose_name)
    return text[:1].upper() + text[1:]


def _fields_of(model, only=None):
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS and (only is None or f.name in only)
    ]
    if only is not None:
        fields.sort(key=lambda f: only.index(f.name))
    return fields


def _raw(obj, f):
    return getattr(obj, f.attname)


# --- what to collect -----------------------------------------------------------------------


@dataclass
class Part:
    """One model's records in a section."""

    model: type
    prefix: str
    rows: Callable[[Client], models.QuerySet]
    # The record concerns other family members too: (record, shared facts) -> note.
    shared: Callable | None = None
    only: tuple | None = None
    title: Callable | None = None


def _shared_facts(client: Client) -> dict:
    """Which requests, trajectories, plans and households of the child concern other
    children as well (three small grouped queries)."""
    links = SupportRequest.clients.through.objects
    requests = set(
        links.filter(
            supportrequest_id__in=links.filter(client_id=client.pk).values("supportrequest_id")
        )
        .values("supportrequest_id")
        .annotate(n=Count("client_id", distinct=True))
        .filter(n__gt=1)
        .values_list("supportrequest_id", flat=True)
    )
    # Count every child of the trajectories the child is in.
    trajectories = set(
        TrajectoryChild.objects.filter(trajectory__children__client=client)
        .values("trajectory_id")
        .annotate(n=Count("client_id", distinct=True))
        .filter(n__gt=1)
        .values_list("trajectory_id", flat=True)
    )
    households = set(
        HouseholdMember.objects.filter(household__members__client=client)
        .values("household_id")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gt=1)
        .values_list("household_id", flat=True)
    )
    return {"requests": requests, "trajectories": trajectories, "households": households}


SHARED_REQUEST = gettext_lazy(
    "This record is about a request for more than one child of the family: it concerns "
    "other family members too."
)
SHARED_TRAJECTORY = gettext_lazy(
    "This record is about help for more than one child of the family: it concerns other "
    "family members too."
)
SHARED_FAMILY = gettext_lazy("This record is about the whole family: it concerns others too.")
OTHER_PERSON = gettext_lazy("This record is about another member of the family.")


def _by_request(attr):
    def note(obj, facts):
        return SHARED_REQUEST if getattr(obj, attr) in facts["requests"] else ""

    return note


def _by_trajectory(attr):
    def note(obj, facts):
        return SHARED_TRAJECTORY if getattr(obj, attr) in facts["trajectories"] else ""

    return note


def _by_household(attr):
    def note(obj, facts):
        return SHARED_FAMILY if getattr(obj, attr) in facts["households"] else ""

    return note


def _member_note(client):
    def note(obj, facts):
        if obj.client_id != client.pk:
            return OTHER_PERSON
        return ""

    return note


def _sections(client: Client) -> list[tuple[str, str, list[Part]]]:
    c = client
    requests = SupportRequest.objects.filter(clients=c)
    triages = Triage.objects.filter(support_request__in=requests)
    trajectories = Trajectory.objects.filter(children__client=c)
    plans = SupportPlan.objects.filter(
        Q(trajectory__in=trajectories) | Q(household__members__client=c)
    )
    indications = Indication.objects.filter(client=c)
    households = Household.objects.filter(members__client=c)

    def plan_note(obj, facts):
        return SHARED_FAMILY if obj.household_id in facts["households"] else ""

    def via_plan(obj, facts):
        return facts["plan_notes"].get(obj.plan_id, "")

    return [
        (
            "registration",
            _("Registration of the child"),
            [Part(Client, "client", lambda c: Client.objects.filter(pk=c.pk))],
        ),
        (
            "family",
            _("Family file"),
            [
                Part(
                    Household,
                    "household",
                    lambda c: households,
                    shared=_by_household("pk"),
                ),
                Part(
                    HouseholdMember,
                    "household_member",
                    lambda c: HouseholdMember.objects.filter(household__in=households),
                    shared=_member_note(c),
                ),
            ],
        ),
        (
            "support_requests",
            _("Support requests"),
            [
                Part(SupportRequest, "support_request", lambda c: requests, _by_request("pk")),
                Part(
                    FurtherQuestion,
                    "further_question",
                    lambda c: FurtherQuestion.objects.filter(support_request__in=requests),
                    _by_request("support_request_id"),
                ),
                Part(
                    WorkerChangeRequest,
                    "worker_change",
                    lambda c: WorkerChangeRequest.objects.filter(support_request__in=requests),
                    _by_request("support_request_id"),
                ),
                Part(
                    RequestReopening,
                    "reopening",
                    lambda c: RequestReopening.objects.filter(support_request__in=requests),
                    _by_request("support_request_id"),
                ),
            ],
        ),
        (
            "triages",
            _("Triages and beschikkingen"),
            [
                Part(Triage, "triage", lambda c: triages, _by_request("support_request_id")),
                Part(
                    ChildOutcome, "child_outcome", lambda c: ChildOutcome.objects.filter(client=c)
                ),
                Part(
                    OpenHouseException,
                    "open_house_exception",
                    lambda c: OpenHouseException.objects.filter(triage__in=triages),
                ),
                Part(
                    Beschikking,
                    "beschikking",
                    lambda c: Beschikking.objects.filter(support_request__in=requests),
                    _by_request("support_request_id"),
                ),
            ],
        ),
        (
            "conversation_reports",
            _("Conversation reports"),
            [
                Part(
                    ConversationReport,
                    "conversation_report",
                    lambda c: ConversationReport.objects.filter(support_request__in=requests),
                    _by_request("support_request_id"),
                ),
                Part(
                    CorrectionRequest,
                    "correction_request",
                    lambda c: CorrectionRequest.objects.filter(
                        report__support_request__in=requests
                    ),
                ),
            ],
        ),
        (
            "trajectories",
            _("Trajectories (help)"),
            [
                Part(Trajectory, "trajectory", lambda c: trajectories, _by_trajectory("pk")),
                Part(
                    TrajectoryChild,
                    "trajectory_child",
                    lambda c: TrajectoryChild.objects.filter(client=c),
                ),
                Part(
                    TrajectoryCoach,
                    "trajectory_coach",
                    lambda c: TrajectoryCoach.objects.filter(trajectory__in=trajectories),
                    _by_trajectory("trajectory_id"),
                ),
                Part(
                    IntensityChange,
                    "intensity_change",
                    lambda c: IntensityChange.objects.filter(trajectory__in=trajectories),
                    _by_trajectory("trajectory_id"),
                ),
                Part(
                    Reassessment,
                    "reassessment",
                    lambda c: Reassessment.objects.filter(trajectory__in=trajectories),
                    _by_trajectory("trajectory_id"),
                ),
            ],
        ),
        (
            "plans",
            _("Support plans"),
            [
                Part(SupportPlan, "support_plan", lambda c: plans, plan_note),
                Part(
                    PlanVersion,
                    "plan_version",
                    lambda c: PlanVersion.objects.filter(plan__in=plans),
                    via_plan,
                ),
                # The child's own goals and the family's goals (no child named); the goals
                # of a brother or sister are theirs.
                Part(
                    Goal,
                    "goal",
                    lambda c: Goal.objects.filter(plan__in=plans).filter(
                        Q(child=c) | Q(child__isnull=True)
                    ),
                    lambda obj, facts: (
                        SHARED_FAMILY
                        if obj.child_id is None and facts["plan_notes"].get(obj.plan_id)
                        else ""
                    ),
                ),
                Part(
                    GoalProgress,
                    "goal_progress",
                    lambda c: GoalProgress.objects.filter(goal__plan__in=plans).filter(
                        Q(goal__child=c) | Q(goal__child__isnull=True)
                    ),
                ),
                Part(
                    Agreement,
                    "agreement",
                    lambda c: Agreement.objects.filter(plan__in=plans),
                    via_plan,
                ),
                Part(
                    Evaluation,
                    "evaluation",
                    lambda c: Evaluation.objects.filter(plan__in=plans),
                    via_plan,
                ),
            ],
        ),
        (
            "indications",
            _("Indications"),
            [
                Part(Indication, "indication", lambda c: indications),
                Part(
                    ExtensionRequest,
                    "extension_request",
                    lambda c: ExtensionRequest.objects.filter(indication__in=indications),
                ),
                Part(
                    Task,
                    "task",
                    lambda c: Task.objects.filter(
                        Q(indication__in=indications) | Q(trajectory__in=trajectories)
                    ),
                    lambda obj, facts: (
                        SHARED_TRAJECTORY if obj.trajectory_id in facts["trajectories"] else ""
                    ),
                ),
                Part(
                    ProviderNotice,
                    "provider_notice",
                    lambda c: ProviderNotice.objects.filter(indication__in=indications),
                ),
                Part(
                    EndEvaluation,
                    "end_evaluation",
                    lambda c: EndEvaluation.objects.filter(indication__in=indications),
                ),
                Part(
                    HandoverNote,
                    "handover_note",
                    lambda c: HandoverNote.objects.filter(indication__in=indications),
                ),
                Part(
                    PassedOnReferral,
                    "passed_on_referral",
                    lambda c: PassedOnReferral.objects.filter(client=c),
                ),
            ],
        ),
        (
            "ijw",
            _("Youth-care messages (iJw)"),
            [
                Part(Message, "ijw_message", lambda c: Message.objects.filter(client=c)),
                Part(
                    AllocationRequest,
                    "allocation_request",
                    lambda c: AllocationRequest.objects.filter(client=c),
                ),
            ],
        ),
        (
            "access",
            _("Who looked at the file"),
            [
                Part(
                    AccessGrant,
                    "access_grant",
                    lambda c: AccessGrant.objects.filter(client=c),
                ),
                Part(
                    AccessLogEntry,
                    "access_log",
                    lambda c: log_entries(client_id=c.pk),
                    only=LOG_FIELDS,
                ),
            ],
        ),
        (
            "rights_requests",
            _("Requests of the family about this file"),
            [
                Part(
                    RightsRequest,
                    "rights_request",
                    lambda c: RightsRequest.objects.filter(client=c),
                    # Asked by someone else (an uncle, a lawyer): their name and question.
                    shared=lambda record, facts: (
                        _("Asked by someone outside the family file.")
                        if record.requester == RightsRequest.Requester.OTHER
                        else ""
                    ),
                )
            ],
        ),
    ]


# The date a family knows a record by, the first of these the record has.
TITLE_DATES = (
    "held_on",
    "received_on",
    "received_at",
    "start_on",
    "requested_on",
    "created_at",
    "registered_at",
    "granted_at",
    "at",
)


def _item_title(verbose: str, record) -> str:
    """How the family reads a record's heading: "Gespreksverslag, 1-10-2026 (nr. 5)"."""
    for name in TITLE_DATES:
        day = getattr(record, name, None)
        if isinstance(day, datetime.datetime):
            day = timezone.localtime(day).date()
        if isinstance(day, datetime.date):
            return _("%(kind)s, %(date)s (no. %(number)s)") % {
                "kind": verbose,
                "date": f"{day.day}-{day.month}-{day.year}",
                "number": record.pk,
            }
    return _("%(kind)s (no. %(number)s)") % {"kind": verbose, "number": record.pk}


def _history_rows(model, ids) -> dict:
    """The history rows (simple_history) of these records, oldest first, by record id."""
    history = getattr(model, "history", None)
    if history is None or not ids:
        return {}
    rows = defaultdict(list)
    for row in history.filter(id__in=ids).order_by("history_date", "history_id"):
        rows[row.id].append(row)
    return rows


TYPE_WORDS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


def _history(fields, rows, names: _Names) -> list[HistoryRow]:
    out = []
    previous = None
    for row in rows:
        changes = []
        if previous is not None:
            for f in fields:
                if not hasattr(row, f.attname):
                    continue
                old, new = _raw(previous, f), _raw(row, f)
                if old != new:
                    changes.append(
                        f"{_label(f)}: {_format(f, old, names) or '–'} → "
                        f"{_format(f, new, names) or '–'}"
                    )
        what = str(TYPE_WORDS.get(row.history_type, row.history_type))
        if changes:
            what = f"{what}: " + "; ".join(changes)
        elif previous is not None and row.history_type == "~":
            what = _("saved without changes to what is shown")
        out.append(
            HistoryRow(
                at=row.history_date,
                by=names.name(get_user_model(), row.history_user_id) if row.history_user_id else "",
                what=what,
            )
        )
        previous = row
    return out


def _access_log_value(entry, f, names):
    if f.name == "part":
        return entry.part_label
    if f.name == "role":
        return entry.role_label if entry.role else ""
    if f.name == "break_glass":
        return _("yes") if entry.break_glass else ""
    return _format(f, _raw(entry, f), names)


def file_collect(client: Client) -> Dossier:
    """Everything the system holds on `client`, in sections of items."""
    facts = _shared_facts(client)
    names = _Names()
    fetched = []
    for key, title, parts in _sections(client):
        loaded = []
        for part in parts:
            qs = part.rows(client)
            # The access log is one table read by its index; the others may join twice.
            qs = (
                qs.order_by("at", "id")
                if part.model is AccessLogEntry
                else qs.distinct().order_by("pk")
            )
            m2m = [f.name for f in part.model._meta.many_to_many]
            if m2m:
                qs = qs.prefetch_related(*m2m)
            records = list(qs)
            fields = _fields_of(part.model, part.only)
            history = _history_rows(part.model, [r.pk for r in records])
            for f in fields:
                model = _related_lookup(f) if f.is_relation else None
                if model is None:
                    continue
                for r in records:
                    names.want(model, _raw(r, f))
                for rows in history.values():
                    for row in rows:
                        names.want(model, getattr(row, f.attname, None))
            for rows in history.values():
                for row in rows:
                    names.want(get_user_model(), row.history_user_id)
            loaded.append((part, records, fields, m2m, history))
        fetched.append((key, title, loaded))
    names.fetch()

    # The notes of plan parts follow the plan's own note.
    facts["plan_notes"] = {}
    for _key, _title, loaded in fetched:
        for part, records, *_rest in loaded:
            if part.model is SupportPlan and part.shared:
                facts["plan_notes"] = {r.pk: part.shared(r, facts) for r in records}

    sections = []
    for key, title, loaded in fetched:
        section = Section(key=key, title=title)
        for part, records, fields, m2m, history in loaded:
            verbose = str(part.model._meta.verbose_name)
            verbose = verbose[:1].upper() + verbose[1:]
            for record in records:
                item = Item(key=f"{part.prefix}:{record.pk}", title=_item_title(verbose, record))
                for f in fields:
                    if part.model is AccessLogEntry:
                        value = _access_log_value(record, f, names)
                    else:
                        value = _format(f, _raw(record, f), names)
                    if value:
                        item.fields.append((_label(f), value))
                    if isinstance(f, models.FileField) and _raw(record, f):
                        shown = getattr(record, "original_name", "") or value
                        item.files.append((shown, getattr(record, f.name)))
                for name in m2m:
                    values = [_name_of(o) for o in getattr(record, name).all()]
                    if values:
                        label = _label(part.model._meta.get_field(name))
                        item.fields.append((label, ", ".join(values)))
                if part.shared:
                    item.shared_note = str(part.shared(record, facts) or "")
                item.history = _history(fields, history.get(record.pk, []), names)
                section.items.append(item)
        sections.append(section)
    return Dossier(client=client, collected_at=timezone.now(), sections=sections)


def dossier_json(dossier: Dossier, withheld: dict[str, str]) -> dict:
    """The dossier as data, every withheld item replaced by {"withheld": true, "reason"}.
    `withheld` maps item and section keys to reasons."""

    def item_data(item: Item, reason: str | None):
        if reason is not None:
            return {"key": item.key, "title": item.title, "withheld": True, "reason": reason}
        return {
            "key": item.key,
            "title": item.title,
            "fields": dict(item.fields),
            "concerns_others": item.shared_note,
            "documents": [name for name, _file in item.files],
            "history": [
                {"at": row.at.isoformat(), "by": row.by, "what": row.what} for row in item.history
            ],
        }

    sections = []
    for section in dossier.sections:
        section_reason = withheld.get(section.key)
        sections.append(
            {
                "key": section.key,
                "title": str(section.title),
                **(
                    {"withheld": True, "reason": section_reason}
                    if section_reason is not None
                    else {}
                ),
                "items": [
                    item_data(
                        item,
                        section_reason if section_reason is not None else withheld.get(item.key),
                    )
                    for item in section.items
                ],
            }
        )
    return {"collected_at": dossier.collected_at.isoformat(), "sections": sections}


def dossier_json_text(dossier: Dossier, withheld: dict[str, str], header: dict) -> str:
    return json.dumps(
        {**header, **dossier_json(dossier, withheld)}, ensure_ascii=False, indent=2, default=str
    )
