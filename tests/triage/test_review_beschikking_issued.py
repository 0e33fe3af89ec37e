"""Review of issue 16: a post to a beschikking that has been issued already (a second tab,
the back button, a double click after the letter went out) is a message, not a 500."""

import datetime

import pytest

from tests.factories import SupportRequestFactory
from triage.models import Beschikking

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "data",
    [{}, {"decision": "Nog eens", "grounds": "Anders"}, {"step": "issue", "decision": "x"}],
)
def test_a_post_to_an_issued_beschikking_is_a_message(client, intake_worker, beijum, data):
    beschikking = Beschikking.objects.create(
        support_request=SupportRequestFactory(team=beijum),
        request_reason="Moeder is het niet eens met de uitkomst.",
        addressee="Mevrouw A. Huizinga",
        address="Beijumerweg 12\n9735 AB Groningen",
        decision="U krijgt Basis jeugdhulp.",
        grounds="Uit de lichte toets.",
        issued_on=datetime.date(2026, 11, 6),
        issued_by=intake_worker,
    )
    client.force_login(intake_worker)
    response = client.post(f"/beschikkingen/{beschikking.pk}/", data)
    assert response.status_code == 400
    assert "is afgegeven" in response.content.decode()
    beschikking.refresh_from_db()
    assert beschikking.decision == "U krijgt Basis jeugdhulp."
