from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IjwConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ijw"
    verbose_name = _("National youth-care messages (iJw)")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system check)
