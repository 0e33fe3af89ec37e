"""The jobs that watch indications, and the steps that change them.

The jobs are set-based (one UPDATE, one INSERT ... SELECT), idempotent (a status filter
and unique constraints with ON CONFLICT DO NOTHING) and run in one transaction each, so a
worker killed halfway leaves nothing behind and the rerun does the whole day."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Client
from openhouse.models import Provider
from outbox.models import OutboxMessage
from outbox.services import messages_queue_from_query
from samen import roles
from samen.codelists import EndReason
from samen.limits import REASON_TEXT

from .models import (
    EVALUATION_PREFERRED_MONTHS,
    EXTENSION_DECISION_WEEKS,
    FLAG_MONTHS,
    ExtensionRequest,
    Indication,
    ProviderNotice,
    Task,
)

RUNNING = [str(s) for s in Indication.RUNNING]


def _insert_tasks(*, kind: str, where: str, params: list, due_on=None) -> int:
    """One INSERT ... SELECT of worklist tasks (one per indication, kind and end date) for
    the indications `where` selects; due on `due_on`, or on each indication's end date."""
    due_sql, due_params = ("%s", [due_on]) if due_on else ("ind.end_on", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO indications_task
                (team_id, indication_id, kind, for_end_on, due_on, created_at)
            SELECT client.team_id, ind.id, %s, ind.end_on, {due_sql}, %s
            FROM indications_indication ind
            JOIN intake_client client ON client.id = ind.client_id
            WHERE client.destroyed_on IS NULL AND {where}
            ON CONFLICT (indication_id, kind, for_end_on) WHERE indication_id IS NOT NULL
            DO NOTHING
            """,  # noqa: S608 - `where` is a fixed string from this module; values are params
            [kind, *due_params, timezone.now(), *params],
        )
        return cursor.rowcount


def _insert_notices(*, kind: str, where: str, params: list) -> int:
    """One INSERT ... SELECT of notices to the providers (once per indication, kind and end
    date) about the indications `where` selects; a PGB has no provider and gets none.
    They are written e-mailed, and what the e-mails need of them goes into job_mail: the
    caller queues the e-mails in the same transaction (notices_email_queue), so each
    notice row is written once, not inserted and then marked."""
    with connection.cursor() as cursor:
        _mail_table(cursor)
        now = timezone.now()
        cursor.execute(
            f"""
            WITH made AS (
                INSERT INTO indications_providernotice
                    (provider_id, indication_id, kind, for_end_on, due_on, created_at,
                    emailed_at)
                SELECT ind.provider_id, ind.id, %s, ind.end_on, ind.evaluation_due_on, %s, %s
                FROM indications_indication ind
                JOIN intake_client client ON client.id = ind.client_id
                WHERE client.destroyed_on IS NULL AND ind.provider_id IS NOT NULL AND {where}
                ON CONFLICT (indication_id, kind, for_end_on) DO NOTHING
                RETURNING id, provider_id, indication_id, kind, for_end_on, due_on
            )
            INSERT INTO job_mail SELECT * FROM made
            """,  # noqa: S608 - `where` is a fixed string from this module; values are params
            [kind, now, now, *params],
        )
        return cursor.rowcount


def _mail_table(cursor) -> None:
    """The temporary table of the notices to e-mail in this transaction (notices_email_queue
    empties it)."""
    cursor.execute(
        """
        CREATE TEMPORARY TABLE IF NOT EXISTS job_mail (id bigint, provider_id bigint,
            indication_id bigint, kind text, for_end_on date, due_on date) ON COMMIT DROP
        """
    )


def _flagged_table(cursor) -> None:
    """The temporary table of the indications this run changed: the UPDATE ... RETURNING
    fills it and the inserts read it, so a run reads only what it changed (not every
    indication in a status). Dropped at the commit, and first in case an outer transaction
    (a test) ran the job before."""
    cursor.execute("DROP TABLE IF EXISTS job_changed")
    cursor.execute("CREATE TEMPORARY TABLE job_changed (id bigint PRIMARY KEY) ON COMMIT DROP")


# A destroyed file's skeleton is never watched (rights.destruction).
LIVING = (
    "NOT EXISTS (SELECT 1 FROM intake_client gone "
    "WHERE gone.id = ind.client_id AND gone.destroyed_on IS NOT NULL)"
)


@transaction.atomic
def indications_flag_expiring(*, on_date: datetime.date) -> dict:
    """Flag every running indication (active or extended) ending from `on_date` up to 3
    calendar months ahead, once per end date.

    For each: a task in the WIJ team's worklist (plan the triage before the end) and, in
    kind (not a PGB), a notice to the provider that the end-evaluation is due (at the
    latest 2 months before the end), and its e-mail in the outbox, all in this one
    transaction. Runs for a missed day catch up: everything ending from the run date up to
    the limit is flagged. An indication already past its end is the end job's (niet in
    beeld), whichever job runs first; an open end (no end date) is never flagged.

    Set-based and incremental: one UPDATE ... RETURNING (through the partial index
    indication_watch_end_idx) writes the ids it flagged into a temporary table, and the
    tasks and notices are inserted for those ids only, so the day after touches only the
    day's new ends. Only status, flagged_on and version change: no indexed column but the
    status the partial index watches."""
    limit = on_date + relativedelta(months=FLAG_MONTHS)
    with connection.cursor() as cursor:
        _flagged_table(cursor)
        # The version goes up with the change, so an edit form opened before the run is
        # refused.
        cursor.execute(
            f"""
            WITH flagged AS (
                UPDATE indications_indication ind
                SET status = %s, flagged_on = %s, version = ind.version + 1
                WHERE ind.status IN (%s, %s) AND ind.end_on >= %s AND ind.end_on <= %s
                    AND {LIVING}
                RETURNING ind.id
            )
            INSERT INTO job_changed (id) SELECT id FROM flagged
            """,  # noqa: S608 - LIVING is a fixed string; values are params
            [
                Indication.Status.ENDING_SOON,
                on_date,
                Indication.Status.ACTIVE,
                Indication.Status.EXTENDED,
                on_date,
                limit,
            ],
        )
        flagged = cursor.rowcount
        # Its size for the planner: a few hundred ids are looked up by the primary key.
        cursor.execute("ANALYZE job_changed")
    where = "ind.id IN (SELECT id FROM job_changed)"
    tasks = _insert_tasks(kind=Task.Kind.PLAN_TRIAGE, where=where, params=[])
    notices = _insert_notices(kind=ProviderNotice.Kind.EVALUATION_DUE, where=where, params=[])
    mails = notices_email_queue()["mails"]
    return {"flagged": flagged, "tasks": tasks, "notices": notices, "mails": mails}


def _evaluation_candidates(cursor, on_date: datetime.date) -> str:
    """Which indications this overdue end-evaluations run has to look at, as a condition
    on `ind`: every one on the first run (no watermark yet) and on a run for a day before
    the watermark (a day looked at again); otherwise only those whose due date passed
    since the last run (the partial index indication_evaluation_due_idx, a day's worth)
    and those made or changed since (EvaluationRecheck, which the database's triggers
    fill in their own transaction), read in the same snapshot. The watermark row is
    locked: a second run at the same time waits, then finds the work done."""
    cursor.execute(
        "INSERT INTO indications_evaluationwatermark (id, checked_before) VALUES (1, NULL) "
        "ON CONFLICT (id) DO NOTHING"
    )
    cursor.execute(
        "SELECT checked_before FROM indications_evaluationwatermark WHERE id = 1 FOR UPDATE"
    )
    [since] = cursor.fetchone()
    if since is not None and since > on_date:
        return "TRUE"  # the past again: everything, and the queue stays for the next run
    cursor.execute(
        "UPDATE indications_evaluationwatermark SET checked_before = %s WHERE id = 1", [on_date]
    )
    cursor.execute("DROP TABLE IF EXISTS job_candidate")
    cursor.execute("CREATE TEMPORARY TABLE job_candidate (id bigint) ON COMMIT DROP")
    placeholders = ", ".join(["%s"] * len(RUNNING))
    cursor.execute(
        f"""
        WITH queued AS (
            DELETE FROM indications_evaluationrecheck RETURNING indication_id
        )
        INSERT INTO job_candidate (id)
        SELECT indication_id FROM queued
        UNION
        SELECT ind.id FROM indications_indication ind
        WHERE ind.status IN ({placeholders}) AND ind.provider_id IS NOT NULL
            AND ind.evaluation_due_on >= %s AND ind.evaluation_due_on < %s
        """,  # noqa: S608 - fixed strings; values are params
        [*RUNNING, since, on_date],
    )
    if since is None:
        return "TRUE"  # the first run: everything (the queue, read above, is in it)
    cursor.execute("ANALYZE job_candidate")
    return "ind.id IN (SELECT id FROM job_candidate)"


@transaction.atomic
def indications_check_evaluations(*, on_date: datetime.date) -> dict:
    """End-evaluations not received by end - 2 months are overdue: the WIJ team gets a task
    and the provider a notice (once per indication and end date); the portal and reports
    show them. Only in kind (a PGB has no provider to evaluate), only an evaluation for the
    current end counts, and an indication past its end is the end job's.

    Incremental (_evaluation_candidates): a run looks at the due dates passed since the
    last run and at the indications made or changed since, not at the whole two months
    before every end; of those, the ones already given their task and notice for this end
    are left at once. `overdue` counts the indications this run found overdue and not yet
    told (the pages and reports count all overdue ones)."""
    placeholders = ", ".join(["%s"] * len(RUNNING))
    with connection.cursor() as cursor:
        _flagged_table(cursor)
        candidates = _evaluation_candidates(cursor, on_date)
        cursor.execute(
            f"""
            INSERT INTO job_changed (id)
            SELECT ind.id FROM indications_indication ind
            WHERE {candidates} AND ind.status IN ({placeholders})
                AND ind.provider_id IS NOT NULL
                AND ind.evaluation_due_on < %s AND ind.end_on >= %s AND {LIVING}
                AND NOT EXISTS (SELECT 1 FROM openhouse_endevaluation ev
                    WHERE ev.indication_id = ind.id AND ev.for_end_on = ind.end_on)
                AND (NOT EXISTS (SELECT 1 FROM indications_task task
                        WHERE task.indication_id = ind.id AND task.kind = %s
                        AND task.for_end_on = ind.end_on)
                    OR NOT EXISTS (SELECT 1 FROM indications_providernotice notice
                        WHERE notice.indication_id = ind.id AND notice.kind = %s
                        AND notice.for_end_on = ind.end_on))
            """,  # noqa: S608 - fixed strings; values are params
            [
                *RUNNING,
                on_date,
                on_date,
                Task.Kind.EVALUATION_OVERDUE,
                ProviderNotice.Kind.EVALUATION_OVERDUE,
            ],
        )
        overdue = cursor.rowcount
        cursor.execute("ANALYZE job_changed")
    where = "ind.id IN (SELECT id FROM job_changed)"
    tasks = _insert_tasks(kind=Task.Kind.EVALUATION_OVERDUE, where=where, params=[], due_on=on_date)
    notices = _insert_notices(kind=ProviderNotice.Kind.EVALUATION_OVERDUE, where=where, params=[])
    mails = notices_email_queue()["mails"]
    return {"overdue": overdue, "tasks": tasks, "notices": notices, "mails": mails}


@transaction.atomic
def indications_end(*, on_date: datetime.date) -> dict:
    """Running indications past their end date become `ended`; those without a follow-up
    at WIJ are then 'niet in beeld' (see IndicationQuerySet.out_of_sight).

    One UPDATE through the partial index indication_running_end_idx: once the past is
    ended, only the day's ends lie before `on_date` in it."""
    placeholders = ", ".join(["%s"] * len(RUNNING))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE indications_indication ind SET status = %s, version = ind.version + 1
            WHERE ind.status IN ({placeholders}) AND ind.end_on < %s AND {LIVING}
            """,  # noqa: S608 - fixed strings; values are params
            [Indication.Status.ENDED, *RUNNING, on_date],
        )
        ended = cursor.rowcount
    return {"ended": ended, "out_of_sight": Indication.objects.out_of_sight().count()}


def _sql_format(template: str, names: list[str]) -> str:
    """A translated `%(name)s` template as a format() string of SQL (`%1$s`, ...), so a
    translation may put the values in another order."""
    text = template.replace("%%", "\x00")
    for position, name in enumerate(names, start=1):
        text = text.replace(f"%({name})s", f"%{position}$s")
    return text.replace("\x00", "%%")


def _notice_lines_sql() -> tuple[str, dict]:
    """The query of the e-mails' bodies: one row per provider (`key`) with the lines of its
    notices just marked (job_mail), the product and dates only, never the child; in the
    active language. Made and kept in the database: the first run's hundreds of thousands
    of lines never pass through this process."""
    decided = _("- %(product)s, ending %(end)s: the extension request is decided")
    due = _(
        "- %(product)s, ends %(end)s: end-evaluation at the latest %(due)s, preferably %(preferred)s"
    )
    names = ["product", "end", "due", "preferred"]
    sql = """
        SELECT mail.provider_id AS key, %(intro)s || string_agg(
            format(CASE WHEN mail.kind = %(decided_kind)s THEN %(decided)s ELSE %(due)s END,
                product.code, coalesce(to_char(mail.for_end_on, 'DD-MM-YYYY'), '-'),
                to_char(mail.due_on, 'DD-MM-YYYY'),
                coalesce(to_char(ind.end_on - %(preferred)s * interval '1 month',
                    'DD-MM-YYYY'), '-')),
            E'\n' ORDER BY mail.due_on, mail.id) AS body
        FROM job_mail mail
        JOIN indications_indication ind ON ind.id = mail.indication_id
        JOIN referrals_product product ON product.id = ind.product_id
        GROUP BY mail.provider_id
    """
    intro = _(
        "There is news about these indications of your clients. Write an "
        "end-evaluation at least 2 and preferably 3 months before the end date, "
        "and upload it in the provider portal, where you also read the decisions:"
    )
    params = {
        "intro": intro + "\n\n",
        "decided_kind": ProviderNotice.Kind.EXTENSION_DECIDED,
        "decided": _sql_format(decided, names),
        "due": _sql_format(due, names),
        "preferred": EVALUATION_PREFERRED_MONTHS,
    }
    return sql, params


def notices_email_queue() -> dict:
    """Queue one e-mail per provider about its notices not yet e-mailed, in the caller's
    transaction (the job that made the notices): the outbox sends it, the notices are
    marked at once. A provider without any address keeps its notices in the portal only.

    Set-based, as many queries for one notice as for a million: the notices a job just
    made are in the temporary table job_mail already (_insert_notices), one UPDATE marks
    any other unsent notice and adds it there (its row locks make a second run at the
    same time wait and then find them marked; a notice made meanwhile by another
    transaction is not seen, so not marked), the providers' addresses are read once, and
    one INSERT ... SELECT writes the e-mails, their lines made by the database
    (_notice_lines_sql)."""
    with connection.cursor() as cursor:
        _mail_table(cursor)
        cursor.execute(
            """
            WITH marked AS (
                UPDATE indications_providernotice SET emailed_at = %s
                WHERE emailed_at IS NULL
                RETURNING id, provider_id, indication_id, kind, for_end_on, due_on
            )
            INSERT INTO job_mail SELECT * FROM marked
            """,
            [timezone.now()],
        )
        cursor.execute("SELECT EXISTS (SELECT 1 FROM job_mail)")
        if not cursor.fetchone()[0]:
            return {"mails": 0}
    providers = Provider.objects.filter(
        pk__in=RawSQL("SELECT DISTINCT provider_id FROM job_mail", [])
    ).prefetch_related("memberships__user")
    recipients = {
        provider.pk: [m.user.email for m in provider.memberships.all() if m.user.email]
        + ([provider.contact_email] if provider.contact_email else [])
        for provider in providers
    }
    sql, params = _notice_lines_sql()
    mails = messages_queue_from_query(
        kind=OutboxMessage.Kind.PROVIDER_NOTICES,
        subject=_("Basis jeugdhulp: news about your clients' indications"),
        bodies_sql=sql,
        params=params,
        recipients=recipients,
    )
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE job_mail")  # e-mailed: a later call starts anew
    return {"mails": mails}


@transaction.atomic
def provider_stop(*, provider: Provider, stops_on: datetime.date, user) -> dict:
    """A provider stops: its running indications are flagged for WIJ pick-up (a task per
    family in the team's worklist); officials and teams see the list. An open end runs past
    any stop date, so it is picked up too."""
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
        # An open end runs past every stop date: picked up too.
        where=f"ind.provider_id = %s AND ind.status IN ({placeholders}) "
        "AND (ind.end_on IS NULL OR ind.end_on >= %s)",
        params=[provider.pk, *RUNNING, stops_on],
        due_on=stops_on,
    )
    return {"tasks": tasks}


def extension_decide_by(*, requested_on: datetime.date, end_on: datetime.date) -> datetime.date:
    """The deadline of an extension decision: 8 weeks after the request (Awb 4:13, the
    term for a decision on an application), and never after the current end date (the
    family must know before the care would stop)."""
    return min(requested_on + datetime.timedelta(weeks=EXTENSION_DECISION_WEEKS), end_on)


def has_pending_extension(indication: Indication) -> bool:
    """One extension request waits at a time per indication (a partial unique index)."""
    return ExtensionRequest.objects.pending().filter(indication=indication).exists()


def extension_errors(
    indication: Indication,
    *,
    on_date: datetime.date,
    proposed_end_on=None,
    new_request: bool = False,
):
    """Why an extension cannot be asked (`new_request`) or granted for `indication` on
    `on_date` (a dict of field errors, empty when it can): running, with an end date not
    yet passed, a proposed new end after the current one, and for a new request none
    waiting already. Asked by the forms first, and by the services."""
    errors = {}
    if new_request and has_pending_extension(indication):
        errors[NON_FIELD_ERRORS] = _(
            "An extension request for this indication is already waiting for a decision."
        )
    if not indication.is_running:
        errors[NON_FIELD_ERRORS] = _("This indication no longer runs: it cannot be extended.")
    elif indication.end_on is None:
        errors[NON_FIELD_ERRORS] = _("This indication has an open end: nothing to extend.")
    elif on_date > indication.end_on:
        errors[NON_FIELD_ERRORS] = _(
            "The end date has passed: an extension is decided before the current end date."
        )
    elif proposed_end_on is not None and proposed_end_on <= indication.end_on:
        errors["proposed_end_on"] = _("The new end date must be after the current end date.")
    return errors


@transaction.atomic
def extension_request_create(
    *,
    indication_id: int,
    requested_by: str,
    reasons: str,
    user,
    proposed_end_on: datetime.date | None = None,
    end_evaluation=None,
    triage=None,
    wij_advice: str = "",
    end_evaluation_required: bool = True,
) -> ExtensionRequest:
    """A request to extend an indication, for the youth administration to weigh: from the
    provider (portal, API; with its end-evaluation for the current end, attached or
    uploaded before) or from WIJ's triage (re-indication: extend, with WIJ's advice). One
    waits at a time per indication; its deadline is `extension_decide_by`. A provider's
    change request message (JW317) carries no end-evaluation: it asks with
    `end_evaluation_required=False`, and the decision page says none was received."""
    indication = Indication.objects.select_for_update().get(pk=indication_id)
    today = timezone.localdate()
    errors = extension_errors(
        indication, on_date=today, proposed_end_on=proposed_end_on, new_request=True
    )
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons for the extension.")
    if requested_by == ExtensionRequest.Requester.PROVIDER:
        if end_evaluation is None and not end_evaluation_required:
            pass
        elif end_evaluation is None:
            errors["end_evaluation"] = _(
                "Attach the end-evaluation, or upload it first: the request is weighed on it."
            )
        elif (
            end_evaluation.indication_id != indication.pk
            or end_evaluation.for_end_on != indication.end_on
        ):
            errors["end_evaluation"] = _(
                "This end-evaluation is not the one for the current end of this indication."
            )
    if errors:
        raise ValidationError(errors)
    extension = ExtensionRequest(
        indication=indication,
        requested_on=today,
        requested_by=requested_by,
        requested_by_user=user,
        reasons=reasons.strip(),
        proposed_end_on=proposed_end_on,
        end_evaluation=end_evaluation,
        triage=triage,
        wij_advice=wij_advice.strip(),
        decide_by=extension_decide_by(requested_on=today, end_on=indication.end_on),
    )
    extension._history_user = user
    extension.full_clean()
    extension.save()
    if extension_needs_wij_advice(extension, on_date=today):
        # The WIJ team triages the family and advises (decision 76); the task closes by
        # itself when the advice is recorded (extension_advice_record).
        task, made = Task.objects.get_or_create(
            indication=indication,
            kind=Task.Kind.EXTENSION_ADVICE,
            for_end_on=indication.end_on,
            defaults={
                "team_id": Client.objects.values_list("team_id", flat=True).get(
                    pk=indication.client_id
                ),
                "due_on": extension.decide_by,
            },
        )
        if not made and task.done_on is not None:
            # A new request for the same end after the first was decided: the team is
            # asked again (one task per end date; its history keeps the first closing).
            task.done_on = task.done_by = None
            task.done_how = task.done_note = ""
            task.due_on = extension.decide_by
            task._history_user = user
            task.full_clean()
            task.save()
    return extension


@transaction.atomic
def extension_advice_record(*, extension_id: int, triage, advice: str, user) -> ExtensionRequest:
    """WIJ's advice on a waiting extension request, from the triage of the child."""
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension_id)
    if not extension.is_pending:
        raise ValidationError(_("This request has already been decided."))
    if triage is None or not advice.strip():
        raise ValidationError(
            {"wij_advice": _("WIJ's advice comes from the triage, with its text.")}
        )
    extension.triage = triage
    extension.wij_advice = advice.strip()
    extension._history_user = user
    extension.full_clean()
    extension.save(update_fields=["triage", "wij_advice"])
    tasks_close_by_condition(
        indication_id=extension.indication_id, how=Task.DoneHow.ADVICE_GIVEN, user=user
    )
    return extension


def extension_needs_wij_advice(extension: ExtensionRequest, *, on_date: datetime.date) -> bool:
    """From the day the Open House closed for the product, an extension is an individual
    exception to Basis jeugdhulp at WIJ: it is decided only with WIJ's advice from the
    triage of the child (docs/decisions.md, 76)."""
    product = extension.indication.product
    return on_date >= product.open_house_closes_on and extension.triage_id is None


@transaction.atomic
def extension_decide(
    *, request_id: int, decision: str, weighing: str, new_end_on, user
) -> ExtensionRequest:
    """Weigh an extension request individually (the youth administration): extend with the
    same provider until a new date, for now a solution other than Basis jeugdhulp at WIJ;
    or not extended, so Basis jeugdhulp at WIJ follows at the end.

    Extended only while it runs and before the current end date; "not extended" can be
    decided later too (the family is owed a decision, and the request must not block an
    early end or a handover for ever). An extension gives the indication its new end and
    watches it again: the end's earlier tasks close (done by the extension), the flag job
    flags the new end in its time with its own task and notice, and an end-evaluation
    written for the earlier end does not count for the new one. The provider is told (a
    notice, and its e-mail); a beschikking letter follows (the decision page prints it)."""
    extension = (
        ExtensionRequest.objects.select_for_update()
        .select_related("indication__product")
        .get(pk=request_id)
    )
    if not extension.is_pending:
        raise ValidationError(_("This request has already been decided."))
    indication = Indication.objects.select_for_update().get(pk=extension.indication_id)
    today = timezone.localdate()
    errors = (
        extension_errors(indication, on_date=today)
        if decision == ExtensionRequest.Decision.EXTEND
        else {}
    )
    if not weighing.strip():
        errors["weighing"] = _("Record the individual weighing.")
    if decision not in (ExtensionRequest.Decision.EXTEND, ExtensionRequest.Decision.WIJ):
        errors["decision"] = _("Choose the decision.")
    if decision == ExtensionRequest.Decision.EXTEND and not errors:
        if extension_needs_wij_advice(extension, on_date=today):
            errors["decision"] = _(
                "The Open House closed for this product: extend only with WIJ's advice from "
                "the triage of the child. The team has the request on its worklist."
            )
        elif not new_end_on or new_end_on <= indication.end_on:
            errors["new_end_on"] = _("The new end date must be after the current end date.")
    if errors:
        raise ValidationError(errors)
    old_end = indication.end_on
    # Decided (without WIJ's advice, "not extended"): nothing left to advise on.
    tasks_mark_done(
        Task.objects.filter(indication=indication, kind=Task.Kind.EXTENSION_ADVICE),
        how=Task.DoneHow.EXTENSION_DECIDED,
        user=user,
    )
    if decision == ExtensionRequest.Decision.EXTEND:
        indication.end_on = new_end_on
        indication.status = Indication.Status.EXTENDED
        if indication.overlapping().exists():
            raise ValidationError(
                {"new_end_on": _("Then it would overlap another indication for this product.")}
            )
        # A new end is watched anew: flagged again in its time, followed up again by WIJ
        # (the earlier follow-up stays on the request and in the history).
        indication.flagged_on = None
        indication.handled_on = None
        indication.follow_up_request = None
        indication._history_user = user
        indication.save()
        tasks_mark_done(
            Task.objects.filter(indication=indication, for_end_on=old_end),
            how=Task.DoneHow.EXTENDED,
            user=user,
        )
    extension.decision = decision
    extension.weighing = weighing.strip()
    extension.new_end_on = new_end_on if decision == ExtensionRequest.Decision.EXTEND else None
    extension.decided_by = user
    extension.decided_on = today
    extension._history_user = user
    extension.full_clean()
    extension.save()
    from ijw.services import extension_decided  # the national messages follow (no cycle)

    extension_decided(extension=extension, indication=indication)
    if indication.provider_id:
        ProviderNotice.objects.get_or_create(
            indication=indication,
            kind=ProviderNotice.Kind.EXTENSION_DECIDED,
            for_end_on=old_end,
            defaults={"provider_id": indication.provider_id, "due_on": today},
        )
        notices_email_queue()
    return extension


@transaction.atomic
def extension_letter_printed(*, extension_id: int, user) -> ExtensionRequest:
    """Record that the beschikking letter of a decided request was printed to be sent: the
    first print dates the letter (and so the objection term); a reprint keeps that date."""
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension_id)
    if extension.is_pending:
        raise ValidationError(_("The letter follows the decision: decide the request first."))
    if extension.letter_printed_on is None:
        extension.letter_printed_on = timezone.localdate()
        extension.letter_printed_by = user
        extension._history_user = user
        extension.full_clean()
        extension.save(update_fields=["letter_printed_on", "letter_printed_by"])
    return extension


@dataclass
class TriageExtensionStep:
    """What a triage's outcome for one child does to an extension (shown on the triage's
    confirmation, done by triage_record): a new request with WIJ's advice ("request"), or
    WIJ's advice recorded on the request that waits ("advice"); `extend` is the advice."""

    client: Client
    indication: Indication
    action: str
    extend: bool
    extension: ExtensionRequest | None = None

    @property
    def is_request(self) -> bool:
        return self.action == "request"


def extension_steps_for_triage(
    *, client, outcome: str, provider, support_request, triage, on_date: datetime.date
) -> tuple[list, str]:
    """The extension steps of one child's triage outcome, and why it cannot be done ("" when
    it can). "Re-indication: extend" asks to extend the child's running indication that this
    request follows up (Indication.follow_up_request), else its running one at the outcome's
    provider: a new request with WIJ's advice, or the advice on the one that waits. Any other
    outcome records WIJ's advice against extending on every waiting request of the child."""
    from triage.models import Triage

    running = list(
        Indication.objects.running()
        .filter(client=client)
        .select_related("product", "provider")
        .order_by(F("end_on").asc(nulls_last=True), "pk")
    )
    pending = {
        extension.indication_id: extension
        for extension in ExtensionRequest.objects.pending().filter(
            indication__in=[i.pk for i in running]
        )
    }
    if outcome != Triage.Outcome.REINDICATION_EXTEND:
        steps = [
            TriageExtensionStep(client, i, "advice", False, pending[i.pk])
            for i in running
            if i.pk in pending
        ]
        return steps, ""
    fits = [i for i in running if i.follow_up_request_id == support_request.pk]
    if not fits and provider is not None:
        fits = [i for i in running if i.provider_id == provider.pk]
    if not fits:
        return [], _(
            "%(child)s has no running indication at %(provider)s that this request follows "
            "up: there is nothing to extend. Choose another outcome, or the provider of the "
            "indication."
        ) % {"child": client.full_name, "provider": provider.name if provider else "-"}
    # The one with a waiting request first, then the one that ends first.
    indication = next((i for i in fits if i.pk in pending), fits[0])
    if indication.pk in pending:
        return [TriageExtensionStep(client, indication, "advice", True, pending[indication.pk])], ""
    if triage is not None and indication.extension_requests.filter(triage=triage).exists():
        # A revision of the triage: its request was decided meanwhile; nothing is asked twice.
        return [], ""
    errors = extension_errors(indication, on_date=on_date)
    if errors:
        reasons = " ".join(str(message) for message in errors.values())
        return [], f"{client.full_name}: {reasons}"
    return [TriageExtensionStep(client, indication, "request", True)], ""


def extension_advice_text(*, extend: bool, outcome_label: str, reasons: str) -> str:
    """WIJ's advice as the youth administration reads it: the advice, then the triage's
    reasons."""
    if extend:
        advice = _("WIJ advises: %(decision)s.") % {
            "decision": ExtensionRequest.Decision.EXTEND.label
        }
    else:
        advice = _("WIJ advises against extending (triage: %(outcome)s).") % {
            "outcome": outcome_label
        }
    text = f"{advice}\n{reasons.strip()}" if reasons.strip() else advice
    return text[:REASON_TEXT]


def extension_steps_apply(*, steps, triage, reasons: str, outcome_labels: dict, user) -> list:
    """Do the triage's extension steps (inside triage_record's transaction)."""
    done = []
    for step in steps:
        advice = extension_advice_text(
            extend=step.extend,
            outcome_label=outcome_labels[step.client.pk],
            reasons=reasons,
        )
        if step.is_request:
            done.append(
                extension_request_create(
                    indication_id=step.indication.pk,
                    requested_by=ExtensionRequest.Requester.WIJ,
                    reasons=reasons,
                    user=user,
                    triage=triage,
                    wij_advice=advice,
                )
            )
        else:
            done.append(
                extension_advice_record(
                    extension_id=step.extension.pk, triage=triage, advice=advice, user=user
                )
            )
    return done


def _pending_extension_refuses(indication: Indication) -> None:
    if has_pending_extension(indication):
        raise ValidationError(
            _(
                "An extension request for this indication waits for the youth "
                "administration's decision: ask them to decide it first."
            )
        )


@transaction.atomic
def indication_end_early(
    *,
    indication_id: int,
    ends_on: datetime.date,
    end_reason: str,
    message: str,
    user,
    status: str = Indication.Status.TRANSFERRED,
    reported_stop: bool = False,
) -> Indication:
    """The provider hands the family over to WIJ before the end (seed 002 q6): its care
    ends on `ends_on` (today or later, before the current end), with a JZ588 reason. The
    indication takes the date and its status at once; the WIJ team gets a task to pick the
    family up now, and the warm-handover thread opens with the provider's message. What
    watched the old end (plan the triage, end-evaluation overdue) is done by this.
    A JW307 stop message calls this too (status `stopped_early`, `reported_stop`): it
    reports a stop that happened, so its day may lie in the past, and a waiting extension
    request does not hold it up (the care stopped; the youth administration decides that
    request "not extended" later). A message may come without a user: no handover note
    then, the task tells the team. An allocation (JW301) is sent again with its new end."""
    from openhouse.models import HandoverNote

    indication = (
        Indication.objects.select_for_update().select_related("client").get(pk=indication_id)
    )
    today = timezone.localdate()
    errors = {}
    if not indication.is_running:
        errors[NON_FIELD_ERRORS] = _("This indication no longer runs.")
    elif ends_on < today and not reported_stop:
        errors["ends_on"] = _("The last day of care cannot be in the past.")
    elif indication.end_on is not None and ends_on > indication.end_on:
        errors["ends_on"] = _("The last day of care is after the end date: that is not early.")
    elif ends_on <= indication.start_on:
        errors["ends_on"] = _("The last day of care must be after the start.")
    if end_reason not in EndReason.values or end_reason in (
        EndReason.PAUSED,
        EndReason.AS_PLANNED,
    ):
        errors["end_reason"] = _("Choose why the care ends early.")
    if not message.strip():
        errors["message"] = _("Write WIJ a message for the warm handover.")
    if status not in Indication.ENDED_EARLY or status == Indication.Status.OTHER_PROVIDER:
        errors[NON_FIELD_ERRORS] = _("Choose how the care ends.")
    if errors:
        raise ValidationError(errors)
    if not reported_stop:
        _pending_extension_refuses(indication)
    old_end = indication.end_on
    indication.end_on = ends_on
    indication.status = status
    indication.end_reason = end_reason
    indication._history_user = user
    indication.full_clean()
    indication.save()
    tasks_mark_done(
        Task.objects.filter(indication=indication, for_end_on=old_end).exclude(
            kind=Task.Kind.PROVIDER_STOPS
        ),
        how=Task.DoneHow.ENDED_EARLY,
        user=user,
    )
    Task.objects.get_or_create(
        indication=indication,
        kind=Task.Kind.HANDED_OVER,
        for_end_on=ends_on,
        defaults={"team_id": indication.client.team_id, "due_on": today},
    )
    if user is not None:
        HandoverNote.objects.create(
            indication=indication,
            side=HandoverNote.Side.PROVIDER
            if roles.user_role(user) == roles.PROVIDER
            else HandoverNote.Side.WIJ,
            author=user,
            text=message.strip(),
        )
    if indication.allocation_number:
        from ijw.services import allocation_ended_early  # no cycle

        allocation_ended_early(indication=indication)
    return indication


@transaction.atomic
def indication_hand_over_to_provider(
    *, indication_id: int, provider, starts_on: datetime.date, user
) -> Indication:
    """The provider hands the care over to another provider (its volume became too small,
    seed 002 q15), as the national messages do: this indication ends the day before
    `starts_on` (reason 38, another provider) and a new one starts with the other provider
    on `starts_on` until the same end, `preceded_by` the first. Open tasks and the follow-up
    at WIJ move to the new one, so WIJ's work goes on without a second task."""
    indication = (
        Indication.objects.select_for_update()
        .select_related("product", "client")
        .get(pk=indication_id)
    )
    today = timezone.localdate()
    errors = {}
    if not indication.is_running or indication.is_pgb:
        errors[NON_FIELD_ERRORS] = _("Only running care in kind can be handed to a provider.")
    elif starts_on < today:
        errors["starts_on"] = _("The handover cannot be in the past.")
    elif starts_on <= indication.start_on + datetime.timedelta(days=1):
        errors["starts_on"] = _("The other provider starts at least two days after the start.")
    elif indication.end_on is not None and starts_on >= indication.end_on:
        errors["starts_on"] = _("The other provider must start before the end date.")
    if provider is None or provider.pk == indication.provider_id:
        errors["provider"] = _("Choose another provider.")
    elif provider.status != Provider.Status.ACTIVE:
        errors["provider"] = _("This provider stops: choose another.")
    elif not provider.products.filter(pk=indication.product_id).exists():
        errors["provider"] = _("This provider has no contract for this product.")
    if errors:
        raise ValidationError(errors)
    _pending_extension_refuses(indication)
    successor = Indication(
        client=indication.client,
        product=indication.product,
        financing=indication.financing,
        provider=provider,
        referrer_type=indication.referrer_type,
        start_on=starts_on,
        end_on=indication.end_on,
        status=indication.status,
        flagged_on=indication.flagged_on,
        handled_on=indication.handled_on,
        follow_up_request=indication.follow_up_request,
        preceded_by=indication,
    )
    indication.end_on = starts_on - datetime.timedelta(days=1)
    indication.status = Indication.Status.OTHER_PROVIDER
    indication.end_reason = EndReason.OTHER_PROVIDER
    indication.follow_up_request = None
    indication._history_user = user
    indication.full_clean()
    indication.save()
    successor._history_user = user
    successor.full_clean()
    successor.save()
    Task.objects.filter(indication=indication, done_on__isnull=True).update(
        indication=successor, for_end_on=successor.end_on
    )
    return successor


@transaction.atomic
def indication_follow_up(*, indication_id: int, user):
    """Start WIJ's follow-up of an ending indication: a support request for the child (the
    re-triage), linked to the indication; the team's 'plan the triage' task is done."""
    from intake.models import SupportRequest
    from intake.services import Referral, support_request_register_for_child

    indication = (
        Indication.objects.select_for_update(of=("self",))
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
            "provider": indication.provider.name if indication.provider else _("PGB"),
            "end": indication.end_on.strftime("%d-%m-%Y") if indication.end_on else "-",
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
    a follow-up closes "plan the triage" and "handed over early", an end-evaluation
    "end-evaluation overdue".
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
