"""Forms that fit the NL Design System (docs/accessibility.md, "Forms"): Dutch empty choices
in every form of the project and of the admin, selects with the design system's class, no
error look before a submit, one error summary that names and links every field, and the
admin's remaining English in Dutch."""

import datetime
import importlib
import re
from pathlib import Path

import polib
import pytest
import time_machine
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from samen.forms import BLANK_CHOICE_LABEL
from tests.factories import SupportRequestFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
# The English (and the bare) empty choices Django and the libraries would show.
ENGLISH_BLANKS = {"- Select an option -", "---------", "—", ""}
PROJECT_APPS = [
    app.name
    for app in apps.get_app_configs()
    if Path(app.path).is_relative_to(settings.BASE_DIR)
    and not Path(app.path).is_relative_to(settings.BASE_DIR / ".venv")
]


def _form_classes():
    """Every form class defined in the project's apps (their forms and admin modules)."""
    for app in PROJECT_APPS:
        for module in ("forms", "admin"):
            try:
                importlib.import_module(f"{app}.{module}")
            except ModuleNotFoundError:
                continue
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS:
                found.add(sub)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _blank_labels(form_fields) -> dict[str, str]:
    """The empty choice of every select of a form class, as the user reads it (in Dutch)."""
    labels = {}
    for name, field in form_fields.items():
        if isinstance(field.widget, (forms.HiddenInput, forms.RadioSelect)):
            continue
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                labels[name] = str(field.empty_label)
        elif isinstance(field, forms.ChoiceField):
            for value, label in field.choices:
                if value in ("", None):
                    labels[name] = str(label)
    return labels


def test_every_form_of_the_project_has_a_dutch_empty_choice():
    classes = _form_classes()
    assert len(classes) > 25, [cls.__name__ for cls in classes]  # the walk finds them all
    found = {}
    with translation.override("nl"):
        for cls in classes:
            for name, label in _blank_labels(cls.base_fields).items():
                found[f"{cls.__module__}.{cls.__qualname__}.{name}"] = label
    assert len(found) > 10, found
    english = {field: label for field, label in found.items() if label in ENGLISH_BLANKS}
    assert english == {}
    assert found["intake.forms.RegistrationForm.team"] == "Kies een team…"
    assert found["intake.forms.AssignForm.worker"] == "Kies een medewerker…"
    assert found["triage.forms.ChildOutcomeForm.intensity"] == "Kies…"
    assert found["triage.forms.ChildOutcomeForm.provider"] == "Kies…"


def test_every_admin_form_has_a_dutch_empty_choice():
    superuser = UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    found = {}
    with translation.override("nl"):
        for model, model_admin in admin.site._registry.items():
            form = model_admin.get_form(request)
            for name, label in _blank_labels(form.base_fields).items():
                found[f"{model._meta.label}.{name}"] = label
            # The action select of the change list.
            for value, label in model_admin.get_action_choices(request):
                if value == "":
                    found[f"{model._meta.label} actions"] = str(label)
    assert len(found) > 10, found
    assert {field: label for field, label in found.items() if label in ENGLISH_BLANKS} == {}
    assert found["intake.PostcodeArea.team"] == "Kies…"


def test_the_empty_choice_is_english_in_the_english_interface():
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "Choose…"
    with translation.override("nl"):
        assert str(BLANK_CHOICE_LABEL) == "Kies…"


@time_machine.travel(NOW)
def test_selects_have_the_design_systems_class_and_no_field_looks_wrong_before_a_submit(
    client, intake_worker
):
    client.force_login(intake_worker)
    html = client.get("/aanmeldingen/nieuw/").content.decode()
    selects = re.findall(r"<select [^>]*>", html)
    assert len(selects) >= 5
    for select in selects:
        assert "utrecht-select utrecht-select--html-select" in select, select
    assert "- Select an option -" not in html and "---------" not in html
    assert '<option value="" selected>Kies een team…</option>' in html
    # Nothing marked before the user did anything.
    assert "aria-invalid" not in html
    assert "utrecht-form-field--invalid" not in html
    assert "data-error-summary" not in html


@time_machine.travel(NOW)
def test_an_empty_registration_gets_a_summary_that_links_each_field(client, intake_worker):
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", {"received_at": "", "question": ""})
    assert response.status_code == 400
    html = response.content.decode()
    summary = _summary(html)
    assert "Er is een probleem" in summary
    links = dict(re.findall(r'<a class="utrecht-link" href="#([\w-]+)">([^<]+)</a>', summary))
    assert links["id_received_at"].startswith("Ontvangen op: ")
    assert links["id_question"] == "Vraag: Dit veld is vereist."
    # Each link points at a field on the page, which is marked for screen readers.
    for target in links:
        tag = re.search(rf'<(?:input|textarea|select)[^>]* id="{target}"[^>]*>', html)
        assert tag and 'aria-invalid="true"' in tag.group(0), target
    # One summary, at the top of the form: before the first field.
    assert html.count("data-error-summary") == 1
    assert html.index("data-error-summary") < html.index('id="id_client_search"')


@time_machine.travel(NOW)
def test_a_summary_links_a_group_of_checkboxes_to_its_first_box(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, status="contacted")
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/lichte-toets/", {"version": request.version}
    )
    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert 'href="#id_workers_0">Medewerkers: ' in summary
    assert 'href="#id_life_domains_0">' in summary
    assert 'href="#id_held_on">' in summary


def test_a_summary_shows_an_error_of_the_whole_form(client, intake_worker):
    from tests.login import post_password

    response = post_password(client, "intake", "wrong")
    summary = _summary(response.content.decode())
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in summary
    assert "<a " not in summary  # nothing to link to


def _summary(html: str) -> str:
    match = re.search(r"<div [^>]*data-error-summary>(.*?)</div>", html, re.S)
    assert match, "no error summary"
    return match.group(1)


def test_the_admins_remaining_english_is_dutch(client):
    superuser = UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    team = TeamFactory(name="WIJ Beijum")
    client.force_login(superuser)
    pages = {
        "changelist": client.get("/admin/indications/indication/"),
        # A list with a date drill-down (big tables have none, issue 21).
        "drilldown": client.get("/admin/samen/jobrun/"),
        "search": client.get("/admin/intake/team/"),
        "history": client.get(f"/admin/intake/team/{team.pk}/history/"),
        "delete": client.get(f"/admin/intake/team/{team.pk}/delete/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
    html = {name: response.content.decode() for name, response in pages.items()}
    assert "Filteren op gestart om" in html["drilldown"]  # "Filter by started at"
    assert "Kies…" in html["changelist"]  # the action select
    assert "WIJ-teams doorzoeken" in html["search"]  # "Search WIJ teams"
    assert 'alt="Zoeken"' in html["search"]  # the search box's label
    assert "Paginering WIJ-teams" in html["search"]
    assert "Geschiedenis bekijken: WIJ Beijum" in html["history"]  # django-simple-history
    assert "Gewijzigd door" in html["history"] and "Datum/tijd" in html["history"]
    english = [
        "Filter by",
        "Search ",
        'alt="Search"',
        "Pagination",
        "Select an option",
        "Change history",
        "View history",
        "Changed by",
        "Date/time",
    ]
    for name, page in html.items():
        assert "{#" not in page and "{%" not in page, f"template syntax on the {name} page"
        for text in english:
            assert text not in page, f"{text!r} on the admin's {name} page"
    javascript = client.get("/admin/jsi18n/").content.decode()
    assert "Gisteren (%(date)s)" in javascript and "Morgen (%(date)s)" in javascript


def test_the_hand_kept_dutch_for_django_is_complete_and_compiled():
    folder = Path(settings.BASE_DIR) / "locale" / "django" / "nl" / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert [entry.msgid for entry in po if not entry.translated()] == []
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(folder / "django.mo"))}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get(entry.msgid) == entry.msgstr, f"compile: {entry.msgid}"
    javascript = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"
    po = polib.pofile(str(javascript / "djangojs.po"))
    assert [entry.msgid for entry in po if not entry.translated()] == []
    compiled = {
        entry.msgid: entry.msgstr for entry in polib.mofile(str(javascript / "djangojs.mo"))
    }
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get(entry.msgid) == entry.msgstr, f"compile: {entry.msgid}"
