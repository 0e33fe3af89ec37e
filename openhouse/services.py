"""Provider portal steps that change state."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indications.models import Indication, Task
from indications.services import provider_stop, tasks_close_by_condition
from outbox.models import OutboxMessage
from outbox.services import message_queue
from samen.roles import OFFICIAL, PROVIDER, user_role

from .models import EndEvaluation, HandoverNote
from .uploads import validate_pdf


@transaction.atomic
def end_evaluation_upload(*, indication: Indication, upload, user) -> EndEvaluation:
    """Store a new version of the end-evaluation (earlier versions stay). On time when
    uploaded at least 2 months before the end date."""
    original_name = validate_pdf(upload)
    # Lock the indication: two uploads at once must not get the same version number.
    Indication.objects.select_for_update().get(pk=indication.pk)
    latest = (
        EndEvaluation.objects.filter(indication=indication).aggregate(v=Max("version"))["v"] or 0
    )
    now = timezone.now()
    evaluation = EndEvaluation(
        indication=indication,
        version=latest + 1,
        for_end_on=indication.end_on,
        original_name=original_name,
        uploaded_by=user,
        uploaded_at=now,
        on_time=timezone.localdate(now) <= indication.evaluation_due_on,
    )
    evaluation.document.save("evaluation", upload, save=False)
    evaluation._history_user = user
    evaluation.save()
    # The one task an end-evaluation closes: "end-evaluation overdue" (the lock above holds).
    tasks_close_by_condition(indication_id=indication.pk, how=Task.DoneHow.EVALUATION, user=user)
    return evaluation


def handover_note_post(*, indication: Indication, user, text: str):
    """A message in the warm-handover thread; the side follows from the user's role."""

    if not text.strip():
        raise ValidationError({"text": _("Write a message.")})
    side = HandoverNote.Side.PROVIDER if user_role(user) == PROVIDER else HandoverNote.Side.WIJ
    return HandoverNote.objects.create(
        indication=indication, side=side, author=user, text=text.strip()
    )


@transaction.atomic
def provider_report_stop(*, provider, stops_on, user) -> dict:
    """A provider reports in the portal that it stops: the same rule as an official's
    record (every running indication flagged for WIJ pick-up), and the municipality is told."""

    if stops_on < timezone.localdate():
        raise ValidationError({"stops_on": _("The stop date cannot be in the past.")})
    counts = provider_stop(provider=provider, stops_on=stops_on, user=user)
    officials = list(
        get_user_model()
        .objects.filter(groups__name=OFFICIAL, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if officials:
        # In this transaction: the stop and its e-mail are saved together or not at all; a
        # mail server or broker that is down does not fail the request (outbox).
        message_queue(
            kind=OutboxMessage.Kind.PROVIDER_STOPS,
            subject=_("Basis jeugdhulp: %(provider)s stops on %(date)s")
            % {"provider": provider.name, "date": stops_on.strftime("%d-%m-%Y")},
            body=_(
                "%(provider)s (AGB %(agb)s) reported in the portal that it stops on %(date)s. "
                "%(count)s families with running indications are on the WIJ teams' worklists."
            )
            % {
                "provider": provider.name,
                "agb": provider.agb_code,
                "date": stops_on.strftime("%d-%m-%Y"),
                "count": counts["tasks"],
            },
            recipients=officials,
        )
    return counts


def end_evaluation_mark_read(*, evaluation: EndEvaluation, user) -> None:
    """The first WIJ worker who opens an end-evaluation is recorded as its reader."""
    EndEvaluation.objects.filter(pk=evaluation.pk, read_by__isnull=True).update(
        read_by=user, read_at=timezone.now()
    )
