import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `role=` puts it in that role's group (created by the data migration)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


class ReferrerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.ReferrerOrganisation"

    name = factory.Sequence(lambda n: f"Huisartsenpraktijk {n}")
    referrer_type = "02"
    agb_code = factory.Sequence(lambda n: f"0199{n:04d}")
    city = "Groningen"
