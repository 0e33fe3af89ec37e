"""The provider's four steps in the portal, each after a look (a confirmation page), each
through one service: an extension request, an early end or handover to WIJ, a handover to
another provider, and a GP referral passed on to WIJ. Own indications only (404 for any
other), every read and change in the access log, a Dutch message for odd input."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from weasyprint import HTML

from audit.models import AccessLogEntry
from indications.models import ExtensionRequest, Indication, ProviderNotice, Task
from indications.services import extension_decide
from intake.models import FurtherQuestion, SupportRequest
from openhouse.models import EndEvaluation, HandoverNote, PassedOnReferral
from referrals.models import Product
from samen import roles
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    ProviderFactory,
    SupportRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
PDF = HTML(string="<p>Eindevaluatie: doelen behaald.</p>").write_pdf()
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _provider(name, agb, products=("45A51",)):
    provider = ProviderFactory(name=name, agb_code=agb)
    provider.products.set(Product.objects.filter(code__in=products))
    return provider


@pytest.fixture
def world(beijum):
    a = _provider("Aanbieder A", "73990301")
    b = _provider("Aanbieder B", "73990302")
    user_a = UserFactory(role=roles.PROVIDER, username="stap-a")
    a.memberships.create(user=user_a)
    user_b = UserFactory(role=roles.PROVIDER, username="stap-b")
    b.memberships.create(user=user_b)
    ind_a = IndicationFactory(client__team=beijum, provider=a, end_on=D(2027, 3, 31))
    ind_b = IndicationFactory(client__team=beijum, provider=b, end_on=D(2027, 3, 31))
    return {"a": a, "b": b, "user_a": user_a, "user_b": user_b, "ind_a": ind_a, "ind_b": ind_b}


def _logged(part, event=None):
    entries = AccessLogEntry.objects.filter(part=part)
    return entries.filter(event=event) if event else entries


# --- 1. Verlengingsverzoek ---------------------------------------------------------------


@time_machine.travel(NOW)
def test_an_extension_request_with_a_pdf_is_sent_after_the_look(client, world):
    ind = world["ind_a"]
    client.force_login(world["user_a"])
    url = f"/portaal/indicaties/{ind.pk}/verlenging/"
    assert client.get(f"/portaal/indicaties/{ind.pk}/").content.decode().count(url) == 1
    assert client.get(url).status_code == 200
    look = client.post(
        url,
        {
            "reasons": "Nog twee doelen open.",
            "proposed_end_on": "2027-09-30",
            "document": SimpleUploadedFile("eval.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert look.status_code == 200 and "confirmed" in look.content.decode()
    evaluation = EndEvaluation.objects.get(indication=ind)  # stored, as every upload is
    assert evaluation.for_end_on == D(2027, 3, 31)
    assert not ExtensionRequest.objects.exists()  # the request waits for the "yes"
    done = client.post(
        url,
        {
            "reasons": "Nog twee doelen open.",
            "proposed_end_on": "2027-09-30",
            "end_evaluation": evaluation.pk,
            "confirmed": "1",
        },
    )
    assert done.status_code == 302
    extension = ExtensionRequest.objects.get(indication=ind)
    assert extension.requested_by == "provider" and extension.requested_by_user == world["user_a"]
    assert extension.end_evaluation == evaluation and extension.decide_by == D(2027, 1, 17)
    page = client.get(f"/portaal/indicaties/{ind.pk}/").content.decode()
    assert "17 januari 2027" in page and url not in page  # one request waits at a time
    assert client.get(url).status_code == 200  # says why, offers no form
    assert _logged("extension request", "create").filter(object_id=extension.pk).exists()


@time_machine.travel(NOW)
def test_an_extension_request_refers_to_an_earlier_upload_and_refuses_bad_input(client, world):
    ind = world["ind_a"]
    client.force_login(world["user_a"])
    url = f"/portaal/indicaties/{ind.pk}/verlenging/"
    nothing = client.post(url, {"reasons": "x", "proposed_end_on": "2027-09-30"})
    assert nothing.status_code == 400  # no evaluation attached or chosen
    early = client.post(
        url,
        {
            "reasons": "x",
            "proposed_end_on": "2027-01-01",
            "document": SimpleUploadedFile("eval.pdf", PDF),
        },
    )
    assert early.status_code == 400 and not EndEvaluation.objects.exists()  # refused first
    for odd in ("9999-12-31", "2027-02-30", "2027-09-30\x00", "9" * 40):
        response = client.post(url, {"reasons": "x\x00", "proposed_end_on": odd})
        assert response.status_code == 400
    foreign = EndEvaluation.objects.create(
        indication=world["ind_b"],
        original_name="b.pdf",
        uploaded_by=world["user_b"],
        uploaded_at=NOW,
        on_time=True,
        document=SimpleUploadedFile("b.pdf", PDF),
    )
    response = client.post(
        url,
        {"reasons": "x", "proposed_end_on": "2027-09-30", "end_evaluation": foreign.pk},
    )
    assert response.status_code == 400 and not ExtensionRequest.objects.exists()


@time_machine.travel(NOW)
def test_the_decision_shows_on_the_indication_and_the_dashboard(client, world):
    ind = world["ind_a"]
    client.force_login(world["user_a"])
    evaluation = EndEvaluation.objects.create(
        indication=ind,
        original_name="e.pdf",
        uploaded_by=world["user_a"],
        uploaded_at=NOW,
        on_time=True,
        document=SimpleUploadedFile("e.pdf", PDF),
    )
    url = f"/portaal/indicaties/{ind.pk}/verlenging/"
    data = {"reasons": "Doelen open.", "proposed_end_on": "2027-09-30"}
    client.post(url, {**data, "end_evaluation": evaluation.pk, "confirmed": "1"})
    extension = ExtensionRequest.objects.get()
    extension.triage_id = None
    admin = UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin")
    # The Open House closed for 45A51 in 2025: WIJ's advice is needed to extend; not
    # extended needs none.
    extension_decide(
        request_id=extension.pk,
        decision=ExtensionRequest.Decision.WIJ,
        weighing="Basis jeugdhulp bij WIJ past nu.",
        new_end_on=None,
        user=admin,
    )
    assert ProviderNotice.objects.filter(indication=ind, kind="extension_decided").exists()
    dashboard = client.get("/portaal/").content.decode()
    assert escape(ind.client.full_name) in dashboard and "lees het besluit" in dashboard
    page = client.get(f"/portaal/indicaties/{ind.pk}/").content.decode()
    assert "Basis jeugdhulp bij WIJ past nu." in page


# --- 2. Early end / handover to WIJ ------------------------------------------------------


@time_machine.travel(NOW)
def test_the_care_ends_early_and_wij_gets_a_task_at_once(client, world):
    ind = world["ind_a"]
    client.force_login(world["user_a"])
    url = f"/portaal/indicaties/{ind.pk}/eerder-einde/"
    data = {
        "how": "transferred",
        "ends_on": "2026-12-15",
        "end_reason": "34",
        "message": "Gezin weet dat WIJ belt; afspraak met moeder loopt.",
    }
    look = client.post(url, data)
    assert look.status_code == 200 and "WIJ Beijum" in look.content.decode()
    ind.refresh_from_db()
    assert ind.status == "active" and not HandoverNote.objects.exists()  # only a look
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    ind.refresh_from_db()
    assert (ind.status, ind.end_on, ind.end_reason) == ("transferred", D(2026, 12, 15), "34")
    task = Task.objects.get(indication=ind, kind=Task.Kind.HANDED_OVER)
    assert task.team.name == "WIJ Beijum" and task.due_on == D(2026, 11, 22)
    assert HandoverNote.objects.get(indication=ind).side == "provider"
    page = client.get(f"/portaal/indicaties/{ind.pk}/").content.decode()
    assert "15 december 2026" in page and "afspraak met moeder" in page
    assert url not in page  # no further steps on an ended indication
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 400
    assert _logged("indication ended early", "change").filter(object_id=ind.pk).exists()


@time_machine.travel(NOW)
def test_an_early_end_in_the_past_or_after_the_end_is_refused_with_nothing_changed(client, world):
    ind = world["ind_a"]
    client.force_login(world["user_a"])
    url = f"/portaal/indicaties/{ind.pk}/eerder-einde/"
    base = {"how": "stopped_early", "end_reason": "33", "message": "Wij stoppen."}
    for ends_on in ("2026-11-01", "2027-06-01", "9999-12-31", "0000-01-01", "x\x00"):
        for confirmed in ("", "1"):
            response = client.post(url, {**base, "ends_on": ends_on, "confirmed": confirmed})
            assert response.status_code == 400, ends_on
    assert (
        client.post(url, {**base, "ends_on": "2026-12-01", "end_reason": "31"}).status_code == 400
    )
    ind.refresh_from_db()
    assert ind.status == "active" and not Task.objects.filter(kind="handed_over").exists()


# --- 3. Handover to another provider -----------------------------------------------------


@time_machine.travel(NOW)
def test_a_family_is_handed_over_to_another_provider(client, world, beijum):
    ind = world["ind_a"]
    stopped = _provider("Gestopt BV", "73990303")
    stopped.status, stopped.stops_on = "stopped", D(2026, 1, 1)
    stopped.save()
    _provider("Zonder product", "73990304", products=("51G01",))
    other_client = IndicationFactory(client__team=beijum, provider=world["b"]).client
    client.force_login(world["user_a"])
    url = f"/portaal/indicaties/{ind.pk}/andere-aanbieder/"
    form = client.get(url).content.decode()
    assert "Aanbieder B" in form and "Gestopt BV" not in form and "Zonder product" not in form
    assert escape(other_client.full_name) not in form
    data = {"provider": world["b"].pk, "starts_on": "2027-01-01"}
    look = client.post(url, data)
    assert look.status_code == 200 and "31-12-2026" in look.content.decode()
    assert not Indication.objects.filter(preceded_by=ind).exists()
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    ind.refresh_from_db()
    assert (ind.status, ind.end_on, ind.end_reason) == ("other_provider", D(2026, 12, 31), "38")
    successor = Indication.objects.get(preceded_by=ind)
    assert successor.provider == world["b"] and successor.start_on == D(2027, 1, 1)
    page = client.get(f"/portaal/indicaties/{ind.pk}/").content.decode()
    assert "38" in page and "Aanbieder B" in page and "1 januari 2027" in page
    # Provider B sees its new indication; A does not reach it.
    assert client.get(f"/portaal/indicaties/{successor.pk}/").status_code == 404
    refused = client.post(url, {"provider": stopped.pk, "starts_on": "2027-01-01"})
    assert refused.status_code == 400


# --- Own indications only, odd ids -------------------------------------------------------


@time_machine.travel(NOW)
def test_no_step_reaches_another_providers_indication(client, world):
    client.force_login(world["user_a"])
    other = world["ind_b"]
    for step in ("verlenging", "eerder-einde", "andere-aanbieder"):
        for pk in (other.pk, 2**31, 10**30):
            assert client.get(f"/portaal/indicaties/{pk}/{step}/").status_code == 404
            assert client.post(f"/portaal/indicaties/{pk}/{step}/", {}).status_code == 404
    other.refresh_from_db()
    assert other.status == "active"
    client.force_login(UserFactory(role=roles.WIJ_STAFF, username="wij-stap"))
    assert client.get(f"/portaal/indicaties/{other.pk}/verlenging/").status_code == 403
    assert client.get("/portaal/verwijzing-doorgeven/").status_code == 403


@time_machine.travel(NOW)
def test_an_open_end_shows_as_open_and_offers_no_extension(client, world, beijum):
    ind = IndicationFactory(client__team=beijum, provider=world["a"], end_on=None)
    client.force_login(world["user_a"])
    page = client.get(f"/portaal/indicaties/{ind.pk}/").content.decode()
    assert "open einde" in page and "/verlenging/" not in page
    assert "open einde" in client.get("/portaal/indicaties/").content.decode()
    assert client.get("/portaal/").status_code == 200
    assert client.get(f"/portaal/indicaties/{ind.pk}/verlenging/").status_code == 200


# --- 4. A GP referral passed on to WIJ ---------------------------------------------------

REFERRAL = {
    "bsn": "111222333",
    "first_name": "Sanne",
    "last_name": "de Vries",
    "date_of_birth": "2016-05-04",
    "postcode": "9735 ab",
    "house_number": "12",
    "referral_date": "2026-11-16",
    "gp_name": "Huisartsenpraktijk Beijum",
    "gp_agb_code": "01234567",
    "note": "Moeder wil graag snel contact.",
}


def _pass_on(client, **changes):
    data = {**REFERRAL, "product": Product.objects.get(code="45A51").pk, **changes}
    look = client.post("/portaal/verwijzing-doorgeven/", data)
    if look.status_code != 200:
        return look
    return client.post("/portaal/verwijzing-doorgeven/", {**data, "confirmed": "1"})


@time_machine.travel(NOW)
def test_a_gp_referral_becomes_a_request_at_the_childs_wij_team(client, world):
    client.force_login(world["user_a"])
    look = client.post(
        "/portaal/verwijzing-doorgeven/",
        {**REFERRAL, "product": Product.objects.get(code="45A51").pk},
    )
    assert look.status_code == 200 and not SupportRequest.objects.exists()
    response = _pass_on(client)
    assert response.status_code == 302 and response["Location"] == "/portaal/doorgegeven/"
    request = SupportRequest.objects.get()
    assert request.channel == SupportRequest.Channel.OPEN_HOUSE_PROVIDER
    assert request.referrer_type == "02" and request.team.name == "WIJ Beijum"
    assert "Huisartsenpraktijk Beijum" in request.referring_person
    assert "Moeder wil graag snel contact." in request.question
    assert request.clients.get().bsn == "111222333"
    passed = PassedOnReferral.objects.get()
    assert passed.support_request == request and passed.provider == world["a"]
    assert passed.history.count() == 1
    listing = client.get("/portaal/doorgegeven/").content.decode()
    assert "Sanne de Vries" in listing and "doorgegeven aan WIJ op" in listing
    assert f"/aanmeldingen/{request.pk}/" not in listing
    assert _logged("referral passed on", "create").filter(object_id=passed.pk).exists()
    # Provider B sees nothing of A's.
    client.force_login(world["user_b"])
    assert "Sanne" not in client.get("/portaal/doorgegeven/").content.decode()


@time_machine.travel(NOW)
def test_a_child_with_an_open_request_gets_a_further_question_and_the_answer_is_the_same(
    client, world, beijum
):
    known = ClientFactory(team=beijum, bsn="111222333", first_name="Anders")
    open_request = SupportRequestFactory(team=beijum, clients=[known])
    client.force_login(world["user_a"])
    first = _pass_on(client)
    question = FurtherQuestion.objects.get(support_request=open_request)
    assert question.channel == "open_house" and SupportRequest.objects.count() == 1
    assert PassedOnReferral.objects.get().further_question == question
    unknown = _pass_on(client, bsn="123456782", first_name="Tom")
    assert SupportRequest.objects.count() == 2
    assert (first.status_code, first["Location"]) == (unknown.status_code, unknown["Location"])
    listing = client.get("/portaal/doorgegeven/").content.decode()
    assert "Anders" not in listing and "Sanne de Vries" in listing  # as the provider gave it


@time_machine.travel(NOW)
def test_the_same_referral_confirmed_twice_is_passed_on_once(client, world):
    """Two tabs, both confirmed: one request, one record, the same answer."""
    client.force_login(world["user_a"])
    first, second = _pass_on(client), _pass_on(client)
    assert (first.status_code, second.status_code) == (302, 302)
    assert PassedOnReferral.objects.count() == 1 and SupportRequest.objects.count() == 1
    assert not FurtherQuestion.objects.exists()


@time_machine.travel(NOW)
def test_a_referral_before_the_gp_route_opened_stays_with_the_provider(client, world):
    client.force_login(world["user_a"])
    response = _pass_on(client, referral_date="2022-12-15")
    assert response.status_code == 400
    assert "blijft bij u" in response.content.decode()
    # Phase 2 products moved on 2024-01-01: a GP referral in 2023 stays too.
    response = _pass_on(
        client, referral_date="2023-06-01", product=Product.objects.get(code="51G01").pk
    )
    assert response.status_code == 400 and "blijft bij u" in response.content.decode()
    assert not SupportRequest.objects.exists() and not PassedOnReferral.objects.exists()


@time_machine.travel(NOW)
def test_odd_referral_input_is_refused_with_a_message(client, world):
    client.force_login(world["user_a"])
    for changes in (
        {"bsn": "123456789"},
        {"bsn": "1\x002"},
        {"postcode": "1011AA"},
        {"date_of_birth": "9999-12-31"},
        {"date_of_birth": "2027-01-01"},
        {"referral_date": "2027-01-01"},
        {"gp_agb_code": "123"},
        {"first_name": "a" * 500},
        {"product": "99999999999999999999"},
        {"note": "x" * 5000},
    ):
        response = _pass_on(client, **changes)
        assert response.status_code == 400, changes
    assert not SupportRequest.objects.exists()


@time_machine.travel(NOW)
def test_the_list_of_referrals_passed_on_takes_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["user_a"])
    for n in range(3):
        _pass_on(client, bsn=["111222333", "123456782", "999999990"][n])
    client.get("/portaal/doorgegeven/")
    with django_assert_max_num_queries(12):
        response = client.get("/portaal/doorgegeven/?pagina=999999999999999999999")
    assert response.status_code == 200 and PassedOnReferral.objects.count() == 3


@time_machine.travel(NOW)
def test_a_waiting_request_holds_the_other_steps_and_says_so(client, world):
    ind = world["ind_a"]
    ExtensionRequest.objects.create(indication=ind, requested_by="provider", reasons="Nog niet.")
    client.force_login(world["user_a"])
    page = client.get(f"/portaal/indicaties/{ind.pk}/").content.decode()
    assert "/eerder-einde/" not in page and "/andere-aanbieder/" not in page
    assert escape("wacht een verlengingsverzoek op het besluit") in page


@time_machine.travel(NOW)
def test_an_early_end_still_ahead_reads_as_ahead(client, world):
    ind = world["ind_a"]
    Indication.objects.filter(pk=ind.pk).update(
        status="transferred", end_reason="34", end_on=NOW.date() + datetime.timedelta(days=10)
    )
    client.force_login(world["user_a"])
    page = client.get(f"/portaal/indicaties/{ind.pk}/").content.decode()
    assert "Uw zorg eindigt op" in page and "eindigde" not in page
