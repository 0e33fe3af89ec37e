"""Inspection and a copy (issue 20, part 2): everything the system holds on a child is
collected, reviewed by the privacy officer with parts withheld for a reason, and released
as a PDF and a JSON file; only the privacy officer sees any of it."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from pypdf import PdfReader
from weasyprint import HTML

from audit.models import AccessLogEntry
from audit.services import access_grant_open
from ijw.models import AllocationRequest, Message
from indications.models import ExtensionRequest, ProviderNotice, Task
from intake.models import (
    FurtherQuestion,
    HouseholdMember,
    RequestReopening,
    TeamMember,
    WorkerChangeRequest,
)
from openhouse.models import EndEvaluation, HandoverNote, PassedOnReferral
from plans.models import Agreement, Evaluation, Goal, GoalProgress, PlanVersion, SupportPlan
from rights import services
from rights.copies import copy_release
from rights.dossier import SHARED_REQUEST, file_collect
from rights.models import FileCopy, RightsRequest
from samen import roles
from tests.factories import (
    ChildOutcomeFactory,
    ClientFactory,
    IndicationFactory,
    ProviderFactory,
    RightsRequestFactory,
    SupportRequestFactory,
    TriageFactory,
    UserFactory,
    _product,
    make_trajectory,
)
from trajectories import services as trajectory_services
from trajectories.models import Reassessment
from triage import services as triage_services
from triage.models import Beschikking, OpenHouseException

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 22)
SECRET = "Melding Veilig Thuis gedaan door de buurvrouw"
EVALUATION_PDF = HTML(string="<p>Eindevaluatie: doelen behaald.</p>").write_pdf()


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _file(beijum, worker, *, extra_records=0, name="Daan"):
    """A child with a record in every section; `extra_records` more conversation reports
    and indications (for the query count)."""
    child = ClientFactory(team=beijum, first_name=name, last_name="Huizinga")
    sister = ClientFactory(team=beijum, first_name="Sanne", last_name="Huizinga")
    request = SupportRequestFactory(team=beijum, clients=[child, sister], contacted=True)
    household = request.household
    parent = HouseholdMember.objects.create(
        household=household, role="parent", name="Jan Huizinga", parental_authority="yes"
    )
    FurtherQuestion.objects.create(
        support_request=request, question="Ook hulp op school?", channel="phone", added_by=worker
    )
    WorkerChangeRequest.objects.create(support_request=request, reason="no_click")
    RequestReopening.objects.create(
        support_request=request,
        reason="Nieuwe zorgen.",
        previous_close_reason="withdrawn",
        reopened_by=worker,
    )
    triage = TriageFactory(support_request=request, outcome="open_house_exception")
    ChildOutcomeFactory(triage=triage, client=child)
    ChildOutcomeFactory(triage=triage, client=sister)
    OpenHouseException.objects.create(triage=triage, product=_product("45A51"))
    Beschikking.objects.create(
        support_request=request,
        request_reason="Bezwaar mogelijk",
        addressee="J. Huizinga",
        address="Beijumerweg 1",
    )
    report = triage_services.report_write(
        support_request=request, held_on=TODAY, text=SECRET, user=worker
    )
    report.text = f"{SECRET} (aangevuld)"
    report.save()
    triage_services.correction_request(
        report=report,
        kind="correction",
        family_text="Klopt niet.",
        requested_on=TODAY,
        user=worker,
    )
    trajectory = make_trajectory(
        triage=TriageFactory(
            support_request=SupportRequestFactory(
                team=beijum, household=household, clients=[child], contacted=True
            )
        ),
        status="active",
        coach=worker,
    )
    trajectory_services.intensity_change(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        to_intensity="light",
        reason="Gaat beter.",
        user=worker,
    )
    Reassessment.objects.create(trajectory=trajectory, asked_on=TODAY, family_concern="Past niet.")
    plan = SupportPlan.objects.create(household=household, trajectory=trajectory, created_by=worker)
    goal = Goal.objects.create(plan=plan, domain="school", text="Naar school", child=child)
    sister_goal = Goal.objects.create(plan=plan, domain="school", text="Zus doel", child=sister)
    Agreement.objects.create(plan=plan, party="family", text="Elke week bellen")
    PlanVersion.objects.create(plan=plan, number=1, changes="Eerste", snapshot={}, made_by=worker)
    evaluation = Evaluation.objects.create(plan=plan, evaluated_on=TODAY, recorded_by=worker)
    GoalProgress.objects.create(evaluation=evaluation, goal=goal, progress="some")
    GoalProgress.objects.create(evaluation=evaluation, goal=sister_goal, progress="some")
    provider = ProviderFactory(name="Aanbieder A")
    indication = IndicationFactory(client=child, provider=provider)
    ExtensionRequest.objects.create(indication=indication, requested_by="family", reasons="Nodig")
    Task.objects.create(team=beijum, kind="evaluation_overdue", due_on=TODAY, indication=indication)
    ProviderNotice.objects.create(
        provider=provider, indication=indication, kind="evaluation_due", due_on=TODAY
    )
    evaluation_doc = EndEvaluation(
        indication=indication,
        original_name="eindevaluatie-daan.pdf",
        uploaded_by=worker,
        uploaded_at=timezone.now(),
        on_time=True,
    )
    evaluation_doc.document.save("x", ContentFile(EVALUATION_PDF), save=False)
    evaluation_doc.save()
    HandoverNote.objects.create(indication=indication, side="wij", author=worker, text="Overdracht")
    PassedOnReferral.objects.create(
        provider=provider,
        product=_product("45A51"),
        referral_date=TODAY,
        gp_name="Dr. Arts",
        child_name="Daan",
        client=child,
        support_request=request,
        passed_on_by=worker,
    )
    message = Message.objects.create(
        direction="in",
        message_type="JW315",
        sender="42420001",
        receiver="0014",
        identification=f"M{child.pk}",
        raw="<Bericht/>",
        status="processed",
        client=child,
    )
    AllocationRequest.objects.create(
        kind="allocation",
        message=message,
        provider=provider,
        reference=f"R{child.pk}",
        bsn=child.bsn,
        child_name="Daan",
        date_of_birth=child.date_of_birth,
        start_on=TODAY,
        proposed_route="wij",
        proposal_explained="WIJ",
        answer_due_on=TODAY,
        client=child,
    )
    access_grant_open(user=worker, client=child, reason="moved", explanation="")
    for n in range(extra_records):
        triage_services.report_write(
            support_request=request, held_on=TODAY, text=f"Verslag {n}", user=worker
        )
        IndicationFactory(
            client=child,
            provider=provider,
            start_on=datetime.date(2010 + n, 1, 1),
            end_on=datetime.date(2010 + n, 6, 30),
        )
    rights_request = RightsRequestFactory(client=child, kind="copy")
    return child, sister, parent, rights_request


@pytest.fixture
def worker(beijum):
    user = UserFactory(role=roles.WIJ_STAFF, username="coach", first_name="Carla")
    TeamMember.objects.create(user=user, team=beijum)
    return user


def _granted(rights_request, privacy_officer):
    return services.rights_request_decide(
        rights_request,
        decision="granted",
        reason="Recht op afschrift.",
        user=privacy_officer,
        today=TODAY,
    )


def test_it_collects_every_section_of_the_child(beijum, worker):
    child, sister, parent, _request = _file(beijum, worker)
    dossier = file_collect(child)
    keys = {
        section.key: {item.key.split(":")[0] for item in section.items}
        for section in dossier.sections
    }
    assert keys == {
        "registration": {"client"},
        "family": {"household", "household_member"},
        "support_requests": {"support_request", "further_question", "worker_change", "reopening"},
        "triages": {"triage", "child_outcome", "open_house_exception", "beschikking"},
        "conversation_reports": {"conversation_report", "correction_request"},
        "trajectories": {
            "trajectory",
            "trajectory_child",
            "trajectory_coach",
            "intensity_change",
            "reassessment",
        },
        "plans": {
            "support_plan",
            "plan_version",
            "goal",
            "goal_progress",
            "agreement",
            "evaluation",
        },
        "indications": {
            "indication",
            "extension_request",
            "task",
            "provider_notice",
            "end_evaluation",
            "handover_note",
            "passed_on_referral",
        },
        "ijw": {"ijw_message", "allocation_request"},
        "access": {"access_grant", "access_log"},
        "rights_requests": {"rights_request"},
    }
    all_keys = dossier.keys()
    # The sister's registration, outcome and goal are hers; the family file names her.
    assert f"client:{sister.pk}" not in all_keys
    assert {
        item.key for item in dossier.sections[3].items if item.key.startswith("child_outcome")
    } == {f"child_outcome:{child.triage_outcomes.get().pk}"}
    assert Goal.objects.filter(child=sister).get().text not in str(
        [item.fields for item in dossier.items()]
    )
    # A shared request is marked as concerning others; the parent's row is another person.
    request_item = next(i for i in dossier.items() if i.key.startswith("support_request:"))
    assert request_item.shared_note == str(SHARED_REQUEST)
    parent_item = next(i for i in dossier.items() if i.key == f"household_member:{parent.pk}")
    assert parent_item.shared_note
    # Fields in words, and history with who changed what.
    report = next(i for i in dossier.items() if i.key.startswith("conversation_report:"))
    assert len(report.history) == 2
    assert SECRET in report.history[1].what and "Carla" in report.history[0].by
    evaluation = next(i for i in dossier.items() if i.key.startswith("end_evaluation:"))
    assert evaluation.files[0][0] == "eindevaluatie-daan.pdf"


def test_another_childs_records_are_never_in_it(beijum, worker):
    child, *_rest = _file(beijum, worker)
    other, *_rest = _file(beijum, worker, name="Bram")
    dossier = file_collect(child)
    text = json.dumps([[item.key, item.fields] for item in dossier.items()], default=str)
    assert other.full_name not in text
    assert not any(
        item.key in {f"indication:{i.pk}" for i in other.indications.all()}
        for item in dossier.items()
    )


def test_the_query_count_does_not_grow_with_the_records(
    beijum, worker, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, *_rest = _file(beijum, worker)
    with CaptureQueriesContext(connection) as few:
        file_collect(small)
    big, *_rest = _file(beijum, worker, extra_records=6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        dossier = file_collect(big)
    assert sum(i.key.startswith("indication:") for i in dossier.items()) == 7


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_release_withholds_content_but_gives_reasons(beijum, worker, privacy_officer):
    child, _sister, _parent, rights_request = _file(beijum, worker)
    rights_request = _granted(rights_request, privacy_officer)
    report = child.support_requests.first().reports.get()
    file_copy = copy_release(
        rights_request,
        withheld=[
            {"key": f"conversation_report:{report.pk}", "ground": "harm", "note": "Melding."},
            {"key": "ijw", "ground": "third_party", "note": ""},
        ],
        user=privacy_officer,
        today=TODAY,
    )
    assert file_copy.status == "released"
    pdf = file_copy.pdf.read()
    text = _pdf_text(pdf)
    assert "Daan Huizinga" in text
    assert "Veilig Thuis gedaan" not in text
    assert "Melding." in text and "7.3.11" in text
    assert "<Bericht/>" not in text
    # The end-evaluation goes along as an attachment.
    assert "eindevaluatie-daan.pdf" in PdfReader(io.BytesIO(pdf)).attachments
    data = json.loads(file_copy.json.read())
    assert SECRET not in json.dumps(data, ensure_ascii=False)
    items = {i["key"]: i for s in data["sections"] for i in s["items"]}
    assert items[f"conversation_report:{report.pk}"]["withheld"] is True
    assert "Melding." in items[f"conversation_report:{report.pk}"]["reason"]
    assert all(
        i.get("withheld") for i in next(s for s in data["sections"] if s["key"] == "ijw")["items"]
    )
    # No person data in the stored names.
    assert "Daan" not in file_copy.pdf.name and "Huizinga" not in file_copy.json.name
    rights_request.refresh_from_db()
    assert rights_request.status == "closed"
    assert rights_request.outcome_note.startswith("Afschrift verstrekt op 22-11-2026")


def test_the_pages_review_confirm_release_download(client, beijum, worker, privacy_officer):
    child, _sister, _parent, rights_request = _file(beijum, worker)
    _granted(rights_request, privacy_officer)
    report = child.support_requests.first().reports.get()
    client.force_login(privacy_officer)
    url = reverse("rights:copy_review", args=[rights_request.pk])
    assert url == f"/privacy/verzoeken/{rights_request.pk}/afschrift/"
    page = client.get(url)
    assert page.status_code == 200
    assert SECRET in page.content.decode()
    assert FileCopy.objects.get(request=rights_request).status == "review"
    key = f"conversation_report:{report.pk}"
    # Withheld without a reason: a message, and what was typed stays.
    page = client.post(url, {f"withhold-{key}": "on", f"note-{key}": "Melding."})
    assert page.status_code == 400
    assert "Melding." in page.content.decode()
    page = client.post(
        url, {f"withhold-{key}": "on", f"ground-{key}": "harm", f"note-{key}": "Melding."}
    )
    confirm = reverse("rights:copy_confirm", args=[rights_request.pk])
    assert page.status_code == 302 and page.url == confirm
    assert FileCopy.objects.get(request=rights_request).withheld[0]["key"] == key
    page = client.get(confirm)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Melding." in body and SECRET not in body
    page = client.post(confirm)
    assert page.status_code == 302
    rights_request.refresh_from_db()
    assert rights_request.status == "closed" and rights_request.closed_on == TODAY
    first = FileCopy.objects.get(request=rights_request)
    # A second post releases nothing twice.
    client.post(confirm)
    again = FileCopy.objects.get(request=rights_request)
    assert (again.pdf.name, again.released_at) == (first.pdf.name, first.released_at)
    pdf = client.get(reverse("rights:copy_download", args=[rights_request.pk, "pdf"]))
    assert pdf.status_code == 200
    assert (
        pdf["Content-Disposition"]
        == f'attachment; filename="afschrift-verzoek-{rights_request.pk}.pdf"'
    )
    assert "Veilig Thuis gedaan" not in _pdf_text(b"".join(pdf.streaming_content))
    data = client.get(reverse("rights:copy_download", args=[rights_request.pk, "json"]))
    assert data.status_code == 200
    assert SECRET not in b"".join(data.streaming_content).decode()
    assert client.get(f"/privacy/verzoeken/{rights_request.pk}/afschrift/xml/").status_code == 404
    assert client.get(url).status_code == 200  # the released page with the downloads
    entries = AccessLogEntry.objects.filter(client_ids__contains=[child.pk], part="copy of a file")
    events = sorted(entries.values_list("event", flat=True))
    assert events.count("download") == 2 and events.count("read") >= 3
    assert all(e.user_id == privacy_officer.pk for e in entries)


def test_an_inspection_closes_as_inspection_given(client, beijum, worker, privacy_officer):
    child, *_rest = _file(beijum, worker)
    rights_request = RightsRequestFactory(client=child, kind="inspection")
    _granted(rights_request, privacy_officer)
    client.force_login(privacy_officer)
    client.get(reverse("rights:copy_review", args=[rights_request.pk]))
    client.post(reverse("rights:copy_confirm", args=[rights_request.pk]))
    rights_request.refresh_from_db()
    assert rights_request.outcome_note == "Inzage gegeven op 22-11-2026."


@pytest.mark.parametrize(
    "persona", ["intake_worker", "team_lead", "official", "provider_user", "outsider"]
)
def test_other_roles_get_403(client, request, beijum, worker, privacy_officer, persona):
    child, *_rest = _file(beijum, worker)
    rights_request = RightsRequestFactory(client=child)
    _granted(rights_request, privacy_officer)
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("rights:copy_review", args=[rights_request.pk]),
        reverse("rights:copy_confirm", args=[rights_request.pk]),
        reverse("rights:copy_download", args=[rights_request.pk, "pdf"]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("rights:copy_confirm", args=[rights_request.pk])).status_code == 403
    assert not FileCopy.objects.exists()


def test_a_request_not_granted_gets_a_message(client, beijum, worker, privacy_officer):
    child, *_rest = _file(beijum, worker)
    waiting = RightsRequestFactory(client=child)
    destruction = RightsRequestFactory(client=child, kind="destruction")
    _granted(destruction, privacy_officer)
    refused = RightsRequestFactory(client=child)
    services.rights_request_decide(
        refused, decision="refused", reason="Niet gerechtigd.", user=privacy_officer, today=TODAY
    )
    client.force_login(privacy_officer)
    for rights_request, words in (
        (waiting, "Decide on the request first: a copy is made once it is granted."),
        (destruction, "Only a request for inspection or a copy gets a copy of the file."),
        (refused, "The request was refused: no copy is made."),
    ):
        page = client.get(reverse("rights:copy_review", args=[rights_request.pk]), follow=True)
        assert page.status_code == 200
        text = " ".join(str(m) for m in page.context["messages"])
        assert gettext(words) in text
        assert (
            client.post(reverse("rights:copy_confirm", args=[rights_request.pk])).status_code == 200
        )
    assert not FileCopy.objects.exists()
    assert RightsRequest.objects.get(pk=waiting.pk).status == "received"
    # Nothing to download before a release; an unknown number is 404.
    assert client.get(reverse("rights:copy_download", args=[waiting.pk, "pdf"])).status_code == 404
    assert client.get(reverse("rights:copy_review", args=[999999])).status_code == 404


def test_review_page_logs_and_stays_bounded(
    client, beijum, worker, privacy_officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _small, _sister, _parent, small_request = _file(beijum, worker, name="Bram")
    _granted(small_request, privacy_officer)
    child, _sister, _parent, rights_request = _file(beijum, worker, extra_records=5)
    _granted(rights_request, privacy_officer)
    client.force_login(privacy_officer)
    client.get(reverse("rights:copy_review", args=[small_request.pk]))
    client.get(reverse("rights:copy_review", args=[rights_request.pk]))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("rights:copy_review", args=[small_request.pk])).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert (
            client.get(reverse("rights:copy_review", args=[rights_request.pk])).status_code == 200
        )
    assert (
        AccessLogEntry.objects.filter(
            client_ids__contains=[child.pk], part="copy of a file", event="read"
        ).count()
        == 2
    )


def test_a_request_of_someone_outside_the_family_is_marked_in_the_copy(beijum):
    child = ClientFactory(team=beijum)
    own = RightsRequestFactory(client=child, kind="copy")
    uncle = RightsRequestFactory(
        client=child, kind="inspection", requester="other", requester_name="Henk (oom)"
    )
    items = {
        item.key: item
        for section in file_collect(child).sections
        if section.key == "rights_requests"
        for item in section.items
    }
    assert items[f"rights_request:{uncle.pk}"].shared_note
    assert not items[f"rights_request:{own.pk}"].shared_note
