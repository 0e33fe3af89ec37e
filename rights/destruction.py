"""Destruction of a child's file for real (Jeugdwet art. 7.3.9 on request, art. 7.3.8 when
the retention has passed; docs/privacy.md, docs/decisions.md 92-94).

What the reports count stays as an anonymous *skeleton*: the counted records (requests,
triages and outcomes per child, trajectories, intensity changes, re-assessments,
indications, extension requests, end-evaluations, tasks, iJw messages and requests) are
stripped of every free text, file and link to a person and moved under a new anonymous
client, the tombstone's `client` (marked `destroyed_on`), so that every figure stays equal
by construction and no working page shows them (each model's `visible_to`). Everything
else about the child is deleted: its client row, its places in households, conversation
reports, further questions, plans' goals, grants, notices, copies, every history row of
what was deleted or stripped, and the admin's log entries about it. What concerns other
family members stays with them: a shared request or trajectory loses only this child, a
household with other children keeps them and its adults. The access log keeps its entries,
pointing at the tombstone's `log_id` instead of the child.

`destruction_blockers` says why a file cannot be destroyed now, `destruction_preview` what
destruction would remove and keep, `file_destroy` does it in one transaction."""

import datetime
from collections import Counter

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from audit.models import AccessGrant, AccessLogEntry
from audit.services import access_log_record
from ijw.models import AllocationRequest, Message
from indications.models import (
    ExtensionRequest,
    Indication,
    ProviderNotice,
    Task,
)
from intake.models import (
    Client,
    FurtherQuestion,
    Household,
    HouseholdMember,
    RequestReopening,
    SupportRequest,
    WorkerChangeRequest,
)
from openhouse.models import EndEvaluation, HandoverNote, PassedOnReferral
from plans.models import Goal, PlanVersion, SupportPlan
from samen.dates import MIN_DATE
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
    OpenHouseException,
    Triage,
)

from .models import FileCopy, RightsRequest, Tombstone
from .services import rights_request_close

# What a skeleton says where the database asks for text: never anything of the child.
PLACEHOLDER = "vernietigd"
# What an iJw message's XML becomes: the register keeps that a message was there.
NEUTRAL_MESSAGE = "vernietigd dossier"
# The part of the file in the access log entry of the destruction itself.
LOG_PART = "destroyed file"

Through = SupportRequest.clients.through


# --- what belongs to the child -------------------------------------------------------


def _pks(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


class _Scope:
    """The child's records, found once: which are deleted, which kept as skeletons, and
    which stay with other family members. Ids only (lists), so that the counts of the
    preview and the steps of the destruction are about the same rows."""

    def __init__(self, client: Client):
        self.client = client
        pk = client.pk
        request_ids = list(
            Through.objects.filter(client_id=pk).values_list("supportrequest_id", flat=True)
        )
        others = set(
            Through.objects.filter(supportrequest_id__in=request_ids)
            .exclude(client_id=pk)
            .values_list("supportrequest_id", flat=True)
        )
        # About this child alone: skeletons. About siblings too: they lose only this child.
        self.solo_requests = sorted(set(request_ids) - others)
        self.shared_requests = sorted(others)
        self.triages = _pks(Triage.objects.filter(support_request_id__in=self.solo_requests))
        self.exceptions = _pks(OpenHouseException.objects.filter(triage_id__in=self.triages))
        self.outcomes = _pks(ChildOutcome.objects.filter(client_id=pk))
        self.reports = _pks(
            ConversationReport.objects.filter(support_request_id__in=self.solo_requests)
        )
        self.corrections = _pks(CorrectionRequest.objects.filter(report_id__in=self.reports))
        self.further_questions = _pks(
            FurtherQuestion.objects.filter(support_request_id__in=self.solo_requests)
        )
        self.worker_changes = _pks(
            WorkerChangeRequest.objects.filter(support_request_id__in=self.solo_requests)
        )
        self.reopenings = _pks(
            RequestReopening.objects.filter(support_request_id__in=self.solo_requests)
        )
        self.beschikkingen = _pks(
            Beschikking.objects.filter(support_request_id__in=self.solo_requests)
        )
        self.passed_on = _pks(
            PassedOnReferral.objects.filter(
                Q(client_id=pk) | Q(support_request_id__in=self.solo_requests)
            )
        )
        # Trajectories: about this child alone (skeletons) or shared (lose only the child).
        trajectory_ids = set(
            TrajectoryChild.objects.filter(client_id=pk).values_list("trajectory_id", flat=True)
        )
        shared_trajectories = set(
            TrajectoryChild.objects.filter(trajectory_id__in=trajectory_ids)
            .exclude(client_id=pk)
            .values_list("trajectory_id", flat=True)
        )
        self.trajectories = sorted(trajectory_ids - shared_trajectories)
        self.shared_trajectories = sorted(shared_trajectories)
        self.trajectory_links = _pks(TrajectoryChild.objects.filter(client_id=pk))
        self.coaches = _pks(TrajectoryCoach.objects.filter(trajectory_id__in=self.trajectories))
        self.intensity_changes = _pks(
            IntensityChange.objects.filter(trajectory_id__in=self.trajectories)
        )
        self.reassessments = _pks(Reassessment.objects.filter(trajectory_id__in=self.trajectories))
        self.indications = _pks(Indication.objects.filter(client_id=pk))
        self.extensions = _pks(ExtensionRequest.objects.filter(indication_id__in=self.indications))
        self.evaluations = _pks(EndEvaluation.objects.filter(indication_id__in=self.indications))
        self.tasks = _pks(
            Task.objects.filter(
                Q(indication_id__in=self.indications) | Q(trajectory_id__in=self.trajectories)
            )
        )
        self.notices = _pks(ProviderNotice.objects.filter(indication_id__in=self.indications))
        self.handover_notes = _pks(HandoverNote.objects.filter(indication_id__in=self.indications))
        about_child = Q(client_id=pk)
        if client.bsn:
            about_child |= Q(bsn=client.bsn)
        self.allocation_requests = _pks(AllocationRequest.objects.filter(about_child))
        message_filter = (
            Q(client_id=pk)
            | Q(indication_id__in=self.indications)
            | Q(requests__in=self.allocation_requests)
            | Q(answered_requests__in=self.allocation_requests)
        )
        if client.bsn:
            # A message whose XML names the child (a retour, one before the child was known).
            message_filter |= Q(raw__contains=client.bsn)
        self.messages = sorted(
            set(Message.objects.filter(message_filter).values_list("pk", flat=True))
        )
        self.grants = _pks(AccessGrant.objects.filter(client_id=pk))
        # Households: those the child is a member of. Without other children the household
        # becomes anonymous (its adults go); with them it keeps them and its adults.
        self.memberships = _pks(HouseholdMember.objects.filter(client_id=pk))
        household_ids = set(
            HouseholdMember.objects.filter(client_id=pk).values_list("household_id", flat=True)
        )
        with_other_children = set(
            HouseholdMember.objects.filter(household_id__in=household_ids, client__isnull=False)
            .exclude(client_id=pk)
            .values_list("household_id", flat=True)
        )
        self.shared_households = sorted(with_other_children)
        self.own_households = sorted(household_ids - with_other_children)
        self.other_members = _pks(
            HouseholdMember.objects.filter(household_id__in=self.own_households).exclude(
                client_id=pk
            )
        )
        self.plans = _pks(SupportPlan.objects.filter(household_id__in=self.own_households))
        self.goals = _pks(Goal.objects.filter(Q(child_id=pk) | Q(plan_id__in=self.plans)))
        self.shared_plans = sorted(
            set(
                Goal.objects.filter(child_id=pk)
                .exclude(plan_id__in=self.plans)
                .values_list("plan_id", flat=True)
            )
        )
        self.rights_requests = _pks(RightsRequest.objects.filter(client_id=pk))
        self.copies = _pks(FileCopy.objects.filter(request_id__in=self.rights_requests))

    def kept(self) -> dict[str, int]:
        """Kept as anonymous skeletons (what the reports count)."""
        return {
            "intake.SupportRequest": len(self.solo_requests),
            "triage.Triage": len(self.triages),
            "triage.OpenHouseException": len(self.exceptions),
            "triage.ChildOutcome": len(self.outcomes),
            "trajectories.Trajectory": len(self.trajectories),
            "trajectories.TrajectoryChild": len(self.trajectory_links),
            "trajectories.IntensityChange": len(self.intensity_changes),
            "trajectories.Reassessment": len(self.reassessments),
            "indications.Indication": len(self.indications),
            "indications.ExtensionRequest": len(self.extensions),
            "openhouse.EndEvaluation": len(self.evaluations),
            "indications.Task": len(self.tasks),
            "ijw.Message": len(self.messages),
            "ijw.AllocationRequest": len(self.allocation_requests),
        }

    def removed(self) -> dict[str, int]:
        """Deleted for good (the history rows come on top)."""
        return {
            "intake.Client": 1,
            "intake.HouseholdMember": len(self.memberships) + len(self.other_members),
            "triage.ConversationReport": len(self.reports),
            "triage.CorrectionRequest": len(self.corrections),
            "intake.FurtherQuestion": len(self.further_questions),
            "intake.WorkerChangeRequest": len(self.worker_changes),
            "intake.RequestReopening": len(self.reopenings),
            "triage.Beschikking": len(self.beschikkingen),
            "plans.SupportPlan": len(self.plans),
            "plans.Goal": len(self.goals),
            "openhouse.HandoverNote": len(self.handover_notes),
            "indications.ProviderNotice": len(self.notices),
            "openhouse.PassedOnReferral": len(self.passed_on),
            "audit.AccessGrant": len(self.grants),
            "rights.FileCopy": len(self.copies),
        }

    def shared(self) -> dict[str, int]:
        """What stays with other family members (losing only this child)."""
        return {
            "intake.SupportRequest": len(self.shared_requests),
            "trajectories.Trajectory": len(self.shared_trajectories),
            "intake.Household": len(self.shared_households),
            "plans.SupportPlan": len(self.shared_plans),
        }


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    """[(verbose name plural, count)] of the non-zero counts, for the pages."""
    from django.apps import apps

    return [
        (str(apps.get_model(label)._meta.verbose_name_plural), n)
        for label, n in counts.items()
        if n
    ]


def summary_rows(summary: dict) -> dict[str, list[tuple[str, int]]]:
    """A tombstone's summary as the pages show it."""
    return {key: _labelled(summary.get(key, {})) for key in ("removed", "kept", "shared")}


# --- the blockers and the preview ----------------------------------------------------


def destruction_blockers(
    client: Client, today: datetime.date, *, request: RightsRequest | None = None
) -> list[str]:
    """Why this file cannot be destroyed now: help that still runs (Jeugdwet art. 7.3.9
    paragraph 3 weighs the child's important interest; running help is that interest and
    the file is needed for it). Empty: nothing stands in the way."""
    reasons = []
    pk = client.pk
    open_requests = SupportRequest.objects.filter(clients=client).open().count()
    if open_requests:
        reasons.append(
            _("A support request about the child is still open (%(n)s).") % {"n": open_requests}
        )
    if Trajectory.objects.filter(children__client=client).running().exists():
        reasons.append(_("A trajectory (hulptraject) of the child is still running."))
    running = Indication.objects.filter(client=client, status__in=Indication.RUNNING)
    if running.exists():
        reasons.append(_("An indication of the child is still running (active or extended)."))
    if ExtensionRequest.objects.filter(indication__client=client).pending().exists():
        reasons.append(_("An extension request for the child waits for a decision."))
    about_child = Q(client_id=pk) | (Q(bsn=client.bsn) if client.bsn else Q(pk__in=[]))
    if AllocationRequest.objects.filter(about_child).open().exists():
        reasons.append(_("An iJw request for the child waits for an answer."))
    waiting = [Message.Status.READY, Message.Status.AWAITING_ANSWER]
    if Message.objects.filter(client_id=pk, status__in=waiting).exists():
        reasons.append(_("An iJw message about the child waits to be sent or answered."))
    if OpenHouseException.objects.filter(
        triage__support_request__clients=client,
        approval=OpenHouseException.Approval.PENDING,
    ).exists():
        reasons.append(_("An Open House exception for the child waits for the municipality."))
    if (
        Task.objects.open()
        .filter(Q(indication__client=client) | Q(trajectory__children__client=client))
        .exists()
    ):
        reasons.append(_("A task about the child is still open at the team."))
    other_open = RightsRequest.objects.filter(client=client).open()
    if request is not None:
        other_open = other_open.exclude(pk=request.pk)
    if other_open.exists():
        reasons.append(_("Another request of the family about this file is still open."))
    return reasons


def destruction_preview(client: Client) -> dict:
    """What destruction removes, what stays as anonymous skeletons, and what stays with
    other family members, in counts per kind of record."""
    scope = _Scope(client)
    return {
        "removed": _labelled(scope.removed()),
        "kept": _labelled(scope.kept()),
        "shared": _labelled(scope.shared()),
        "files": EndEvaluation.objects.filter(pk__in=scope.evaluations).exclude(document="").count()
        + sum(
            bool(name)
            for pair in FileCopy.objects.filter(pk__in=scope.copies).values_list("pdf", "json")
            for name in pair
        ),
    }


# --- the destruction -----------------------------------------------------------------


def _drop_history(model, ids) -> int:
    """Delete every history row (simple_history) of these records."""
    ids = list(ids)
    if not ids or not hasattr(model, "history"):
        return 0
    deleted, _per_model = model.history.model.objects.filter(id__in=ids).delete()
    return deleted


def _drop_history_about(client_id: int) -> int:
    """Every history row of any model whose link to a client is this child."""
    from django.apps import apps

    deleted = 0
    for model in apps.get_models():
        if "history_id" not in {f.name for f in model._meta.fields}:
            continue
        for field in model._meta.fields:
            if field.is_relation and field.related_model is Client:
                rows, _per_model = model.objects.filter(**{field.attname: client_id}).delete()
                deleted += rows
    return deleted


def _drop_admin_log(model, ids) -> int:
    ids = [str(i) for i in ids]
    if not ids:
        return 0
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    deleted, _per_model = LogEntry.objects.filter(
        content_type=content_type, object_id__in=ids
    ).delete()
    return deleted


def _blank_fields(model, ids, **values) -> None:
    """Strip the skeletons (one UPDATE, no history row written)."""
    if ids:
        model.objects.filter(pk__in=ids).update(**values)


def _text_if(condition: Q) -> models.Case:
    """PLACEHOLDER where a check asks for text under `condition`, else empty."""
    return models.Case(
        models.When(condition, then=models.Value(PLACEHOLDER)),
        default=models.Value(""),
        output_field=models.TextField(),
    )


def _nonempty(field: str) -> models.Case:
    """PLACEHOLDER where the field held text (a check may need it), else empty."""
    return _text_if(~Q(**{field: ""}))


def _scrub_snapshot(snapshot: dict, child_id: int) -> dict:
    """A shared plan's version without the child's goals and change lines."""
    from plans.services import changes_text

    snapshot = dict(snapshot or {})
    snapshot["goals"] = [g for g in snapshot.get("goals", []) if g.get("child_id") != child_id]
    lines = []
    for line in snapshot.get("changes", []):
        about = [i for i in line.get("child_ids", []) if i != child_id]
        if child_id in line.get("child_ids", []) and not about:
            continue
        lines.append({**line, "child_ids": about})
    if "changes" in snapshot:
        snapshot["changes"] = lines
    snapshot["_text"] = changes_text(lines)
    return snapshot


def _scrub_shared_plans(scope: _Scope) -> None:
    child_id = scope.client.pk
    for model in (PlanVersion, PlanVersion.history.model):
        for row in model.objects.filter(plan_id__in=scope.shared_plans):
            snapshot = _scrub_snapshot(row.snapshot, child_id)
            text = snapshot.pop("_text")
            model.objects.filter(pk=row.pk).update(snapshot=snapshot, changes=text or PLACEHOLDER)


def _delete_files(names: list[tuple[object, str]]) -> None:
    """After the commit: a rollback must not leave rows whose files are gone."""

    def delete():
        for storage, name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def file_destroy(
    request: RightsRequest, *, user, today: datetime.date, http_request=None
) -> Tombstone:
    """Carry out a granted destruction request (on request, or the retention's): one
    transaction; the child's file is gone, its skeletons count on, the access log points at
    the tombstone. Raises ValidationError when the request is not a granted destruction
    waiting to be carried out, or when help still runs."""
    # Lock the request: a second click or a parallel retention run finds it closed.
    request = RightsRequest.objects.select_for_update().select_related("client").get(pk=request.pk)
    if request.kind != RightsRequest.Kind.DESTRUCTION:
        raise ValidationError(_("Only a request for destruction destroys a file."))
    # Partly granted (docs/privacy.md: the municipality's archive keeps a beschikking) is
    # carried out the same way: the counted parts stay as anonymous skeletons either way.
    if request.status != RightsRequest.Status.DECIDED or request.decision not in (
        RightsRequest.Decision.GRANTED,
        RightsRequest.Decision.PARTLY,
    ):
        raise ValidationError(_("Only a granted request that waits is carried out."))
    client = Client.objects.select_for_update().get(pk=request.client_id)
    if client.destroyed_on is not None:
        raise ValidationError(_("This file was destroyed before."))
    # Lock what the file is made of before looking for running help: a report, a reopening
    # or a new indication written meanwhile (each takes a key-share lock on its request,
    # trajectory or client) waits until the destruction has committed or rolled back.
    request_ids = Through.objects.filter(client_id=client.pk).values("supportrequest_id")
    list(SupportRequest.objects.select_for_update().filter(pk__in=request_ids).values("pk"))
    trajectory_ids = TrajectoryChild.objects.filter(client_id=client.pk).values("trajectory_id")
    list(Trajectory.objects.select_for_update().filter(pk__in=trajectory_ids).values("pk"))
    list(Indication.objects.select_for_update().filter(client_id=client.pk).values("pk"))
    # An edit form opened before now carries an older version: its save is refused.
    SupportRequest.objects.filter(pk__in=request_ids).update(version=F("version") + 1)
    Trajectory.objects.filter(pk__in=trajectory_ids).update(version=F("version") + 1)
    Indication.objects.filter(client_id=client.pk).update(version=F("version") + 1)
    blockers = destruction_blockers(client, today, request=request)
    if blockers:
        raise ValidationError(blockers)

    scope = _Scope(client)
    pk = client.pk

    anonymous = Client(
        first_name="Vernietigd",
        last_name=PLACEHOLDER,
        date_of_birth=MIN_DATE,
        city="",
        team_id=client.team_id,
        destroyed_on=today,
    )
    anonymous.save()
    cause = (
        Tombstone.Cause.RETENTION
        if request.origin == RightsRequest.Origin.RETENTION
        else Tombstone.Cause.REQUEST
    )
    tombstone = Tombstone.objects.create(
        client=anonymous, cause=cause, request=request, destroyed_by=user
    )
    reference = tombstone.reference
    Client.objects.filter(pk=anonymous.pk).update(last_name=reference, search_name="")
    anonymous.last_name, anonymous.search_name = reference, ""
    _drop_history(Client, [anonymous.pk])
    history_rows = Counter()

    def drop(model, ids):
        history_rows[model._meta.label] += _drop_history(model, ids)
        _drop_admin_log(model, ids)

    # Links to the child that go: grants, referrals passed on, further questions, ...
    AccessGrant.objects.filter(pk__in=scope.grants).delete()
    _drop_admin_log(AccessGrant, scope.grants)
    PassedOnReferral.objects.filter(pk__in=scope.passed_on).delete()
    drop(PassedOnReferral, scope.passed_on)
    CorrectionRequest.objects.filter(pk__in=scope.corrections).delete()
    drop(CorrectionRequest, scope.corrections)
    ConversationReport.objects.filter(pk__in=scope.reports).delete()
    drop(ConversationReport, scope.reports)
    FurtherQuestion.objects.filter(pk__in=scope.further_questions).delete()
    drop(FurtherQuestion, scope.further_questions)
    TrajectoryCoach.objects.filter(worker_change_id__in=scope.worker_changes).update(
        worker_change=None
    )
    WorkerChangeRequest.objects.filter(pk__in=scope.worker_changes).delete()
    drop(WorkerChangeRequest, scope.worker_changes)
    RequestReopening.objects.filter(pk__in=scope.reopenings).delete()
    drop(RequestReopening, scope.reopenings)
    Reassessment.objects.filter(beschikking_id__in=scope.beschikkingen).update(beschikking=None)
    Beschikking.objects.filter(pk__in=scope.beschikkingen).delete()
    drop(Beschikking, scope.beschikkingen)

    # Support requests: about the child alone a skeleton (in the same household, for the
    # "back within 6 months" figure), shared ones lose the child.
    _blank_fields(
        SupportRequest,
        scope.solo_requests,
        question=PLACEHOLDER,
        referring_person="",
        client_supporter_name="",
        duplicate_reason=_text_if(Q(open_request_check="registered_anyway")),
        destroyed_on=today,
    )
    Through.objects.filter(supportrequest_id__in=scope.solo_requests, client_id=pk).update(
        client_id=anonymous.pk
    )
    Through.objects.filter(supportrequest_id__in=scope.shared_requests, client_id=pk).delete()
    drop(SupportRequest, scope.solo_requests)

    # Triage: the outcome stays, the words go.
    _blank_fields(
        Triage,
        scope.triages,
        child_not_heard_reason=_text_if(Q(child_heard=False)),
        safety_actions=_text_if(Q(safety_concerns=True)),
        provider_name=_nonempty("provider_name"),
        reasons=_nonempty("reasons"),
    )
    drop(Triage, scope.triages)
    _blank_fields(
        OpenHouseException, scope.exceptions, decision_reasons=_nonempty("decision_reasons")
    )
    drop(OpenHouseException, scope.exceptions)
    ChildOutcome.objects.filter(pk__in=scope.outcomes).update(client_id=anonymous.pk)
    drop(ChildOutcome, scope.outcomes)

    # Trajectories.
    TrajectoryChild.objects.filter(pk__in=scope.trajectory_links).update(client_id=anonymous.pk)
    _blank_fields(Trajectory, scope.trajectories, end_note="", destroyed_on=today)
    drop(Trajectory, scope.trajectories)
    _blank_fields(TrajectoryCoach, scope.coaches, note="")
    drop(TrajectoryCoach, scope.coaches)
    _blank_fields(IntensityChange, scope.intensity_changes, reason=PLACEHOLDER)
    _drop_admin_log(IntensityChange, scope.intensity_changes)
    _blank_fields(
        Reassessment,
        scope.reassessments,
        family_concern=PLACEHOLDER,
        investigation=_nonempty("investigation"),
    )
    drop(Reassessment, scope.reassessments)

    # Indications and what hangs on them.
    HandoverNote.objects.filter(pk__in=scope.handover_notes).delete()
    _drop_admin_log(HandoverNote, scope.handover_notes)
    ProviderNotice.objects.filter(pk__in=scope.notices).delete()
    _drop_admin_log(ProviderNotice, scope.notices)
    _blank_fields(
        Indication,
        scope.indications,
        client_id=anonymous.pk,
        budget_holder=_nonempty("budget_holder"),
        allocation_number=None,
    )
    drop(Indication, scope.indications)
    _blank_fields(
        ExtensionRequest,
        scope.extensions,
        reasons=PLACEHOLDER,
        weighing=_nonempty("weighing"),
        wij_advice="",
    )
    drop(ExtensionRequest, scope.extensions)
    files = [
        (field.storage, field.name)
        for evaluation in EndEvaluation.objects.filter(pk__in=scope.evaluations)
        for field in (evaluation.document,)
    ]
    _blank_fields(EndEvaluation, scope.evaluations, document="", original_name=PLACEHOLDER)
    drop(EndEvaluation, scope.evaluations)
    _blank_fields(Task, scope.tasks, done_note="")
    drop(Task, scope.tasks)

    # The national messages: the register keeps that they were there, not what they said.
    _blank_fields(
        AllocationRequest,
        scope.allocation_requests,
        client_id=anonymous.pk,
        bsn="",
        child_name=PLACEHOLDER,
        date_of_birth=MIN_DATE,
        reference=Concat(models.Value(f"{reference}-"), Cast("id", models.CharField())),
        referrer_name="",
        comment="",
        proposal_explained=PLACEHOLDER,
        override_reason=_nonempty("override_reason"),
    )
    drop(AllocationRequest, scope.allocation_requests)
    Message.objects.filter(pk__in=scope.messages, client_id=pk).update(client_id=anonymous.pk)
    _blank_fields(Message, scope.messages, raw=NEUTRAL_MESSAGE, errors="")
    _drop_admin_log(Message, scope.messages)

    # Plans: the child's own goals go; a plan of the child's own household goes whole.
    if scope.shared_plans:
        _scrub_shared_plans(scope)
    plan_versions = _pks(PlanVersion.objects.filter(plan_id__in=scope.plans))
    from plans.models import Agreement, Evaluation

    agreements = _pks(Agreement.objects.filter(plan_id__in=scope.plans))
    evaluations = _pks(Evaluation.objects.filter(plan_id__in=scope.plans))
    Goal.objects.filter(pk__in=scope.goals).delete()
    drop(Goal, scope.goals)
    SupportPlan.objects.filter(pk__in=scope.plans).delete()
    drop(SupportPlan, scope.plans)
    drop(PlanVersion, plan_versions)
    drop(Agreement, agreements)
    drop(Evaluation, evaluations)

    # Households: the child's place goes; its own household becomes anonymous.
    HouseholdMember.objects.filter(pk__in=scope.memberships + scope.other_members).delete()
    drop(HouseholdMember, scope.memberships + scope.other_members)
    Household.objects.filter(pk__in=scope.own_households).update(
        name=PLACEHOLDER, phone="", email=""
    )
    still_used = (
        Household.objects.filter(pk__in=scope.own_households)
        .annotate(
            uses=Count("support_requests", distinct=True)
            + Count("trajectories", distinct=True)
            + Count("support_plans", distinct=True)
            + Count("merged_households", distinct=True)
            + Count("split_households", distinct=True)
        )
        .filter(uses__gt=0)
        .values_list("pk", flat=True)
    )
    unused = Household.objects.filter(pk__in=scope.own_households).exclude(pk__in=list(still_used))
    households_removed = unused.count()
    unused.delete()
    drop(Household, scope.own_households)

    # The family's requests about this file: kept (the register of what was asked and
    # decided), pointing at the anonymous client, without who asked.
    for copy in FileCopy.objects.filter(pk__in=scope.copies):
        files += [(copy.pdf.storage, copy.pdf.name), (copy.json.storage, copy.json.name)]
    FileCopy.objects.filter(pk__in=scope.copies).delete()
    drop(FileCopy, scope.copies)
    # Every free text goes (the officer's reasons may name the child); what the register
    # keeps is kind, dates, who decided and the decision.
    RightsRequest.objects.filter(pk__in=scope.rights_requests).update(
        client_id=anonymous.pk,
        requester_name="",
        description="",
        requester_member=None,
        entitlement_note="",
        decision_reason=_nonempty("decision_reason"),
        extension_reason=_nonempty("extension_reason"),
        outcome_note="",
    )
    drop(RightsRequest, scope.rights_requests)

    # The child itself (deleting writes a history row: dropped after), and every history
    # row anywhere that still names the child (a membership or outcome deleted long ago).
    Client.objects.filter(pk=pk).delete()
    drop(Client, [pk])
    history_rows["about the child"] += _drop_history_about(pk)
    _delete_files(files)

    # The access log: its entries stay, pointing at the tombstone (audit migration 0003).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_log_pseudonymise(%s, %s, %s)", [pk, tombstone.log_id, reference]
        )
        (log_entries,) = cursor.fetchone()
    access_log_record(
        request=http_request,
        user=user,
        event=AccessLogEntry.Event.DELETE,
        part=LOG_PART,
        clients=[tombstone.log_id],
        object_id=tombstone.pk,
        channel=None if http_request is not None else AccessLogEntry.Channel.JOB,
    )

    removed = scope.removed()
    removed["intake.Household"] = households_removed
    summary = {
        "history rows": sum(history_rows.values()),
        "removed": removed,
        "kept": scope.kept(),
        "shared": scope.shared(),
        "files": sum(1 for _storage, name in files if name),
        "access log entries": log_entries,
    }
    Tombstone.objects.filter(pk=tombstone.pk).update(summary=summary)
    tombstone.summary = summary
    rights_request_close(
        request,
        note=_("File destroyed: %(reference)s.") % {"reference": reference},
        today=today,
    )
    return tombstone
