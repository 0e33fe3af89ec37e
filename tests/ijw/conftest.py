import datetime
from pathlib import Path

import pytest
from django.conf import settings

from ijw import samples, xml
from samen import roles
from tests.factories import ClientFactory, ProviderFactory, UserFactory, _product

SHARED = Path(settings.BASE_DIR).parent / "shared" / "ijw"


@pytest.fixture(autouse=True)
def schemas_from_shared(settings):
    """Tests read the official schemas from ../shared/ijw (never copied into the repo)."""
    settings.IJW_XSD_DIR = SHARED
    settings.IJW_MUNICIPALITY_CODE = "0014"
    settings.IJW_DECIDE_AUTOMATICALLY = False


@pytest.fixture
def provider(db):
    provider = ProviderFactory(name="Kinderpraktijk Noord", agb_code="42420001")
    provider.products.add(_product("45A51"), _product("50G41"))
    return provider


@pytest.fixture
def youth_admin(db):
    return UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin", first_name="Jet")


@pytest.fixture
def child(beijum):
    return ClientFactory(team=beijum, bsn="999900006", date_of_birth=datetime.date(2014, 2, 14))


def child_data(client=None, bsn="999900006") -> xml.ClientData:
    return xml.ClientData(
        bsn=client.bsn if client else bsn,
        date_of_birth=client.date_of_birth if client else datetime.date(2014, 2, 14),
        last_name=client.last_name if client else "Wit",
        first_names=client.first_name if client else "Tom",
    )


_counter = iter(range(1, 10**6))


def jw315(
    provider,
    *,
    code="45A51",
    start_on=datetime.date(2026, 12, 7),
    end_on=None,
    referrer_type="02",
    reference=None,
    client=None,
    bsn="999900006",
    identification=None,
    dated_on=None,
) -> bytes:
    n = next(_counter)
    return samples.jw315(
        sender=provider.agb_code,
        identification=identification or f"t315-{n:07d}",
        dated_on=dated_on or datetime.date(2026, 12, 4),
        child=child_data(client, bsn),
        products=[
            samples.Requested(
                reference=reference or f"REF-{n}",
                code=code,
                start_on=start_on,
                end_on=end_on,
                referrer_type=referrer_type,
                referrer_name="Huisarts Jansen",
                referrer_agb="01234567",
            )
        ],
    )
