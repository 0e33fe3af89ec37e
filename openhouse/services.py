"""Provider portal steps that change state. The portal and the provider API call the same
service for each step (and a national iJw message can too)."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indications.models import ExtensionRequest, Indication, Task
from indications.services import (
    extension_errors,
    extension_request_create,
    provider_stop,
    tasks_close_by_condition,
)
from outbox.models import OutboxMessage
from outbox.services import message_queue
from samen.roles import OFFICIAL, PROVIDER, user_role

from .models import EndEvaluation, HandoverNote, PassedOnReferral, Provider
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
        original_name=original_name,
        uploaded_by=user,
        uploaded_at=now,
        # An open end has no date for the evaluation: never late.
        on_time=indication.evaluation_due_on is None
        or timezone.localdate(now) <= indication.evaluation_due_on,
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


class _LookOnly(Exception):
    """Raised inside `step_errors` to roll the tried step back."""


def step_errors(step, **kwargs) -> ValidationError | None:
    """The look before a step (the portal's confirmation page): try the step's own service
    in a transaction that is always rolled back, and return its refusal (None: it would
    succeed). So the page asks exactly the service's rules, written once, and changes
    nothing. Only for steps that write nothing outside the database (no files)."""
    try:
        with transaction.atomic():
            step(**kwargs)
            raise _LookOnly
    except _LookOnly:
        return None
    except ValidationError as exc:
        return exc


def extension_request_check(
    *, indication: Indication, on_date: datetime.date, proposed_end_on=None
) -> dict:
    """Why the provider cannot ask an extension now (field errors; empty when it can): the
    rule of `extension_errors`, and one request waiting at a time. The portal asks this
    before it offers the step and before the confirmation page."""
    return extension_errors(
        indication, on_date=on_date, proposed_end_on=proposed_end_on, new_request=True
    )


@transaction.atomic
def extension_request_send(
    *,
    indication: Indication,
    user,
    reasons: str,
    proposed_end_on: datetime.date | None,
    end_evaluation: EndEvaluation | None = None,
    document=None,
) -> ExtensionRequest:
    """The provider's verlengingsverzoek (portal and API), for the youth administration to
    weigh: with its end-evaluation for the current end, uploaded with the request
    (`document`, a new version) or one uploaded before (`end_evaluation`). The rules are
    `indications.services.extension_request_create`'s; in one transaction, so a refused
    request leaves no upload behind."""
    if document is not None:
        errors = extension_request_check(
            indication=indication, on_date=timezone.localdate(), proposed_end_on=proposed_end_on
        )
        if errors:  # before the file is written
            raise ValidationError(errors)
        end_evaluation = end_evaluation_upload(indication=indication, upload=document, user=user)
    return extension_request_create(
        indication_id=indication.pk,
        requested_by=ExtensionRequest.Requester.PROVIDER,
        reasons=reasons,
        user=user,
        proposed_end_on=proposed_end_on,
        end_evaluation=end_evaluation,
    )


def hand_over_providers(indication: Indication):
    """The providers a family can be handed over to: active, with the indication's product
    in their RIGG contract, not the indication's own. Names and AGB codes only."""
    return (
        Provider.objects.filter(status=Provider.Status.ACTIVE, products=indication.product_id)
        .exclude(pk=indication.provider_id)
        .order_by("name", "pk")
    )


CHILD_FIELDS = ("bsn", "first_name", "last_name", "date_of_birth", "postcode", "house_number")


def referral_pass_on_errors(
    *, product, referral_date: datetime.date, on_date: datetime.date
) -> dict:
    """Why a GP referral cannot be passed on to WIJ (field errors; empty when it can): the
    GP route to WIJ must have been open on the referral date and the product part of Basis
    jeugdhulp then (referrals.phasing decides); otherwise the referral stays with the
    provider, as an indication for an Open House product."""
    from referrals.models import ReferrerType
    from referrals.phasing import route_status

    errors = {}
    if referral_date > on_date:
        errors["referral_date"] = _("The referral date cannot be in the future.")
    elif not route_status(ReferrerType.GP, referral_date).is_open:
        errors["referral_date"] = _(
            "The GP route to WIJ was not open yet on the referral date: the referral stays "
            "with you, as an indication for an Open House product."
        )
    elif product is not None and not product.in_basis_jeugdhulp_on(referral_date):
        errors["product"] = _(
            "This product was not yet part of Basis jeugdhulp at WIJ on the referral date: "
            "the referral stays with you, as an indication for an Open House product."
        )
    return errors


@transaction.atomic
def referral_pass_on(
    *,
    provider: Provider,
    user,
    child: dict,
    product,
    referral_date: datetime.date,
    gp_name: str,
    gp_agb_code: str = "",
    note: str = "",
) -> PassedOnReferral:
    """A new GP referral for one of the 11 products reached the provider after the GP route
    to WIJ opened (seed 002 q19, q23): the provider passes it on. It becomes a support
    request at the child's WIJ team, with the GP as referrer and the provider as the
    channel, through intake's registration (route check, contact deadline); when the child
    already has an open request, a further question on it instead (no duplicate). The
    caller learns neither which of the two happened nor whether the child was known at WIJ.

    `child`: bsn, first_name, last_name, date_of_birth, postcode, house_number."""
    from intake.models import Client, SupportRequest
    from intake.services import (
        BSN_REGISTERED,
        Referral,
        open_requests_of,
        support_request_add_question,
        support_request_register_for_child,
        team_for_postcode,
    )
    from referrals.models import ReferrerOrganisation, ReferrerType
    from samen.identifiers import normalize_bsn, normalize_postcode

    today = timezone.localdate()
    errors = referral_pass_on_errors(product=product, referral_date=referral_date, on_date=today)
    child = {name: child.get(name) for name in CHILD_FIELDS}
    for name in ("first_name", "last_name", "house_number"):
        child[name] = (child[name] or "").strip()
        if not child[name]:
            errors[name] = _("This field is required.")
    try:
        child["bsn"] = normalize_bsn(child["bsn"] or "")
    except ValidationError as exc:
        errors["bsn"] = exc.messages
    try:
        child["postcode"] = normalize_postcode(child["postcode"] or "")
    except ValidationError as exc:
        errors["postcode"] = exc.messages
    else:
        # The postcode given decides, whether the child is known at WIJ or not: the answer
        # must not differ between the two.
        if team_for_postcode(child["postcode"]) is None:
            errors["postcode"] = _("This postcode is not in a WIJ team's area.")
    if child["date_of_birth"] is None:
        errors["date_of_birth"] = _("This field is required.")
    elif child["date_of_birth"] > today:
        errors["date_of_birth"] = _("A date of birth cannot be in the future.")
    if product is None:
        errors["product"] = _("Choose the product.")
    if not gp_name.strip():
        errors["gp_name"] = _("Name the GP who referred.")
    if gp_agb_code.strip() and not re.fullmatch(r"[0-9]{8}", gp_agb_code.strip()):
        errors["gp_agb_code"] = _("An AGB code is exactly 8 digits, for example 01234567.")
    if errors:
        raise ValidationError(errors)
    # The same referral sent twice (two tabs, a double click) is passed on once: the
    # provider's row lock makes the second wait, then find the first.
    Provider.objects.select_for_update().get(pk=provider.pk)
    same = PassedOnReferral.objects.filter(
        provider=provider,
        product=product,
        referral_date=referral_date,
        client__bsn=child["bsn"],
        gp_name=gp_name.strip()[:200],
    ).first()
    if same is not None:
        return same
    gp_agb_code = gp_agb_code.strip()
    organisation = (
        ReferrerOrganisation.objects.filter(
            agb_code=gp_agb_code, referrer_type=ReferrerType.GP, active=True
        ).first()
        if gp_agb_code
        else None
    )
    person = gp_name.strip() + (f" (AGB {gp_agb_code})" if gp_agb_code else "")
    child_name = f"{child['first_name']} {child['last_name']}"
    question = _(
        "GP referral for %(product)s of %(date)s, passed on by the Open House provider "
        "%(provider)s. GP: %(gp)s. Child as the provider gave it: %(name)s, born %(born)s, "
        "%(postcode)s %(number)s."
    ) % {
        "product": f"{product.code} {product.name}",
        "date": referral_date.strftime("%d-%m-%Y"),
        "provider": provider.name,
        "gp": person,
        "name": child_name,
        "born": child["date_of_birth"].strftime("%d-%m-%Y"),
        "postcode": child["postcode"],
        "number": child["house_number"],
    }
    if note.strip():
        question += "\n\n" + _("Note from the provider: %(note)s") % {"note": note.strip()}
    further = None
    for _attempt in range(2):
        client = Client.objects.filter(bsn=child["bsn"]).first()
        open_requests = open_requests_of([client]) if client else []
        try:
            if open_requests:
                support_request = open_requests[0]
                further = support_request_add_question(
                    support_request_id=support_request.pk,
                    user=user,
                    question=question,
                    channel=SupportRequest.Channel.OPEN_HOUSE_PROVIDER,
                )
            else:
                support_request = support_request_register_for_child(
                    registered_by=user,
                    client=client,
                    new_client={**child, "street": "", "city": "Groningen"},
                    channel=SupportRequest.Channel.OPEN_HOUSE_PROVIDER,
                    question=question,
                    referral=Referral(
                        referrer_type=ReferrerType.GP,
                        organisation=organisation,
                        person=person[:200],
                        date=referral_date,
                    ),
                    # A request registered meanwhile by someone else: the team sees the
                    # possible duplicate (as with the referral API), the provider nothing.
                    unchecked_duplicates=True,
                )
        except ValidationError as exc:
            # The same new child registered at this very moment by someone else: take the
            # registered child the second time round; never tell the provider it is known.
            if (
                hasattr(exc, "error_dict")
                and str(BSN_REGISTERED) in exc.message_dict.get("bsn", [])
                and client is None
            ):
                continue
            raise
        break
    else:  # pragma: no cover - the second round finds the child
        raise ValidationError(_("Passing on did not succeed; please try again."))
    passed = PassedOnReferral(
        provider=provider,
        product=product,
        referral_date=referral_date,
        gp_name=gp_name.strip(),
        gp_agb_code=gp_agb_code,
        note=note.strip(),
        child_name=child_name[:250],
        client=Client.objects.get(bsn=child["bsn"]),
        support_request=support_request,
        further_question=further,
        passed_on_by=user,
    )
    passed._history_user = user
    passed.full_clean()
    passed.save()
    return passed
