"""The youth administration's back office: extension requests decided after a look at
what will be decided, the indication import, and nobody else on these pages."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AccessLogEntry
from audit.services import forget_known_partitions
from indications.models import ExtensionRequest, Indication
from indications.services import extension_decide_by
from intake.models import Client
from samen import roles
from tests.factories import IndicationFactory, ProviderFactory, TriageFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
HEADER = "bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,provider_agb,referrer_type,start,end\n"
GOOD = [
    "111222333,Daan,Huizinga,2015-03-01,9735 AB,12,45A51,73990001,02,2025-01-01,2027-03-31",
    "12345672,Mila,Bos,2012-07-07,9735CD,3,51G01,73990001,04,2025-06-01,2026-12-31",
]
LIST = "/jeugdadministratie/"
IMPORT = "/jeugdadministratie/import/"


def decide_url(extension):
    return f"/jeugdadministratie/verlengingen/{extension.pk}/"


@pytest.fixture(autouse=True)
def _fresh_partitions():
    """A month's log partition made in an earlier test was rolled back with it."""
    forget_known_partitions()


@pytest.fixture
def youth_admin(db):
    return UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin", first_name="Jet")


def extension_request(beijum, *, requested_on=None, advised=False, **indication):
    """A provider's request waiting for a decision, its deadline as the service sets it.
    The products closed for the Open House in July 2025: `advised` gives it WIJ's advice
    from a triage, without which it cannot be extended now (decision 76)."""
    indication.setdefault("end_on", D(2026, 12, 31))
    requested_on = requested_on or D(2026, 10, 1)
    ind = IndicationFactory(client__team=beijum, **indication)
    return ExtensionRequest.objects.create(
        indication=ind,
        requested_on=requested_on,
        requested_by=ExtensionRequest.Requester.PROVIDER,
        reasons="De begeleiding is nog niet klaar.",
        decide_by=extension_decide_by(requested_on=requested_on, end_on=ind.end_on),
        triage=TriageFactory(outcome="reindication_extend") if advised else None,
        wij_advice="WIJ adviseert: verlengen, de band met de begeleider is sterk."
        if advised
        else "",
    )


def log(**filters):
    return list(AccessLogEntry.objects.filter(**filters).order_by("at", "id"))


# The list of pending requests


@time_machine.travel(NOW)
def test_the_youth_admin_sees_pending_requests_nearest_deadline_first(client, youth_admin, beijum):
    """The deadline is 8 weeks after the request, never after the end: a request made
    later for an indication that ends sooner comes first."""
    newer = extension_request(beijum, requested_on=D(2026, 10, 20), client__first_name="Noor")
    older = extension_request(beijum, requested_on=D(2026, 9, 1), client__first_name="Otto")
    ending_first = extension_request(
        beijum, requested_on=D(2026, 11, 20), end_on=D(2026, 11, 30), client__first_name="Sem"
    )
    decided = extension_request(beijum, client__first_name="Dirk")
    ExtensionRequest.objects.filter(pk=decided.pk).update(
        decision="wij", weighing="Gewogen.", decided_by=youth_admin, decided_on=D(2026, 10, 2)
    )
    client.force_login(youth_admin)
    html = client.get(LIST).content.decode()
    # Otto's deadline 27-10-2026 (overdue), Sem's 30-11-2026 (its end), Noor's 15-12-2026.
    assert html.index("Otto") < html.index("Sem") < html.index("Noor") and "Dirk" not in html
    assert html.count("samen-row--overdue") == 1 and "27-10-2026 <strong" in html
    # WIJ's advice: needed after the Open House closed, and asked of the team.
    assert html.count("nodig: gevraagd aan het WIJ-team") == 3
    assert ending_first.decide_by == D(2026, 11, 30)
    assert decide_url(older) in html and decide_url(newer) in html
    assert "14-3-2015" in html  # the date of birth
    assert "aanbieder" in html  # requested by
    [entry] = log(event="read", part="extension requests")
    assert entry.client_ids == sorted(
        [older.indication.client_id, newer.indication.client_id, ending_first.indication.client_id]
    )
    assert entry.user_id == youth_admin.pk and entry.role == roles.YOUTH_ADMIN


def test_the_list_has_pages_of_50(client, youth_admin, beijum):
    for day in range(51):
        extension_request(beijum, requested_on=D(2026, 1, 1) + datetime.timedelta(days=day))
    client.force_login(youth_admin)
    first = client.get(LIST).content.decode()
    assert first.count("/jeugdadministratie/verlengingen/") == 50 and 'rel="next"' in first
    second = client.get(LIST, {"page": "2"}).content.decode()
    assert second.count("/jeugdadministratie/verlengingen/") == 1
    assert 'rel="next"' not in second and 'rel="prev"' in second


@pytest.mark.parametrize(
    "page",
    [
        "abc",
        "0",
        "-1",
        "",
        "²",
        "1.5",
        "99999999999999999999",
        pytest.param("9" * 5000, id="5000-digits"),
    ],
)
def test_odd_page_numbers_do_not_break_the_list(client, youth_admin, beijum, page):
    extension_request(beijum)
    client.force_login(youth_admin)
    response = client.get(LIST, {"page": page})
    assert response.status_code == 200
    assert "Pagina 1" in response.content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_takes_the_same_queries_for_1_or_20_requests(
    client, youth_admin, beijum, count, django_assert_max_num_queries
):
    for _ in range(count):
        extension_request(beijum)
    client.force_login(youth_admin)
    # Session, user, the second factor's device, role, the page of requests (with child,
    # product and provider), the log's partition check and the entry, the counts of the
    # message worklist (requests, retours overdue): none per request.
    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    assert response.content.decode().count("/jeugdadministratie/verlengingen/") == count


def test_the_home_page_leads_the_youth_admin_to_the_back_office(client, youth_admin):
    client.force_login(youth_admin)
    html = client.get("/").content.decode()
    assert 'href="/jeugdadministratie/"' in html
    assert "Verlengingsverzoeken die op een besluit wachten" in html


# Deciding: form, a look at the decision, confirm


@time_machine.travel(NOW)
def test_a_decision_is_recorded_only_after_confirmation(client, youth_admin, beijum):
    extension = extension_request(beijum, client__first_name="Sara", advised=True)
    indication = extension.indication
    client.force_login(youth_admin)
    page = client.get(decide_url(extension))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sara" in html and "De begeleiding is nog niet klaar." in html
    values = {"decision": "extend", "weighing": "Zes maanden erbij.", "new_end_on": "2027-06-30"}

    look = client.post(decide_url(extension), values)
    assert look.status_code == 200
    html = look.content.decode()
    assert "wordt verlengd tot 30 juni 2027 (nu eindigt hij op 31 december 2026)" in html
    assert "Bevestigen" in html and "Terug" in html
    # The family's letter, marked as a concept, with the decision in it.
    assert "CONCEPT – nog niet besloten" in html
    assert "tot en met <strong>30 juni 2027</strong>" in html and "bezwaar maken" in html
    assert 'type="hidden" name="weighing" value="Zes maanden erbij."' in html
    extension.refresh_from_db()
    assert extension.decision == "pending"

    back = client.post(decide_url(extension), {**values, "back": "1"})
    assert back.status_code == 200
    assert "Zes maanden erbij.</textarea>" in back.content.decode()
    assert ExtensionRequest.objects.get(pk=extension.pk).decision == "pending"

    confirmed = client.post(decide_url(extension), {**values, "confirm": "1"})
    assert confirmed.status_code == 302 and confirmed["Location"] == decide_url(extension)
    extension.refresh_from_db()
    indication.refresh_from_db()
    assert (extension.decision, extension.new_end_on) == ("extend", D(2027, 6, 30))
    assert (extension.decided_by, extension.decided_on) == (youth_admin, D(2026, 11, 22))
    assert (indication.status, indication.end_on) == ("extended", D(2027, 6, 30))
    # History kept: the request as created and as decided, by whom.
    assert extension.history.count() == 2
    assert extension.history.first().history_user == youth_admin
    assert indication.history.first().history_user == youth_admin
    [change] = log(event="change")
    assert change.part == "extension decision" and change.object_id == extension.pk
    assert change.client_ids == [indication.client_id]
    reads = log(event="read", part="extension request")
    assert len(reads) == 3  # the form, the look, the form again
    assert all(entry.client_ids == [indication.client_id] for entry in reads)

    decided = client.get(decide_url(extension)).content.decode()
    assert "Besluit vastgelegd. Druk de brief voor het gezin af" in decided
    assert "verlengen: voorlopig een andere oplossing dan Basis jeugdhulp bij WIJ" in decided
    assert "Zes maanden erbij." in decided and "<textarea" not in decided
    assert "Brief afdrukken (pdf)" in decided


@time_machine.travel(NOW)
def test_not_extended_leaves_the_end_date_and_basis_jeugdhulp_follows(client, youth_admin, beijum):
    """Not extended needs no advice from WIJ: it is the rule (seed 004 q2)."""
    extension = extension_request(beijum)
    client.force_login(youth_admin)
    values = {"decision": "wij", "weighing": "WIJ neemt het over.", "new_end_on": "2027-06-30"}
    look = client.post(decide_url(extension), values).content.decode()
    assert "wordt niet verlengd: hij eindigt zoals gepland op 31 december 2026" in look
    assert "Wij verlengen de indicatie 45A51 Gezinsbegeleiding basis niet." in look
    client.post(decide_url(extension), {**values, "confirm": "1"})
    extension.refresh_from_db()
    assert (extension.decision, extension.new_end_on) == ("wij", None)
    assert Indication.objects.get().end_on == D(2026, 12, 31)


def test_an_incomplete_decision_is_not_shown_for_confirmation(client, youth_admin, beijum):
    extension = extension_request(beijum, advised=True)
    client.force_login(youth_admin)
    response = client.post(decide_url(extension), {"decision": "extend", "weighing": "Gewogen."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Geef de nieuwe einddatum van de verlenging." in html and "Bevestigen" not in html
    assert "Gewogen.</textarea>" in html


@time_machine.travel(NOW)
def test_the_services_refusal_is_shown_on_the_form_and_nothing_is_lost(client, youth_admin, beijum):
    extension = extension_request(beijum, advised=True)
    client.force_login(youth_admin)
    values = {"decision": "extend", "weighing": "Drie maanden.", "new_end_on": "2026-10-31"}
    response = client.post(decide_url(extension), {**values, "confirm": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "De nieuwe einddatum moet na de huidige einddatum liggen." in html
    assert "Drie maanden.</textarea>" in html and 'value="2026-10-31"' in html
    extension.refresh_from_db()
    assert extension.decision == "pending" and extension.history.count() == 1
    assert not log(event="change")


@time_machine.travel(NOW)
def test_a_decided_request_is_shown_read_only_and_not_decided_again(client, youth_admin, beijum):
    extension = extension_request(beijum)
    ExtensionRequest.objects.filter(pk=extension.pk).update(
        decision="wij", weighing="Al gewogen.", decided_by=youth_admin, decided_on=D(2026, 11, 1)
    )
    client.force_login(youth_admin)
    html = client.get(decide_url(extension)).content.decode()
    assert "niet verlengd: Basis jeugdhulp bij WIJ" in html
    assert "Al gewogen." in html and "<textarea" not in html
    values = {"decision": "extend", "weighing": "Toch.", "new_end_on": "2027-06-30", "confirm": "1"}
    response = client.post(decide_url(extension), values, follow=True)
    assert "Over dit verzoek is al besloten." in response.content.decode()
    extension.refresh_from_db()
    assert extension.decision == "wij" and not log(event="change")


# The import


def csv_file(content: bytes, name="indicaties.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def provider(db):
    return ProviderFactory(agb_code="73990001", name="Zorg Noord")


def test_the_youth_admin_imports_indications(client, youth_admin, provider, beijum):
    client.force_login(youth_admin)
    assert client.get(IMPORT).status_code == 200
    good = csv_file((HEADER + "\n".join(GOOD) + "\n").encode())
    response = client.post(IMPORT, {"file": good}, follow=True)
    html = response.content.decode()
    assert "2 nieuwe indicaties, 0 al bekend, 2 nieuwe jeugdigen" in html
    assert Indication.objects.count() == 2 and Client.objects.count() == 2
    [entry] = log(event="create")
    # The importer returns counts, not which children: the entry names none.
    assert entry.part == "indication import" and entry.client_ids == []


def test_a_file_with_a_bad_line_imports_nothing_and_lists_the_errors(
    client, youth_admin, provider, beijum
):
    client.force_login(youth_admin)
    bad = csv_file((HEADER + GOOD[0] + "\n" + GOOD[1].replace("51G01", "99X99") + "\n").encode())
    response = client.post(IMPORT, {"file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Niets geïmporteerd: 1 fout." in html
    assert '<td class="utrecht-table__cell">3</td>' in html and "product_code" in html
    assert "onbekende productcode 99X99" in html
    assert not Indication.objects.exists() and not Client.objects.exists()
    assert not log(event="create")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Het verstuurde bestand is leeg."),
        (b"a" * (5 * 1024 * 1024 + 1), "Het bestand is te groot"),
        (("bsn,x\n" * 20_001).encode(), "meer dan 20000 regels"),
    ],
    ids=["empty", "huge", "many-lines"],
)
def test_a_file_too_large_to_read_is_refused_with_a_message(client, youth_admin, content, message):
    """Only what would hold a worker is refused before reading; everything in a file is a
    line of the import's report (test_import_bad_values.py)."""
    client.force_login(youth_admin)
    response = client.post(IMPORT, {"file": csv_file(content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Indication.objects.exists()


def test_no_file_at_all_is_refused(client, youth_admin):
    client.force_login(youth_admin)
    assert client.post(IMPORT, {}).status_code == 400


# Nobody else


@pytest.mark.parametrize(
    "persona", ["intake_worker", "team_lead", "official", "provider_user", "outsider"]
)
def test_other_roles_get_403_on_every_back_office_page(client, request, persona, beijum):
    extension = extension_request(beijum)
    client.force_login(request.getfixturevalue(persona))
    values = {"decision": "wij", "weighing": "Nee.", "confirm": "1"}
    assert client.get(LIST).status_code == 403
    assert client.get(decide_url(extension)).status_code == 403
    assert client.post(decide_url(extension), values).status_code == 403
    assert client.post(f"{decide_url(extension)}brief/").status_code == 403
    assert client.get(IMPORT).status_code == 403
    good = csv_file((HEADER + GOOD[0] + "\n").encode())
    assert client.post(IMPORT, {"file": good}).status_code == 403
    extension.refresh_from_db()
    assert extension.decision == "pending" and Indication.objects.count() == 1
    assert not AccessLogEntry.objects.filter(outcome="allowed").exists()


def test_signed_out_users_are_sent_to_the_login(client, beijum):
    extension = extension_request(beijum)
    for url in (LIST, decide_url(extension), IMPORT):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
