"""The beschikking letter of an extension decision: an extension is an individual
provision, so the family gets the decision (extend or not) in writing, with the grounds
and the objection clause. Made like triage's beschikking (triage/pdf.py): one template
for the PDF and for the look before the decision (marked CONCEPT)."""

import copy
import datetime

from django.utils import timezone

from intake.models import HouseholdMember
from triage.pdf import OBJECTION_WEEKS, letter_pdf

from .models import ExtensionRequest

# From 16 a young person decides on their own care (Jeugdwet art. 7.3.4 / WGBO): the
# letter goes to them; younger: to the parents with parental authority.
OWN_LETTER_AGE = 16


def letter_addressees(client, *, on_date: datetime.date) -> list[str]:
    """Who the letter is addressed to: the young person from 16; otherwise the adults
    with parental authority on the child's family file (households not merged away),
    each once. Empty when none is recorded (the letter then names "the parents or
    guardians of" the child)."""
    if client.age_on(on_date) >= OWN_LETTER_AGE:
        return [client.full_name]
    names = (
        HouseholdMember.objects.filter(
            household__members__client=client,
            household__merged_into__isnull=True,
            parental_authority=HouseholdMember.Authority.YES,
        )
        .exclude(name="")
        .order_by("pk")
        .values_list("name", flat=True)
    )
    return list(dict.fromkeys(names))


def letter_context(extension: ExtensionRequest, *, concept: bool = False, on_date=None) -> dict:
    """What the letter's template needs. The letter is dated the day it was first printed
    (the day it is sent); before that, and in the look before the decision, today."""
    indication = extension.indication
    client = indication.client
    dated = extension.letter_printed_on or on_date or timezone.localdate()
    return {
        "e": extension,
        "indication": indication,
        "client": client,
        "concept": concept,
        "dated": dated,
        "addressees": letter_addressees(client, on_date=dated),
        "own_letter": client.age_on(dated) >= OWN_LETTER_AGE,
        "objection_weeks": OBJECTION_WEEKS,
        "objection_deadline": dated + datetime.timedelta(weeks=OBJECTION_WEEKS),
    }


def concept_letter_context(extension: ExtensionRequest, *, decision, weighing, new_end_on, user):
    """The letter as the decision would make it, on an unsaved copy: the look first."""
    concept = copy.copy(extension)
    concept.decision, concept.weighing = decision, weighing
    concept.new_end_on = new_end_on if decision == ExtensionRequest.Decision.EXTEND else None
    concept.decided_by, concept.decided_on = user, timezone.localdate()
    concept.letter_printed_on = None
    return letter_context(concept, concept=True)


def extension_letter_pdf(extension: ExtensionRequest) -> bytes:
    return letter_pdf("indications/extension_letter.html", letter_context(extension))
