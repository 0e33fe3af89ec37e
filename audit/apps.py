from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Access log")

    def ready(self):
        from django.db.models.signals import post_migrate

        from samen import db

        post_migrate.connect(db.app_role_sync_after_migrate, sender=self)
