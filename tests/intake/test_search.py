"""Search from every page (/zoeken/, the field in the header) and the one client search
selector behind it and the registration page's child picker."""

import datetime
import logging

import pytest
from django.utils import translation

from audit.models import AccessLogEntry
from intake.models import Client
from intake.selectors import SEARCH_LIMIT, client_search
from samen import roles
from tests.factories import ClientFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(query, visible=None):
    found = client_search(query, visible=visible or Client.objects.all())
    return [client.full_name for client in found.clients]


@pytest.fixture
def lewenborg(db):
    return TeamFactory(name="WIJ Lewenborg")


@pytest.fixture
def children(beijum, lewenborg):
    return {
        "sara": ClientFactory(
            bsn="111222333",
            first_name="Sara",
            last_name="Jansen",
            date_of_birth=datetime.date(2015, 3, 7),
            postcode="9735RV",
            house_number="140",
            team=beijum,
        ),
        "zoe": ClientFactory(
            first_name="Zoë",
            last_name="Dijkstra-Bakker",
            date_of_birth=datetime.date(2012, 11, 30),
            postcode="9735RV",
            house_number="140a",
            team=beijum,
        ),
        "sem": ClientFactory(
            first_name="Sem",
            last_name="Huizinga",
            date_of_birth=datetime.date(2018, 1, 2),
            postcode="9736AB",
            house_number="7",
            team=lewenborg,
        ),
    }


# The selector: each kind of term.


@pytest.mark.parametrize("query", ["111222333", "111 222 333", "111.222.333", " 111222333 "])
def test_a_bsn_in_any_spelling_finds_the_child(children, query):
    assert names(query) == ["Sara Jansen"]


def test_an_eight_digit_bsn_gets_its_leading_zero(beijum):
    ClientFactory(bsn="012345672", first_name="Noor", last_name="Bos", team=beijum)
    assert names("12345672") == ["Noor Bos"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("sara", ["Sara Jansen"]),
        ("SARA", ["Sara Jansen"]),
        ("jan", ["Sara Jansen"]),
        ("Sarah", ["Sara Jansen"]),
        ("Janssen", ["Sara Jansen"]),
        ("zoe", ["Zoë Dijkstra-Bakker"]),
        ("Zoë", ["Zoë Dijkstra-Bakker"]),
        ("dijkstra", ["Zoë Dijkstra-Bakker"]),
        ("bakker zoe", ["Zoë Dijkstra-Bakker"]),
        ("Xylofoon", []),
    ],
)
def test_a_name_part_any_case_without_diacritics_and_near_misses(children, query, found):
    assert names(query) == found


@pytest.mark.parametrize("query", ["7-3-2015", "07-03-2015", "7/3/2015", "7.3.2015", "07032015"])
def test_a_date_of_birth_in_dutch_spellings(children, query):
    assert names(query) == ["Sara Jansen"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("9735rv140", ["Sara Jansen", "Zoë Dijkstra-Bakker"]),
        ("9735 RV 140", ["Sara Jansen", "Zoë Dijkstra-Bakker"]),
        ("9735RV, 140a", ["Zoë Dijkstra-Bakker"]),
        ("9735 rv 140 A", ["Zoë Dijkstra-Bakker"]),
        ("9735RV 14", []),
        ("9735RV 1400", []),
    ],
)
def test_postcode_and_house_number_in_any_spelling(children, query, found):
    assert sorted(names(query)) == sorted(found)


def test_name_and_date_of_birth_together(children, beijum):
    ClientFactory(
        first_name="Sara", last_name="Jansen", date_of_birth=datetime.date(2019, 1, 1), team=beijum
    )
    assert len(names("sara jansen")) == 2
    assert names("Sarah 7-3-2015") == ["Sara Jansen"]
    assert names("jansen 8-3-2015") == []


def test_the_exact_bsn_comes_first_then_the_closest_name(beijum, children):
    ClientFactory(first_name="Saar", last_name="Jansema", team=beijum)
    assert names("sara jansen")[0] == "Sara Jansen"
    # 08012015 is a date (8-1-2015) and a BSN (008012015): the exact BSN comes first.
    ClientFactory(bsn="008012015", first_name="Bas", last_name="Bos", team=beijum)
    ClientFactory(
        first_name="Anna", last_name="Adema", date_of_birth=datetime.date(2015, 1, 8), team=beijum
    )
    assert names("08012015") == ["Bas Bos", "Anna Adema"]


def test_only_the_given_set_is_searched(children, beijum):
    assert names("huizinga", Client.objects.filter(team=beijum)) == []
    assert names("huizinga") == ["Sem Huizinga"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a", "at least 2"),
        ("!!! ?? ...", "at least 2"),
        ("x" * 101, "at most 100"),
        ("x" * 10_000, "at most 100"),
        ("Sara\x00", "cannot be searched"),
        ("31-02-2015", "not a date"),
        ("123456789", "not a valid BSN"),
    ],
)
def test_terms_that_cannot_be_searched_get_a_message(children, query, message):
    with translation.override("en"):
        found = client_search(query, visible=Client.objects.all())
    assert found.clients == [] and message in found.message and not found.searched


def test_odd_terms_never_break_it(children):
    for query in ["1-1-9999", "31-12-9999", "%", "_", "' OR 1=1 --", "\\", "9735rv99999", "0" * 9]:
        found = client_search(query, visible=Client.objects.all())
        assert found.searched or found.message


def test_results_are_limited_with_a_note_that_there_are_more(beijum):
    ClientFactory.create_batch(SEARCH_LIMIT + 1, last_name="Visser", team=beijum)
    found = client_search("visser", visible=Client.objects.all())
    assert len(found.clients) == SEARCH_LIMIT and found.more


def test_the_search_name_follows_the_names(beijum):
    child = ClientFactory(first_name="Ölkü", last_name="Çelik", team=beijum)
    assert Client.objects.get(pk=child.pk).search_name == "olku celik"
    child.last_name = "Ünal"
    child.save(update_fields=["last_name"])
    assert Client.objects.get(pk=child.pk).search_name == "olku unal"


# The page.


def search(client, term, **headers):
    return client.post("/zoeken/", {"search": term}, headers=headers)


def test_a_get_shows_the_empty_form_and_the_header_field_posts_here(client, intake_worker):
    client.force_login(intake_worker)
    html = client.get("/zoeken/").content.decode()
    assert 'action="/zoeken/"' in html and 'method="post"' in html
    assert "<title>Zoeken – Basis jeugdhulp</title>" in html
    home = client.get("/werk/").content.decode()
    assert 'id="header-search"' in home and 'hx-post="/zoeken/"' in home
    assert not AccessLogEntry.objects.exists()


def test_own_team_opens_the_file_other_team_only_with_a_reason(client, intake_worker, children):
    client.force_login(intake_worker)
    html = search(client, "Sarah").content.decode()
    assert f'href="/jeugdigen/{children["sara"].pk}/"' in html
    html = search(client, "Huizinga").content.decode()
    sem = children["sem"]
    assert "Sem Huizinga" in html and "WIJ Lewenborg" in html and "2-1-2018" in html
    assert f'href="/jeugdigen/{sem.pk}/toegang/"' in html
    assert f'href="/jeugdigen/{sem.pk}/"' not in html
    assert sem.bsn not in html and sem.postcode not in html


def test_as_you_type_answers_the_region_only(client, team_lead, children):
    client.force_login(team_lead)
    response = search(client, "sara", **{"HX-Request": "true"})
    html = response.content.decode()
    assert "Sara Jansen" in html and "1 jeugdige gevonden" in html
    assert "<html" not in html


def test_without_javascript_the_page_shows_the_results_and_keeps_the_terms(
    client, intake_worker, children
):
    client.force_login(intake_worker)
    html = search(client, "zoe").content.decode()
    assert "<html" in html and "Zoë Dijkstra-Bakker" in html and 'value="zoe"' in html


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("a", "minstens 2"),
        ("x" * 10_000, "hoogstens 100"),
        ("Sara\x00Jansen", "teken"),
        ("Xylofoon", "Geen jeugdige gevonden"),
        ("31-12-9999", "Geen jeugdige gevonden"),
        ("?!.,", "minstens 2"),
    ],
)
def test_clear_dutch_messages_and_never_a_server_error(
    client, intake_worker, children, term, message
):
    client.force_login(intake_worker)
    for headers in ({}, {"HX-Request": "true"}):
        response = search(client, term, **headers)
        assert response.status_code == 200
        assert message in response.content.decode()


@pytest.mark.parametrize(
    "role", [roles.OFFICIAL, roles.YOUTH_ADMIN, roles.PRIVACY, roles.PROVIDER, None]
)
def test_other_roles_may_not_search_and_have_no_field(client, children, role):
    client.force_login(UserFactory(role=role) if role else UserFactory())
    assert client.get("/zoeken/").status_code == 403
    response = search(client, "Sara")
    assert response.status_code == 403 and b"Jansen" not in response.content
    assert b'id="header-search"' not in client.get("/").content
    assert not AccessLogEntry.objects.filter(event="search").exists()


def test_only_get_and_post(client, intake_worker):
    client.force_login(intake_worker)
    assert client.put("/zoeken/").status_code == 405


def test_a_search_is_logged_by_the_children_shown_never_by_its_terms(
    client, intake_worker, children, caplog
):
    client.force_login(intake_worker)
    with caplog.at_level(logging.DEBUG):
        search(client, "Sarah")
        search(client, "111222333", **{"HX-Request": "true"})
        search(client, "9735rv140")
    entries = list(AccessLogEntry.objects.filter(event="search").order_by("id"))
    sara, zoe = children["sara"].pk, children["zoe"].pk
    assert [entry.client_ids for entry in entries] == [[sara], [sara], sorted([sara, zoe])]
    for entry in entries:
        assert entry.part == "search" and entry.path == "/zoeken/"
        assert entry.user_id == intake_worker.pk
    for term in ("Sarah", "sara", "111222333", "9735", "jansen"):
        assert all(term not in record.getMessage().lower() for record in caplog.records)
        assert all(term not in f"{e.path} {e.reason}".lower() for e in entries)


@pytest.mark.parametrize("count", [1, 25])
def test_a_fixed_number_of_queries_whatever_the_result_count(
    client, intake_worker, beijum, lewenborg, django_assert_num_queries, count
):
    for i in range(count):
        ClientFactory(last_name="Visser", team=beijum if i % 2 else lewenborg)
    client.force_login(intake_worker)
    # Session, user with role and teams (names too: the log's "on behalf of"), second
    # factor, the search, the visible ones among the results, the log's partition (once a
    # month per process; every time in a test's transaction), the log entry.
    with django_assert_num_queries(7):
        response = search(client, "Visser", **{"HX-Request": "true"})
    assert response.content.decode().count("<li") == min(count, SEARCH_LIMIT)
