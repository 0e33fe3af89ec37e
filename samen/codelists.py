"""Code lists of the national youth-care standard (iJw 3.2) that the project uses, as
its own choices: facts of the standard, with their meaning in Dutch. The source is
`../shared/ijw/codelijsten/` (reference data, not copied into the repository)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EndReason(models.TextChoices):
    """JZ588 Reden beëindiging: why youth care for a client ended (JW307 stop messages,
    and the end of a trajectory at WIJ, so that both count alike)."""

    DEATH = "02", _("Death")
    PAUSED = "20", _("Delivery temporarily ended")
    AS_PLANNED = "31", _("Delivery ended as planned")
    EARLY_BY_CLIENT = "32", _("Ended early, by the client")
    EARLY_BY_PROVIDER = "33", _("Ended early, by the provider")
    EARLY_BY_AGREEMENT = "34", _("Ended early, by agreement")
    EARLY_EXTERNAL = "35", _("Ended early, external cause")
    BY_MUNICIPALITY = "36", _("Initiated by the municipality")
    CHANGE_REQUEST = "37", _("Because of a change request")
    OTHER_PROVIDER = "38", _("Move to another provider")
    OTHER_DOMAIN = "39", _("Outflow to another domain (Wmo, Wlz, Zvw)")


# The JZ588 reasons that mean "ended early" (CBS Beleidsinformatie Jeugd: uitval).
EARLY_END_REASONS = (
    EndReason.EARLY_BY_CLIENT,
    EndReason.EARLY_BY_PROVIDER,
    EndReason.EARLY_BY_AGREEMENT,
    EndReason.EARLY_EXTERNAL,
)
