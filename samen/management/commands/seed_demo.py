"""Load demo data: one user per role (passwords printed), and what later apps add.

Invented people only. Refuses to run in production. Safe to run again: it updates in
place and creates nothing twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from indications.demo import seed_indications
from intake.demo import seed_requests
from plans.demo import seed_plans
from referrals.demo import seed_referrers
from rights.demo import seed_rights_requests
from samen import roles
from trajectories.demo import seed_trajectories
from triage.demo import seed_triages

DEMO_USERS = [
    # username, password, first, last, role, is_staff
    ("medewerker", "demo-medewerker", "Sanne", "de Vries", roles.WIJ_STAFF, False),
    ("teamleider", "demo-teamleider", "Pieter", "Bakker", roles.TEAM_LEAD, False),
    ("gemeente", "demo-gemeente", "Anouk", "Jansen", roles.OFFICIAL, True),
    (
        "jeugdadministratie",
        "demo-jeugdadministratie",
        "Fatima",
        "El Amrani",
        roles.YOUTH_ADMIN,
        False,
    ),
    ("privacy", "demo-privacy", "Joost", "Hoekstra", roles.PRIVACY, False),
    ("aanbieder", "demo-aanbieder", "Ruben", "Smit", roles.PROVIDER, False),
    # A WIJ worker with access tasks: may investigate a re-assessment (herbeoordeling).
    ("toegang", "demo-toegang", "Noor", "Visser", roles.WIJ_STAFF, False),
]
# Permissions given per user (in the admin, by a superuser), not through a role.
DEMO_USER_PERMISSIONS = {"toegang": [("trajectories", "assess_access")]}


class Command(BaseCommand):
    help = "Load demo data (invented people): one user per role, printed with its password."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=300, help="How many families.")

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo refuses to run in production (it sets known passwords).")
        with transaction.atomic():
            roles.roles_sync()
            users = self.seed_users()
            referrers = seed_referrers()
            requests = seed_requests(count=options["families"])
            triages = seed_triages()
            indications = seed_indications(count=options["families"] // 2)
            trajectories = seed_trajectories()
            plans = seed_plans()
            rights_requests = seed_rights_requests()
        self.stdout.write(f"{referrers} referrer organisations (GP practices, GIs, hospitals).")
        self.stdout.write(f"{requests} new families with support requests over the WIJ teams.")
        self.stdout.write(f"{triages} triages with conversation reports.")
        self.stdout.write(
            f"{indications} indications at 8 providers: running, extended, PGB, an open end, handed over (jobs run once)."
        )
        self.stdout.write(f"{trajectories} trajectories of Basis jeugdhulp, in every state.")
        self.stdout.write(f"{plans} support plans, agreed with the family, most evaluated once.")
        self.stdout.write(
            f"{rights_requests} requests from families (inspection, copy, correction, destruction)."
        )
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. Log in at http://127.0.0.1:8000 with:")
        )
        for username, password, role_label in users:
            self.stdout.write(f"  {username:<12} {password:<18} {role_label}")
        self.stdout.write(
            "Second factor: the demo's login page shows the code of each demo account's "
            "authenticator app (only with SAMEN_ENV=development)."
        )

    def seed_users(self):
        User = get_user_model()
        created = []
        for username, password, first, last, role, is_staff in DEMO_USERS:
            user, _new = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.invalid",
                    "is_staff": is_staff,
                    "is_active": True,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=role)])
            user.user_permissions.set(
                [
                    Permission.objects.get(content_type__app_label=app, codename=codename)
                    for app, codename in DEMO_USER_PERMISSIONS.get(username, [])
                ]
            )
            # The second factor is set up, so the demo can be tried at once: the login page of
            # the demo (SAMEN_ENV=development only) shows the current code of the app.
            TOTPDevice.objects.get_or_create(
                user=user, name="default", defaults={"confirmed": True}
            )
            created.append((username, password, str(roles.ROLE_LABELS[role])))
        return created
