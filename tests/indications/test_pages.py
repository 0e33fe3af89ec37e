"""The pages: indications ending per month, a child's indications on a timeline, and
starting WIJ's follow-up (re-triage) of an ending indication."""

import datetime

import pytest
import time_machine

from indications import services
from indications.models import Indication, Task
from tests.factories import IndicationFactory, ProviderFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW)
def test_ending_per_month_per_team_and_provider(
    client, team_lead, beijum, django_assert_max_num_queries
):
    provider = ProviderFactory(name="Zorg Noord")
    for end in (datetime.date(2026, 12, 5), datetime.date(2026, 12, 20), datetime.date(2027, 2, 1)):
        IndicationFactory(
            client__team=beijum, provider=provider, start_on=datetime.date(2025, 1, 1), end_on=end
        )
    IndicationFactory(
        client__team=beijum, provider=provider, end_on=datetime.date(2028, 1, 1)
    )  # too far
    client.force_login(team_lead)
    with django_assert_max_num_queries(8):
        html = client.get("/indicaties/aflopend/").content.decode()
    assert "WIJ Beijum" in html and "Zorg Noord" in html
    row = html[html.index("WIJ Beijum") :]
    cells = [c.split("<")[0] for c in row.split('utrecht-table__cell">')[1:8]]
    assert cells[:6] == ["0", "2", "0", "1", "0", "0"]  # November 2026 to April 2027
    assert "<strong>3</strong>" in row


@time_machine.travel(NOW)
def test_a_childs_timeline_and_the_follow_up(client, intake_worker, beijum):
    indication = IndicationFactory(client__team=beijum, end_on=datetime.date(2027, 1, 31))
    services.indications_flag_expiring(on_date=datetime.date(2026, 11, 22))
    client.force_login(intake_worker)
    html = client.get(f"/jeugdigen/{indication.client_id}/").content.decode()
    assert "samen-mark--two" in html and "30-11-2026" in html  # end-evaluation at the latest
    assert "Vervolgaanmelding registreren" in html
    response = client.post(f"/indicaties/{indication.pk}/vervolg/")
    assert response.status_code == 302
    indication.refresh_from_db()
    request = indication.follow_up_request
    assert request is not None and list(request.clients.all()) == [indication.client]
    assert request.assigned_worker == intake_worker
    assert Task.objects.get().done_on == datetime.date(2026, 11, 22)
    assert not Indication.objects.out_of_sight().exists()
    # Twice is refused with a message.
    response = client.post(f"/indicaties/{indication.pk}/vervolg/", follow=True)
    assert "volgt deze indicatie al op" in response.content.decode()


@pytest.mark.parametrize("persona", ["provider_user", "outsider"])
def test_others_see_no_child(client, request, persona, beijum):
    indication = IndicationFactory(client__team=beijum)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/jeugdigen/{indication.client_id}/").status_code == 403
    assert client.post(f"/indicaties/{indication.pk}/vervolg/").status_code == 403
