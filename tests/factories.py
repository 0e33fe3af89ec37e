import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from samen.workdays import add_working_days

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `role=` puts it in that role's group (created by the data migration)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    # Never a name a child could have: tests assert that a child's name is not on a page,
    # and the header shows the user's own name.
    last_name = factory.Sequence(lambda n: f"Collega-{n:04d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def authenticator(self, create, extracted, **kwargs):
        """Every user has set up an authenticator app, as every real account must before it
        sees a page; `authenticator=False` makes one that has not yet."""
        if create and extracted is not False:
            TOTPDevice.objects.get_or_create(
                user=self, name="default", defaults={"confirmed": True}
            )


def totp_code(user, *, at: float | None = None) -> str:
    """The code the user's authenticator app shows now (or at a given Unix time)."""
    from accounts.second_factor import current_code

    return current_code(TOTPDevice.objects.get(user=user, name="default"), at=at)


class ReferrerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.ReferrerOrganisation"

    name = factory.Sequence(lambda n: f"Huisartsenpraktijk {n}")
    referrer_type = "02"
    agb_code = factory.Sequence(lambda n: f"0199{n:04d}")
    city = "Groningen"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.Team"
        django_get_or_create = ("name",)

    name = "WIJ Beijum"


class PostcodeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.PostcodeArea"
        django_get_or_create = ("digits",)

    digits = "9735"
    team = factory.SubFactory(TeamFactory)


def _bsn(n):
    import random

    from samen.identifiers import generate_bsn

    return generate_bsn(random.Random(n))


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.Client"

    bsn = factory.Sequence(_bsn)
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    date_of_birth = datetime.date(2015, 3, 14)
    street = "Beijumerweg"
    house_number = factory.Sequence(lambda n: str(n % 200 + 1))
    postcode = "9735AB"
    team = factory.SubFactory(TeamFactory)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intake.Household"

    name = factory.Sequence(lambda n: f"Gezin {n}")


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A registered request; traits: `overdue`, `contacted`, `closed`."""

    class Meta:
        model = "intake.SupportRequest"
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    team = factory.SubFactory(TeamFactory)
    received_at = factory.LazyFunction(timezone.now)
    channel = "phone"
    question = "Hulp bij opvoeding."
    referrer_type = "06"
    contact_deadline = factory.LazyAttribute(
        lambda o: add_working_days(timezone.localdate(o.received_at), 5)
    )

    class Params:
        overdue = factory.Trait(
            received_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=14))
        )
        contacted = factory.Trait(
            status="contacted", first_contact_on=factory.LazyFunction(timezone.localdate)
        )
        closed = factory.Trait(status="closed", close_reason="no_help_needed")

    @factory.post_generation
    def clients(self, create, extracted, **kwargs):
        children = extracted or [ClientFactory(team=self.team)]
        self.clients.set(children)
        for child in children:
            self.household.members.get_or_create(role="child", client=child)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "openhouse.Provider"
        django_get_or_create = ("agb_code",)

    name = factory.Sequence(lambda n: f"Zorgaanbieder {n}")
    agb_code = factory.Sequence(lambda n: f"7399{n:04d}")
    contact_email = factory.LazyAttribute(lambda p: f"info@{p.agb_code}.example.invalid")


class IndicationFactory(factory.django.DjangoModelFactory):
    """An active indication; `end_on` decides whether the jobs pick it up."""

    class Meta:
        model = "indications.Indication"

    client = factory.SubFactory(ClientFactory)
    product = factory.LazyFunction(lambda: _product("45A51"))
    provider = factory.SubFactory(ProviderFactory)
    referrer_type = "02"
    start_on = datetime.date(2024, 1, 1)
    end_on = datetime.date(2027, 6, 30)

    class Params:
        # A personal budget: a budget holder instead of a provider.
        pgb = factory.Trait(financing="pgb", provider=None, budget_holder="J. de Budgethouder")


def _product(code):
    from referrals.models import Product

    return Product.objects.get(code=code)


class TriageFactory(factory.django.DjangoModelFactory):
    """A triage with outcome Basis jeugdhulp by WIJ (intensity basic) unless told."""

    class Meta:
        model = "triage.Triage"
        skip_postgeneration_save = True

    support_request = factory.SubFactory(SupportRequestFactory, contacted=True)
    held_on = factory.LazyFunction(timezone.localdate)
    life_domains = factory.LazyFunction(lambda: ["upbringing"])
    outcome = "basis_wij"
    intensity = factory.LazyAttribute(lambda t: "basic" if t.outcome == "basis_wij" else "")
    other_route = factory.LazyAttribute(
        lambda t: "social_base" if t.outcome == "other_route" else ""
    )
    provider_name = factory.LazyAttribute(
        lambda t: (
            "Zorgaanbieder Noord"
            if t.outcome in ("specialist", "open_house_exception", "reindication_extend")
            else ""
        )
    )
    reasons = factory.LazyAttribute(lambda t: "Zwaardere hulp nodig." if t.provider_name else "")

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if extracted:
            self.products.set([_product(code) for code in extracted])


class EndEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "openhouse.EndEvaluation"

    indication = factory.SubFactory(IndicationFactory)
    document = "eindevaluaties/test.pdf"
    original_name = "eindevaluatie.pdf"
    uploaded_by = factory.SubFactory(UserFactory)
    uploaded_at = factory.LazyFunction(timezone.now)
    on_time = True


class ChildOutcomeFactory(factory.django.DjangoModelFactory):
    """An outcome for one child of a triage: Basis jeugdhulp by WIJ, intensity basic,
    unless told."""

    class Meta:
        model = "triage.ChildOutcome"

    triage = factory.SubFactory(TriageFactory)
    client = factory.LazyAttribute(lambda o: o.triage.support_request.clients.first())
    outcome = "basis_wij"
    intensity = "basic"
    wij_role = factory.LazyAttribute(
        lambda o: "basis" if o.outcome in ("basis_wij", "reindication_wij") else ""
    )
    other_route = factory.LazyAttribute(
        lambda o: "social_base" if o.outcome == "other_route" else ""
    )


def make_trajectory(
    *,
    triage=None,
    coach=None,
    status="waiting",
    started_on=None,
    intensity="basic",
    user=None,
    **triage_kwargs,
):
    """A trajectory through the services (as the triage starts one), for every child of the
    triage's request, with `coach` as coordinator; moved on to `status` ("active",
    "paused"; end it with trajectories.services.trajectory_end)."""
    from intake.models import TeamMember
    from trajectories import services

    triage = triage or TriageFactory(**triage_kwargs)
    if coach is None:
        coach = UserFactory(role="wij_medewerker")
        TeamMember.objects.create(user=coach, team=triage.support_request.team)
    user = user or coach
    trajectory = services.trajectory_start(
        triage=triage,
        clients=triage.support_request.clients.all(),
        coach=coach,
        intensity=intensity,
        user=user,
    )
    if status in ("active", "paused"):
        trajectory = services.trajectory_begin(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            started_on=started_on or triage.held_on,
            user=user,
        )
    if status == "paused":
        trajectory = services.trajectory_pause(
            trajectory_id=trajectory.pk, expected_version=trajectory.version, user=user
        )
    return trajectory


class RightsRequestFactory(factory.django.DjangoModelFactory):
    """A family's request (rights.RightsRequest), received today, asked by the child."""

    class Meta:
        model = "rights.RightsRequest"

    kind = "copy"
    client = factory.SubFactory(ClientFactory)
    team = factory.LazyAttribute(lambda o: o.client.team)
    requester = "child"
    requester_name = factory.LazyAttribute(lambda o: o.client.full_name)
    received_on = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyAttribute(lambda o: o.received_on + datetime.timedelta(days=30))
