"""Demo teams, workers, families and support requests that look like Groningen.

Invented people only: names from a small list, BSNs generated to pass the 11-proof."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from referrals.models import ReferrerOrganisation, ReferrerType
from samen import roles
from samen.identifiers import generate_bsn

from . import services
from .models import Household, PostcodeArea, SupportRequest, Team, TeamMember

# Team -> 4-digit postcode areas (indicative; officials keep the real list in the admin).
TEAMS = {
    "WIJ Centrum": ["9711", "9712"],
    "WIJ Oranjewijk": ["9713", "9717"],
    "WIJ Korrewegwijk": ["9714", "9715"],
    "WIJ De Hoogte": ["9716"],
    "WIJ Oosterparkwijk": ["9721", "9722"],
    "WIJ Helpman": ["9723", "9724", "9725", "9726"],
    "WIJ Lewenborg": ["9731", "9732", "9733"],
    "WIJ Beijum": ["9734", "9735", "9736"],
    "WIJ Selwerd": ["9741"],
    "WIJ Paddepoel": ["9742", "9743"],
    "WIJ Vinkhuizen": ["9744", "9745", "9746", "9747"],
    "WIJ Hoogkerk": ["9737", "9738"],
    "WIJ Haren": ["9750", "9751", "9752"],
    "WIJ Ten Boer": ["9791", "9792"],
}
STREETS = [
    "Kerkstraat",
    "Dorpsweg",
    "Molenweg",
    "Zuiderdiep",
    "Kastanjelaan",
    "Bloemstraat",
    "Paterswoldseweg",
    "Korreweg",
    "Oosterweg",
    "Beijumerweg",
    "Sportlaan",
    "Meeuwerderweg",
]
FIRST = [
    "Daan",
    "Sem",
    "Noah",
    "Luuk",
    "Finn",
    "Milan",
    "Emma",
    "Julia",
    "Mila",
    "Tess",
    "Sara",
    "Zoë",
    "Lotte",
    "Noor",
    "Mohammed",
    "Amira",
    "Jesse",
    "Lieke",
    "Bram",
    "Yara",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Huizinga",
    "Hoekstra",
    "Dijkstra",
    "Wiersma",
    "Kuipers",
    "Postma",
    "Brouwer",
    "Veenstra",
    "El Amrani",
    "Yilmaz",
]
QUESTIONS = [
    "Onze zoon heeft moeite met school en komt zijn kamer nauwelijks uit.",
    "Sinds de scheiding is er veel ruzie thuis; we willen hulp voor de kinderen.",
    "Onze dochter is erg angstig en slaapt slecht.",
    "Wij hebben hulp nodig bij de opvoeding van drie kinderen.",
    "De huisarts verwijst voor begeleiding bij somberheid.",
    "School maakt zich zorgen over concentratie en gedrag in de klas.",
]
DEMO_WORKERS = [
    ("marieke", "Marieke", "Postma"),
    ("jeroen", "Jeroen", "Kuipers"),
    ("fatima", "Fatima", "El Idrissi"),
    ("kees", "Kees", "Wiersma"),
]


def seed_teams() -> list[Team]:
    for name, areas in TEAMS.items():
        team, _new = Team.objects.get_or_create(name=name)
        for digits in areas:
            PostcodeArea.objects.get_or_create(digits=digits, defaults={"team": team})
    return list(Team.objects.all())


def seed_workers(beijum: Team) -> list:
    User = get_user_model()
    staff = Group.objects.get(name=roles.WIJ_STAFF)
    workers = []
    for username, first, last in DEMO_WORKERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(staff)
        workers.append(user)
    for username in ("medewerker", "teamleider", "toegang", *[w[0] for w in DEMO_WORKERS]):
        user = User.objects.filter(username=username).first()
        if user and not TeamMember.objects.filter(user=user).exists():
            TeamMember.objects.create(user=user, team=beijum)
    return workers


def seed_requests(*, count: int = 300, today: datetime.date | None = None) -> int:
    """Families and requests over the teams, in every status, from every route."""
    seed_teams()
    if Household.objects.exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    today = today or timezone.localdate()
    beijum = Team.objects.get(name="WIJ Beijum")
    workers = seed_workers(beijum)
    demo_worker = get_user_model().objects.filter(username="medewerker").first()
    if demo_worker:
        workers.append(demo_worker)
    referrers = {
        value: list(ReferrerOrganisation.objects.filter(referrer_type=value))
        for value in ReferrerType.values
    }
    areas = {a.digits: a.team for a in PostcodeArea.objects.select_related("team")}
    created = 0
    for number in range(count):
        digits, team = rng.choice(list(areas.items()))
        if number % 3 == 0:
            team = beijum
            digits = "9735"
        last = rng.choice(LAST)
        postcode = f"{digits}{rng.choice('ABCDEGHJKLMNPRTVWXZ')}{rng.choice('ABCDEGHJKLMNPRTVWXZ')}"
        house = str(rng.randint(1, 180))
        children = []
        for _child in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
            born = today - datetime.timedelta(days=rng.randint(0, 22 * 365))
            children.append(
                services.client_create(
                    team=team,
                    bsn=generate_bsn(rng),
                    first_name=rng.choice(FIRST),
                    last_name=last,
                    date_of_birth=born,
                    street=rng.choice(STREETS),
                    house_number=house,
                    postcode=postcode,
                    city="Groningen",
                )
            )
        household = services.household_for_client(
            client=children[0],
            name=f"Gezin {last}",
            adults=[
                {"role": "parent", "name": f"{rng.choice(FIRST)} {last}", "phone": "050-0000000"}
            ],
        )
        for child in children[1:]:
            household.members.create(role="child", client=child)
        referrer_type = rng.choices(
            ["02", "01", "06", "04", "08", "05", "03"], weights=[45, 20, 17, 8, 4, 3, 3]
        )[0]
        organisation = rng.choice(referrers[referrer_type]) if referrers[referrer_type] else None
        # Most requests are recent (the worklists); the rest spread over the past year,
        # so the reports have months to show.
        days_ago = rng.randint(61, 365) if number % 3 == 2 else rng.randint(0, 60)
        received = timezone.make_aware(
            datetime.datetime.combine(
                today - datetime.timedelta(days=days_ago),
                datetime.time(9 + rng.randint(0, 7), rng.choice([0, 15, 30, 45])),
            )
        )
        support_request = services.support_request_register(
            registered_by=demo_worker,
            household=household,
            clients=children[: rng.randint(1, len(children))],
            channel=rng.choice(["walk_in", "phone", "mail", "zorgdomein", "letter"]),
            question=rng.choice(QUESTIONS),
            team=team,
            referral=services.Referral(
                referrer_type=referrer_type,
                organisation=organisation,
                person="dr. " + rng.choice(LAST) if organisation else "",
                date=received.date() if organisation else None,
            ),
            received_at=received,
            assigned_worker=rng.choice(workers) if team == beijum else None,
            route_decision=SupportRequest.RouteOutcome.ACCEPTED_AS_SELF,
        )
        _advance(support_request, rng, days_ago, today, demo_worker)
        created += 1
    seed_two_households(beijum)
    _decisions_waiting(beijum, demo_worker, today)
    return created + _seed_possible_duplicate(demo_worker, beijum)


def _seed_possible_duplicate(user, team) -> int:
    """One open request with a question added to it, and a second request for the same
    children registered anyway with a reason: the duplicate warning's two outcomes."""
    first = SupportRequest.objects.open().filter(team=team).order_by("pk").first()
    if first is None:
        return 0
    services.support_request_add_question(
        support_request_id=first.pk,
        user=user,
        question="Moeder belt: ook op school gaat het minder goed.",
        channel=SupportRequest.Channel.PHONE,
    )
    services.support_request_register(
        registered_by=user,
        household=first.household,
        clients=list(first.clients.all()),
        channel=SupportRequest.Channel.WALK_IN,
        question="Vader meldt zich apart: hij wil hulp bij de omgangsregeling.",
        team=first.team,
        referral=services.Referral(),
        assigned_worker=first.assigned_worker,
        duplicate_reason="Een andere vraag, van de andere ouder.",
    )
    return 1


def seed_two_households(team: Team) -> None:
    """A family of the team with two or more children, and one of them also in a second
    household (separated parents), so the family file shows both (and the crawl finds it)."""
    from django.db.models import Count

    household = (
        Household.objects.filter(members__client__team=team)
        .annotate(children=Count("members__client"))
        .filter(children__gte=2)
        .order_by("pk")
        .first()
    )
    if household is None:
        return
    child = household.members.filter(client__isnull=False).order_by("pk").first().client
    household.members.filter(role="parent").update(parental_authority="yes")
    second = Household.objects.create(name=f"Gezin {child.last_name} (vader)")
    second.members.create(role="child", client=child)
    second.members.create(role="parent", name=f"Mark {child.last_name}", parental_authority="yes")
    second.members.create(role="step_parent", name="Sanne Bakker", parental_authority="no")


def _decisions_waiting(team, user, today) -> None:
    """What waits for the team lead on the start page (no random numbers, so the rest of
    the demo stays as it was): two families asking for another worker, and three requests
    nobody has been assigned to yet."""
    open_requests = list(
        SupportRequest.objects.open()
        .filter(team=team, assigned_worker__isnull=False)
        .order_by("-received_at", "id")[:5]
    )
    for support_request, reason in zip(open_requests[:2], ["no_click", "gender"], strict=False):
        services.worker_change_request(
            support_request=support_request,
            reason=reason,
            explanation="",
            requested_on=today,
            user=user,
        )
    for support_request in open_requests[2:]:
        support_request.assigned_worker = None
        support_request._history_user = user
        support_request.save(update_fields=["assigned_worker"])


def _advance(support_request, rng, days_ago, today, user):
    """Move older requests along: contacted (mostly in time), in triage, closed."""
    roll = rng.random()
    if days_ago < 3 or roll < 0.12:
        return  # registered; some of the older ones are overdue
    contacted = min(
        support_request.contact_deadline - datetime.timedelta(days=rng.randint(0, 4)), today
    )
    contacted = max(contacted, timezone.localdate(support_request.received_at))
    support_request = services.support_request_record_contact(
        support_request_id=support_request.pk,
        expected_version=support_request.version,
        user=user,
        contacted_on=contacted,
    )
    if days_ago > 14 and roll > 0.4:
        support_request = services.support_request_start_triage(
            support_request_id=support_request.pk,
            expected_version=support_request.version,
            user=user,
        )
    if days_ago > 30 and roll > 0.6:
        reason = rng.choice(["triage_done", "triage_done", "no_help_needed", "withdrawn"])
        if reason != "triage_done":
            services.support_request_close(
                support_request_id=support_request.pk,
                expected_version=support_request.version,
                user=user,
                reason=reason,
            )
            return
        # Closed by its triage, which triage.demo.seed_triages adds next (a worker cannot
        # close with "triage done" by hand before a triage is recorded).
        with transaction.atomic():
            current = services.support_request_lock(support_request.pk, support_request.version)
            current.status = SupportRequest.Status.CLOSED
            current.close_reason = SupportRequest.CloseReason.TRIAGE_DONE
            services.support_request_save(current, user)
