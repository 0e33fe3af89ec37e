from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = _("the family's rights")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system check)
