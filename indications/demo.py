"""Demo providers and running indications (invented), then the jobs run once."""

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from intake.models import Client
from openhouse.models import Provider, ProviderMembership
from referrals.models import Product

from . import services
from .models import Indication

PROVIDERS = [
    ("Zorg Noord Jeugd", "73990001"),
    ("Gezinshuis De Linde", "73990002"),
    ("Ambulant Team Stad", "73990003"),
    ("Kindpraktijk Het Anker", "73990004"),
    ("Jeugdhulp Ommeland", "73990005"),
    ("Praktijk Samen Sterk", "73990006"),
    ("Begeleiding Op Maat", "73990007"),
    ("Groepswerk Noorderzon", "73990008"),
]


def seed_indications(*, count: int = 150, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    products = list(Product.objects.all())
    providers = []
    for name, agb in PROVIDERS:
        provider, _new = Provider.objects.get_or_create(
            agb_code=agb, defaults={"name": name, "contact_email": f"info@{agb}.demo.invalid"}
        )
        provider.products.set(products)
        providers.append(provider)
    demo_provider_user = get_user_model().objects.filter(username="aanbieder").first()
    if demo_provider_user:
        ProviderMembership.objects.get_or_create(
            user=demo_provider_user, defaults={"provider": providers[0]}
        )
    if Indication.objects.exists():
        return 0
    rng = random.Random(11)  # noqa: S311 - demo data
    clients = list(Client.objects.order_by("pk")[:count])
    for client in clients:
        end = today + datetime.timedelta(days=rng.randint(-60, 420))
        Indication.objects.create(
            client=client,
            product=rng.choice(products),
            provider=rng.choice(providers),
            referrer_type=rng.choice(["02", "02", "02", "01", "04", "05", "03"]),
            start_on=end - relativedelta(months=rng.choice([6, 12, 18, 24])),
            end_on=end,
        )
    services.indications_end(on_date=today)
    services.indications_flag_expiring(on_date=today)
    services.indications_check_evaluations(on_date=today)
    return len(clients)
