from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """An API key (API-sleutel) of a provider's system: only a hash is stored (django-rest-knox),
    the key itself is shown once, when made. It ends at `expiry`; `last_used` shows whether
    it is still in use."""

    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    @property
    def expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created"]


class OidcIdentity(models.Model):
    """Koppeling met het gemeentelijk account: the identity provider's `sub` (subject) of a
    user, per issuer. Staff who sign in through the identity provider are found by this,
    never by e-mail address (addresses are reused). Made on the first sign-in
    (accounts/services.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_identity",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity provider account")
        verbose_name_plural = _("identity provider accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidcidentity_once")
        ]

    def __str__(self):
        return f"{self.user} ({self.issuer})"
