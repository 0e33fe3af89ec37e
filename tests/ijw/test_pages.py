"""The youth administration's pages on the message traffic and the provider's view: the
worklist by deadline, the register, a message with its XML, the upload of every kind of bad
input, the review -> confirm -> decide flow, and who may see what (time pinned)."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessLogEntry
from ijw import services
from ijw.models import AllocationRequest, Message
from intake.models import SupportRequest
from samen import roles
from tests.factories import ProviderFactory, TeamFactory, UserFactory

from .conftest import SHARED, jw315

NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db

WORKLIST = "/jeugdadministratie/berichten/"
REGISTER = "/jeugdadministratie/berichten/register/"
UPLOAD = "/jeugdadministratie/berichten/ontvangen/"
PORTAL = "/portaal/verzoeken/"


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


def request_url(item) -> str:
    return f"/jeugdadministratie/berichten/verzoeken/{item.pk}/"


def message_url(message) -> str:
    return f"/jeugdadministratie/berichten/{message.pk}/"


def receive(raw) -> services.Received:
    return services.message_receive(raw=raw)


def bad_bsn(provider) -> bytes:
    """The samples write only valid messages: a BSN of 5 digits is put in afterwards."""
    return jw315(provider, bsn="999900006").replace(b">999900006<", b">12345<")


def xml_file(content: bytes, name="bericht.xml"):
    return SimpleUploadedFile(name, content, content_type="text/xml")


@pytest.fixture
def admin_client(client, youth_admin):
    client.force_login(youth_admin)
    return client


@pytest.fixture
def provider_login(provider):
    user = UserFactory(role=roles.PROVIDER, username="aanbieder_noord")
    provider.memberships.create(user=user)
    return user


# ------------------------------------------------------------------ worklist


def sent_answer(provider, child, youth_admin) -> Message:
    """A JW319 rejection sent on 20 November: its retour was due 3 working days later."""
    raw = jw315(provider, client=child, dated_on=datetime.date(2026, 11, 20))
    item = receive(raw).message.requests.get()
    return services.request_decide(
        request_id=item.pk,
        route="reject",
        reject_reason="7",
        override_reason="Inhoudelijk.",
        user=youth_admin,
    ).answer


def test_the_worklist_lists_requests_by_deadline_with_overdue_ones_marked(
    admin_client, provider, child, youth_admin, django_assert_num_queries
):
    with time_machine.travel(NOW - datetime.timedelta(days=14), tick=False):
        old = receive(jw315(provider, client=child, dated_on=datetime.date(2026, 11, 20)))
        answered = sent_answer(provider, child, youth_admin)
    new = receive(jw315(provider, client=child, code="50G41"))
    in_onderzoek = receive(jw315(provider, client=child)).message.requests.get()
    services.requests_answer_in_onderzoek(on_date=datetime.date(2026, 12, 10))
    in_onderzoek.refresh_from_db()
    assert in_onderzoek.status == AllocationRequest.Status.IN_ONDERZOEK
    # session, user with its groups, OTP device; requests, retours overdue, rejected; the
    # access log's partition and entry: the same for any number of rows.
    with django_assert_num_queries(8):
        response = admin_client.get(WORKLIST)
    html = response.content.decode()
    assert response.status_code == 200
    old_request = old.message.requests.get()
    assert html.index(request_url(old_request)) < html.index(
        request_url(new.message.requests.get())
    )
    assert "te laat" in html
    assert "in onderzoek verstuurd" in html
    assert "naar WIJ" in html  # the proposed route in words
    # The JW319 of 20 November never got its retour: overdue.
    assert message_url(answered) in html and message_url(old.retour) not in html
    assert AccessLogEntry.objects.filter(part="iJw worklist", event="read").exists()


def test_the_worklist_shows_rejected_messages_of_the_last_30_days(admin_client, provider):
    rejected = receive(bad_bsn(provider)).message
    assert rejected.status == Message.Status.REJECTED
    html = admin_client.get(WORKLIST).content.decode()
    assert message_url(rejected) in html
    with time_machine.travel(NOW + datetime.timedelta(days=31), tick=False):
        assert message_url(rejected) not in admin_client.get(WORKLIST).content.decode()


def test_the_start_page_counts_what_waits_on_the_message_worklist(
    admin_client, provider, child, youth_admin
):
    with time_machine.travel(NOW - datetime.timedelta(days=14), tick=False):
        receive(jw315(provider, client=child, dated_on=datetime.date(2026, 11, 20)))
        sent_answer(provider, child, youth_admin)
    receive(jw315(provider, client=child, code="50G41"))
    html = admin_client.get("/jeugdadministratie/").content.decode()
    assert "2 verzoeken om toewijzing te beoordelen" in html
    assert "1 te laat" in html
    assert "1 verstuurd bericht waarvan de retour te laat is" in html
    assert reverse("ijw:worklist") in html


@pytest.mark.parametrize("query", ["page=99999999999", "page=-1", "page=abc", "page=²"])
def test_odd_query_strings_on_the_worklist_give_a_page(admin_client, query):
    assert admin_client.get(f"{WORKLIST}?{query}").status_code == 200


@pytest.mark.parametrize("url", [WORKLIST, REGISTER, UPLOAD])
def test_a_nul_byte_in_the_query_string_gets_the_400_page(admin_client, url):
    """samen.middleware refuses it before any view: a page, no 500."""
    response = admin_client.get(f"{url}?page=%00&direction=x%00")
    assert response.status_code == 400


def test_the_worklist_pages_without_counting(admin_client, provider, child, settings):
    from ijw import selectors

    for _n in range(3):
        receive(jw315(provider, client=child))
    original = selectors.PAGE_SIZE
    try:
        from ijw import views

        views.PAGE_SIZE = 2
        first = admin_client.get(WORKLIST).content.decode()
        second = admin_client.get(f"{WORKLIST}?page=2").content.decode()
    finally:
        views.PAGE_SIZE = original
    assert 'rel="next"' in first and 'rel="next"' not in second
    assert second.count("/jeugdadministratie/berichten/verzoeken/") == 1


# ------------------------------------------------------------------ register


def test_the_register_filters_by_direction_type_status_and_date(admin_client, provider, child):
    received = receive(jw315(provider, client=child))
    html = admin_client.get(REGISTER, {"direction": "in"}).content.decode()
    assert message_url(received.message) in html and message_url(received.retour) not in html
    html = admin_client.get(REGISTER, {"message_type": "JW316"}).content.decode()
    assert message_url(received.retour) in html and message_url(received.message) not in html
    html = admin_client.get(REGISTER, {"status": "awaiting_answer"}).content.decode()
    assert message_url(received.message) in html
    html = admin_client.get(REGISTER, {"date_from": "2026-12-05"}).content.decode()
    assert message_url(received.message) not in html
    html = admin_client.get(
        REGISTER, {"date_from": "2026-12-04", "date_to": "2026-12-04"}
    ).content.decode()
    assert message_url(received.message) in html


@pytest.mark.parametrize(
    "query",
    [
        "direction=sideways",
        "message_type=JW999",
        "status=' OR 1=1 --",
        "date_from=9999-12-31",
        "date_to=2026-02-30",
        "date_from=2026-12-05&date_to=2026-12-01",
        "page=99999999999",
        "date_from=" + "9" * 500,
    ],
)
def test_bad_filters_give_a_dutch_message_and_all_messages(admin_client, provider, child, query):
    received = receive(jw315(provider, client=child))
    response = admin_client.get(f"{REGISTER}?{query}")
    assert response.status_code in (200, 400)
    html = response.content.decode()
    if response.status_code == 400:
        assert "Het filter kon niet worden gebruikt" in html
        assert message_url(received.message) in html


def test_the_register_has_a_fixed_number_of_queries(
    admin_client, provider, child, django_assert_num_queries
):
    for _n in range(3):
        receive(jw315(provider, client=child))
    # session, user with its groups, OTP device; the messages with their provider.
    with django_assert_num_queries(4):
        admin_client.get(REGISTER)


# ------------------------------------------------------------------ a message


def test_a_message_page_shows_the_header_codes_errors_and_the_escaped_xml(
    admin_client, provider, child
):
    raw = jw315(provider, client=child, identification="dubbel-00001")
    receive(raw)
    duplicate = receive(raw)
    html = admin_client.get(message_url(duplicate.message)).content.decode()
    assert "9056" in html
    assert "&lt;jw315:Bericht" in html or "&lt;Bericht" in html
    assert "<jw315:Bericht" not in html
    assert message_url(duplicate.retour) in html  # the retour, a reply
    first = duplicate.message.duplicate_of
    html = admin_client.get(message_url(first)).content.decode()
    assert request_url(first.requests.get()) in html
    assert AccessLogEntry.objects.filter(part="iJw message", object_id=first.pk).exists()


def test_downloading_an_outgoing_message_marks_it_picked_up(admin_client, provider, child):
    retour = receive(jw315(provider, client=child, identification="abc-123")).retour
    assert retour.status == Message.Status.READY
    # A download to look at it leaves it in the broker's queue (found in review).
    admin_client.post(f"{message_url(retour)}download/")
    retour.refresh_from_db()
    assert retour.status == Message.Status.READY
    response = admin_client.post(f"{message_url(retour)}download/", {"mark_sent": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="JW316-{retour.identification}.xml"'
    )
    assert response.content == retour.raw.encode()
    retour.refresh_from_db()
    assert retour.status == Message.Status.SENT and retour.picked_up_at is not None
    # A GET changes nothing.
    assert admin_client.get(f"{message_url(retour)}download/").status_code == 405


def test_the_file_name_holds_no_person_data_and_no_odd_characters(admin_client, provider):
    message = receive(jw315(provider, bsn="999900006", identification='a"b/../c')).message
    response = admin_client.post(f"{message_url(message)}download/")
    assert response["Content-Disposition"] == 'attachment; filename="JW315-a_b____c.xml"'
    assert "999900006" not in response["Content-Disposition"]


@pytest.mark.parametrize("pk", ["0", "99999999999", "999999999999999999999"])
def test_a_message_or_request_that_does_not_exist_is_404(admin_client, pk):
    assert admin_client.get(f"/jeugdadministratie/berichten/{pk}/").status_code == 404
    assert admin_client.get(f"/jeugdadministratie/berichten/verzoeken/{pk}/").status_code == 404


# ------------------------------------------------------------------ upload


def test_an_upload_of_several_files_says_per_file_what_became_of_it(admin_client, provider, child):
    files = [
        xml_file(jw315(provider, client=child), "goed.xml"),
        xml_file((SHARED / "voorbeelden" / "JW315.xml").read_bytes(), "voorbeeld.xml"),
        xml_file(b"not xml", "kapot.xml"),
    ]
    response = admin_client.post(UPLOAD, {"files": files})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        html.count("<strong>goed.xml</strong>: \n      geaccepteerd") == 1 or "geaccepteerd" in html
    )
    assert "afgewezen" in html and "0001" in html  # the example's 2027-06-31
    assert "geen bericht, niets opgeslagen" in html
    assert Message.objects.filter(direction="in").count() == 2
    assert AllocationRequest.objects.count() == 1


def test_the_example_with_an_impossible_date_is_rejected_with_a_retour(admin_client):
    raw = (SHARED / "voorbeelden" / "JW315.xml").read_bytes()
    html = admin_client.post(UPLOAD, {"files": [xml_file(raw)]}).content.decode()
    message = Message.objects.get(direction="in")
    assert message.status == Message.Status.REJECTED and message.codes == ["0001"]
    assert "0001 Bericht" in html or "0001" in html
    assert message.replies.filter(message_type="JW316").exists()
    assert not AllocationRequest.objects.exists()


def test_a_bsn_of_the_wrong_format_is_kept_as_rejected_with_0001(admin_client, provider):
    response = admin_client.post(UPLOAD, {"files": [xml_file(bad_bsn(provider))]})
    assert response.status_code == 200
    message = Message.objects.get(direction="in")
    assert message.status == Message.Status.REJECTED and message.codes == ["0001"]
    html = response.content.decode()
    assert "afgewezen" in html and "Bsn" in html
    assert not AllocationRequest.objects.exists()


def test_an_unknown_provider_gets_a_dutch_reason(admin_client, provider):
    stranger = ProviderFactory.build(agb_code="99999999")
    html = admin_client.post(UPLOAD, {"files": [xml_file(jw315(stranger))]}).content.decode()
    assert "Onbekende afzender" in html
    assert Message.objects.get(direction="in").codes == ["0001"]


def test_a_product_code_that_does_not_exist_goes_to_the_municipalitys_own_handling(
    admin_client, provider, child
):
    admin_client.post(UPLOAD, {"files": [xml_file(jw315(provider, client=child, code="45Z99"))]})
    request = AllocationRequest.objects.get()
    assert request.product is None and request.proposed_route == "out_of_scope"
    html = admin_client.get(request_url(request)).content.decode()
    assert "niet een van de 11 producten" in html


def test_a_duplicate_identification_is_answered_9056(admin_client, provider, child):
    raw = jw315(provider, client=child, identification="twee-keer-01")
    admin_client.post(UPLOAD, {"files": [xml_file(raw)]})
    html = admin_client.post(UPLOAD, {"files": [xml_file(raw)]}).content.decode()
    assert "9056" in html and "afgewezen" in html
    assert AllocationRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<a>" + b"x" * 2_000_000 + b"</a>", "één bericht is hoogstens"),
        (b"\xff\xfe<\x00?\x00x\x00", "NUL-tekens"),
        (b"", "Het verstuurde bestand is leeg."),
    ],
    ids=["2MB", "nul-bytes", "empty"],
)
def test_a_file_that_is_not_a_message_stores_nothing(admin_client, content, words):
    response = admin_client.post(UPLOAD, {"files": [xml_file(content)]})
    assert response.status_code in (200, 400)
    assert words in response.content.decode()
    assert not Message.objects.exists()


def test_an_upload_over_the_servers_limit_gets_a_dutch_message(admin_client):
    big = xml_file(b"<a>" + b"x" * 50_000_000 + b"</a>")
    response = admin_client.post(UPLOAD, {"files": [big]})
    assert response.status_code == 400
    assert "Het bestand is groter dan 20 MB." in response.content.decode()
    assert not Message.objects.exists()


def test_no_file_at_all_asks_for_one(admin_client):
    response = admin_client.post(UPLOAD, {})
    assert response.status_code == 400
    assert "Kies een of meer XML-bestanden." in response.content.decode()


def test_too_many_files_at_once_are_refused(admin_client):
    files = [xml_file(b"<a/>", f"{n}.xml") for n in range(21)]
    response = admin_client.post(UPLOAD, {"files": files})
    assert response.status_code == 400
    assert "Upload hoogstens 20 bestanden tegelijk." in response.content.decode()


# ------------------------------------------------------------------ review a request


def _review(client, item, values, *, confirm):
    data = {"override_reason": "", "reject_reason": "", **values}
    first = client.post(request_url(item), data)
    assert first.status_code == 200, first.content.decode()
    assert "Controleer en verstuur" in first.content.decode()
    if not confirm:
        return first
    return client.post(request_url(item), {**data, "confirm": "1"})


def test_review_confirm_and_decide_to_wij(admin_client, provider, child, youth_admin):
    item = receive(jw315(provider, client=child)).message.requests.get()
    html = admin_client.get(request_url(item)).content.decode()
    assert child.bsn in html and "ja, team WIJ Beijum" in html
    assert item.proposal_explained[:30] in html
    look = _review(admin_client, item, {"route": "wij"}, confirm=False)
    assert "JW319" in look.content.decode() and "WIJ Beijum" in look.content.decode()
    item.refresh_from_db()
    assert item.status == AllocationRequest.Status.PROPOSED  # nothing sent yet
    response = admin_client.post(
        request_url(item),
        {"route": "wij", "reject_reason": "", "override_reason": "", "confirm": "1"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == AllocationRequest.Status.DONE and item.route == "wij"
    assert item.decided_by == youth_admin and item.answer.message_type == "JW319"
    assert item.support_request is not None
    html = admin_client.get(request_url(item)).content.decode()
    assert message_url(item.answer) in html and "Controleer en verstuur" not in html
    assert "Aanmelding bij WIJ-team WIJ Beijum" in html
    assert 'name="route"' not in html
    # A second post (double click, another tab) sends nothing again.
    again = admin_client.post(request_url(item), {"route": "wij", "confirm": "1"}, follow=True)
    assert "Dit verzoek is al beantwoord." in again.content.decode()
    assert Message.objects.filter(message_type="JW319").count() == 1


def test_review_confirm_and_allocate_with_a_reason_for_overriding(admin_client, provider, child):
    item = receive(jw315(provider, client=child)).message.requests.get()
    assert item.proposed_route == "wij"
    refused = admin_client.post(request_url(item), {"route": "allocate"})
    assert refused.status_code == 400
    assert "Een andere route dan voorgesteld heeft een reden nodig." in refused.content.decode()
    values = {"route": "allocate", "override_reason": "Lopende zorg, afgesproken met WIJ."}
    look = _review(admin_client, item, values, confirm=False)
    assert "JW301" in look.content.decode()
    response = admin_client.post(request_url(item), {**values, "confirm": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.route == "allocate" and item.indication.allocation_number
    assert item.answer.message_type == "JW301"
    assert item.override_reason == "Lopende zorg, afgesproken met WIJ."


def test_an_unknown_child_is_placed_in_a_team_on_review(admin_client, provider, beijum):
    TeamFactory(name="WIJ Vinkhuizen")
    item = receive(jw315(provider, bsn="111222333")).message.requests.get()
    html = admin_client.get(request_url(item)).content.decode()
    assert "nee: nog niet bekend" in html and 'name="team"' in html
    refused = admin_client.post(request_url(item), {"route": "wij"})
    assert refused.status_code == 400
    assert "Dit kind is nog niet bekend bij WIJ" in refused.content.decode()
    look = _review(admin_client, item, {"route": "wij", "team": beijum.pk}, confirm=False)
    assert "WIJ Beijum" in look.content.decode()
    response = admin_client.post(
        request_url(item), {"route": "wij", "team": beijum.pk, "confirm": "1"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.team == beijum and item.client.team == beijum
    assert SupportRequest.objects.filter(team=beijum).exists()


@pytest.mark.parametrize(
    "values",
    [
        {"route": "%00"},
        {"route": "wij\x00"},
        {"route": "reject"},
        {"route": "wij", "team": "99999999999999999999"},
        {"route": "wij", "team": "abc"},
        {"route": "reject", "reject_reason": "Z", "override_reason": "x"},
        {"route": "reject", "reject_reason": "4", "override_reason": "x" * 3000},
    ],
)
def test_bad_review_values_give_dutch_errors_not_500(admin_client, provider, beijum, values):
    item = receive(jw315(provider, bsn="111222333")).message.requests.get()
    response = admin_client.post(request_url(item), {**values, "confirm": "1"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == AllocationRequest.Status.PROPOSED


def test_the_back_button_returns_to_the_filled_form(admin_client, provider, child):
    item = receive(jw315(provider, client=child)).message.requests.get()
    values = {
        "route": "reject",
        "reject_reason": "7",
        "override_reason": "Inhoudelijk niet passend.",
    }
    response = admin_client.post(request_url(item), {**values, "back": "1"})
    assert response.status_code == 200
    assert "Inhoudelijk niet passend." in response.content.decode()
    assert "Controleer en verstuur</h1>" not in response.content.decode()


def test_a_change_request_links_to_its_extension_request(admin_client, provider, child):
    from tests.factories import IndicationFactory

    item = receive(jw315(provider, client=child)).message.requests.get()
    indication = IndicationFactory(client=child, provider=provider)
    extension = indication.extension_requests.create(
        requested_on=datetime.date(2026, 12, 4), requested_by="provider", reasons="Nodig."
    )
    AllocationRequest.objects.filter(pk=item.pk).update(
        kind=AllocationRequest.Kind.CHANGE, status="waiting", extension=extension
    )
    html = admin_client.get(request_url(item)).content.decode()
    assert f"/jeugdadministratie/verlengingen/{extension.pk}/" in html
    assert 'name="route"' not in html
    assert admin_client.post(request_url(item), {"route": "wij", "confirm": "1"}).status_code == 302


# ------------------------------------------------------------------ who may see what


@pytest.mark.parametrize(
    "persona", ["intake_worker", "team_lead", "official", "provider_user", "outsider"]
)
def test_other_roles_get_403_on_every_message_page(client, request, persona, provider, child):
    received = receive(jw315(provider, client=child))
    item = received.message.requests.get()
    client.force_login(request.getfixturevalue(persona))
    for url in (WORKLIST, REGISTER, UPLOAD, message_url(received.message), request_url(item)):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{message_url(received.retour)}download/").status_code == 403
    assert client.post(request_url(item), {"route": "wij", "confirm": "1"}).status_code == 403
    assert client.post(UPLOAD, {"files": [xml_file(jw315(provider))]}).status_code == 403
    item.refresh_from_db()
    assert item.status == AllocationRequest.Status.PROPOSED
    assert Message.objects.filter(direction="in").count() == 1


def test_the_admin_is_for_superusers_only(client, official, provider, child):
    received = receive(jw315(provider, client=child))
    client.force_login(official)
    assert client.get("/admin/ijw/message/").status_code in (302, 403)
    assert client.get(f"/admin/ijw/message/{received.message.pk}/change/").status_code in (302, 403)
    superuser = UserFactory(username="beheer", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get("/admin/ijw/message/").status_code == 200
    assert client.get("/admin/ijw/allocationrequest/").status_code == 200
    page = client.get(f"/admin/ijw/message/{received.message.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


# ------------------------------------------------------------------ the provider's portal


def test_the_provider_sees_its_requests_in_words_without_wijs_data(
    client, provider, provider_login, child, youth_admin, beijum
):
    to_wij = receive(jw315(provider, client=child)).message.requests.get()
    services.request_decide(request_id=to_wij.pk, route="wij", user=youth_admin)
    allocated = receive(jw315(provider, client=child, code="50G41")).message.requests.get()
    services.request_decide(
        request_id=allocated.pk, route="allocate", user=youth_admin, override_reason="Uitzondering."
    )
    waiting = receive(jw315(provider, client=child)).message.requests.get()
    rejected = receive(jw315(provider, client=child)).message.requests.get()
    services.request_decide(
        request_id=rejected.pk,
        route="reject",
        user=youth_admin,
        reject_reason="7",
        override_reason="Inhoudelijk.",
    )
    client.force_login(provider_login)
    response = client.get(PORTAL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "doorgezet naar WIJ: het gezin wordt binnen 5 werkdagen benaderd" in html
    allocated.refresh_from_db()
    assert f"toegewezen (toewijzingnummer {allocated.indication.allocation_number})" in html
    assert "wordt beoordeeld door de gemeente" in html and waiting.reference in html
    assert "afgewezen: " in html
    assert "WIJ Beijum" not in html and "/ondersteuningsvragen/" not in html
    assert "Verzoeken en berichten" in html  # in the navigation


def test_a_provider_downloads_its_own_messages_only(client, provider, provider_login, child):
    ours = receive(jw315(provider, client=child))
    other = ProviderFactory(name="Ander", agb_code="42420002")
    other.products.add(*provider.products.all())
    theirs = receive(jw315(other, client=child))
    client.force_login(provider_login)
    html = client.get(PORTAL).content.decode()
    assert ours.message.identification in html and theirs.message.identification not in html
    url = reverse("openhouse:ijw_message_download", args=[ours.retour.pk])
    response = client.post(url)
    assert response.status_code == 200 and response.content == ours.retour.raw.encode()
    ours.retour.refresh_from_db()
    assert ours.retour.status == Message.Status.READY  # its broker still picks it up
    other_url = reverse("openhouse:ijw_message_download", args=[theirs.retour.pk])
    assert client.post(other_url).status_code == 404


@pytest.mark.parametrize("persona", ["intake_worker", "official", "youth_admin", "outsider"])
def test_the_portal_page_is_for_providers_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(PORTAL).status_code == 403


@pytest.mark.parametrize("query", ["page=99999999999", "page=0", "page=x"])
def test_odd_query_strings_on_the_portal_give_a_page(client, provider_login, query):
    client.force_login(provider_login)
    assert client.get(f"{PORTAL}?{query}").status_code == 200
