"""The iJw 3.2 code lists the messages use, as the project's own choices: facts of the
standard, with their meaning in Dutch (through the translations). The source is
`../shared/ijw/codelijsten/` (reference data, not copied into the repository). JZ588
(reason for the end) is `samen.codelists.EndReason`, COD327 (referrer) is
`referrals.models.ReferrerType`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageType(models.TextChoices):
    """The messages this system reads or writes, with the retour that answers each."""

    JW301 = "JW301", _("JW301 allocation (toewijzing)")
    JW302 = "JW302", _("JW302 retour on an allocation")
    JW305 = "JW305", _("JW305 start of care")
    JW306 = "JW306", _("JW306 retour on a start of care")
    JW307 = "JW307", _("JW307 stop of care")
    JW308 = "JW308", _("JW308 retour on a stop of care")
    JW315 = "JW315", _("JW315 request for allocation")
    JW316 = "JW316", _("JW316 retour on a request for allocation")
    JW317 = "JW317", _("JW317 change request")
    JW318 = "JW318", _("JW318 retour on a change request")
    JW319 = "JW319", _("JW319 answer to a request")
    JW320 = "JW320", _("JW320 retour on an answer")


# BerichtCode (COD002 VEKTIS) per message type.
MESSAGE_CODES = {
    "JW301": 436,
    "JW302": 437,
    "JW305": 438,
    "JW306": 439,
    "JW307": 440,
    "JW308": 441,
    "JW315": 446,
    "JW316": 447,
    "JW317": 486,
    "JW318": 487,
    "JW319": 488,
    "JW320": 489,
}

# The retour that answers a message (technical answer, within 3 working days).
RETOUR_FOR = {
    "JW301": "JW302",
    "JW305": "JW306",
    "JW307": "JW308",
    "JW315": "JW316",
    "JW317": "JW318",
    "JW319": "JW320",
}
# Messages a provider sends to the municipality; retours on ours included.
INCOMING = ("JW302", "JW305", "JW307", "JW315", "JW317", "JW320")
OUTGOING = ("JW301", "JW306", "JW308", "JW316", "JW318", "JW319")
RETOURS = tuple(RETOUR_FOR.values())


class RetourCode(models.TextChoices):
    """WJ001 Retourcode: the ones this system gives or reads."""

    TECHNICAL = "0001", _("Message rejected for technical reasons")
    OK = "0200", _("No remark on this message class")
    NOT_JUDGED = "0233", _("Message class not judged")
    DATED_IN_FUTURE = "8848", _("The date of the message must be on or before the system date")
    NO_ALLOCATION = "9019", _("The message cannot be linked to an allocation")
    IDENTIFICATION_NOT_UNIQUE = "9056", _("The identification must be unique")
    NO_EARLIER_MESSAGE = (
        "9063",
        _("The message cannot be processed: no earlier message was received"),
    )
    NO_CURRENT_START = "9069", _("There is no current start message with the same key")
    START_NOT_REMOVABLE = (
        "9071",
        _("The earlier start message cannot be removed: the care has already ended"),
    )
    SAME_KEY = "9074", _("A message with the same key was received before")
    NOT_STOPPED = "9326", _("The current delivery has not been stopped with a stop message yet")
    REFERENCE_NOT_UNIQUE = "9347", _("The provider's reference is not unique for the provider")
    NOT_ALL_CURRENT = (
        "9349",
        _("The change request does not name every current allocation of the client"),
    )
    UNCHANGED_NOT_CURRENT = "9350", _("An unchanged product is not a current allocation")
    TO_CHANGE_NOT_CURRENT = "9351", _("A product to change is not a current allocation")
    REQUEST_PENDING = "9374", _("A request is already being handled")
    NOT_THIS_CLIENT = "8187", _("The allocation does not belong to this client")


class RejectReason(models.TextChoices):
    """WJ759 Reden afwijzing verzoek (JW319)."""

    NEW_REQUEST = "1", _("Not a change but a new request")
    BUDGET = "2", _("Does not fit the budget")
    NO_CONTRACT = "3", _("No contract")
    NOT_IN_CONTRACT = "4", _("Does not fit the contract")
    OTHER_MUNICIPALITY = "5", _("Another municipality")
    STACKING = "6", _("Stacking")
    CARE_CONTENT = "7", _("Rejected on the content of the care")
    RESIDENCE = "8", _("Principle of residence (woonplaatsbeginsel)")
    AGE_LIMIT = "9", _("The age limit has been reached")


class RequestAnswer(models.TextChoices):
    """WJ760 Verzoek antwoord (JW319)."""

    REJECTED = "1", _("Request rejected")
    IN_ONDERZOEK = "2", _("Request being looked into (aanvraag in onderzoek)")


class ChangeReason(models.TextChoices):
    """JZ002 Reden wijziging toewijzing (JW301): the ones this system uses or imports."""

    DIED = "02", _("Client died")
    CONTRACT = "03", _("Change of contract")
    EXTENDED = "04", _("Reassessment: extension of the allocation")
    SHORTENED = "05", _("Reassessment: shortening of the allocation")
    OTHER_DOMAIN = "06", _("Outflow to another domain")
    MOVED = "07", _("Moved to another municipality")
    TO_PGB = "08", _("Change of delivery form")
    OTHER_PROVIDER = "09", _("Move to another provider")
    NEW_FUNDING = "10", _("Move to a new funding system")
    MERGER = "11", _("Municipal reorganisation")
    BY_PROVIDER = "12", _("Initiated by the provider")
    REMOVED = "13", _("Removed")
    CORRECTION = "14", _("Administrative correction")


class RequestReason(models.TextChoices):
    """WJ758 Reden verzoek (JW317)."""

    CLIENT_SITUATION = "1", _("Change in the client's situation")
    CARE_PLAN = "2", _("Change of the care plan")


class DeliveryStatus(models.TextChoices):
    """COD467 Status aanlevering (JW305/JW307)."""

    FIRST = "1", _("First delivery")
    CHANGED = "2", _("Changed delivery")
    REMOVE = "3", _("Remove delivery")
    UNCHANGED = "9", _("Not applicable (unchanged)")
