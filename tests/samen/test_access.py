"""Roles and access: every page but login and /health/ needs a login; the admin is for
municipality officials only."""

import pytest
from django.contrib.auth.models import Group

from samen import roles
from tests.urls_walk import all_paths

pytestmark = pytest.mark.django_db

OPEN_TO_ANONYMOUS = {
    "login",
    "health",
    "set_language",
    # The OpenID Connect sign-in starts and returns here (accounts/oidc.py).
    "oidc_authentication_init",
    "oidc_authentication_callback",
}


def test_it_creates_every_role_group_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "wij_medewerker",
        "wij_teamleider",
        "gemeente",
        "aanbieder",
    }


def _codenames(role):
    group = Group.objects.get(name=role)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_it_gives_each_role_its_intended_permissions():
    official = _codenames(roles.OFFICIAL)
    assert ("samen", "view_jobrun") in official
    assert ("auth", "view_user") in official
    assert ("auth", "change_user") not in official
    assert ("samen", "change_jobrun") not in official
    # Providers get nothing outside their own portal's records.
    provider = _codenames(roles.PROVIDER)
    assert not any(app in {"intake", "triage", "referrals", "samen", "auth"} for app, _ in provider)
    # WIJ staff may not touch jobs or users.
    staff = _codenames(roles.WIJ_STAFF)
    assert not any(app in {"samen", "auth"} for app, _ in staff)


def test_it_keeps_roles_in_line_with_the_code_after_a_hand_edit():
    group = Group.objects.get(name=roles.WIJ_STAFF)
    group.permissions.clear()
    roles.roles_sync()
    assert _codenames(roles.WIJ_STAFF) == {
        (p.content_type.app_label, p.codename)
        for p in roles.Permission.objects.filter(roles.role_permission_filter(roles.WIJ_STAFF))
    }


def test_the_url_walk_covers_the_project():
    names = {name for _path, name in all_paths()}
    assert {"home", "login", "health", "password_change"} <= names
    assert any(path.startswith("/admin/") for path, _ in all_paths())


@pytest.mark.parametrize(
    ("path", "name"), [(p, n) for p, n in all_paths() if n not in OPEN_TO_ANONYMOUS]
)
def test_it_sends_an_anonymous_visitor_to_login(client, path, name):
    response = client.get(path, follow=True)
    if path.startswith("/api/"):
        assert response.status_code in (401, 403), path
    else:
        # The admin goes through its own login URL, which hands over to the one login page.
        final_url = response.redirect_chain[-1][0]
        assert final_url.startswith("/login/?next="), (path, response.redirect_chain)
        assert response.status_code == 200


def test_the_login_page_is_open(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'name="auth-username"' in response.content.decode()


@pytest.mark.parametrize("persona", ["provider_user", "intake_worker", "team_lead", "outsider"])
def test_only_officials_open_the_admin(client, request, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even a staff flag set by mistake is not enough
    user.save()
    client.force_login(user)
    assert client.get("/admin/", follow=True).status_code == 403


def test_an_official_opens_the_admin(client, official):
    client.force_login(official)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert client.get("/admin/samen/jobrun/").status_code == 200


def test_a_user_logs_in_and_out(client, intake_worker):
    from tests.login import sign_in

    response = sign_in(client, intake_worker)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_gets_a_clear_message_in_dutch(client, intake_worker):
    from tests.login import post_password

    response = post_password(client, "intake", "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in html
    assert 'role="alert"' in html


def test_a_user_changes_their_password(client, intake_worker):
    from tests.factories import PASSWORD

    client.force_login(intake_worker)
    response = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "een-nieuw-lang-wachtwoord",
            "new_password2": "een-nieuw-lang-wachtwoord",
        },
    )
    assert response.status_code == 302
    intake_worker.refresh_from_db()
    assert intake_worker.check_password("een-nieuw-lang-wachtwoord")
