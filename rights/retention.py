"""Retention (bewaartermijn, Jeugdwet art. 7.3.8): which children's files have been kept
as long as the law asks, and the monthly review that puts each of them before the privacy
officer as a destruction request (origin "retention"). The job only proposes: a person
approves (grants, with reasons) or refuses (e.g. the file is still needed), and the
destruction itself is carried out from the request's page (rights/destruction.py).
See docs/privacy.md, "Retention", and decisions 95 and 96.

Set-based: `files_past_retention` is one query over all clients, however many. The date a
file is judged on is computed per client by correlated subqueries over its records, each
along an indexed foreign key; in the default mode they run only for the clients registered
before the cut-off (a sequential filter on `Client.created_at`), so the cost follows the
files that are old enough, not the size of the register."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import transaction
from django.db.models import (
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ijw.models import AllocationRequest, Message
from indications.models import ExtensionRequest, Indication
from intake.models import Client, SupportRequest
from openhouse.models import EndEvaluation
from plans.models import Evaluation, PlanVersion
from trajectories.models import Trajectory, TrajectoryChild
from triage.models import Beschikking, ConversationReport, CorrectionRequest, Triage

from .models import RetentionFrom, RightsRequest, Tombstone
from .services import deadline_for

# The law's minimum since 1 January 2020 (Jeugdwet art. 7.3.8 lid 1); `manage.py check`
# warns below it, and above a lifetime (rights.checks).
LEGAL_MINIMUM_YEARS = 20
SENSIBLE_MAXIMUM_YEARS = 100
# A file the privacy officer decided to keep (a refused retention request: "still needed")
# comes back to the review this long after that decision, not every month (decision 96).
REVIEW_AGAIN_AFTER_REFUSAL = relativedelta(years=1)


def retention_settings() -> tuple[int, str]:
    """FILE_RETENTION_YEARS and FILE_RETENTION_FROM, refused when unusable: a wrong
    setting must never put files up for destruction."""
    years, start = settings.FILE_RETENTION_YEARS, settings.FILE_RETENTION_FROM
    if not isinstance(years, int) or years < 1:
        raise ImproperlyConfigured(
            f"FILE_RETENTION_YEARS must be a whole number of years, not {years!r}."
        )
    if start not in RetentionFrom.values:
        raise ImproperlyConfigured(
            f"FILE_RETENTION_FROM must be one of {', '.join(RetentionFrom.values)}, not {start!r}."
        )
    return years, start


def retention_cutoff(today: datetime.date, years: int) -> datetime.date:
    """A file judged on a date before this day has been kept `years` full years today."""
    return today - relativedelta(years=years)


# --- The date a file is judged on -----------------------------------------------------


def _as_date(model, name: str):
    """A date or a moment (as the date in TIME_ZONE) of `model`'s field `name` (may span
    relations: "supportrequest__received_at")."""
    field = model._meta.get_field(name.split("__")[0])
    for part in name.split("__")[1:]:
        field = field.related_model._meta.get_field(part)
    if isinstance(field, DateTimeField):
        return TruncDate(name, output_field=DateField())
    return F(name)


def _latest(queryset: QuerySet, *fields: str) -> Subquery:
    """The latest of `fields` over the rows of `queryset` (correlated with OuterRef), as a
    date; NULL when there are none. One index lookup along the queryset's foreign key."""
    expressions = [_as_date(queryset.model, name) for name in fields]
    latest = expressions[0] if len(expressions) == 1 else Greatest(*expressions)
    return Subquery(
        queryset.annotate(_on=latest).filter(_on__isnull=False).order_by("-_on").values("_on")[:1],
        output_field=DateField(),
    )


def _greatest(*expressions):
    # PostgreSQL's GREATEST ignores NULLs (NULL only when all are).
    return (
        expressions[0]
        if len(expressions) == 1
        else Greatest(*expressions, output_field=DateField())
    )


def _child_requests():
    """The ids of the support requests about the child of the outer query."""
    return SupportRequest.clients.through.objects.filter(client_id=OuterRef(OuterRef("pk"))).values(
        "supportrequest_id"
    )


def newest_record_on():
    """The date of the child's newest record: its registration, its support requests (and
    every saved version of them), triages, conversation reports and corrections,
    beschikkingen, trajectories, support plans, indications with their end-evaluations and
    extension requests, iJw messages and allocation requests, and the family's own
    requests. The retention requests of the job itself do not count (they would restart the
    term)."""
    history = SupportRequest.history.model
    about = {"clients": OuterRef("pk")}
    return _greatest(
        TruncDate("created_at", output_field=DateField()),
        _latest(SupportRequest.objects.filter(**about), "received_at", "first_contact_on"),
        _latest(history.objects.filter(id__in=_child_requests()), "history_date"),
        _latest(Triage.objects.filter(support_request__clients=OuterRef("pk")), "held_on"),
        _latest(
            ConversationReport.objects.filter(support_request__clients=OuterRef("pk")),
            "held_on",
            "shown_to_family_on",
        ),
        _latest(
            CorrectionRequest.objects.filter(report__support_request__clients=OuterRef("pk")),
            "requested_on",
            "answered_on",
        ),
        _latest(
            Beschikking.objects.filter(support_request__clients=OuterRef("pk")),
            "requested_on",
            "issued_on",
        ),
        _latest(
            Trajectory.objects.filter(children__client=OuterRef("pk")),
            "created_at",
            "started_on",
            "ended_on",
        ),
        _latest(
            PlanVersion.objects.filter(plan__trajectory__children__client=OuterRef("pk")),
            "made_at",
        ),
        _latest(
            Evaluation.objects.filter(plan__trajectory__children__client=OuterRef("pk")),
            "recorded_at",
        ),
        _latest(
            Indication.objects.filter(client=OuterRef("pk")),
            "start_on",
            "end_on",
            "care_stopped_on",
            "handled_on",
        ),
        _latest(EndEvaluation.objects.filter(indication__client=OuterRef("pk")), "uploaded_at"),
        _latest(
            ExtensionRequest.objects.filter(indication__client=OuterRef("pk")),
            "requested_on",
            "decided_on",
        ),
        _latest(Message.objects.filter(client=OuterRef("pk")), "received_at"),
        _latest(AllocationRequest.objects.filter(client=OuterRef("pk")), "decided_at"),
        _latest(
            RightsRequest.objects.filter(client=OuterRef("pk"), origin=RightsRequest.Origin.FAMILY),
            "received_on",
            "closed_on",
        ),
    )


def end_of_help_on():
    """The end of the child's last help: the last closed support request (the moment it
    was last saved closed), the last ended trajectory, the last indication's end. A child
    who never had help (only messages, say) is judged on its newest record instead."""
    history = SupportRequest.history.model
    closed = SupportRequest.clients.through.objects.filter(
        client_id=OuterRef(OuterRef("pk")), supportrequest__status=SupportRequest.Status.CLOSED
    ).values("supportrequest_id")
    return Coalesce(
        _greatest(
            _latest(
                history.objects.filter(id__in=closed, status=SupportRequest.Status.CLOSED),
                "history_date",
            ),
            _latest(
                Trajectory.objects.filter(
                    children__client=OuterRef("pk"), status=Trajectory.Status.ENDED
                ),
                "ended_on",
            ),
            _latest(Indication.objects.filter(client=OuterRef("pk")), "end_on"),
        ),
        newest_record_on(),
        output_field=DateField(),
    )


# --- Which files -----------------------------------------------------------------------


def _still_running() -> Q:
    """Anything that still runs for the child: an open support request, a trajectory not
    ended, a running indication, an open iJw allocation request. Each is the set of
    children with one (the running caseload, thousands, not the register): PostgreSQL
    builds it once and probes it per client ("hashed SubPlan"), instead of one lookup per
    client and table."""

    def children(queryset):
        # NOT IN with a NULL in the list would leave out every client.
        return queryset.filter(client_id__isnull=False).values("client_id")

    return (
        Q(
            pk__in=children(
                SupportRequest.clients.through.objects.exclude(
                    supportrequest__status=SupportRequest.Status.CLOSED
                )
            )
        )
        | Q(pk__in=children(TrajectoryChild.objects.filter(current=True)))
        | Q(pk__in=children(Indication.objects.filter(status__in=Indication.RUNNING)))
        | Q(pk__in=children(AllocationRequest.objects.filter(status__in=AllocationRequest.OPEN)))
    )


def _destroyed():
    """A tombstone's anonymous client (and, once the destruction's marker is there, every
    client marked `destroyed_on`)."""
    condition = Q(Exists(Tombstone.objects.filter(client_id=OuterRef("pk"))))
    try:
        Client._meta.get_field("destroyed_on")
    except FieldDoesNotExist:  # the marker comes with rights/destruction.py
        return condition
    return condition | Q(destroyed_on__isnull=False)


def files_past_retention(today: datetime.date) -> QuerySet[Client]:
    """The children whose file has been kept FILE_RETENTION_YEARS from FILE_RETENTION_FROM
    on `today`, with nothing still running, no open request of the family or the privacy
    officer, not destroyed, and not kept on purpose within the last year (a refused
    retention request). Annotated `retention_basis_on`: the date judged on. One query."""
    years, start = retention_settings()
    cutoff = retention_cutoff(today, years)
    # The registration is a record too: a child registered after the cut-off cannot be
    # past it from its newest record, and this cheap filter spares the subqueries for all
    # those. From the end of help it holds too, on the safe side: help that ended before
    # the child was registered here (imported history) counts from the registration.
    # (A plain comparison with the cut-off's first moment, so that PostgreSQL tests it
    # first, before any subquery.)
    first_moment = datetime.datetime.combine(
        cutoff, datetime.time(), timezone.get_current_timezone()
    )
    clients = Client.objects.filter(created_at__lt=first_moment)
    basis = newest_record_on() if start == RetentionFrom.LAST_RECORD else end_of_help_on()
    kept_on_purpose = RightsRequest.objects.filter(
        client_id=OuterRef("pk"),
        origin=RightsRequest.Origin.RETENTION,
        decision=RightsRequest.Decision.REFUSED,
        decided_on__gt=today - REVIEW_AGAIN_AFTER_REFUSAL,
    )
    return (
        clients.exclude(_destroyed())
        .exclude(_still_running())
        .exclude(Exists(RightsRequest.objects.open().filter(client_id=OuterRef("pk"))))
        .exclude(Exists(kept_on_purpose))
        .annotate(retention_basis_on=basis)
        .filter(retention_basis_on__lt=cutoff)
        # No order: a sequential pass over the clients, not one along the primary key.
        .order_by()
    )


@transaction.atomic
def retention_review(today: datetime.date) -> int:
    """For each file past its retention without an open destruction request: a destruction
    request of origin "retention" for the privacy officer (received today, three months to
    decide and carry out, Jeugdwet art. 7.3.9 by analogy), with the date it was judged on.
    Idempotent: a child with an open request is not past retention for this query, and the
    children's rows are locked so two runs at once do not both make one. Returns how many
    were made."""
    _years, start = retention_settings()
    candidates = list(
        files_past_retention(today).values_list("pk", "team_id", "retention_basis_on")
    )
    if not candidates:
        return 0
    # Two runs at once (a rerun beside the beat): the second waits here, then finds the
    # first one's requests and leaves those children.
    locked = set(
        Client.objects.select_for_update()
        .filter(pk__in=[pk for pk, _team, _on in candidates])
        .values_list("pk", flat=True)
    )
    open_now = set(
        # Any open request (a copy asked meanwhile too), as files_past_retention leaves out.
        RightsRequest.objects.open()
        .filter(client_id__in=locked)
        .values_list("client_id", flat=True)
    )
    deadline = deadline_for(RightsRequest.Kind.DESTRUCTION, today)
    requests = [
        RightsRequest(
            kind=RightsRequest.Kind.DESTRUCTION,
            origin=RightsRequest.Origin.RETENTION,
            client_id=pk,
            team_id=team_id,
            requester="",
            entitled=True,
            received_on=today,
            deadline=deadline,
            retention_from=start,
            retention_basis_on=basis_on,
        )
        for pk, team_id, basis_on in candidates
        if pk in locked and pk not in open_now
    ]
    # bulk_create skips save(): the history rows are written with them, in one go.
    made = bulk_create_with_history(
        requests, RightsRequest, default_change_reason="retention review"
    )
    return len(made)
