"""Create the four role groups with their model permissions.

Permissions are created by Django after migrating, so they are made here first for the
apps that exist; `samen.roles.roles_sync` runs again after every migrate (post_migrate)
so models added later get into the groups too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from samen.roles import ROLE_PERMISSIONS, role_permission_filter


def create_role_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLE_PERMISSIONS:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(role_permission_filter(role)))


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("samen", "0001_job_runs"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
