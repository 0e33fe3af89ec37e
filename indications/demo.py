"""Demo providers and running indications (invented), then the jobs run once."""

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from ijw.demo import seed_delivery_messages, seed_ijw_messages
from intake.models import Client
from openhouse import services as openhouse_services
from openhouse.models import Provider, ProviderMembership
from referrals.models import Product
from samen.codelists import EndReason

from . import services
from .models import ExtensionRequest, Indication

# The demo users the steps are taken by: the provider, the youth administration, WIJ.
DEMO_USERNAMES = ("aanbieder", "jeugdadministratie", "medewerker")

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
    ends = seed_indication_ends(today=today, providers=providers)
    messages = seed_ijw_messages(today=today, providers=providers)
    deliveries = seed_delivery_messages(today=today, providers=providers)
    return len(clients) + len(ends) + len(messages) + len(deliveries)


# --- indications to their real end ---------------------------------------------------
# Made by the real steps (indications.services, openhouse.services), so the demo shows what
# they make: extensions asked, advised by WIJ and decided; PGB; an open end; early handovers.


def _blank_pdf(name: str):
    """A one-page PDF, as a provider would upload (passes the upload checks)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _free_clients(user, count: int, *, with_triage: bool = False) -> list:
    """Children without an indication yet: those the demo WIJ worker sees first (so the WIJ
    pages show the demo's steps), with a triage when WIJ's advice needs one."""
    from triage.models import Triage

    free = Client.objects.filter(indications__isnull=True)
    if with_triage:
        free = free.filter(pk__in=Triage.objects.values("support_request__clients"))
    seen = list(free.filter(pk__in=Client.objects.visible_to(user)).order_by("pk")[:count])
    rest = list(free.exclude(pk__in=[c.pk for c in seen]).order_by("pk")[: count - len(seen)])
    return seen + rest


def _triage_of(client):
    from triage.models import Triage

    return (
        Triage.objects.filter(support_request__clients=client).order_by("-held_on", "-pk").first()
    )


def seed_indication_ends(*, today: datetime.date, providers: list) -> dict:
    """The demo's indications at their real end, each through its service. Needs the demo
    users (provider, youth administration, WIJ worker); returns what it made, by name."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    if len(users) < len(DEMO_USERNAMES):
        return {}
    provider_user, admin, worker = (users[name] for name in DEMO_USERNAMES)
    own, other = providers[0], providers[1]  # the demo provider account's, and another
    products = list(Product.objects.order_by("code"))
    advised = _free_clients(worker, 3, with_triage=True)
    plain = _free_clients(worker, 9)
    plain = [c for c in plain if c not in advised]
    if len(advised) < 3 or len(plain) < 6:
        return {}
    made = {}

    def indication(client, *, ends_on, start_on=None, **fields):
        new = Indication(
            client=client,
            product=products[0],
            provider=fields.pop("provider", own),
            referrer_type="02",
            start_on=start_on or ends_on - relativedelta(months=12),
            end_on=ends_on,
            **fields,
        )
        new.full_clean()
        new.save()
        return new

    def ask(ind, *, reasons, proposed_end_on):
        evaluation = openhouse_services.end_evaluation_upload(
            indication=ind, upload=_blank_pdf("eindevaluatie.pdf"), user=provider_user
        )
        return services.extension_request_create(
            indication_id=ind.pk,
            requested_by=ExtensionRequest.Requester.PROVIDER,
            reasons=reasons,
            user=provider_user,
            proposed_end_on=proposed_end_on,
            end_evaluation=evaluation,
        )

    def advise(extension, client):
        return services.extension_advice_record(
            extension_id=extension.pk,
            triage=_triage_of(client),
            advice="Verlengen: de hulp loopt goed, overdracht nu zou het kind schaden.",
            user=worker,
        )

    # 1. Extended: asked by the provider with its end-evaluation, advised by WIJ from the
    # triage of the child, decided by the youth administration; the new end falls within
    # 3 months, so the flag job flags it again (its own task and notice for the new end).
    ind = indication(advised[0], ends_on=today + datetime.timedelta(days=20))
    services.indications_flag_expiring(on_date=today)
    extension = ask(ind, reasons="Het kind maakt de behandeling af.", proposed_end_on=None)
    advise(extension, advised[0])
    services.extension_decide(
        request_id=extension.pk,
        decision=ExtensionRequest.Decision.EXTEND,
        weighing="Individueel gewogen: afronden bij dezelfde aanbieder is nu het beste.",
        new_end_on=today + relativedelta(months=2),
        user=admin,
    )
    made["extended"] = ind.pk
    # And one extended further ahead: status "extended" until the flag job's 3 months.
    ind = indication(advised[1], ends_on=today + relativedelta(weeks=9))
    extension = ask(ind, reasons="Nog een half jaar nodig om af te ronden.", proposed_end_on=None)
    advise(extension, advised[1])
    services.extension_decide(
        request_id=extension.pk,
        decision=ExtensionRequest.Decision.EXTEND,
        weighing="Individueel gewogen: de hulp loopt goed; tijdelijk verlengd.",
        new_end_on=today + relativedelta(months=8),
        user=admin,
    )
    made["extended_later"] = ind.pk

    # 2. A pending request from the provider with its end-evaluation and WIJ's advice: ready
    # for the youth administration to decide before its deadline.
    ind = indication(advised[2], ends_on=today + relativedelta(weeks=7))
    extension = ask(
        ind,
        reasons="Gezinsbehandeling loopt nog; afronding vraagt drie maanden.",
        proposed_end_on=today + relativedelta(weeks=7, months=3),
    )
    advise(extension, advised[2])
    made["pending_advised"] = extension.pk

    # 3. A pending request that still needs WIJ's advice (the Open House closed for the
    # product): the youth administration cannot extend it yet.
    ind = indication(plain[0], ends_on=today + relativedelta(weeks=10))
    extension = ask(
        ind,
        reasons="Traject met school loopt nog tot de zomer.",
        proposed_end_on=today + relativedelta(months=8),
    )
    made["pending_needs_advice"] = extension.pk

    # 4. PGB: a budget holder instead of a provider; one ending within 3 months (flagged,
    # the task to WIJ only, no provider notice), one running for longer.
    pgb = {"financing": Indication.Financing.PGB, "provider": None}
    made["pgb_ending"] = indication(
        plain[1], ends_on=today + relativedelta(weeks=6), budget_holder="Moeder", **pgb
    ).pk
    made["pgb_running"] = indication(
        plain[2], ends_on=today + relativedelta(months=9), budget_holder="Vader", **pgb
    ).pk

    # 5. An open end (no end date): never flagged.
    made["open_end"] = indication(
        plain[3], ends_on=None, start_on=today - relativedelta(months=5)
    ).pk

    # 6. Handed over early to WIJ by the provider: the indication ends, the WIJ team has a
    # task at once and the warm-handover thread opens; WIJ answers in it.
    ind = indication(plain[4], ends_on=today + relativedelta(months=5))
    services.indication_end_early(
        indication_id=ind.pk,
        ends_on=today + datetime.timedelta(days=7),
        end_reason=EndReason.EARLY_BY_PROVIDER,
        message="Wij kunnen de hulp niet meer bieden; het gezin weet dat WIJ contact opneemt.",
        user=provider_user,
    )
    openhouse_services.handover_note_post(
        indication=ind,
        user=worker,
        text="Dank je. Wij bellen het gezin deze week voor een afspraak.",
    )
    made["handed_over_to_wij"] = ind.pk

    # 7. Handed over to another provider (the volume became too small): the first ends the
    # day before, the second starts with the other provider, `preceded_by` the first.
    ind = indication(plain[5], ends_on=today + relativedelta(months=7))
    successor = services.indication_hand_over_to_provider(
        indication_id=ind.pk,
        provider=other,
        starts_on=today + datetime.timedelta(days=14),
        user=provider_user,
    )
    made["handed_over_from"], made["handed_over_to"] = ind.pk, successor.pk
    services.indications_flag_expiring(on_date=today)
    services.indications_check_evaluations(on_date=today)
    return made
