from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenhouseConfig(AppConfig):
    name = "openhouse"
    verbose_name = _("Open House")
