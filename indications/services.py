"""The jobs that watch indications, and the steps that change them.

The jobs are set-based (one UPDATE, one INSERT ... SELECT), idempotent (a status filter
and unique constraints with ON CONFLICT DO NOTHING) and run in one transaction each, so a
worker killed halfway leaves nothing behind and the rerun does the whole day."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openhouse.models import Provider
from outbox.models import OutboxMessage
from outbox.services import message_queue

from .models import FLAG_MONTHS, ExtensionRequest, Indication, ProviderNotice, Task

RUNNING = [str(s) for s in Indication.RUNNING]


def _insert_tasks(*, kind: str, where: str, params: list, due_on=None) -> int:
    """One INSERT ... SELECT of worklist tasks (one per indication and kind) for the
    indications `where` selects; due on `due_on`, or on each indication's end date."""
    due_sql, due_params = ("%s", [due_on]) if due_on else ("ind.end_on", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO indications_task (team_id, indication_id, kind, due_on, created_at)
            SELECT client.team_id, ind.id, %s, {due_sql}, %s
            FROM indications_indication ind
            JOIN intake_client client ON client.id = ind.client_id
            WHERE {where}
            ON CONFLICT (indication_id, kind) DO NOTHING
            """,  # noqa: S608 - `where` is a fixed string from this module; values are params
            [kind, *due_params, timezone.now(), *params],
        )
        return cursor.rowcount


@transaction.atomic
def indications_flag_expiring(*, on_date: datetime.date) -> dict:
    """Flag every active indication ending within 3 calendar months of `on_date`, once.

    For each: a task in the WIJ team's worklist (plan the triage before the end) and a
    notice to the provider that the end-evaluation is due (at the latest 2 months before
    the end), and its e-mail in the outbox, all in this one transaction. Runs for a missed
    day catch up: everything ending by then is flagged."""
    limit = on_date + relativedelta(months=FLAG_MONTHS)
    # The version goes up with the change, so an edit form opened before the run is refused.
    flagged = Indication.objects.filter(status=Indication.Status.ACTIVE, end_on__lte=limit).update(
        status=Indication.Status.ENDING_SOON, flagged_on=on_date, version=F("version") + 1
    )
    tasks = _insert_tasks(
        kind=Task.Kind.PLAN_TRIAGE,
        where="ind.status = %s AND ind.flagged_on IS NOT NULL",
        params=[Indication.Status.ENDING_SOON],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO indications_providernotice (provider_id, indication_id, kind, due_on, created_at)
            SELECT ind.provider_id, ind.id, %s, ind.evaluation_due_on, %s
            FROM indications_indication ind
            WHERE ind.status = %s AND ind.flagged_on IS NOT NULL
            ON CONFLICT (indication_id, kind) DO NOTHING
            """,
            [ProviderNotice.Kind.EVALUATION_DUE, timezone.now(), Indication.Status.ENDING_SOON],
        )
        notices = cursor.rowcount
    mails = notices_email_queue()["mails"]
    return {"flagged": flagged, "tasks": tasks, "notices": notices, "mails": mails}


@transaction.atomic
def indications_check_evaluations(*, on_date: datetime.date) -> dict:
    """End-evaluations not received by end - 2 months are overdue: the WIJ team gets a task
    and the provider a notice (once per indication); the portal and reports show them."""
    placeholders = ", ".join(["%s"] * len(RUNNING))
    where = (
        f"ind.status IN ({placeholders}) AND ind.evaluation_due_on < %s AND NOT EXISTS "  # noqa: S608
        "(SELECT 1 FROM openhouse_endevaluation ev WHERE ev.indication_id = ind.id)"
    )
    params = [*RUNNING, on_date]
    tasks = _insert_tasks(
        kind=Task.Kind.EVALUATION_OVERDUE, where=where, params=params, due_on=on_date
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO indications_providernotice (provider_id, indication_id, kind, due_on, created_at)
            SELECT ind.provider_id, ind.id, %s, ind.evaluation_due_on, %s
            FROM indications_indication ind
            WHERE {where}
            ON CONFLICT (indication_id, kind) DO NOTHING
            """,  # noqa: S608 - `where` is the fixed string above; values are params
            [ProviderNotice.Kind.EVALUATION_OVERDUE, timezone.now(), *params],
        )
        notices = cursor.rowcount
    overdue = Indication.objects.evaluation_overdue(on_date).count()
    mails = notices_email_queue()["mails"]
    return {"overdue": overdue, "tasks": tasks, "notices": notices, "mails": mails}


@transaction.atomic
def indications_end(*, on_date: datetime.date) -> dict:
    """Running indications past their end date become `ended`; those without a follow-up
    at WIJ are then 'niet in beeld' (see IndicationQuerySet.out_of_sight)."""
    ended = Indication.objects.filter(status__in=RUNNING, end_on__lt=on_date).update(
        status=Indication.Status.ENDED, version=F("version") + 1
    )
    return {"ended": ended, "out_of_sight": Indication.objects.out_of_sight().count()}


def notices_email_queue() -> dict:
    """Queue one e-mail per provider about its notices not yet e-mailed, in the caller's
    transaction (the job that made the notices): the outbox sends it, the notices are
    marked at once. A provider without any address keeps its notices in the portal only."""
    queued = 0
    # Locked: a second run at the same time waits, then finds these notices marked.
    notices = list(
        ProviderNotice.objects.select_for_update(of=("self",))
        .filter(emailed_at__isnull=True)
        .select_related("indication__product")
        .order_by("provider_id", "due_on", "pk")
    )
    providers = Provider.objects.filter(pk__in={n.provider_id for n in notices}).prefetch_related(
        "memberships__user"
    )
    for provider in providers:
        recipients = [m.user.email for m in provider.memberships.all() if m.user.email]
        if provider.contact_email:
            recipients.append(provider.contact_email)
        if not recipients:
            continue
        lines = [
            _(
                "- %(product)s, ends %(end)s: end-evaluation at the latest %(due)s, preferably %(preferred)s"
            )
            % {
                "product": n.indication.product.code,
                "end": n.indication.end_on.strftime("%d-%m-%Y"),
                "due": n.due_on.strftime("%d-%m-%Y"),
                "preferred": n.indication.evaluation_preferred_on.strftime("%d-%m-%Y"),
            }
            for n in notices
            if n.provider_id == provider.pk
        ]
        message = message_queue(
            kind=OutboxMessage.Kind.PROVIDER_NOTICES,
            subject=_("Basis jeugdhulp: end-evaluations due"),
            body=_(
                "These indications of your clients end within 3 months. Write the "
                "end-evaluation at least 2 and preferably 3 months before the end date, "
                "and upload it in the provider portal:"
            )
            + "\n\n"
            + "\n".join(lines),
            recipients=recipients,
        )
        if message is not None:  # None: no valid address was left
            queued += 1
    ProviderNotice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
    return {"mails": queued}


@transaction.atomic
def provider_stop(*, provider: Provider, stops_on: datetime.date, user) -> dict:
    """A provider stops: its running indications are flagged for WIJ pick-up (a task per
    family in the team's worklist); officials and teams see the list."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    provider.status = (
        Provider.Status.STOPPED if stops_on <= timezone.localdate() else Provider.Status.STOPPING
    )
    provider.stops_on = stops_on
    provider._history_user = user
    provider.full_clean()
    provider.save()
    placeholders = ", ".join(["%s"] * len(RUNNING))
    tasks = _insert_tasks(
        kind=Task.Kind.PROVIDER_STOPS,
        where=f"ind.provider_id = %s AND ind.status IN ({placeholders}) AND ind.end_on >= %s",
        params=[provider.pk, *RUNNING, stops_on],
        due_on=stops_on,
    )
    return {"tasks": tasks}


@transaction.atomic
def extension_decide(
    *, request_id: int, decision: str, weighing: str, new_end_on, user
) -> ExtensionRequest:
    """Weigh an extension request individually: extend with the same provider until a new
    date, or another solution."""
    extension = (
        ExtensionRequest.objects.select_for_update().select_related("indication").get(pk=request_id)
    )
    if extension.decision != ExtensionRequest.Decision.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not weighing.strip():
        raise ValidationError({"weighing": _("Record the individual weighing.")})
    indication = Indication.objects.select_for_update().get(pk=extension.indication_id)
    if decision == ExtensionRequest.Decision.EXTEND:
        if not new_end_on or new_end_on <= indication.end_on:
            raise ValidationError(
                {"new_end_on": _("The new end date must be after the current end date.")}
            )
        indication.end_on = new_end_on
        indication.status = Indication.Status.EXTENDED
        if indication.overlapping().exists():
            raise ValidationError(
                {"new_end_on": _("Then it would overlap another indication for this product.")}
            )
        indication._history_user = user
        indication.save()
    extension.decision = decision
    extension.weighing = weighing
    extension.new_end_on = new_end_on if decision == ExtensionRequest.Decision.EXTEND else None
    extension.decided_by = user
    extension.decided_on = timezone.localdate()
    extension._history_user = user
    extension.full_clean()
    extension.save()
    return extension


@transaction.atomic
def indication_follow_up(*, indication_id: int, user):
    """Start WIJ's follow-up of an ending indication: a support request for the child (the
    re-triage), linked to the indication; the team's 'plan the triage' task is done."""
    from intake.models import SupportRequest
    from intake.services import Referral, support_request_register_for_child

    indication = (
        Indication.objects.select_for_update()
        .select_related("client", "product", "provider")
        .get(pk=indication_id)
    )
    if indication.follow_up_request_id:
        raise ValidationError(_("WIJ already follows this indication up."))
    request = support_request_register_for_child(
        registered_by=user,
        client=indication.client,
        channel=SupportRequest.Channel.LETTER,
        question=_("Re-triage: the indication %(product)s at %(provider)s ends on %(end)s.")
        % {
            "product": f"{indication.product.code} {indication.product.name}",
            "provider": indication.provider.name,
            "end": indication.end_on.strftime("%d-%m-%Y"),
        },
        referral=Referral(),
        assigned_worker=user,
        route_decision=SupportRequest.RouteOutcome.ACCEPTED_AS_SELF,
        # The follow-up is this indication's own re-triage: an open request of the child
        # does not stop it; both requests show the possible duplicate.
        unchecked_duplicates=True,
    )
    indication.follow_up_request = request
    indication.handled_on = timezone.localdate()
    indication._history_user = user
    indication.save(update_fields=["follow_up_request", "handled_on"])
    # Only "plan the triage" is met by a follow-up; an overdue end-evaluation or a stopping
    # provider still needs its own work.
    tasks_close_by_condition(indication_id=indication.pk, how=Task.DoneHow.FOLLOW_UP, user=user)
    return request


def tasks_close_by_condition(*, indication_id: int, how: str, user) -> int:
    """Close the indication's open tasks whose own condition `how` is (Task.CLOSED_BY):
    a follow-up closes "plan the triage", an end-evaluation "end-evaluation overdue".
    Called inside the transaction of the step that met the condition, which holds the
    indication's row lock; each task is saved on its own so its history shows it."""
    kinds = [kind for kind, closes in Task.CLOSED_BY.items() if closes == how]
    tasks = Task.objects.filter(indication_id=indication_id, kind__in=kinds)
    return tasks_mark_done(tasks, how=how, user=user)


def tasks_mark_done(tasks, *, how: str, user) -> int:
    """Mark the open ones of `tasks` done by `how`, by `user`, today: locked, and each
    saved on its own so its history shows it (every closing by a condition goes here)."""
    closed = 0
    for task in tasks.select_for_update().filter(done_on__isnull=True):
        task.done_on = timezone.localdate()
        task.done_by = user
        task.done_how = how
        task._history_user = user
        task.full_clean()
        task.save(update_fields=["done_on", "done_by", "done_how"])
        closed += 1
    return closed


@transaction.atomic
def task_complete(*, task_id: int, user, note: str) -> Task:
    """A worker ticks a task off with a note; it cannot be undone (the page asks first)."""
    # Locked: two workers ticking the same task off at once; the second sees it done.
    task = Task.objects.select_for_update().get(pk=task_id)
    if task.done_on is not None:
        raise ValidationError(_("This task is already done."))
    task.done_on = timezone.localdate()
    task.done_by = user
    task.done_how = Task.DoneHow.BY_HAND
    task.done_note = note.strip()
    task._history_user = user
    task.full_clean()
    task.save(update_fields=["done_on", "done_by", "done_how", "done_note"])
    return task
