from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class SamenConfig(AppConfig):
    """The project's own app: roles, the UI shell, health, job runs, demo data."""

    default = True
    name = "samen"
    verbose_name = "Basis jeugdhulp"

    def ready(self):
        from .roles import roles_sync_after_migrate

        # Permissions of models added by later migrations exist only after post_migrate,
        # so the role groups are brought up to date after every migrate.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="samen.roles_sync")

        from django.db.backends.signals import connection_created

        from .db import on_connection_created

        # Every connection works as the application's database role (samen/db.py).
        connection_created.connect(on_connection_created, dispatch_uid="samen.db.app_role")


class SamenAdminConfig(admin_apps.AdminConfig):
    """The admin, restricted to municipality officials (see SamenAdminSite)."""

    default = False
    default_site = "samen.admin_site.SamenAdminSite"

    def ready(self):
        from .forms import use_blank_choice_label

        # First of all apps (INSTALLED_APPS): the admin modules that super().ready() imports
        # build form classes whose choices keep the empty label of that moment.
        use_blank_choice_label()
        super().ready()
