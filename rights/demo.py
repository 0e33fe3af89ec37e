"""Demo requests from families (invented): one of each kind on children of WIJ Beijum (the
demo team lead's team), made through the services as the privacy officer would: an
inspection just received, a copy granted and waiting for its release, a correction carried
out and closed, a destruction to be weighed, a request of someone without the right to ask
(refused), and one past its deadline."""

import datetime

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from intake.models import Client, HouseholdMember
from intake.services import household_member_set_authority

from . import services
from .models import RightsRequest

Kind = RightsRequest.Kind
Requester = RightsRequest.Requester
Decision = RightsRequest.Decision


def _children(today: datetime.date, *, min_age: int, max_age: int, parent: bool = False):
    """Beijum's children of this age (on `today`), oldest registration first; with `parent`
    only those with a parent on their family file."""
    youngest_born = today - relativedelta(years=min_age)
    oldest_born = today - relativedelta(years=max_age + 1) + datetime.timedelta(days=1)
    children = Client.objects.filter(
        team__name="WIJ Beijum",
        date_of_birth__range=(oldest_born, youngest_born),
        rights_requests__isnull=True,
    ).order_by("pk")
    if parent:
        children = children.filter(
            household_memberships__household__members__role=HouseholdMember.Role.PARENT
        ).distinct()
    return children


def _parent(child: Client) -> HouseholdMember | None:
    return (
        HouseholdMember.objects.filter(
            household__members__client=child, role=HouseholdMember.Role.PARENT
        )
        .order_by("pk")
        .first()
    )


def seed_rights_requests(today: datetime.date | None = None) -> int:
    """The six demo requests; nothing when there are requests from families already."""
    if RightsRequest.objects.filter(origin=RightsRequest.Origin.FAMILY).exists():
        return 0
    today = today or timezone.localdate()
    User = get_user_model()
    officer = User.objects.filter(username="privacy").first()
    team_lead = User.objects.filter(username="teamleider").first()
    made = 0

    def register(child, kind, requester, received_on, **kwargs):
        nonlocal made
        made += 1
        return services.rights_request_register(
            client=child,
            kind=kind,
            requester=requester,
            received_on=received_on,
            user=officer,
            **kwargs,
        )

    # An inspection, just received: a child of 12 to 15 asks to see their own file.
    child = _children(today, min_age=12, max_age=15).first()
    if child:
        register(
            child,
            Kind.INSPECTION,
            Requester.CHILD,
            today - datetime.timedelta(days=2),
            requester_name=child.full_name,
            description="Ik wil lezen wat er over mij is opgeschreven.",
        )

    # A copy, granted, waiting for its review and release: a parent with parental
    # authority of a child under 12.
    child = _children(today, min_age=2, max_age=11, parent=True).first()
    parent = _parent(child) if child else None
    if child and parent:
        household_member_set_authority(member_id=parent.pk, authority="yes", user=team_lead)
        parent.refresh_from_db()
        request = register(
            child,
            Kind.COPY,
            Requester.PARENT,
            today - datetime.timedelta(days=12),
            requester_member=parent,
            description="Een afschrift van het dossier van onze zoon, op papier.",
        )
        services.rights_request_decide(
            request,
            decision=Decision.GRANTED,
            reason="Ouder met gezag van een kind onder de 12; niets staat de verstrekking in de weg.",
            user=officer,
            today=today - datetime.timedelta(days=5),
        )

    # A correction, carried out and closed: a young person of 16 or 17 whose house number was
    # registered wrong.
    child = _children(today, min_age=16, max_age=17).first()
    if child:
        request = register(
            child,
            Kind.CORRECTION,
            Requester.CHILD,
            today - datetime.timedelta(days=20),
            requester_name=child.full_name,
            description=f"Onjuist: huisnummer {child.house_number}.\n"
            f"Moet zijn: {child.house_number}A.",
        )
        services.rights_request_decide(
            request,
            decision=Decision.GRANTED,
            reason="Het huisnummer is nagegaan in de BRP: de correctie is juist.",
            user=officer,
            today=today - datetime.timedelta(days=15),
        )
        services.correction_apply(
            request,
            changes={"house_number": f"{child.house_number}A"[:10]},
            user=officer,
            today=today - datetime.timedelta(days=14),
        )

    # A destruction, received, to be weighed (three months: Jeugdwet art. 7.3.9).
    child = _children(today, min_age=18, max_age=21).first()
    if child:
        register(
            child,
            Kind.DESTRUCTION,
            Requester.CHILD,
            today - datetime.timedelta(days=9),
            requester_name=child.full_name,
            description="Ik wil dat mijn dossier wordt vernietigd; de hulp is klaar.",
        )

    # Someone without the right to ask: an uncle, refused (and so closed).
    child = _children(today, min_age=5, max_age=11).first()
    if child:
        request = register(
            child,
            Kind.INSPECTION,
            Requester.OTHER,
            today - datetime.timedelta(days=25),
            requester_name=f"Henk {child.last_name} (oom)",
            description="Oom wil weten hoe het met zijn neefje gaat.",
        )
        services.rights_request_decide(
            request,
            decision=Decision.REFUSED,
            reason="Alleen de ouders met gezag mogen inzage vragen voor een kind onder de 12; "
            "een oom heeft dat recht niet.",
            user=officer,
            today=today - datetime.timedelta(days=20),
        )

    # One past its deadline: an inspection asked by a child of 12 to 15, six weeks ago.
    child = _children(today, min_age=12, max_age=15).first()
    if child:
        register(
            child,
            Kind.INSPECTION,
            Requester.CHILD,
            today - datetime.timedelta(days=42),
            requester_name=child.full_name,
            description="Inzage in de gespreksverslagen van het afgelopen jaar.",
        )
    return made + _seed_carried_out(today, officer)


def _seed_carried_out(today: datetime.date, officer) -> int:
    """What the officer's other pages show: a copy released with one part withheld, a file
    destroyed on request (a tombstone), and a file past its retention put up by the job."""
    from .copies import copy_release
    from .destruction import destruction_blockers, file_destroy
    from .dossier import file_collect
    from .retention import retention_review

    made = 0
    # A copy released: a young person of 16 or 17 asked for it; the notes of one
    # conversation report are withheld (they name who made a safety report).
    child = _children(today, min_age=16, max_age=17).first()
    if child:
        request = services.rights_request_register(
            client=child,
            kind=Kind.COPY,
            requester=Requester.CHILD,
            received_on=today - datetime.timedelta(days=16),
            user=officer,
            requester_name=child.full_name,
            description="Een afschrift van mijn dossier, digitaal.",
        )
        services.rights_request_decide(
            request,
            decision=Decision.GRANTED,
            reason="De jongere is 16 of ouder en vraagt het zelf.",
            user=officer,
            today=today - datetime.timedelta(days=10),
        )
        dossier = file_collect(child)
        withheld = [
            {"key": item.key, "ground": "third_party", "note": "Naam van de melder."}
            for section in dossier.sections
            if section.key == "conversation_reports"
            for item in section.items[:1]
        ]
        copy_release(
            request, withheld=withheld, user=officer, today=today - datetime.timedelta(days=3)
        )
        made += 1

    # A file destroyed on request: a young adult whose help has ended.
    for child in Client.objects.filter(
        date_of_birth__lte=today - relativedelta(years=18),
        destroyed_on__isnull=True,
        rights_requests__isnull=True,
    ).order_by("pk")[:50]:
        if destruction_blockers(child, today):
            continue
        request = services.rights_request_register(
            client=child,
            kind=Kind.DESTRUCTION,
            requester=Requester.CHILD,
            received_on=today - datetime.timedelta(days=30),
            user=officer,
            requester_name=child.full_name,
            description="Vernietig mijn dossier: de hulp is al lang klaar.",
        )
        services.rights_request_decide(
            request,
            decision=Decision.GRANTED,
            reason="Niets verzet zich tegen vernietiging: de hulp is afgerond en niemand "
            "anders heeft er een aanmerkelijk belang bij.",
            user=officer,
            today=today - datetime.timedelta(days=20),
        )
        file_destroy(request, user=officer, today=today - datetime.timedelta(days=19))
        made += 1
        break

    # A file past its retention: a child registered 21 years ago in the old system, with
    # nothing since; the monthly job puts it before the privacy officer.
    from intake.models import Team
    from intake.services import client_create

    old = client_create(
        team=Team.objects.get(name="WIJ Beijum"),
        first_name="Sanne",
        last_name="Oudeboer",
        date_of_birth=today - relativedelta(years=30),
    )
    Client.objects.filter(pk=old.pk).update(created_at=timezone.now() - relativedelta(years=21))
    made += retention_review(today)
    return made
