"""Destruction of a child's file on request (Jeugdwet art. 7.3.9; rights/destruction.py):
nothing of the child remains anywhere in the database or MEDIA_ROOT, the reports' figures
are the same before and after, the sibling keeps everything of theirs, the access log
keeps its entries pointing at the tombstone, and the pages guard every step."""

import datetime
import os
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from psycopg import sql as psycopg_sql

from audit.models import AccessGrant, AccessLogEntry
from audit.services import access_grant_open
from ijw.models import AllocationRequest, Message
from indications.models import ExtensionRequest, Indication, ProviderNotice, Task
from intake import services as intake_services
from intake.models import Client, Household, HouseholdMember, SupportRequest, TeamMember
from openhouse.models import EndEvaluation, HandoverNote
from plans.models import Goal, PlanVersion, SupportPlan
from plans.services import Item, plan_save
from reporting.council import council_context
from reporting.ijw_figures import requests_for_allocation
from reporting.periods import MONTH, Period
from reporting.selectors import REPORTS, Filters
from rights.destruction import (
    destruction_blockers,
    destruction_preview,
    file_destroy,
)
from rights.models import FileCopy, RightsRequest, Tombstone
from rights.services import rights_request_decide
from samen import db as samen_db
from samen import roles
from tests.factories import (
    ClientFactory,
    EndEvaluationFactory,
    HouseholdFactory,
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
from triage import services as triage_services
from triage.models import ChildOutcome, ConversationReport, OpenHouseException, Triage

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 15)
# An id no other record of the test has by coincidence: the checks look for it everywhere.
CHILD_ID = 7_654_321
BSN = "999900006"
FIRST = "Quirijntje"
FULL = "Quirijntje Vernietigmans"
FATHER = "Kees Hofstra"
SIBLING_FIRST = "Sibbe"


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


class Family:
    """A rich child (`child`) and a sibling (`sibling`) who keeps everything of theirs."""


def _rich_family(beijum, intake_worker, team_lead) -> Family:
    f = Family()
    provider = ProviderFactory(name="Kinderpraktijk Noord", agb_code="42420001")
    f.child = ClientFactory(
        pk=CHILD_ID,
        bsn=BSN,
        first_name=FIRST,
        last_name="Vernietigmans",
        team=beijum,
        date_of_birth=datetime.date(2013, 2, 14),
    )
    f.sibling = ClientFactory(
        first_name=SIBLING_FIRST,
        last_name="Vernietigmans",
        team=beijum,
        date_of_birth=datetime.date(2016, 5, 1),
    )
    # The mother's household: both children. The father's: this child alone.
    f.home = HouseholdFactory(name="Gezin Vernietigmans")
    f.home.members.create(role="parent", name="Anna Pietersma", parental_authority="yes")
    f.fathers = HouseholdFactory(name=f"Gezin {FATHER}")
    f.fathers.members.create(role="parent", name=FATHER, phone="0612345678")
    # A household the child lived in before: its membership was removed long ago, its
    # history row still names the child.
    HouseholdFactory(name="Gezin Oma").members.create(role="child", client=f.child).delete()
    with time_machine.travel(_at(datetime.date(2025, 3, 3)), tick=False):
        # A shared request of both children, with a further question and a triage.
        f.shared = SupportRequestFactory(
            household=f.home, team=beijum, clients=[f.child, f.sibling], contacted=True
        )
        intake_services.support_request_add_question(
            support_request_id=f.shared.pk,
            user=intake_worker,
            question="De oudste heeft ook moeite op school.",
            channel="phone",
        )
        f.shared_triage = TriageFactory(support_request=f.shared)
        for kid in (f.child, f.sibling):
            ChildOutcome.objects.create(
                triage=f.shared_triage,
                client=kid,
                outcome="basis_wij",
                intensity="basic",
                wij_role="basis",
            )
        SupportRequest.objects.filter(pk=f.shared.pk).update(
            status="closed", close_reason="triage_done"
        )
    with time_machine.travel(_at(datetime.date(2025, 4, 7)), tick=False):
        # The child's own request at the father's, everything on it.
        f.solo = SupportRequestFactory(
            household=f.fathers,
            team=beijum,
            clients=[f.child],
            contacted=True,
            question=f"{FULL} (BSN {BSN}) wil hulp.",
            referring_person=FATHER,
        )
        f.solo.assigned_worker = intake_worker
        f.solo.save()
        intake_services.support_request_add_question(
            support_request_id=f.solo.pk,
            user=intake_worker,
            question=f"{FIRST} slaapt slecht.",
            channel="phone",
        )
        intake_services.worker_change_request(
            support_request=f.solo,
            reason="other",
            explanation=f"{FIRST} wil een vrouw.",
            requested_on=datetime.date(2025, 4, 8),
            user=intake_worker,
        )
        report = triage_services.report_write(
            support_request=f.solo,
            held_on=datetime.date(2025, 4, 8),
            text=f"Gesprek met {FULL} en {FATHER}.",
            user=intake_worker,
        )
        correction = triage_services.correction_request(
            report=report,
            kind="correction",
            family_text=f"{FIRST} is 12, niet 11.",
            requested_on=datetime.date(2025, 4, 9),
            user=intake_worker,
        )
        triage_services.correction_answer(
            correction_id=correction.pk,
            accept=True,
            answer_text="Aangepast.",
            new_report_text=f"Gesprek met {FULL} (12) en {FATHER}.",
            user=intake_worker,
        )
        f.triage = TriageFactory(
            support_request=f.solo,
            safety_concerns=True,
            safety_actions=f"Veilig Thuis gebeld over {FIRST}.",
        )
        ChildOutcome.objects.create(
            triage=f.triage,
            client=f.child,
            outcome="basis_wij",
            intensity="basic",
            wij_role="basis",
        )
        OpenHouseException.objects.create(
            triage=f.triage,
            product=_product("45A51"),
            approval="approved",
            decided_by=team_lead,
            decided_on=datetime.date(2025, 4, 9),
            decision_reasons=f"Voor {FIRST} nodig.",
        )
        beschikking = triage_services.beschikking_request(
            support_request=f.solo,
            requested_on=datetime.date(2025, 4, 9),
            request_reason="Wil bezwaar kunnen maken.",
            addressee=FATHER,
            address="Beijumerweg 1, 9735AB Groningen",
            user=intake_worker,
        )
        triage_services.beschikking_issue(
            beschikking_id=beschikking.pk,
            decision=f"{FIRST} krijgt hulp.",
            grounds="Jeugdwet.",
            user=team_lead,
        )
        # The help itself: a trajectory of this child alone, scaled up, ended.
        coach = UserFactory(role=roles.WIJ_STAFF, username="coach", first_name="Coby")
        TeamMember.objects.create(user=coach, team=beijum)
        trajectory = make_trajectory(
            triage=f.triage, coach=coach, status="active", started_on=datetime.date(2025, 4, 7)
        )
    with time_machine.travel(_at(datetime.date(2025, 6, 2)), tick=False):
        trajectory_services.intensity_change(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            to_intensity="specialist",
            reason=f"{FIRST} heeft meer nodig.",
            user=coach,
        )
        trajectory.refresh_from_db()
    with time_machine.travel(_at(datetime.date(2025, 10, 1)), tick=False):
        f.trajectory = trajectory_services.trajectory_end(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            ended_on=datetime.date(2025, 9, 30),
            end_reason="35",
            goals_reached="partly",
            end_note=f"{FIRST} verhuisde.",
            user=coach,
        )
        SupportRequest.objects.filter(pk=f.solo.pk).update(
            status="closed", close_reason="to_trajectory"
        )
    # The family's plan: a goal for each child.
    with time_machine.travel(_at(datetime.date(2025, 5, 1)), tick=False):
        f.plan_version = plan_save(
            household=f.home,
            goals=[
                Item(
                    None,
                    {
                        "domain": "school",
                        "text": f"{FIRST} gaat weer naar school.",
                        "child_id": f.child.pk,
                        "child_view": f"{FIRST}: ik wil wel.",
                    },
                ),
                Item(
                    None,
                    {
                        "domain": "school",
                        "text": "Sibbe leert lezen.",
                        "child_id": f.sibling.pk,
                        "child_view": "Leuk.",
                    },
                ),
            ],
            agreements=[
                Item(
                    None,
                    {
                        "party": "wij",
                        "provider_id": None,
                        "text": "WIJ belt elke week.",
                        "is_safety": True,
                        "shared_with_provider": False,
                    },
                )
            ],
            user=intake_worker,
            expected_version=None,
        )
    # An indication from before, with what hangs on it; and the sibling's own.
    f.indication = IndicationFactory(
        client=f.child,
        provider=provider,
        start_on=datetime.date(2024, 1, 1),
        end_on=datetime.date(2025, 12, 31),
        status="ended",
        allocation_number=123456789,
    )
    f.evaluation = EndEvaluationFactory(
        indication=f.indication,
        document=ContentFile(b"%PDF-1.4 eindevaluatie " + FULL.encode(), name="eval.pdf"),
        original_name=f"eindevaluatie {FULL}.pdf",
    )
    ExtensionRequest.objects.create(
        indication=f.indication,
        requested_on=datetime.date(2025, 9, 1),
        requested_by="provider",
        reasons=f"{FIRST} heeft meer tijd nodig.",
        decision="wij",
        weighing="WIJ past.",
        decided_by=team_lead,
        decided_on=datetime.date(2025, 9, 20),
    )
    Task.objects.create(
        team=beijum,
        indication=f.indication,
        kind="plan_triage",
        for_end_on=f.indication.end_on,
        due_on=datetime.date(2025, 12, 31),
        done_on=datetime.date(2025, 10, 1),
        done_by=intake_worker,
        done_how="by_hand",
        done_note=f"Gebeld met {FATHER}.",
    )
    ProviderNotice.objects.create(
        provider=provider,
        indication=f.indication,
        kind="evaluation_due",
        for_end_on=f.indication.end_on,
        due_on=datetime.date(2025, 10, 31),
    )
    HandoverNote.objects.create(
        indication=f.indication,
        side="provider",
        author=intake_worker,
        text=f"{FIRST} heeft een afspraak bij WIJ.",
    )
    f.sibling_indication = IndicationFactory(
        client=f.sibling,
        provider=provider,
        status="ended",
        start_on=datetime.date(2024, 1, 1),
        end_on=datetime.date(2025, 12, 31),
    )
    f.sibling_evaluation = EndEvaluationFactory(
        indication=f.sibling_indication,
        document=ContentFile(b"%PDF-1.4 sibling", name="sib.pdf"),
    )
    # A request for allocation with the child's BSN in the XML.
    with time_machine.travel(_at(datetime.date(2025, 5, 5)), tick=False):
        message = Message.objects.create(
            direction="in",
            message_type="JW315",
            sender="42420001",
            receiver="0014",
            identification="M1",
            dated_on=datetime.date(2025, 5, 5),
            raw=f"<JW315><Bsn>{BSN}</Bsn><Naam>{FULL}</Naam></JW315>",
            status="answered",
            provider=provider,
            client=f.child,
            answer_due_on=datetime.date(2025, 5, 12),
            retour_due_on=datetime.date(2025, 5, 8),
            done_at=timezone.now(),
        )
        retour = Message.objects.create(
            direction="out",
            message_type="JW316",
            sender="0014",
            receiver="42420001",
            identification="R1",
            raw=f"<JW316><Bsn>{BSN}</Bsn></JW316>",
            status="sent",
            provider=provider,
            in_reply_to=message,
        )
        AllocationRequest.objects.create(
            kind="allocation",
            message=message,
            provider=provider,
            reference="REF-Q-1",
            client=f.child,
            bsn=BSN,
            child_name=FULL,
            date_of_birth=f.child.date_of_birth,
            product_code="45A51",
            product=_product("45A51"),
            start_on=datetime.date(2025, 6, 1),
            referrer_type="01",
            referrer_name="Dr. Huisarts",
            proposed_route="wij",
            proposed_reason="4",
            proposal_explained=f"Route open voor {FIRST}.",
            route="wij",
            reject_reason="4",
            status="done",
            answer_due_on=datetime.date(2025, 5, 12),
            support_request=f.solo,
        )
    f.retour = retour
    # Break-the-glass by a worker of another team.
    outsider = UserFactory(role=roles.WIJ_STAFF, username="other", first_name="Otto")
    access_grant_open(user=outsider, client=f.child, reason="colleague_away", explanation="")
    # An earlier copy request, released with its files.
    f.copy_request = RightsRequestFactory(
        kind="copy",
        client=f.child,
        requester="parent",
        requester_name=FATHER,
        description=f"Afschrift van het dossier van {FIRST}.",
        received_on=datetime.date(2026, 1, 5),
        deadline=datetime.date(2026, 2, 5),
        status="closed",
        decision="granted",
        decision_reason=f"Afschrift aan de vader van {FIRST}.",
        decided_on=datetime.date(2026, 1, 10),
        closed_on=datetime.date(2026, 1, 20),
        outcome_note=f"Afschrift van {FIRST} verstrekt.",
    )
    f.copy = FileCopy.objects.create(
        request=f.copy_request,
        status="released",
        released_at=timezone.now(),
        pdf=ContentFile(b"%PDF " + FULL.encode(), name="afschrift.pdf"),
        json=ContentFile(f'{{"bsn": "{BSN}"}}'.encode(), name="afschrift.json"),
    )
    # The sibling's own request, which stays whole.
    f.sibling_request = SupportRequestFactory(
        household=f.home,
        team=beijum,
        clients=[f.sibling],
        closed=True,
        question="Sibbe wil zwemles.",
    )
    f.sibling_report = triage_services.report_write(
        support_request=f.sibling_request,
        held_on=TODAY,
        text="Gesprek met Sibbe.",
        user=intake_worker,
    )
    # The request for destruction, granted.
    f.request = RightsRequestFactory(
        kind="destruction",
        client=f.child,
        requester="child",
        requester_name=FULL,
        description=f"Vernietig alles over {FULL}.",
        received_on=datetime.date(2026, 6, 1),
        deadline=datetime.date(2026, 9, 1),
    )
    rights_request_decide(
        f.request,
        decision="granted",
        reason="Geen wettelijk bezwaar.",
        user=team_lead,
        today=TODAY,
    )
    return f


def _read_pages(client, intake_worker, team_lead, family):
    """Access log entries through real page reads."""
    client.force_login(intake_worker)
    assert client.get(reverse("intake:detail", args=[family.solo.pk])).status_code == 200
    assert client.get(reverse("indications:client", args=[family.child.pk])).status_code == 200
    client.force_login(team_lead)
    assert client.get(reverse("audit:file_log", args=[family.child.pk])).status_code == 200
    client.logout()


# --- "nothing remains" -----------------------------------------------------------------

TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "xml")
INT_TYPES = ("integer", "bigint", "smallint")


def _columns():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') "
            "AND t.table_type = 'BASE TABLE'"
        )
        return cursor.fetchall()


def _traces(child_id: int, needles: list[str]) -> list[str]:
    """Every place in the database where the child's id or one of the texts still is."""
    found = []
    with connection.cursor() as cursor:
        for schema, table, column, data_type, udt in _columns():
            name = f'"{schema}"."{table}"."{column}"'
            quoted = f'"{schema}"."{table}"'
            if data_type in TEXT_TYPES:
                for needle in needles:
                    cursor.execute(
                        f'SELECT count(*) FROM {quoted} WHERE "{column}"::text ILIKE %s',  # noqa: S608
                        [f"%{needle}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{name} contains {needle!r}")
            elif (
                data_type in INT_TYPES and (column == "client_id" or column.endswith("_client_id"))
            ) or (table.startswith("audit_accesslogentry") and column == "object_id"):
                cursor.execute(f'SELECT count(*) FROM {quoted} WHERE "{column}" = %s', [child_id])  # noqa: S608
                if cursor.fetchone()[0]:
                    found.append(f"{name} = child id")
            elif data_type == "ARRAY" and udt in ("_int8", "_int4"):
                cursor.execute(
                    f'SELECT count(*) FROM {quoted} WHERE %s = ANY("{column}")',  # noqa: S608
                    [child_id],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{name} holds child id")
    return found


def _media_files(root: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


# Text that names the child or only the child's family (the father's household). The last
# name alone is the sibling's and the mother's household's too, and stays with them.
NEEDLES = [BSN, FIRST, FULL, FATHER, "0612345678", str(CHILD_ID)]


def test_nothing_of_the_child_remains(
    client,
    beijum,
    intake_worker,
    team_lead,
    privacy_officer,
    media,
    django_capture_on_commit_callbacks,
):
    family = _rich_family(beijum, intake_worker, team_lead)
    _read_pages(client, intake_worker, team_lead, family)
    child_files = {family.evaluation.document.name, family.copy.pdf.name, family.copy.json.name}
    assert child_files <= _media_files(media)
    before = _traces(CHILD_ID, NEEDLES)
    assert len(before) > 20, before  # the check finds the child where it is

    with django_capture_on_commit_callbacks(execute=True):
        tombstone = file_destroy(family.request, user=privacy_officer, today=TODAY)

    assert _traces(CHILD_ID, NEEDLES) == []
    assert not Client.objects.filter(pk=CHILD_ID).exists()
    files = _media_files(media)
    assert not child_files & files
    assert family.sibling_evaluation.document.name in files
    # The request is closed and points at the anonymous client, without who asked.
    request = RightsRequest.objects.get(pk=family.request.pk)
    assert request.status == "closed" and request.client_id == tombstone.client_id
    assert request.requester_name == "" and request.description == ""
    assert tombstone.cause == Tombstone.Cause.REQUEST
    assert tombstone.summary["kept"]["intake.SupportRequest"] == 1
    assert tombstone.summary["removed"]["triage.ConversationReport"] == 1
    assert tombstone.summary["files"] == 3


def test_the_father_household_becomes_anonymous_and_the_mothers_keeps_its_people(
    beijum, intake_worker, team_lead, privacy_officer
):
    family = _rich_family(beijum, intake_worker, team_lead)
    file_destroy(family.request, user=privacy_officer, today=TODAY)
    fathers = Household.objects.get(pk=family.fathers.pk)  # kept: the skeleton request is in it
    assert fathers.name == "vernietigd" and fathers.phone == ""
    assert not fathers.members.exists()
    home = Household.objects.get(pk=family.home.pk)
    assert home.name == "Gezin Vernietigmans"
    assert sorted(m.client_id or m.name for m in home.members.all() if not m.client_id) == [
        "Anna Pietersma"
    ]
    assert [m.client_id for m in home.members.all() if m.client_id] == [family.sibling.pk]


# --- the sibling keeps everything ----------------------------------------------------------


def _sibling_state(family):
    sibling = family.sibling
    return {
        "client": Client.objects.filter(pk=sibling.pk).values().get(),
        "requests": sorted(
            SupportRequest.objects.filter(clients=sibling).values_list("pk", "question", "status")
        ),
        "shared request clients": sorted(
            SupportRequest.objects.get(pk=family.shared.pk).clients.values_list("pk", flat=True)
        ),
        "further questions": sorted(family.shared.further_questions.values_list("pk", "question")),
        "triage": Triage.objects.filter(pk=family.shared_triage.pk).values().get(),
        "outcomes": list(ChildOutcome.objects.filter(client=sibling).values()),
        "reports": list(
            ConversationReport.objects.filter(support_request=family.sibling_request).values()
        ),
        "indications": list(Indication.objects.filter(client=sibling).values()),
        "evaluations": list(
            EndEvaluation.objects.filter(indication__client=sibling).values("pk", "document")
        ),
        "goals": list(Goal.objects.filter(child=sibling).values("pk", "text", "child_view")),
        "agreements": list(
            SupportPlan.objects.get(household=family.home).agreements.values("pk", "text")
        ),
        "memberships": list(HouseholdMember.objects.filter(client=sibling).values()),
    }


def test_the_sibling_keeps_everything_of_theirs(beijum, intake_worker, team_lead, privacy_officer):
    family = _rich_family(beijum, intake_worker, team_lead)
    before = _sibling_state(family)
    file_destroy(family.request, user=privacy_officer, today=TODAY)
    after = _sibling_state(family)
    # The shared request loses only this child; everything else is as it was.
    assert before.pop("shared request clients") == sorted([family.child.pk, family.sibling.pk])
    assert after.pop("shared request clients") == [family.sibling.pk]
    assert after == before
    # The shared plan's versions no longer hold the child's goal.
    version = PlanVersion.objects.get(pk=family.plan_version.pk)
    assert [g["child_id"] for g in version.snapshot["goals"]] == [family.sibling.pk]
    assert FIRST not in version.changes


# --- the figures ---------------------------------------------------------------------------


def _figures(team):
    period = Period(datetime.date(2024, 1, 1), datetime.date(2026, 6, 30), MONTH)
    filters = Filters(period, team, TODAY)
    figures = {}
    for slug, report in REPORTS.items():
        figures[slug] = [
            (table.slug, [(str(row.label), row.cells) for row in table.rows])
            for table in report.build(filters)
        ]
    figures["ijw"] = [
        (table.slug, [(str(row.label), row.cells) for row in table.rows])
        for table in requests_for_allocation(filters)
    ]
    return figures


def _council():
    context = council_context(
        Period(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), "quarter"), TODAY
    )
    return (
        [(str(label), value) for label, value in context["key_figures"]],
        [
            (table.slug, [(str(r.label), r.cells) for r in table.rows])
            for table, *_ in context["sections"]
        ],
    )


class _Rollback(Exception):
    pass


def _empty_figures():
    """The figures without the iJw requests, tasks and extensions (rolled back)."""
    try:
        with transaction.atomic():
            for model in (AllocationRequest, Task, ExtensionRequest):
                model.objects.all().delete()
            figures = _figures(None)
            raise _Rollback
    except _Rollback:
        return figures


def test_the_figures_are_the_same_before_and_after(
    beijum, intake_worker, team_lead, privacy_officer
):
    family = _rich_family(beijum, intake_worker, team_lead)
    before = (_figures(None), _figures(beijum), _council())
    # The data is in the figures (a report that counts none of it would prove nothing).
    assert before[0] != _empty_figures()
    file_destroy(family.request, user=privacy_officer, today=TODAY)
    after = (_figures(None), _figures(beijum), _council())
    assert after == before


# --- the access log ------------------------------------------------------------------------


def test_the_access_log_keeps_its_entries_pointing_at_the_tombstone(
    client, beijum, intake_worker, team_lead, privacy_officer
):
    family = _rich_family(beijum, intake_worker, team_lead)
    _read_pages(client, intake_worker, team_lead, family)
    ids = list(
        AccessLogEntry.objects.filter(client_ids__contains=[CHILD_ID]).values_list("id", flat=True)
    )
    assert len(ids) >= 4  # the break-the-glass and the three pages
    tombstone = file_destroy(family.request, user=privacy_officer, today=TODAY)
    entries = AccessLogEntry.objects.filter(id__in=ids)
    assert entries.count() == len(ids)
    for entry in entries:
        assert tombstone.log_id in entry.client_ids and CHILD_ID not in entry.client_ids
        assert str(CHILD_ID) not in entry.path
        assert entry.object_id != CHILD_ID
    page = entries.get(path__startswith="/jeugdigen/", part="child file")
    assert page.path == f"/jeugdigen/{tombstone.reference}/"
    with translation.override("nl"):
        labels = [str(label) for label in page.client_labels]
    assert labels == [f"vernietigd dossier {tombstone.reference}"]
    # The destruction itself is an entry too, about the tombstone.
    deletion = AccessLogEntry.objects.get(event="delete", part="destroyed file")
    assert deletion.client_ids == [tombstone.log_id] and deletion.user_id == privacy_officer.pk
    # The privacy officer's log page shows the reference, not a person.
    client.force_login(privacy_officer)
    response = client.get(reverse("audit:log"))
    assert tombstone.reference in response.content.decode()


def _first_entry():
    from audit.services import access_log_record

    return access_log_record(event="read", part="child file", clients=[CHILD_ID], channel="job")


def test_the_log_function_moves_only_a_destroyed_childs_entries_to_its_tombstone(db):
    """The application may call audit_log_pseudonymise, but not for a living child, nor
    towards a tombstone that does not exist or under another reference."""
    from tests.factories import ClientFactory

    living = ClientFactory()
    entry = access_log_record_for(living.pk)
    for args, message in (
        ((living.pk, -1, "V-000001"), "still exists"),
        ((living.pk + 10_000, -999_999, "V-999999"), "existing tombstone"),
    ):
        with (
            pytest.raises(DatabaseError, match=message),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT audit_log_pseudonymise(%s, %s, %s)", args)
    assert AccessLogEntry.objects.get(pk=entry.pk).client_ids == [living.pk]


def access_log_record_for(client_id):
    from audit.services import access_log_record

    return access_log_record(event="read", part="child file", clients=[client_id], channel="job")


def test_the_trigger_refuses_updates_without_the_setting_and_of_other_columns(db):
    entry = _first_entry()
    with samen_db.owner_mode():
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE audit_accesslogentry SET path = 'x' WHERE id = %s", [entry.pk])
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL samen.audit_pseudonymise = 'on'")
            cursor.execute(
                "UPDATE audit_accesslogentry SET user_name = 'x', path = 'y' WHERE id = %s",
                [entry.pk],
            )
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL samen.audit_pseudonymise = 'on'")
            cursor.execute("DELETE FROM audit_accesslogentry WHERE id = %s", [entry.pk])
        # With the setting, the three columns may change.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL samen.audit_pseudonymise = 'on'")
            cursor.execute(
                "UPDATE audit_accesslogentry SET path = 'y', object_id = NULL, "
                "client_ids = ARRAY[-1]::bigint[] WHERE id = %s",
                [entry.pk],
            )
            cursor.execute("SET LOCAL samen.audit_pseudonymise = 'off'")
    assert AccessLogEntry.objects.get(pk=entry.pk).client_ids == [-1]
    # The application's role may not update the log at all, setting or not (SET LOCAL ROLE:
    # whatever role an earlier test left the connection in).
    role = samen_db.app_role()
    assert role, "the tests run as the application's database role"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(psycopg_sql.SQL("SET LOCAL ROLE {}").format(psycopg_sql.Identifier(role)))
        cursor.execute("SET LOCAL samen.audit_pseudonymise = 'on'")
        cursor.execute("UPDATE audit_accesslogentry SET path = 'z' WHERE id = %s", [entry.pk])


# --- the pages ------------------------------------------------------------------------------


def _url(rights_request):
    return reverse("rights:destruction_carry_out", args=[rights_request.pk])


def test_the_carry_out_page_previews_confirms_and_destroys(
    client,
    beijum,
    intake_worker,
    team_lead,
    privacy_officer,
    media,
    django_capture_on_commit_callbacks,
):
    family = _rich_family(beijum, intake_worker, team_lead)
    preview = destruction_preview(family.child)
    assert (str(ConversationReport._meta.verbose_name_plural), 1) in preview["removed"]
    assert (str(SupportRequest._meta.verbose_name_plural), 1) in preview["shared"]
    assert preview["files"] == 3
    client.force_login(privacy_officer)
    response = client.get(_url(family.request))
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be undone" in page or "niet ongedaan" in page
    # The officer sees whose file goes before it goes (the read is in the access log).
    assert FULL in page and BSN in page
    assert AccessLogEntry.objects.filter(part="destruction preview", client_ids=[CHILD_ID]).exists()
    # Without the number typed and the box ticked nothing happens.
    response = client.post(_url(family.request), {"number": "999", "understood": ""})
    assert response.status_code == 400
    assert Client.objects.filter(pk=CHILD_ID).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(family.request), {"number": str(family.request.pk), "understood": "on"}
        )
    assert response.status_code == 302
    assert not Client.objects.filter(pk=CHILD_ID).exists()
    tombstone = Tombstone.objects.get(request=family.request)
    assert tombstone.destroyed_by == privacy_officer
    # A second POST destroys nothing twice.
    count = Tombstone.objects.count()
    anonymous = Client.objects.count()
    response = client.post(
        _url(family.request), {"number": str(family.request.pk), "understood": "on"}
    )
    assert response.status_code == 302
    assert Tombstone.objects.count() == count and Client.objects.count() == anonymous
    # The list of destroyed files.
    response = client.get(reverse("rights:tombstones"))
    assert response.status_code == 200
    assert tombstone.reference in response.content.decode()


def test_the_carry_out_page_refuses_while_help_runs(
    client, beijum, intake_worker, team_lead, privacy_officer
):
    child = ClientFactory(team=beijum)
    SupportRequestFactory(team=beijum, clients=[child])  # open
    IndicationFactory(client=child, end_on=datetime.date(2027, 1, 31))  # active
    request = RightsRequestFactory(kind="destruction", client=child)
    rights_request_decide(request, decision="granted", reason="Ja.", user=team_lead, today=TODAY)
    assert len(destruction_blockers(child, TODAY, request=request)) == 2
    client.force_login(privacy_officer)
    response = client.get(_url(request))
    assert response.status_code == 200
    assert "open" in response.content.decode()
    assert 'name="understood"' not in response.content.decode()
    response = client.post(_url(request), {"number": str(request.pk), "understood": "on"})
    assert response.status_code == 409
    assert Client.objects.filter(pk=child.pk, destroyed_on__isnull=True).exists()
    assert not Tombstone.objects.exists()
    with pytest.raises(ValidationError):
        file_destroy(request, user=privacy_officer, today=TODAY)


def test_a_request_not_granted_is_not_carried_out(client, beijum, team_lead, privacy_officer):
    request = RightsRequestFactory(kind="destruction", client=ClientFactory(team=beijum))
    client.force_login(privacy_officer)
    assert client.get(_url(request)).status_code == 400
    copy = RightsRequestFactory(kind="copy", client=ClientFactory(team=beijum))
    rights_request_decide(copy, decision="granted", reason="Ja.", user=team_lead, today=TODAY)
    assert client.post(_url(copy), {"number": str(copy.pk), "understood": "on"}).status_code == 400
    assert not Tombstone.objects.exists()


@pytest.mark.parametrize(
    "role", [roles.WIJ_STAFF, roles.TEAM_LEAD, roles.OFFICIAL, roles.YOUTH_ADMIN, roles.PROVIDER]
)
def test_only_the_privacy_officer(client, beijum, team_lead, role):
    request = RightsRequestFactory(kind="destruction", client=ClientFactory(team=beijum))
    user = UserFactory(role=role, username=f"u-{role}")
    if role in roles.WIJ_ROLES:
        TeamMember.objects.create(user=user, team=beijum)
    client.force_login(user)
    assert client.get(_url(request)).status_code == 403
    assert (
        client.post(_url(request), {"number": str(request.pk), "understood": "on"}).status_code
        == 403
    )
    assert client.get(reverse("rights:tombstones")).status_code == 403


def test_the_list_of_destroyed_files_pages_in_few_queries(
    client, beijum, team_lead, privacy_officer, django_assert_max_num_queries
):
    for _n in range(30):
        child = ClientFactory(team=beijum)
        request = RightsRequestFactory(kind="destruction", client=child)
        rights_request_decide(
            request, decision="granted", reason="Ja.", user=team_lead, today=TODAY
        )
        file_destroy(request, user=privacy_officer, today=TODAY)
    client.force_login(privacy_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("rights:tombstones"))
    assert response.status_code == 200
    assert response.content.decode().count("V-0") >= 25
    assert client.get(reverse("rights:tombstones") + "?page=2").status_code == 200
    assert client.get(reverse("rights:tombstones") + "?page=abc").status_code == 200


def test_skeletons_are_invisible_on_the_working_pages(
    client, beijum, intake_worker, team_lead, privacy_officer
):
    family = _rich_family(beijum, intake_worker, team_lead)
    tombstone = file_destroy(family.request, user=privacy_officer, today=TODAY)
    anonymous = tombstone.client
    for user in (intake_worker, team_lead):
        assert not Client.objects.visible_to(user).filter(pk=anonymous.pk).exists()
        assert not SupportRequest.objects.visible_to(user).filter(clients=anonymous).exists()
        assert not Indication.objects.visible_to(user).filter(client=anonymous).exists()
        assert not Task.objects.visible_to(user).filter(indication__client=anonymous).exists()
    youth_admin = UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin")
    assert not Indication.objects.visible_to(youth_admin).filter(client=anonymous).exists()
    assert not Message.objects.visible_to(youth_admin).filter(client=anonymous).exists()
    assert not AllocationRequest.objects.visible_to(youth_admin).filter(client=anonymous).exists()
    assert not AccessGrant.objects.exists()
    client.force_login(intake_worker)
    skeleton = SupportRequest.objects.get(clients=anonymous)
    assert skeleton.destroyed_on == TODAY
    assert client.get(reverse("intake:detail", args=[skeleton.pk])).status_code in (403, 404)
    response = client.get(reverse("intake:list"))
    assert tombstone.reference not in response.content.decode()
    # No trajectory's list row names the anonymous place.
    from trajectories.models import Trajectory, TrajectoryChild
    from trajectories.selectors import with_list_data

    # (Even were its place still current, as a running shared trajectory's would be.)
    assert TrajectoryChild.objects.filter(client=anonymous).update(current=True)
    for trajectory in with_list_data(Trajectory.objects.all()):
        assert anonymous.pk not in [row.client_id for row in trajectory.current_children]


def test_retention_destroys_the_same_way_with_its_own_cause(beijum, team_lead, privacy_officer):
    child = ClientFactory(team=beijum)
    request = RightsRequestFactory(
        kind="destruction", origin="retention", requester="", requester_name="", client=child
    )
    rights_request_decide(
        request, decision="granted", reason="Termijn voorbij.", user=team_lead, today=TODAY
    )
    tombstone = file_destroy(request, user=privacy_officer, today=TODAY)
    assert tombstone.cause == Tombstone.Cause.RETENTION
    assert tombstone.client.destroyed_on == TODAY and tombstone.client.bsn is None
    assert tombstone.client.last_name == tombstone.reference
    with pytest.raises(ValidationError):
        file_destroy(request, user=privacy_officer, today=TODAY)
    assert Tombstone.objects.count() == 1


def test_a_partly_granted_destruction_is_carried_out(client, beijum, team_lead, privacy_officer):
    # docs/privacy.md: "partly granted where the municipality's own archive keeps the
    # beschikking"; without this the request waited for ever (no page closes it).
    request = RightsRequestFactory(kind="destruction", client=ClientFactory(team=beijum))
    rights_request_decide(
        request,
        decision="partly",
        reason="Beschikking in het archief.",
        user=team_lead,
        today=TODAY,
    )
    client.force_login(privacy_officer)
    assert client.get(_url(request)).status_code == 200
    response = client.post(_url(request), {"number": str(request.pk), "understood": "on"})
    assert response.status_code == 302
    assert Tombstone.objects.filter(request=request).exists()
    assert RightsRequest.objects.get(pk=request.pk).status == "closed"


def test_a_destroyed_files_anonymous_client_is_found_by_no_search(
    client, beijum, intake_worker, team_lead, privacy_officer
):
    child = ClientFactory(team=beijum)
    request = RightsRequestFactory(kind="destruction", client=child)
    rights_request_decide(request, decision="granted", reason="Ja.", user=team_lead, today=TODAY)
    tombstone = file_destroy(request, user=privacy_officer, today=TODAY)
    # The header search by date of birth: the anonymous client is born 1-1-1900.
    client.force_login(intake_worker)
    response = client.post(reverse("intake:search"), {"search": "1-1-1900"})
    assert response.status_code == 200
    assert response.context["search"].searched
    assert response.context["search"].clients == []
    assert tombstone.reference not in response.content.decode()
    # The privacy officer's search to register a request: by last name and date of birth.
    client.force_login(privacy_officer)
    response = client.post(
        "/privacy/verzoeken/nieuw/",
        {"step": "search", "last_name": tombstone.reference, "date_of_birth": "1900-01-01"},
    )
    assert response.status_code == 200
    assert list(response.context["found"]) == []


def test_work_opened_before_the_destruction_is_refused_after_it(
    beijum, intake_worker, team_lead, privacy_officer
):
    """A worker who opened the child's request before the file was destroyed saves nothing
    on its skeleton afterwards: the version moved on, and no report is written on it."""
    from intake.services import ConflictError, support_request_update

    family = _rich_family(beijum, intake_worker, team_lead)
    seen = SupportRequest.objects.get(pk=family.solo.pk)
    file_destroy(family.request, user=privacy_officer, today=TODAY)
    with pytest.raises(ConflictError):
        support_request_update(
            support_request_id=seen.pk,
            expected_version=seen.version,
            user=intake_worker,
            changes={"question": f"Nog iets over {FIRST}."},
        )
    with pytest.raises(ValidationError):
        triage_services.report_write(
            support_request=seen, held_on=TODAY, text=f"Gesprek met {FIRST}.", user=intake_worker
        )
    assert not ConversationReport.objects.filter(support_request_id=seen.pk).exists()
