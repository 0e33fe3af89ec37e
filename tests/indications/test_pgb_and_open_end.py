"""PGB indications (a budget holder, no provider) and open ends (no end date), watched by
the jobs through their real entry points (the commands, which run the Celery tasks), shown
to WIJ on the worklists, the task page, the family file and the ending table, and to
officials in the admin without the budget holder. A family handed over early shows on
the worker's and the team lead's lists and start pages."""

import datetime
import html
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils.html import escape

from indications import services
from indications.models import Indication, ProviderNotice, Task
from indications.selectors import timeline
from intake.models import Household
from openhouse.models import ProviderMembership
from outbox.models import OutboxMessage
from referrals.models import Product
from samen.models import JobRun
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    ProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 22)
NOW = datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def product(code):
    return Product.objects.get(code=code)


def run(command: str, day: datetime.date) -> str:
    out = io.StringIO()
    call_command(command, "--date", day.isoformat(), stdout=out)
    return out.getvalue()


# --- The jobs ------------------------------------------------------------------------------


def test_a_pgb_is_flagged_for_wij_only_and_ended_by_the_end_job(beijum):
    pgb = IndicationFactory(pgb=True, client__team=beijum, end_on=D(2027, 1, 31))
    zin = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    assert "flagged 2, worklist tasks 2, notices 1" in run("flag_expiring_indications", TODAY)
    pgb.refresh_from_db()
    assert (pgb.status, pgb.flagged_on) == ("ending_soon", TODAY)
    task = Task.objects.get(indication=pgb)
    assert (task.kind, task.team, task.for_end_on) == ("plan_triage", beijum, D(2027, 1, 31))
    # The notice and its e-mail are the provider's of the ZIN indication only.
    assert list(ProviderNotice.objects.values_list("indication", flat=True)) == [zin.pk]
    assert OutboxMessage.objects.count() == 1
    assert JobRun.objects.get(job="indications.flag_expiring").outcome == "succeeded"

    # Past the latest date of the end-evaluation: no overdue task or notice for the PGB.
    run("check_end_evaluations", D(2026, 12, 15))
    assert not Task.objects.filter(indication=pgb, kind="evaluation_overdue").exists()
    assert Task.objects.filter(indication=zin, kind="evaluation_overdue").exists()
    assert not ProviderNotice.objects.filter(indication=pgb).exists()
    assert not Indication.objects.evaluation_overdue(D(2026, 12, 15)).filter(pk=pgb.pk).exists()

    run("end_indications", D(2027, 2, 1))
    pgb.refresh_from_db()
    assert pgb.status == "ended"
    assert pgb in Indication.objects.out_of_sight()


def test_an_open_end_is_never_flagged_nor_ended(beijum):
    open_end = IndicationFactory(client__team=beijum, end_on=None)
    open_pgb = IndicationFactory(pgb=True, client__team=beijum, end_on=None)
    for day in (TODAY, D(2030, 1, 1), D(2099, 12, 31)):
        run("flag_expiring_indications", day)
        run("check_end_evaluations", day)
        run("end_indications", day)
    for indication in (open_end, open_pgb):
        indication.refresh_from_db()
        assert (indication.status, indication.flagged_on) == ("active", None)
        assert indication.evaluation_due_on is None
    assert not Task.objects.exists() and not ProviderNotice.objects.exists()


def test_a_pgb_imported_twice_and_the_jobs_twice_make_one_task(beijum, tmp_path):
    """The import, then the jobs, then both again: nothing doubles."""
    ProviderFactory(agb_code="73990001")
    path = tmp_path / "pgb.csv"
    path.write_text(
        "bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,"
        "provider_agb,referrer_type,start,end,financing,budget_holder\n"
        "111222333,Daan,Huizinga,2015-03-01,9735AB,12,45A04,,,2025-02-01,2027-01-31,PGB,A. Huizinga\n"
    )
    for _ in range(2):
        call_command("import_indications", str(path), stdout=io.StringIO())
        run("flag_expiring_indications", TODAY)
    assert Indication.objects.get().status == "ending_soon"
    assert Task.objects.count() == 1 and not ProviderNotice.objects.exists()


# --- WIJ's pages ---------------------------------------------------------------------------


def test_the_worklist_shows_pgb_with_its_budget_holder_and_the_end_the_task_is_about(
    client, intake_worker, team_lead, beijum
):
    pgb = IndicationFactory(pgb=True, client__team=beijum, end_on=D(2027, 1, 31))
    run("flag_expiring_indications", TODAY)
    for user, url in ((intake_worker, "/werk/"), (team_lead, "/werk/team/")):
        client.force_login(user)
        page = html.unescape(client.get(url).content.decode())
        assert "45A51 · PGB (budgethouder: J. de Budgethouder)" in page
        assert "eindigt 31-1-2027" in page
        assert escape(pgb.client.full_name) in client.get(url).content.decode()
    task = Task.objects.get()
    client.force_login(intake_worker)
    page = html.unescape(client.get(f"/taken/{task.pk}/afronden/").content.decode())
    assert "PGB (budgethouder: J. de Budgethouder) · eindigt 31 januari 2027" in page


def test_a_family_handed_over_early_shows_on_the_lists_and_start_pages_until_picked_up(
    client, intake_worker, team_lead, beijum
):
    provider = ProviderFactory(name="Zorg Noord")
    user = UserFactory(role="aanbieder")
    ProviderMembership.objects.create(user=user, provider=provider)
    indication = IndicationFactory(provider=provider, client__team=beijum, end_on=D(2027, 6, 30))
    services.indication_end_early(
        indication_id=indication.pk,
        ends_on=D(2026, 12, 1),
        end_reason="34",
        message="Wij ronden af; bel ons voor de warme overdracht.",
        user=user,
    )
    task = Task.objects.get(kind="handed_over")
    assert (task.team, task.due_on, task.for_end_on) == (beijum, TODAY, D(2026, 12, 1))
    label = "aanbieder draagt het gezin voortijdig over: pak het nu op"
    for person, lists in ((intake_worker, ("/werk/", "/")), (team_lead, ("/werk/team/",))):
        client.force_login(person)
        for url in lists:
            page = html.unescape(client.get(url).content.decode())
            assert label in page, url
            assert "45A51 bij Zorg Noord · zorg eindigt 1-12-2026" in page, url
    client.force_login(team_lead)
    start = html.unescape(client.get("/").content.decode())
    assert (
        "<strong>1</strong> gezin voortijdig overgedragen door de aanbieder: pak het nu op" in start
    )
    assert indication.client.last_name not in start  # the team lead's start page: no child

    # Registering WIJ's follow-up is picking the family up: the task is done by it.
    client.force_login(intake_worker)
    response = client.post(f"/indicaties/{indication.pk}/vervolg/")
    assert response.status_code == 302, response.status_code
    task.refresh_from_db()
    assert (task.done_how, task.done_by) == ("follow_up", intake_worker)
    client.force_login(team_lead)
    assert "voortijdig overgedragen" not in html.unescape(client.get("/").content.decode())


def test_the_family_file_shows_pgb_open_end_and_an_early_end(client, intake_worker, beijum):
    child = ClientFactory(team=beijum, first_name="Noor", last_name="Bakker")
    household = Household.objects.create(name="Gezin Bakker")
    household.members.create(role="child", client=child)
    IndicationFactory(pgb=True, client=child, end_on=None, start_on=D(2025, 3, 1))
    ended = IndicationFactory(
        client=child, product=product("45A04"), start_on=D(2024, 1, 1), end_on=D(2027, 6, 30)
    )
    services.indication_end_early(
        indication_id=ended.pk,
        ends_on=D(2026, 12, 1),
        end_reason="33",
        message="Ok.",
        user=intake_worker,
    )
    client.force_login(intake_worker)
    page = html.unescape(client.get(f"/gezinnen/{household.pk}/").content.decode())
    assert "PGB (budgethouder: J. de Budgethouder) · 1-3-2025 – open einde" in page
    assert (
        "Indicatie 45A51 bij PGB (budgethouder: J. de Budgethouder) vanaf 01-03-2025, open einde"
        in page
    )
    assert "Indicatie 45A04 voortijdig geëindigd op 01-12-2026: overgedragen aan WIJ" in page


def test_the_ending_table_counts_pgb_apart_without_the_budget_holder(client, official, beijum):
    IndicationFactory(pgb=True, client__team=beijum, end_on=D(2027, 1, 31))
    IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31), provider__name="Zorg Noord")
    IndicationFactory(client__team=beijum, end_on=None)
    client.force_login(official)
    page = client.get("/indicaties/aflopend/").content.decode()
    assert "PGB (persoonsgebonden budget)" in page and "Zorg Noord" in page
    assert "Budgethouder" not in page


def test_a_stopping_providers_families_with_an_open_end(client, intake_worker, beijum, official):
    """An open end runs past the stop date: the family is picked up like the others."""
    provider = ProviderFactory()
    IndicationFactory(provider=provider, client__team=beijum, end_on=None)
    assert services.provider_stop(provider=provider, stops_on=D(2027, 1, 1), user=official) == {
        "tasks": 1
    }
    client.force_login(intake_worker)
    page = client.get(f"/aanbieders/{provider.pk}/gezinnen/").content.decode()
    assert "open einde" in page
    assert "open einde" in client.get("/werk/").content.decode()


def test_the_timeline_runs_an_open_end_to_the_edge_without_marks():
    closed = Indication(
        start_on=D(2025, 1, 1), end_on=D(2026, 12, 31), evaluation_due_on=D(2026, 10, 31)
    )
    open_end = Indication(start_on=D(2026, 1, 1), end_on=None)
    rows = timeline([closed, open_end], today=TODAY)["rows"]
    assert rows[1]["open_end"] and rows[1]["three_months"] is None
    assert rows[1]["two_months"] is None
    assert rows[1]["left"] + rows[1]["width"] == pytest.approx(100)
    assert rows[0]["open_end"] is False and rows[0]["three_months"] is not None
    only_open = timeline([open_end], today=TODAY)
    assert only_open["rows"][0]["width"] > 0


# --- The admin -----------------------------------------------------------------------------


def test_officials_see_financing_and_open_ends_never_the_budget_holder(client, official, beijum):
    pgb = IndicationFactory(pgb=True, client__team=beijum, budget_holder="Bert Budgethouder")
    zin_open = IndicationFactory(client__team=beijum, end_on=None, product=product("45A04"))
    client.force_login(official)
    listing = client.get("/admin/indications/indication/").content.decode()
    assert "persoonsgebonden budget (PGB)" in listing and "open einde" in listing
    assert "Bert" not in listing
    only_pgb = client.get("/admin/indications/indication/?financing__exact=pgb").content.decode()
    assert f"#{pgb.pk} " in only_pgb and f"#{zin_open.pk} " not in only_pgb
    only_open = client.get("/admin/indications/indication/?einde=open").content.decode()
    assert f"#{zin_open.pk} " in only_open and f"#{pgb.pk} " not in only_open
    dated = client.get("/admin/indications/indication/?einde=datum").content.decode()
    assert f"#{pgb.pk} " in dated and f"#{zin_open.pk} " not in dated
    assert client.get("/admin/indications/indication/?einde=%00x").status_code in (200, 302, 400)
    change = client.get(f"/admin/indications/indication/{pgb.pk}/change/").content.decode()
    assert "persoonsgebonden budget (PGB)" in change and "Bert" not in change
    export = client.post(
        "/admin/indications/indication/",
        {"action": "export_as_csv", "_selected_action": [pgb.pk, zin_open.pk]},
    )
    assert export.status_code == 200
    body = export.content.decode()
    assert "open einde" in body and "Bert" not in body
