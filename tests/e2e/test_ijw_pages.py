"""The youth administration handles a request for allocation (JW315) in the browser: the
upload of the message, the worklist by deadline, the request with the phasing table's
proposal, "Controleer en verstuur", and the decision with the answer ready to be sent."""

import datetime
import re

from ijw.models import AllocationRequest
from samen import roles
from tests.factories import ClientFactory, ProviderFactory, UserFactory, _product
from tests.ijw.conftest import SHARED, jw315


def test_the_youth_admin_uploads_reviews_and_sends_an_answer(visitor, beijum, settings, tmp_path):
    settings.IJW_XSD_DIR = SHARED
    settings.IJW_MUNICIPALITY_CODE = "0014"
    settings.IJW_DECIDE_AUTOMATICALLY = False
    provider = ProviderFactory(name="Kinderpraktijk Noord", agb_code="42420001")
    provider.products.add(_product("45A51"))
    child = ClientFactory(team=beijum, bsn="999900006", first_name="Noor", last_name="Wierenga")
    message = tmp_path / "verzoek.xml"
    message.write_bytes(
        jw315(provider, client=child, dated_on=datetime.date(2026, 11, 16), reference="KPN-77")
    )
    jet = visitor(UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin", first_name="Jet"))

    page = jet.visit("/jeugdadministratie/")
    page.get_by_role("link", name="Ontvangen berichten uploaden").click()
    page.wait_for_load_state("load")
    jet.check("ijw upload")
    page.set_input_files("#id_files", str(message))
    page.get_by_role("button", name="Uploaden").click()
    page.wait_for_load_state("load")
    jet.check("ijw upload result")
    assert "geaccepteerd" in page.content()

    page.get_by_role("link", name="Werklijst berichten").first.click()
    page.wait_for_load_state("load")
    jet.check("ijw worklist")
    assert "Kinderpraktijk Noord" in page.content()
    page.get_by_role("link", name=re.compile("Noor Wierenga")).click()
    page.wait_for_load_state("load")
    jet.check("ijw request")
    assert "ja, team WIJ Beijum" in page.content()
    assert page.get_by_label(re.compile("naar WIJ")).is_checked()  # the proposal

    page.get_by_role("button", name="Controleer en verstuur").click()
    page.wait_for_load_state("load")
    jet.check("ijw request confirm")
    assert "Dit gaat eruit" in page.content() and "JW319" in page.content()
    request = AllocationRequest.objects.get()
    assert request.status == AllocationRequest.Status.PROPOSED

    page.get_by_role("button", name="Bevestigen en versturen").click()
    page.wait_for_url(re.compile(rf"/jeugdadministratie/berichten/verzoeken/{request.pk}/$"))
    jet.check("ijw request decided")
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.DONE and request.route == "wij"
    assert "Besloten: het antwoord staat klaar om te versturen." in page.content()
    jet.assert_no_csp_violations()
