"""The family file (gezinsdossier): who sees a household, what it shows, the timeline in
plain Dutch, parental authority, and merging and splitting households (team leads)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from audit.models import AccessGrant, AccessLogEntry
from intake import services
from intake.family import family_file, family_timeline
from intake.models import Household, HouseholdMember, SupportRequest, TeamMember
from openhouse.models import HandoverNote
from samen import roles
from tests.factories import (
    ClientFactory,
    EndEvaluationFactory,
    HouseholdFactory,
    IndicationFactory,
    SupportRequestFactory,
    TeamFactory,
    TriageFactory,
    UserFactory,
)
from triage.models import Beschikking, ConversationReport

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def lewenborg(db):
    return TeamFactory(name="WIJ Lewenborg")


@pytest.fixture
def vries(beijum):
    user = UserFactory(
        role=roles.WIJ_STAFF, username="svries", first_name="Sanne", last_name="de Vries"
    )
    TeamMember.objects.create(user=user, team=beijum)
    return user


def make_family(team, *, children=2, worker=None, household=None):
    """A household of `team` with children, a parent, and for each child a request with a
    triage (45A51), a beschikking, a report, and an indication with an end-evaluation and
    a handover note."""
    household = household or HouseholdFactory(name="Gezin Zijlstra")
    household.members.create(role="parent", name="Anna Zijlstra")
    kids = []
    for number in range(children):
        child = ClientFactory(team=team, first_name=f"Kind{number}", last_name="Zijlstra")
        kids.append(child)
        request = SupportRequestFactory(
            household=household, team=team, clients=[child], registered_by=worker
        )
        triage = TriageFactory(support_request=request, products=["45A51"])
        if worker:
            triage.workers.add(worker)
        Beschikking.objects.create(
            support_request=request, request_reason="Bezwaar", addressee="Gezin", address="Weg 1"
        )
        ConversationReport.objects.create(
            support_request=request, author=worker or UserFactory(), text="Gesprek."
        )
        indication = IndicationFactory(client=child)
        EndEvaluationFactory(indication=indication)
        HandoverNote.objects.create(
            indication=indication, side="wij", author=worker or UserFactory(), text="Afspraak."
        )
    return household, kids


# --- Who sees a household ----------------------------------------------------------------


@time_machine.travel(NOW)
def test_a_household_is_visible_when_one_of_its_children_is(
    intake_worker, team_lead, official, provider_user, outsider, beijum, lewenborg
):
    ours, _kids = make_family(beijum, children=1)
    theirs, (their_child,) = make_family(lewenborg, children=1, household=HouseholdFactory())
    mixed, _ = make_family(lewenborg, children=1, household=HouseholdFactory())
    mixed.members.create(role="child", client=ClientFactory(team=beijum))
    for user in (intake_worker, team_lead):
        assert set(Household.objects.visible_to(user)) == {ours, mixed}
    for user in (official, provider_user, outsider, UserFactory(role=roles.PRIVACY)):
        assert not Household.objects.visible_to(user).exists()
    # Break-the-glass on a child opens its household too, while the grant lasts.
    AccessGrant.objects.create(
        user=intake_worker,
        client=their_child,
        reason="joint_case",
        expires_at=NOW + datetime.timedelta(hours=8),
    )
    assert theirs in Household.objects.visible_to(intake_worker)


# --- The page ----------------------------------------------------------------------------


@time_machine.travel(NOW)
def test_the_family_file_shows_members_records_and_leaves_a_trace(client, vries, beijum):
    household, kids = make_family(beijum, children=2, worker=vries)
    client.force_login(vries)
    response = client.get(f"/gezinnen/{household.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Gezinsdossier Gezin Zijlstra – Basis jeugdhulp</title>" in html
    assert "Anna Zijlstra" in html and "ouder" in html
    for kid in kids:
        assert escape(kid.full_name) in html and f"/jeugdigen/{kid.pk}/" in html
        request = kid.support_requests.get()
        assert f"/aanmeldingen/{request.pk}/" in html
        assert f"/beschikkingen/{request.beschikkingen.get().pk}/" in html
        assert f"/verslagen/{request.reports.get().pk}/" in html
        evaluation = kid.indications.get().end_evaluations.get()
        assert f"/eindevaluaties/{evaluation.pk}/download/" in html
    assert "Triage door S. de Vries: Basis jeugdhulp door WIJ 45A51" in html
    entry = AccessLogEntry.objects.get(part="family file")
    assert sorted(entry.client_ids) == sorted(k.pk for k in kids)
    assert entry.object_id == household.pk and entry.outcome == "allowed"


@time_machine.travel(NOW)
def test_a_child_of_another_team_is_shown_without_its_records(
    client, intake_worker, beijum, lewenborg
):
    household, (ours,) = make_family(beijum, children=1)
    other = ClientFactory(team=lewenborg, first_name="Geheim", last_name="Anders")
    household.members.create(role="child", client=other)
    other_request = SupportRequestFactory(team=lewenborg, clients=[other], question="Geheime vraag")
    IndicationFactory(client=other, provider__name="Verborgen Zorg")
    client.force_login(intake_worker)
    html = client.get(f"/gezinnen/{household.pk}/").content.decode()
    assert "een kind van een ander team" in html
    assert f"/jeugdigen/{other.pk}/toegang/?next=" in html
    assert "Geheim" not in html and "Anders" not in html and "Verborgen Zorg" not in html
    assert f"/aanmeldingen/{other_request.pk}/" not in html
    assert AccessLogEntry.objects.get(part="family file").client_ids == [ours.pk]


@pytest.mark.parametrize("persona", ["official", "provider_user", "outsider", "privacy"])
def test_roles_without_family_files_get_403(client, persona, request, beijum):
    household, _ = make_family(beijum, children=1)
    user = (
        UserFactory(role=roles.PRIVACY)
        if persona == "privacy"
        else request.getfixturevalue(persona)
    )
    client.force_login(user)
    for path in ("", "afdrukken/", "samenvoegen/", "splitsen/"):
        response = client.get(f"/gezinnen/{household.pk}/{path}")
        assert response.status_code == 403
        assert "Zijlstra" not in response.content.decode()


def test_another_teams_household_is_refused_and_logged(client, intake_worker, lewenborg):
    household, (kid,) = make_family(lewenborg, children=1)
    client.force_login(intake_worker)
    response = client.get(f"/gezinnen/{household.pk}/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Gespreksverslag" not in html and f"/jeugdigen/{kid.pk}/toegang/" in html
    refused = AccessLogEntry.objects.get(outcome="refused")
    assert refused.client_ids == [kid.pk] and refused.part == "family file"
    assert client.get("/gezinnen/999999/").status_code == 404
    assert client.get("/gezinnen/99999999999999999999/").status_code == 404


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


@time_machine.travel(NOW)
def test_the_family_file_takes_a_fixed_number_of_queries(client, vries, beijum):
    one, _ = make_family(beijum, children=1, worker=vries)
    three, _ = make_family(beijum, children=3, worker=vries, household=HouseholdFactory())
    client.force_login(vries)
    _queries(client, f"/gezinnen/{one.pk}/")  # the session and the access log's partition
    for page in ("", "afdrukken/"):
        assert _queries(client, f"/gezinnen/{one.pk}/{page}") == _queries(
            client, f"/gezinnen/{three.pk}/{page}"
        )


@time_machine.travel(NOW)
def test_the_selector_reads_in_a_fixed_number_of_queries(vries, beijum, django_assert_num_queries):
    one, _ = make_family(beijum, children=1, worker=vries)
    three, _ = make_family(beijum, children=3, worker=vries, household=HouseholdFactory())
    vries = type(vries).objects.get(pk=vries.pk)
    family_file(one, user=vries)  # the user's role and teams are read once per request
    counts = []
    for household in (one, three):
        with CaptureQueriesContext(connection) as context:
            family_timeline(family_file(household, user=vries))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        family_timeline(family_file(three, user=vries))


@time_machine.travel(NOW)
def test_the_timeline_in_plain_dutch_newest_first_and_per_child(client, vries, beijum):
    household, (first, second) = make_family(beijum, children=2, worker=vries)
    request = first.support_requests.get()
    services.support_request_record_contact(
        support_request_id=request.pk,
        expected_version=request.version,
        user=vries,
        contacted_on=datetime.date(2026, 11, 22),
    )
    request.refresh_from_db()
    services.support_request_assign(
        support_request_id=request.pk, expected_version=request.version, user=vries, worker=vries
    )
    client.force_login(vries)
    html = client.get(f"/gezinnen/{household.pk}/").content.decode()
    timeline = html[html.index("samen-family-timeline") :]
    for text in (
        "Aanmelding #",
        "geregistreerd door S. de Vries",
        "Eerste contact",
        "Toegewezen aan S. de Vries",
        "Triage door S. de Vries",
        "Beschikking aangevraagd",
        "Gespreksverslag door S. de Vries",
        "Eindevaluatie ontvangen (45A51, versie 1)",
        "Overdracht: bericht van WIJ (45A51)",
        "Indicatie 45A51 bij",
    ):
        assert text in timeline, text
    assert "gewijzigd" not in timeline  # events, not field diffs
    family = family_file(household, user=vries)
    events = family_timeline(family)
    assert [e.when for e in events] == sorted((e.when for e in events), reverse=True)
    only_second = family_timeline(family, child_id=second.pk)
    assert only_second and all(second in e.children for e in only_second if e.children)
    assert len(only_second) < len(events)
    filtered = client.get(f"/gezinnen/{household.pk}/?kind={second.pk}").content.decode()
    assert f"/aanmeldingen/{request.pk}/" not in filtered
    assert f"/aanmeldingen/{second.support_requests.get().pk}/" in filtered


@pytest.mark.parametrize(
    "query", ["?kind=abc", "?kind=99999999999999999999", "?kind=-1", "?kind=1&kind=2", "?x=1"]
)
def test_odd_filters_show_the_whole_family(client, intake_worker, beijum, query):
    household, kids = make_family(beijum, children=2)
    client.force_login(intake_worker)
    response = client.get(f"/gezinnen/{household.pk}/{query}")
    assert response.status_code == 200
    assert all(escape(kid.full_name) in response.content.decode() for kid in kids)


@time_machine.travel(NOW)
def test_the_print_view(client, intake_worker, beijum):
    household, (kid, _other) = make_family(beijum, children=2)
    client.force_login(intake_worker)
    response = client.get(f"/gezinnen/{household.pk}/afdrukken/?kind={kid.pk}")
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Gezinsdossier Gezin Zijlstra (afdruk)" in html
    main = html.split("<main")[1].split("</main>")[0]
    assert "Afgedrukt op 22 november 2026" in main and "<form" not in main
    assert AccessLogEntry.objects.get(part="family file (print)").object_id == household.pk


def test_the_childs_page_links_to_each_household_and_the_request_to_its_own(
    client, intake_worker, beijum
):
    household, (kid,) = make_family(beijum, children=1)
    father = HouseholdFactory(name="Gezin Zijlstra (vader)")
    father.members.create(role="child", client=kid)
    client.force_login(intake_worker)
    page = client.get(f"/jeugdigen/{kid.pk}/").content.decode()
    assert f"/gezinnen/{household.pk}/" in page and f"/gezinnen/{father.pk}/" in page
    request = kid.support_requests.get()
    assert (
        f"/gezinnen/{household.pk}/" in client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    )
    # The father's household shows the child's requests too (they are the child's).
    assert f"/aanmeldingen/{request.pk}/" in client.get(f"/gezinnen/{father.pk}/").content.decode()


# --- Parental authority --------------------------------------------------------------------


def test_only_an_adult_holds_parental_authority(beijum, intake_worker):
    household, (kid,) = make_family(beijum, children=1)
    child = household.members.get(client=kid)
    with pytest.raises(ValidationError) as refused:
        services.household_member_set_authority(
            member_id=child.pk, authority="yes", user=intake_worker
        )
    assert "parental_authority" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.filter(pk=child.pk).update(parental_authority="yes")
    parent = household.members.get(role="parent")
    services.household_member_set_authority(
        member_id=parent.pk, authority="yes", user=intake_worker
    )
    services.household_member_set_authority(member_id=parent.pk, authority="no", user=intake_worker)
    history = list(
        parent.history.order_by("history_date").values_list("parental_authority", flat=True)
    )
    assert history == ["unknown", "yes", "no"]
    assert parent.history.latest().history_user == intake_worker


def test_parental_authority_through_the_page(client, intake_worker, beijum):
    household, (kid,) = make_family(beijum, children=1)
    parent = household.members.get(role="parent")
    child = household.members.get(client=kid)
    client.force_login(intake_worker)
    url = f"/gezinnen/{household.pk}/leden/{parent.pk}/gezag/"
    assert client.post(url, {"parental_authority": "yes"}).status_code == 302
    parent.refresh_from_db()
    assert parent.parental_authority == "yes"
    response = client.post(
        f"/gezinnen/{household.pk}/leden/{child.pk}/gezag/",
        {"parental_authority": "yes"},
        follow=True,
    )
    assert "Alleen een volwassene kan het gezag hebben." in response.content.decode()
    assert client.post(url, {"parental_authority": "\x00"}).status_code == 302
    other, _ = make_family(beijum, children=1, household=HouseholdFactory())
    assert client.post(f"/gezinnen/{other.pk}/leden/{parent.pk}/gezag/", {}).status_code == 404


# --- Merge and split -------------------------------------------------------------------


def test_merge_handles_everything_that_points_at_a_household():
    """The merge moves members and requests and marks the other household: a new relation
    to Household must be handled there (and named here)."""
    relations = {
        f"{rel.related_model._meta.label}.{rel.field.name}"
        for rel in Household._meta.related_objects
        if not rel.related_model.__name__.startswith("Historical")
    }
    assert relations == {
        "intake.HouseholdMember.household",
        "intake.SupportRequest.household",
        "intake.Household.merged_into",
        "intake.Household.split_from",
        "trajectories.Trajectory.household",
        "plans.SupportPlan.household",  # plans.services.plan_follow_merge
    }


@time_machine.travel(NOW, tick=False)
def test_trajectories_go_with_the_household_in_a_merge_and_with_their_children_in_a_split(
    team_lead, beijum
):
    from tests.factories import make_trajectory

    keep, _kids = make_family(beijum, children=1)
    other, (sibling, brother) = make_family(
        beijum, children=2, household=HouseholdFactory(name="Gezin Z.")
    )
    triage = other.support_requests.get(clients=sibling).triage
    trajectory = make_trajectory(triage=triage)
    services.household_merge(keep_id=keep.pk, other_id=other.pk, user=team_lead)
    trajectory.refresh_from_db()
    assert trajectory.household == keep
    assert trajectory.history.latest().history_user == team_lead
    # A split: the trajectory goes along only when all its children move.
    moving = keep.members.get(client=sibling)
    staying = keep.members.get(client=brother)
    assert services.household_split_plan(household=keep, member_ids=[staying.pk]).trajectories == []
    plan = services.household_split_plan(household=keep, member_ids=[moving.pk])
    assert plan.trajectories == [trajectory] and plan.staying_trajectories == []
    new = services.household_split(
        household_id=keep.pk, member_ids=[moving.pk], name="Gezin S.", user=team_lead
    )
    trajectory.refresh_from_db()
    assert trajectory.household == new


@time_machine.travel(NOW, tick=False)
def test_merging_moves_members_and_requests_and_keeps_the_other(team_lead, beijum):
    keep, (kid,) = make_family(beijum, children=1)
    other, (sibling,) = make_family(beijum, children=1, household=HouseholdFactory(name="Gezin Z."))
    other.members.create(role="child", client=kid)  # registered in both
    earlier = HouseholdFactory(merged_into=other)
    services.household_merge(keep_id=keep.pk, other_id=other.pk, user=team_lead)
    other.refresh_from_db()
    earlier.refresh_from_db()
    assert other.merged_into == keep and other.changed_at == NOW
    assert earlier.merged_into == keep
    assert not other.members.exists() and not other.support_requests.exists()
    assert set(keep.members.values_list("client", flat=True)) == {kid.pk, sibling.pk, None}
    assert keep.members.filter(role="parent").count() == 2
    request = sibling.support_requests.get()
    assert request.household == keep
    assert request.history.latest().history_user == team_lead
    assert request.history.earliest().household_id == other.pk  # history kept
    assert other.history.latest().history_user == team_lead
    events = [e.what for e in family_timeline(family_file(keep, user=team_lead))]
    assert "Gezin samengevoegd met Gezin Z." in events
    with pytest.raises(ValidationError):
        services.household_merge(keep_id=keep.pk, other_id=other.pk, user=team_lead)
    with pytest.raises(ValidationError):
        services.household_merge(keep_id=keep.pk, other_id=keep.pk, user=team_lead)


@time_machine.travel(NOW, tick=False)
def test_splitting_moves_chosen_members_and_their_own_requests(team_lead, beijum):
    household, (first, second) = make_family(beijum, children=2)
    both = SupportRequestFactory(household=household, team=beijum, clients=[first, second])
    moving = [household.members.get(client=second).pk]
    with pytest.raises(ValidationError):  # nobody
        services.household_split_plan(household=household, member_ids=[])
    with pytest.raises(ValidationError):  # everybody
        services.household_split_plan(
            household=household, member_ids=list(household.members.values_list("pk", flat=True))
        )
    with pytest.raises(ValidationError):  # no child moves
        services.household_split_plan(
            household=household, member_ids=[household.members.get(role="parent").pk]
        )
    new = services.household_split(
        household_id=household.pk, member_ids=moving, name="Gezin Zijlstra (vader)", user=team_lead
    )
    assert new.split_from == household and new.changed_at == NOW
    assert list(new.members.values_list("client", flat=True)) == [second.pk]
    assert second.support_requests.exclude(pk=both.pk).get().household == new
    both.refresh_from_db()
    assert both.household == household  # it also concerns the child who stays
    assert new.history.get().history_user == team_lead
    old_events = [e.what for e in family_timeline(family_file(household, user=team_lead))]
    assert "Gezin gesplitst: Gezin Zijlstra (vader) gaat apart verder" in old_events
    new_events = [e.what for e in family_timeline(family_file(new, user=team_lead))]
    assert "Gezin gesplitst van Gezin Zijlstra" in new_events


@time_machine.travel(NOW)
def test_a_team_lead_merges_after_the_preview(client, team_lead, intake_worker, beijum):
    keep, _ = make_family(beijum, children=1)
    other, (kid,) = make_family(
        beijum, children=1, household=HouseholdFactory(name="Gezin Zijlstra 2")
    )
    url = f"/gezinnen/{keep.pk}/samenvoegen/"
    client.force_login(intake_worker)
    assert client.get(url).status_code == 403
    client.force_login(team_lead)
    page = client.get(url).content.decode()
    assert f'value="{other.pk}"' in page
    preview = client.post(url, {"other": other.pk})
    html = preview.content.decode()
    assert preview.status_code == 200 and escape(kid.full_name) in html and "Anna Zijlstra" in html
    assert f"#{kid.support_requests.get().pk}" in html
    other.refresh_from_db()
    assert other.merged_into is None  # the preview changes nothing
    done = client.post(url, {"other": other.pk, "confirm": "1"})
    assert done.status_code == 302 and done.url == f"/gezinnen/{keep.pk}/"
    other.refresh_from_db()
    assert other.merged_into == keep
    # The merged household's address leads to the kept one.
    assert client.get(f"/gezinnen/{other.pk}/").url == f"/gezinnen/{keep.pk}/"
    assert client.post(url, {"other": "abc"}).status_code == 400


@time_machine.travel(NOW)
def test_a_team_lead_splits_after_the_preview(client, team_lead, beijum, lewenborg):
    household, (_first, second) = make_family(beijum, children=2)
    member = household.members.get(client=second)
    url = f"/gezinnen/{household.pk}/splitsen/"
    client.force_login(team_lead)
    assert client.get(url).status_code == 200
    preview = client.post(url, {"members": [member.pk], "name": "Gezin Zijlstra (vader)"})
    assert preview.status_code == 200
    assert "Wat gaat naar Gezin Zijlstra (vader)" in preview.content.decode()
    assert Household.objects.count() == 1
    refused = client.post(url, {"members": [], "name": ""})
    assert refused.status_code == 400
    done = client.post(
        url, {"members": [member.pk], "name": "Gezin Zijlstra (vader)", "confirm": "1"}
    )
    new = Household.objects.get(split_from=household)
    assert done.status_code == 302 and done.url == f"/gezinnen/{new.pk}/"
    # A household with a child the lead may not see cannot be split or merged by them.
    household.members.create(role="child", client=ClientFactory(team=lewenborg))
    response = client.get(url, follow=True)
    assert "kind van een ander team" in response.content.decode()
    assert SupportRequest.objects.filter(household=new).count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_services_refuse_a_lead_who_does_not_see_every_child(team_lead, beijum):
    """The rule is the services' own, not only the pages': a child of another team in
    either household stops a merge or a split."""
    keep, _ = make_family(beijum, children=1)
    other, (sibling,) = make_family(beijum, children=1, household=HouseholdFactory(name="Gezin Z."))
    elsewhere = ClientFactory(team=TeamFactory(name="WIJ Elders"))
    other.members.create(role="child", client=elsewhere)
    with pytest.raises(ValidationError, match="ander team"):
        services.household_merge(keep_id=keep.pk, other_id=other.pk, user=team_lead)
    with pytest.raises(ValidationError, match="ander team"):
        services.household_split(
            household_id=other.pk,
            member_ids=[other.members.get(client=sibling).pk],
            name="Gezin Z. (moeder)",
            user=team_lead,
        )
    assert not other.merged_into_id and other.members.count() == 3


@time_machine.travel(NOW)
def test_the_family_file_shows_each_childs_trajectories_and_their_events(client, vries, beijum):
    from tests.factories import make_trajectory
    from trajectories import services as trajectory_services

    household, (first, second) = make_family(beijum, children=2, worker=vries)
    triage = first.support_requests.get().triage
    trajectory = make_trajectory(
        triage=triage, coach=vries, status="active", started_on=triage.held_on
    )
    trajectory_services.intensity_change(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        to_intensity="specialist",
        reason="Meer nodig.",
        user=vries,
    )
    client.force_login(vries)
    page = client.get(f"/gezinnen/{household.pk}/").content.decode()
    assert f'href="/trajecten/{trajectory.pk}/"' in page
    assert "intensiteit: specialistisch" in page
    assert f"Traject {trajectory.pk}: hulp gestart" in page
    assert f"Traject {trajectory.pk}: intensiteit basis → specialistisch" in page
    # Per child: the second child's view of the timeline has no events of the first's help.
    only_second = client.get(f"/gezinnen/{household.pk}/?kind={second.pk}").content.decode()
    assert f"Traject {trajectory.pk}: hulp gestart" not in only_second
    # Still a fixed number of queries with trajectories on the page.
    vries = type(vries).objects.get(pk=vries.pk)
    family_file(household, user=vries)
    with CaptureQueriesContext(connection) as once:
        family_timeline(family_file(household, user=vries))
    make_trajectory(triage=second.support_requests.get().triage, coach=vries)
    with CaptureQueriesContext(connection) as twice:
        family_timeline(family_file(household, user=vries))
    assert len(once.captured_queries) == len(twice.captured_queries)


@time_machine.travel(NOW)
def test_the_family_file_says_what_followed_for_each_child(client, vries, beijum):
    from tests.factories import ChildOutcomeFactory, ProviderFactory

    household, (child,) = make_family(beijum, children=1, worker=vries)
    triage = child.support_requests.get().triage
    ChildOutcomeFactory(
        triage=triage,
        client=child,
        outcome="specialist",
        intensity="specialist",
        wij_role="coordination",
        provider=ProviderFactory(name="Accare"),
        provider_contacted_on=NOW.date(),
    )
    client.force_login(vries)
    page = client.get(f"/gezinnen/{household.pk}/").content.decode()
    assert "Specialistische jeugdhulp (verwijzing) (Accare)" in page
    assert f"{child.first_name}: Specialistische jeugdhulp (verwijzing) (Accare)" in page
