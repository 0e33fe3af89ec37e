from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """An API key (API-sleutel) of a provider's system: only a hash is stored (django-rest-knox),
    the key itself is shown once, when made. It ends at `expiry`; `last_used` shows whether
    it is still in use."""

    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created"]
