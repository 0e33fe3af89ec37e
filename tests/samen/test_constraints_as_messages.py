"""Every database rule a user can reach answers with a message, never a 500.

The list of rules is read from the models themselves (every `Meta.constraints` entry and
every `unique` field of the project's apps, plus the exclusion constraint made in SQL), so
a new constraint fails `test_every_constraint_is_provoked_or_placed` until it is either
provoked here through the admin, a form or the API, or placed with the reason it is out of
a user's reach (or where its own entry point tests it)."""

import datetime
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import ApiToken
from audit.models import AccessGrant
from audit.services import forget_known_partitions
from indications.models import ExtensionRequest, Indication, Task
from intake.models import Client as Child
from intake.models import (
    HouseholdMember,
    PostcodeArea,
    SupportRequest,
    Team,
    TeamMember,
    WorkerChangeRequest,
)
from openhouse.models import Provider, ProviderMembership
from referrals.models import Product, ReferrerOrganisation, RoutePhase
from samen import roles
from samen.limits import LONG_TEXT, REASON_TEXT
from tests.factories import (
    ClientFactory,
    HouseholdFactory,
    IndicationFactory,
    ProviderFactory,
    ReferrerOrganisationFactory,
    SupportRequestFactory,
    TeamFactory,
    TriageFactory,
    UserFactory,
)
from tests.intake.test_access_and_api import referral
from tests.intake.test_register import new_child
from tests.triage.helpers import triage_data
from triage.forms import CorrectionAnswerForm, CorrectionForm, ExceptionDecisionForm, ReportForm
from triage.models import (
    Beschikking,
    ConversationReport,
    CorrectionRequest,
    OpenHouseException,
    Triage,
)

pytestmark = pytest.mark.django_db

# Every app of the project (not the installed packages): a new app is in at once.
PROJECT_APPS = [
    app.label
    for app in apps.get_app_configs()
    if Path(app.path).is_relative_to(settings.BASE_DIR)
    and not Path(app.path).is_relative_to(settings.BASE_DIR / ".venv")
]
# Made in SQL (indications/migrations/0002), so not in Meta: named here by hand.
SQL_CONSTRAINTS = {"indications.Indication:no_overlapping_indications"}


def all_rules() -> set[str]:
    rules = set(SQL_CONSTRAINTS)
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            name = model._meta.label
            rules |= {f"{name}:{c.name}" for c in model._meta.constraints}
            rules |= {
                f"{name}.{f.name}:unique"
                for f in model._meta.local_fields
                if f.unique and not f.primary_key
            }
    return rules


# --- Provoked through the admin (officials) -------------------------------------------
# rule -> (model, values that break it on the add page, or a function making the object
# to change and the values that break it there).


def _org(**values):
    return ReferrerOrganisation.objects.create(
        name="Huisartsenpraktijk De Linie", referrer_type="02", **values
    )


ADMIN_ADD = {
    "referrals.Product:product_code_format": (Product, {"code": "45a!1"}),
    "referrals.Product:product_open_house_closes_after_move": (
        Product,
        {"open_house_closes_on": "2025-01-01"},
    ),
    "referrals.Product.code:unique": (Product, {"code": "45A51"}),
    "referrals.ReferrerOrganisation:referrer_agb_code_unique": (
        ReferrerOrganisation,
        {"agb_code": "01234567", "_before": lambda: _org(agb_code="01234567")},
    ),
    "referrals.ReferrerOrganisation:referrer_agb_code_format": (
        ReferrerOrganisation,
        {"agb_code": "123"},
    ),
    "referrals.ReferrerOrganisation:referrer_agb_code_only_for_care_referrers": (
        ReferrerOrganisation,
        {"referrer_type": "06", "agb_code": "12345678"},
    ),
    "referrals.ReferrerOrganisation:referrer_type_known": (
        ReferrerOrganisation,
        {"referrer_type": "07"},
    ),
    "intake.Team.name:unique": (
        Team,
        {"name": "WIJ Bestaand", "_before": lambda: TeamFactory(name="WIJ Bestaand")},
    ),
    "intake.PostcodeArea:postcodearea_digits_format": (PostcodeArea, {"digits": "0123"}),
    "intake.PostcodeArea.digits:unique": (
        PostcodeArea,
        {
            "digits": "9736",
            "_before": lambda: PostcodeArea.objects.create(digits="9736", team=TeamFactory()),
        },
    ),
    "intake.TeamMember:teammember_once_per_team": (
        TeamMember,
        {
            "_before": lambda: TeamMember.objects.create(
                user=UserFactory(username="lid"), team=TeamFactory()
            )
        },
    ),
    "openhouse.Provider:provider_agb_code_format": (Provider, {"agb_code": "12"}),
    "openhouse.Provider:provider_stop_has_date": (Provider, {"status": "stopping"}),
    "openhouse.Provider.agb_code:unique": (
        Provider,
        {"agb_code": "73990777", "_before": lambda: ProviderFactory(agb_code="73990777")},
    ),
    "openhouse.ProviderMembership.user:unique": (
        Provider,
        {
            "_before": lambda: ProviderFactory(agb_code="73990778").memberships.create(
                user=UserFactory(username="al-lid", role=roles.PROVIDER)
            ),
        },
    ),
}


def _valid(model, before) -> dict:
    """Values that make a valid add form of `model` (the violation is put over them)."""
    if model is Product:
        return {
            "code": "45Z99",
            "name": "Proefproduct",
            "moves_on": "2026-01-01",
            "open_house_closes_on": "2026-07-01",
        }
    if model is ReferrerOrganisation:
        return {"name": "Praktijk", "referrer_type": "02", "agb_code": "", "active": "on"}
    if model is Team:
        return {"name": "WIJ Nieuw", "active": "on"}
    if model is PostcodeArea:
        return {"digits": "9999", "team": TeamFactory(name="WIJ Ergens").pk}
    if model is TeamMember:
        return {"user": before.user_id, "team": before.team_id}
    if model is Provider:
        data = {"name": "Zorg", "agb_code": "73990999", "status": "active"}
        if isinstance(before, ProviderMembership):
            data["memberships-0-user"] = before.user_id
        return data
    raise AssertionError(model)


def _management(client, url) -> dict:
    """The inline formsets' management fields of an add page, as the browser sends them."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        for field in inline.formset.management_form:
            data[field.html_name] = field.value()
    return data


@pytest.fixture
def official_client(db):
    user = UserFactory(role=roles.OFFICIAL, username="ambtenaar", is_staff=True)
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


@pytest.mark.parametrize("rule", list(ADMIN_ADD))
def test_admin_add_form_answers_with_a_message(official_client, rule):
    model, values = ADMIN_ADD[rule]
    values = dict(values)
    before = values.pop("_before", lambda: None)()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    data = {**_management(official_client, url), **_valid(model, before), **values}
    if isinstance(before, ProviderMembership):
        data["memberships-TOTAL_FORMS"] = "1"
    count = model.objects.count()
    response = official_client.post(url, data)
    assert response.status_code == 200, rule  # the form again, not a redirect or a 500
    html = response.content.decode()
    assert 'class="errornote"' in html and "errorlist" in html, rule
    assert model.objects.count() == count


def test_route_phase_opening_needs_a_decision_in_the_admin(official_client):
    """`routephase_opening_is_decided` on the change page (adding is closed: one row per
    route, all present)."""
    phase = RoutePhase.objects.filter(opened_on__isnull=True).first() or RoutePhase.objects.first()
    url = reverse("admin:referrals_routephase_change", args=[phase.pk])
    response = official_client.get(url)
    form = response.context["adminform"].form
    data = {f.html_name: f.value() for f in form if f.value() not in (None, False)}
    data.update(
        {"opened_on": "2026-03-01", "decided_by": "", "decided_on": "", "note": "Nieuw besluit."}
    )
    response = official_client.post(url, data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert official_client.get(reverse("admin:referrals_routephase_add")).status_code == 403


# --- Provoked through the youth administration's extension decision -------------------


@pytest.fixture
def youth_admin_client(db):
    forget_known_partitions()
    user = UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin")
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def test_an_extension_that_would_overlap_answers_with_a_message(youth_admin_client, beijum):
    """The exclusion constraint (no overlapping indications of one child and product)."""
    indication = IndicationFactory(client__team=beijum, end_on=datetime.date(2026, 12, 31))
    IndicationFactory(
        client=indication.client,
        start_on=datetime.date(2027, 3, 1),
        end_on=datetime.date(2027, 12, 31),
    )
    extension = ExtensionRequest.objects.create(
        indication=indication,
        requested_on=datetime.date(2026, 10, 1),
        requested_by=ExtensionRequest.Requester.PROVIDER,
        reasons="Nog niet klaar.",
        # After the Open House closed, "extend" is offered only with WIJ's advice.
        triage=TriageFactory(outcome="reindication_extend"),
        wij_advice="WIJ adviseert te verlengen.",
    )
    response = youth_admin_client.post(
        f"/jeugdadministratie/verlengingen/{extension.pk}/",
        {
            "decision": "extend",
            "weighing": "Gewogen.",
            "new_end_on": "2027-06-30",
            "confirm": "1",
        },
    )
    assert response.status_code == 400
    assert "overlappen" in response.content.decode()
    indication.refresh_from_db()
    assert indication.end_on == datetime.date(2026, 12, 31)


def test_indication_clean_holds_the_sql_and_date_rules(beijum):
    first = IndicationFactory(client__team=beijum)
    overlapping = Indication(
        client=first.client,
        product=first.product,
        provider=ProviderFactory(),
        referrer_type="02",
        start_on=datetime.date(2025, 1, 1),
        end_on=datetime.date(2025, 12, 31),
    )
    with pytest.raises(ValidationError) as refused:
        overlapping.full_clean()
    assert "end_on" in refused.value.message_dict
    backwards = Indication(
        client=first.client,
        product=first.product,
        provider=first.provider,
        referrer_type="02",
        start_on=datetime.date(2030, 1, 1),
        end_on=datetime.date(2029, 1, 1),
    )
    with pytest.raises(ValidationError):
        backwards.full_clean()


# --- Provoked through the WIJ screens (workers, team leads, officials' exceptions) -----
# rule -> (who posts, a function making what the page needs and returning the URL, the
# data that break the rule, and where the answer names the field: a field name of a form
# shown again, or (form class, field name) for a page that redirects with a message that
# starts with the field's Dutch label).

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def _request(ctx, **values):
    return SupportRequestFactory(team=ctx.beijum, **values)


def _register(**changes):
    return lambda ctx: ("/aanmeldingen/nieuw/", new_child(**changes))


def _register_with_open_request(**changes):
    """The registration form for a child who already has an open request."""

    def setup(ctx):
        open_request = _request(ctx)
        child = open_request.clients.get()
        data = {
            "household": open_request.household_id,
            "children": [child.pk],
            "received_at": "2026-11-20T11:00",
            "channel": "phone",
            "question": "Nog een vraag.",
            "referrer_type": "06",
        }
        data.update(changes)
        if data.get("add_to_request") == "open":
            data["add_to_request"] = open_request.pk
        return "/aanmeldingen/nieuw/", data

    return setup


def _action(path, data):
    def setup(ctx):
        request = _request(ctx, assigned_worker=ctx.worker)
        return f"/aanmeldingen/{request.pk}/{path}/", {"version": request.version, **data}

    return setup


def _reopen(data):
    def setup(ctx):
        request = _request(ctx, assigned_worker=ctx.worker, closed=True)
        return f"/aanmeldingen/{request.pk}/heropenen/", {"version": request.version, **data}

    return setup


def _triage_data(request, worker, **changes) -> dict:
    """The triage form with one outcome per child (tests/triage/helpers.py), confirmed."""
    changes = {"products": [Product.objects.get(code="45A51").pk], **changes}
    return triage_data(request, worker, held_on="2026-11-20", **changes)


def _triage(**changes):
    def setup(ctx):
        request = _request(ctx, contacted=True)
        values = {k: v() if callable(v) else v for k, v in changes.items()}
        data = _triage_data(request, ctx.worker, **values)
        return f"/aanmeldingen/{request.pk}/lichte-toets/", data

    return setup


def _worker_change_decision(ctx):
    request = _request(ctx, assigned_worker=ctx.worker)
    change = WorkerChangeRequest.objects.create(
        support_request=request, reason="no_click", previous_worker=ctx.worker
    )
    return (
        f"/aanmeldingen/{request.pk}/andere-medewerker/{change.pk}/besluit/",
        {"grant": "1", "new_worker": ""},
    )


def _beschikking_request(**changes):
    def setup(ctx):
        request = _request(ctx)
        data = {
            "requested_on": "2026-11-20",
            "request_reason": "Moeder is het niet eens met de uitkomst.",
            "addressee": "Mevrouw A. Huizinga",
            "address": "Beijumerweg 12\n9735 AB Groningen",
            **changes,
        }
        return f"/aanmeldingen/{request.pk}/beschikking/", data

    return setup


def _beschikking_issue(**changes):
    def setup(ctx):
        beschikking = Beschikking.objects.create(
            support_request=_request(ctx),
            request_reason="Wil bezwaar kunnen maken.",
            addressee="Mevrouw A. Huizinga",
            address="Beijumerweg 12",
        )
        data = {"decision": "Geen jeugdhulp.", "grounds": "Uit de lichte toets blijkt …"}
        return f"/beschikkingen/{beschikking.pk}/", {**data, **changes}

    return setup


def _report(ctx):
    return ConversationReport.objects.create(
        support_request=_request(ctx), author=ctx.worker, text="Er is veel ruzie thuis."
    )


def _correction_new(**changes):
    def setup(ctx):
        data = {"requested_on": "2026-11-19", "kind": "addition", "family_text": "Aanvulling."}
        return f"/verslagen/{_report(ctx).pk}/correctie/", {**data, **changes}

    return setup


def _correction_answer(**changes):
    def setup(ctx):
        correction = CorrectionRequest.objects.create(
            report=_report(ctx), kind="addition", family_text="Het gaat beter."
        )
        data = {"accept": "0", "answer_text": "Het verslag klopt.", **changes}
        return f"/correcties/{correction.pk}/antwoord/", data

    return setup


def _exception_decision(**changes):
    def setup(ctx):
        triage = TriageFactory(support_request__team=ctx.beijum, outcome="open_house_exception")
        exception = OpenHouseException.objects.create(
            triage=triage, product=Product.objects.get(code="45A56"), approval="pending"
        )
        return f"/uitzonderingen/{exception.pk}/", {"approve": "1", "reasons": "Gewogen."} | changes

    return setup


def _break_the_glass(**changes):
    def setup(ctx):
        elsewhere = ClientFactory(team=TeamFactory(name="WIJ Vinkhuizen"))
        return f"/jeugdigen/{elsewhere.pk}/toegang/", {"reason": "moved", **changes}

    return setup


WIJ_CASES = {
    # Registration (/aanmeldingen/nieuw/): the child and the request.
    "intake.Client:client_bsn_nine_digits": ("worker", _register(bsn="12345678X"), "bsn"),
    "intake.Client:client_postcode_format": ("worker", _register(postcode="AB 9735"), "postcode"),
    "intake.Client:client_date_of_birth_in_range": (
        "worker",
        _register(date_of_birth="1899-12-31"),
        "date_of_birth",
    ),
    "intake.SupportRequest:request_referrer_type_known": (
        "worker",
        _register(referrer_type="07"),
        "referrer_type",
    ),
    "intake.SupportRequest:request_referral_date_in_range": (
        "worker",
        _register(referrer_type="02", referral_date="1899-12-31"),
        "referral_date",
    ),
    "intake.SupportRequest:request_anyway_has_reason": (
        "worker",
        _register_with_open_request(register_anyway="on", duplicate_reason="  "),
        "duplicate_reason",
    ),
    "intake.SupportRequest:request_duplicate_reason_max_length": (
        "worker",
        _register_with_open_request(register_anyway="on", duplicate_reason="r" * 2001),
        "duplicate_reason",
    ),
    "intake.FurtherQuestion:furtherquestion_question_max_length": (
        "worker",
        _register_with_open_request(add_to_request="open", question="v" * (LONG_TEXT + 1)),
        "question",
    ),
    "intake.SupportRequest:request_question_max_length": (
        "worker",
        _register(question="v" * (LONG_TEXT + 1)),
        "question",
    ),
    "intake.SupportRequest:request_supporter_name_only_with_supporter": (
        "worker",
        _register(client_supporter_name="MEE Groningen"),
        "client_supporter_name",
    ),
    # The request page's actions and the request for another worker.
    "intake.SupportRequest:request_closed_has_reason": (
        "worker",
        _action("afsluiten", {"reason": ""}),
        "reason",
    ),
    "intake.RequestReopening:reopening_has_reason": (
        "worker",
        _reopen({"reason": "   "}),
        "reason",
    ),
    "intake.RequestReopening:reopening_reason_max_length": (
        "worker",
        _reopen({"reason": "r" * (REASON_TEXT + 1)}),
        "reason",
    ),
    "intake.WorkerChangeRequest:workerchange_other_is_explained": (
        "worker",
        _action("andere-medewerker", {"requested_on": "2026-11-19", "reason": "other"}),
        "explanation",
    ),
    "intake.WorkerChangeRequest:workerchange_explanation_max_length": (
        "worker",
        _action(
            "andere-medewerker",
            {"requested_on": "2026-11-19", "reason": "other", "explanation": "e" * 2001},
        ),
        "explanation",
    ),
    "intake.WorkerChangeRequest:workerchange_granted_has_new_worker": (
        "team_lead",
        _worker_change_decision,
        "new_worker",
    ),
    # The triage form (lichte toets).
    "triage.Triage:triage_safety_concerns_have_actions": (
        "worker",
        _triage(safety_concerns="on", safety_actions=""),
        "safety_actions",
    ),
    "triage.Triage:triage_safety_actions_max_length": (
        "worker",
        _triage(safety_concerns="on", safety_actions="s" * (LONG_TEXT + 1)),
        "safety_actions",
    ),
    "triage.Triage:triage_child_not_heard_is_explained": (
        "worker",
        _triage(child_heard=None, child_not_heard_reason=""),
        "child_not_heard_reason",
    ),
    "triage.Triage:triage_basis_has_intensity": ("worker", _triage(intensity=""), "intensity"),
    "triage.Triage:triage_other_route_is_named": (
        "worker",
        _triage(outcome="other_route", other_route=""),
        "other_route",
    ),
    "triage.Triage:triage_referral_has_provider_and_reasons": (
        "worker",
        _triage(
            outcome="specialist",
            provider="",
            provider_contacted_on="2026-11-20",
            reasons="Zwaardere hulp nodig.",
        ),
        "provider",
    ),
    # The outcome per child in the triage form.
    "triage.ChildOutcome:child_outcome_has_intensity": (
        "worker",
        _triage(outcome="other_route", other_route="school", intensity=""),
        "intensity",
    ),
    "triage.ChildOutcome:child_outcome_other_route_is_named": (
        "worker",
        _triage(outcome="other_route", other_route=""),
        "other_route",
    ),
    "triage.ChildOutcome:child_outcome_referral_has_provider": (
        "worker",
        _triage(outcome="reindication_extend", provider="", reasons="Verlengen."),
        "provider",
    ),
    "triage.ChildOutcome:child_outcome_provider_contacted": (
        "worker",
        _triage(outcome="basis_wij", provider=lambda: ProviderFactory().pk),
        "provider_contacted_on",
    ),
    "triage.Triage:triage_reasons_max_length": (
        "worker",
        _triage(reasons="r" * 2001),
        "reasons",
    ),
    # The officials' weighing of an Open House exception (redirects with a message).
    "triage.OpenHouseException:exception_decision_is_recorded": (
        "official",
        _exception_decision(reasons="  "),
        (ExceptionDecisionForm, "reasons"),
    ),
    "triage.OpenHouseException:exception_decision_reasons_max_length": (
        "official",
        _exception_decision(reasons="r" * 2001),
        (ExceptionDecisionForm, "reasons"),
    ),
    # Beschikking: the request and issuing it.
    "triage.Beschikking:beschikking_request_reason_max_length": (
        "worker",
        _beschikking_request(request_reason="r" * 2001),
        "request_reason",
    ),
    "triage.Beschikking:beschikking_address_max_length": (
        "worker",
        _beschikking_request(address="a" * 501),
        "address",
    ),
    "triage.Beschikking:beschikking_issued_is_complete": (
        "worker",
        _beschikking_issue(decision=""),
        "decision",
    ),
    "triage.Beschikking:beschikking_decision_max_length": (
        "worker",
        _beschikking_issue(decision="d" * (LONG_TEXT + 1)),
        "decision",
    ),
    "triage.Beschikking:beschikking_grounds_max_length": (
        "worker",
        _beschikking_issue(grounds="g" * (LONG_TEXT + 1)),
        "grounds",
    ),
    # Conversation reports and the family's corrections (redirect with a message).
    "triage.ConversationReport:report_text_max_length": (
        "worker",
        lambda ctx: (
            f"/aanmeldingen/{_request(ctx).pk}/verslagen/",
            {"held_on": "2026-11-19", "text": "t" * (LONG_TEXT + 1)},
        ),
        (ReportForm, "text"),
    ),
    "triage.CorrectionRequest:correction_family_text_max_length": (
        "worker",
        _correction_new(family_text="f" * (LONG_TEXT + 1)),
        (CorrectionForm, "family_text"),
    ),
    "triage.CorrectionRequest:correction_answer_is_complete": (
        "worker",
        _correction_answer(answer_text=" "),
        (CorrectionAnswerForm, "answer_text"),
    ),
    "triage.CorrectionRequest:correction_answer_text_max_length": (
        "worker",
        _correction_answer(answer_text="a" * 2001),
        (CorrectionAnswerForm, "answer_text"),
    ),
    # Break-the-glass (audit/): opening a child's file outside one's teams.
    "audit.AccessGrant:accessgrant_other_is_explained": (
        "worker",
        _break_the_glass(reason="other", explanation=" "),
        "explanation",
    ),
    "audit.AccessGrant:accessgrant_explanation_max_length": (
        "worker",
        _break_the_glass(reason="other", explanation="e" * 1001),
        "explanation",
    ),
}


def _state() -> tuple:
    """Everything the WIJ screens change: after a refused post it must be as before."""
    return (
        Child.objects.count(),
        list(SupportRequest.objects.order_by("pk").values_list("version", "status")),
        list(WorkerChangeRequest.objects.order_by("pk").values_list("outcome", "explanation")),
        list(Triage.objects.values_list("pk", "outcome")),
        list(OpenHouseException.objects.order_by("pk").values_list("approval", flat=True)),
        list(Beschikking.objects.order_by("pk").values_list("issued_on", flat=True)),
        list(ConversationReport.objects.order_by("pk").values_list("text", flat=True)),
        list(CorrectionRequest.objects.order_by("pk").values_list("answer", flat=True)),
        AccessGrant.objects.count(),
    )


def _shown_messages(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def _forms_in(response):
    for context in response.context:
        for value in context.flatten().values():
            if isinstance(value, BaseForm):
                yield value
            if isinstance(value, BaseFormSet):  # the triage's outcome per child
                yield from value.forms


@pytest.fixture
def wij(request, beijum, intake_worker):
    """The WIJ team and its worker; the team lead and the official only when a case asks
    (each user costs a password hash)."""
    forget_known_partitions()
    return SimpleNamespace(beijum=beijum, worker=intake_worker, fixture=request.getfixturevalue)


@time_machine.travel(NOW)
@pytest.mark.parametrize("rule", list(WIJ_CASES))
def test_a_wij_screen_answers_with_a_message_on_the_field(client, wij, rule):
    who, setup, field = WIJ_CASES[rule]
    user = wij.worker if who == "worker" else wij.fixture(who)
    url, data = setup(wij)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    before = _state()
    response = client.post(url, data)
    assert response.status_code < 500, rule
    if isinstance(field, tuple):  # the page redirects, with a message naming the field
        form_class, name = field
        assert response.status_code == 302, rule
        with translation.override("nl"):
            label = str(form_class.base_fields[name].label)
        assert f"{label}:" in _shown_messages(response), rule
    else:  # the form again, the message on its field
        assert response.status_code in (200, 400), rule
        assert any(field in form.errors for form in _forms_in(response)), rule
        assert "violated" not in response.content.decode()  # Django's bare constraint text
    assert _state() == before, rule


@time_machine.travel(NOW)
def test_a_known_bsn_on_the_registration_form_is_a_message(client, wij):
    """`Client.bsn` is unique: the form finds the registered child and says so."""
    ClientFactory(bsn="111222333", team=wij.beijum)
    client.force_login(wij.worker)
    before = _state()
    response = client.post("/aanmeldingen/nieuw/", new_child(bsn="111222333"))
    assert response.status_code == 400
    assert "bsn" in response.context["form"].errors
    assert _state() == before


@time_machine.travel(NOW)
def test_a_route_outcome_that_does_not_match_the_phasing_table_is_a_message(client, wij):
    """`request_route_outcome_matches`: a medical specialist's referral of a day that route
    was not open yet (open since 1-1-2024) cannot be recorded as 'open'."""
    client.force_login(wij.worker)
    before = _state()
    response = client.post(
        "/aanmeldingen/nieuw/",
        new_child(referrer_type="05", referral_date="2023-06-01", route_decision="open"),
    )
    assert response.status_code == 400
    assert "route_decision" in response.context["form"].errors
    assert _state() == before


@time_machine.travel(NOW)
def test_triage_twice_revises_the_one_triage_and_its_one_exception(client, wij):
    """`Triage.support_request` and `OpenHouseException.triage` are unique: posting the
    triage form again for the same request revises its triage (and replaces the exception's
    product) instead of adding rows."""
    request = _request(wij, contacted=True)
    client.force_login(wij.worker)
    url = f"/aanmeldingen/{request.pk}/lichte-toets/"
    provider = ProviderFactory(name="Zorg BV")
    for code in ("45A56", "45A51"):
        request.refresh_from_db()
        data = _triage_data(
            request,
            wij.worker,
            outcome="open_house_exception",
            exception_product=Product.objects.get(code=code).pk,
            provider=provider.pk,
            reasons="Hulp die WIJ niet kan bieden.",
            intensity="specialist",
            products=None,
        )
        response = client.post(url, data)
        assert response.status_code == 302
    assert Triage.objects.filter(support_request=request).count() == 1
    assert list(OpenHouseException.objects.values_list("product__code", flat=True)) == ["45A51"]


@pytest.mark.django_db(transaction=True)
def test_the_same_new_child_registered_at_the_same_moment_is_a_message(client, beijum):
    """`Client.bsn` is unique, and no form check can see a registration that is not
    committed yet: a referrer's system sending the same new child while another
    registration of it is still open (a resend, a second referral) waits for the unique
    index and is then answered 400 on `child.bsn`, not a 500. The other registration holds
    its row in a second connection until the API's insert is seen waiting for it."""
    _token, key = ApiToken.objects.create(user=UserFactory(role=roles.WIJ_STAFF))
    ReferrerOrganisationFactory(agb_code="01990001", referrer_type="02")
    body = referral(referral_date=datetime.date.today().isoformat())
    inserted, failures = threading.Event(), []

    def other_registration():
        try:
            with transaction.atomic():
                ClientFactory(bsn=body["child"]["bsn"], team=beijum)
                inserted.set()
                deadline = time.monotonic() + 20
                with connection.cursor() as cursor:  # until the API's insert waits for us
                    while time.monotonic() < deadline:
                        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.05)
                    else:
                        failures.append("the API's insert never waited")
        finally:
            inserted.set()
            connection.close()

    thread = threading.Thread(target=other_registration)
    thread.start()
    assert inserted.wait(20)
    response = client.post(
        "/api/v1/referrals/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    thread.join(30)
    assert not failures
    assert response.status_code == 400, response.content
    assert response.json()["child"]["bsn"]
    assert Child.objects.count() == 1 and not SupportRequest.objects.exists()


# --- Provoked through the referral API (POST /api/v1/referrals/) ------------------------
# rule -> changes to a valid referral, and the path of the field the 400 names.

API_CASES = {
    "intake.Client:client_bsn_nine_digits": ({"bsn": "123456789"}, ["child", "bsn"]),
    "intake.Client:client_postcode_format": ({"postcode": "97350"}, ["child", "postcode"]),
    "intake.Client:client_date_of_birth_in_range": (
        {"date_of_birth": "2101-01-01"},
        ["child", "date_of_birth"],
    ),
    "intake.SupportRequest:request_referral_date_in_range": (
        {"referral_date": "1899-12-31"},
        ["referral_date"],
    ),
    "intake.SupportRequest:request_question_max_length": (
        {"question": "v" * (LONG_TEXT + 1)},
        ["question"],
    ),
}


@pytest.fixture
def api(client, wij):
    _token, key = ApiToken.objects.create(user=wij.worker)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    ReferrerOrganisationFactory(agb_code="01990001", referrer_type="02")
    return client


@time_machine.travel(NOW)
@pytest.mark.parametrize("rule", list(API_CASES))
def test_the_referral_api_answers_400_naming_the_field(api, rule):
    changes, path = API_CASES[rule]
    body = referral()
    if path[0] == "child":
        body["child"] = {**body["child"], **changes}
    else:
        body.update(changes)
    before = _state()
    response = api.post("/api/v1/referrals/", body, content_type="application/json")
    assert response.status_code == 400, rule
    errors = response.json()
    for key in path:
        errors = errors[key]
    assert errors and all(isinstance(error, str) for error in errors), rule
    assert _state() == before


@time_machine.travel(NOW)
def test_the_referral_api_with_a_known_bsn_registers_for_that_child(api, wij):
    """`Client.bsn` is unique: a referral for a registered child is a request for that
    child, not a second child (and not a 500)."""
    known = ClientFactory(bsn="111222333", team=wij.beijum)
    response = api.post("/api/v1/referrals/", referral(), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Child.objects.get() == known
    assert list(SupportRequest.objects.get().clients.all()) == [known]


# --- The models' clean() holds each check on its field ----------------------------------
# For the admin (superusers see clients and requests there) and every future entry point:
# full_clean() answers a check of Meta with a message on the field it is about.


def _member(**values):
    household = HouseholdFactory()
    return HouseholdMember(household=household, **values)


def _merged_into_itself():
    household = HouseholdFactory()
    household.merged_into = household
    return household


def _request_with(**values):
    request = SupportRequestFactory()
    for name, value in values.items():
        setattr(request, name, value)
    return request


CLEAN_CASES = {
    "intake.HouseholdMember:householdmember_child_is_client": (
        lambda: _member(role="child", name="Daan"),
        "client",
    ),
    "intake.HouseholdMember:householdmember_has_name": (lambda: _member(role="parent"), "name"),
    "intake.HouseholdMember:householdmember_authority_only_adults": (
        lambda: _member(role="sibling", name="Daan", parental_authority="yes"),
        "parental_authority",
    ),
    "intake.Household:household_not_merged_into_itself": (_merged_into_itself, "merged_into"),
    "intake.SupportRequest:request_closed_has_reason": (
        lambda: _request_with(status="closed", close_reason=""),
        "close_reason",
    ),
    "intake.SupportRequest:request_route_outcome_matches": (
        lambda: _request_with(route_open=False, route_outcome="open"),
        "route_outcome",
    ),
    "intake.WorkerChangeRequest:workerchange_granted_has_new_worker": (
        lambda: WorkerChangeRequest(
            support_request=SupportRequestFactory(), reason="no_click", outcome="granted"
        ),
        "new_worker",
    ),
    "triage.OpenHouseException:exception_decision_is_recorded": (
        lambda: OpenHouseException(
            triage=TriageFactory(outcome="open_house_exception"),
            product=Product.objects.get(code="45A56"),
            approval="approved",
            decided_on=datetime.date(2026, 11, 20),
        ),
        "decision_reasons",
    ),
    "triage.Beschikking:beschikking_issued_is_complete": (
        lambda: Beschikking(
            support_request=SupportRequestFactory(),
            request_reason="Bezwaar.",
            addressee="Gezin",
            address="Straat 1",
            decision="Besluit.",
            issued_on=datetime.date(2026, 11, 20),
        ),
        "grounds",
    ),
    "triage.CorrectionRequest:correction_answer_is_complete": (
        lambda: CorrectionRequest(
            report=ConversationReport.objects.create(
                support_request=SupportRequestFactory(),
                author=UserFactory(),
                text="Verslag.",
            ),
            kind="addition",
            family_text="Aanvulling.",
            answer="declined",
        ),
        "answer_text",
    ),
    "indications.Task:task_done_has_who_and_when": (
        lambda: Task(
            team=(indication := IndicationFactory()).client.team,
            indication=indication,
            kind=Task.Kind.PROVIDER_STOPS,
            due_on=NOW.date(),
            done_on=NOW.date(),
        ),
        "done_by",
    ),
    "audit.AccessGrant:accessgrant_expires_after_granted": (
        lambda: AccessGrant(
            user=UserFactory(),
            client=ClientFactory(),
            reason="moved",
            granted_at=NOW,
            expires_at=NOW,
        ),
        "expires_at",
    ),
}


@pytest.mark.parametrize("rule", list(CLEAN_CASES))
def test_clean_holds_the_check_on_its_field(rule):
    make, field = CLEAN_CASES[rule]
    instance = make()
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    assert field in refused.value.message_dict, rule


PROVOKED_HERE = {
    *ADMIN_ADD,
    "referrals.RoutePhase:routephase_opening_is_decided",
    "indications.Indication:no_overlapping_indications",
    "indications.Indication:indication_end_after_start",
    *WIJ_CASES,
    *API_CASES,
    "intake.Client.bsn:unique",
    "intake.SupportRequest:request_route_outcome_matches",
    "triage.Triage.support_request:unique",
    "triage.OpenHouseException.triage:unique",
}

# Rules no form, admin page or API call of a user can break, or that their own entry
# point's tests provoke. Reason for each; a new constraint must be added here or above.
PLACED = {
    # A destroyed file (rights/destruction.py): file_destroy makes one tombstone per request
    # and per anonymous client, under a lock on the request, and refuses a second run.
    "rights.Tombstone.client:unique": "file_destroy creates a new anonymous client for each tombstone (tests/rights/test_destruction.py)",
    "rights.Tombstone.request:unique": "file_destroy refuses a request carried out before (tests/rights/test_destruction.py)",
    # A copy of a file (rights/copies.py): made and released by the services only.
    "rights.FileCopy.request:unique": "copy_open gets or creates the one copy of a request (tests/rights/test_copy.py)",
    "rights.FileCopy:filecopy_released_has_date": "copy_release sets the status and the time together, once (tests/rights/test_copy.py)",
    # The family's rights (rights/): the date the retention job judged a file on comes
    # from the file's own record dates, which hold the same range.
    "rights.RightsRequest:rightsrequest_retention_basis_on_in_range": "written only by rights.retention.retention_review from the dates of the child's records, each in range themselves",
    # A destroyed file's marker (rights.destruction): editable=False, set only by
    # file_destroy to the day it runs (a view's timezone.localdate()), never typed.
    "intake.Client:client_destroyed_on_in_range": "set only by rights.destruction.file_destroy to today",
    "intake.SupportRequest:request_destroyed_on_in_range": "set only by rights.destruction.file_destroy to today",
    "trajectories.Trajectory:trajectory_destroyed_on_in_range": "set only by rights.destruction.file_destroy to today",
    # The national messages (ijw/): the input is a message, checked by ijw.services before
    # anything is stored; a rule it breaks becomes a retour code, never an IntegrityError.
    "ijw.Message:ijw_message_in_unique_identification": "message_receive keeps a second one as a duplicate (9056; tests/ijw/test_core.py), the savepoint catches a race",
    "ijw.Message:ijw_message_out_unique_identification": "identifications we write are random (ijw.services.new_identification)",
    "ijw.Message:ijw_message_direction_known": "set by the services only",
    "ijw.Message:ijw_message_type_known": "set from the parsed, schema-validated message only",
    "ijw.Message:ijw_message_status_fits_direction": "set by the services only",
    "ijw.Message:ijwmessage_dated_on_in_range": "message_receive stores a date outside the range as empty and rejects the message (8848 or 0001)",
    "ijw.Message:ijwmessage_errors_max_length": "message_receive cuts the explanation to the maximum",
    "ijw.AllocationRequest.extension:unique": "one request per JW317, made with its extension request",
    "ijw.AllocationRequest:ijw_request_unique_reference": "message_receive answers 9347 first (tests/ijw/test_core.py)",
    "ijw.AllocationRequest:ijw_request_done_has_route": "request_decide sets the route with the status (AllocationRequest.clean holds it)",
    "ijw.AllocationRequest:ijw_request_override_has_reason": "request_decide refuses without a reason through full_clean (tests/ijw/test_core.py)",
    "ijw.AllocationRequest:ijw_request_rejection_has_reason": "request_decide fills reason 4 for WIJ, and full_clean refuses a rejection without one",
    "ijw.AllocationRequest:ijwrequest_comment_max_length": "cut from the message's comment when the request is made",
    "ijw.AllocationRequest:ijwrequest_proposal_explained_max_length": "written by route_propose, cut to the maximum",
    "ijw.AllocationRequest:ijwrequest_override_reason_max_length": "the review form has the same maximum",
    "ijw.AllocationRequest:ijwrequest_start_on_in_range": "the JW315 handler refuses a date outside the range (0001)",
    "ijw.AllocationRequest:ijwrequest_end_on_in_range": "the JW315 handler refuses a date outside the range (0001)",
    "ijw.AllocationRequest:ijwrequest_date_of_birth_in_range": "the handler refuses a birth date outside the range (0001)",
    "indications.Indication.allocation_number:unique": "numbers come from a sequence that skips imported ones (ijw.services._allocation_number); the JW301 import checks per message",
    "indications.Indication:indication_allocation_number_fits": "the schema limits ToewijzingNummer to 9 digits (LDT_Nummer)",
    "indications.Indication:indication_care_started_on_in_range": "set from a schema-validated JW305, refused outside the range",
    "indications.Indication:indication_care_stopped_on_in_range": "set from a schema-validated JW307, refused outside the range",
    "triage.ChildOutcome:child_outcome_wij_is_basis": "the form sets WIJ's role Basis jeugdhulp for a WIJ outcome (triage.services.ChildOutcomeData.normalized); the role is no field for it",
    "triage.ChildOutcome:child_outcome_once": "one form per child of the request; the formset refuses a child twice or left out (tests/triage/test_outcomes_per_child.py)",
    "indications.ExtensionRequest:extension_extend_has_new_end": "the decision form requires the new end date (tests/indications/test_backoffice.py)",
    "openhouse.PassedOnReferral:passedonreferral_note_max_length": "the portal form and the API serializer have the same maximum (tests/openhouse/test_provider_steps.py, a note of 5,000 characters)",
    "openhouse.PassedOnReferral:passedonreferral_referral_date_in_range": "the portal form and the API serializer check the range (validate_date_in_range), and referral_pass_on refuses a referral date before the GP route opened or in the future",
    "referrals.RoutePhase:routephase_referrer_type_known": "one row per route; adding is closed, the type is read-only",
    "referrals.RoutePhase.referrer_type:unique": "adding is closed once every route has its row (403, tested above)",
    "indications.Indication:indication_unique_allocation": "import only: the same line again is not a new indication",
    "indications.Indication:indication_referrer_type_known": "import only: the type is checked per line",
    "indications.ExtensionRequest:extension_decision_is_weighed": "the decision form requires the weighing",
    "indications.Task:task_once_per_indication_end": "written by the jobs (ON CONFLICT DO NOTHING) and the handover service (get_or_create) only",
    "indications.Task:task_done_has_who_and_when": "set by indications.services only (task_complete, tasks_close_by_condition); the database refusing a done task without who is tested in tests/indications/test_tasks.py, clean() above",
    "indications.Task:task_done_note_max_length": "the tick-off form (tests/indications/test_tasks.py)",
    "indications.Task:task_once_per_trajectory_kind_date": "written by plans.services only (the evaluation-due job, ON CONFLICT DO NOTHING; safety_task_ensure looks first): tests/plans/test_plans.py",
    "indications.Task:task_about_indication_or_trajectory": "written by the jobs and plans.services only, each with one of the two; Task.clean holds it",
    "indications.ProviderNotice:notice_once_per_indication_end": "written by the jobs (ON CONFLICT DO NOTHING) and the extension decision (get_or_create) only",
    # Issue 18: written by indications.services only; each service refuses with a message first.
    "indications.ExtensionRequest:extension_letter_only_when_decided": "set by extension_letter_printed only, which refuses a request not yet decided with a message (tests/indications/test_extension_decisions.py)",
    "indications.ExtensionRequest:extension_proposed_end_on_in_range": "the portal's and the API's date fields (validate_date_in_range) refuse it first",
    "indications.ExtensionRequest:extension_new_end_on_in_range": "the decision form's date field (validate_date_in_range) refuses it first",
    "indications.ExtensionRequest:extension_decide_by_in_range": "computed from the request date and the end date, both in range",
    "indications.ExtensionRequest:extension_letter_printed_on_in_range": "set to today by extension_letter_printed only",
    "indications.ExtensionRequest:extension_decision_known": "the decision form offers the two decisions only; the service refuses another",
    "indications.ExtensionRequest:extension_new_end_only_when_extended": "extension_decide keeps the new end only with 'extend'",
    "indications.ExtensionRequest:extension_one_pending_per_indication": "extension_request_create refuses a second waiting request with a message first (tests/indications/test_extensions.py)",
    "indications.ExtensionRequest:extension_wij_advice_max_length": "the triage's advice is bounded by the triage's own text limits",
    "indications.Indication.preceded_by:unique": "indication_hand_over_to_provider ends the first indication, so it is handed over once",
    "indications.Indication:indication_end_reason_only_when_ended_early": "set with the status by indication_end_early and the handover only (Indication.clean holds it)",
    "indications.Indication:indication_ended_early_has_reason": "set with the status by indication_end_early and the handover only (Indication.clean holds it)",
    "indications.Indication:indication_provider_or_budget_holder": "the import refuses the line with a message first (Indication.clean holds it)",
    "openhouse.EndEvaluation:endevaluation_version_once": "numbered by the upload service under a row lock",
    "samen.JobRun:jobrun_finished_after_started": "written by the jobs only",
    "samen.JobRun:jobrun_running_not_finished": "written by the jobs only",
    "accounts.OidcIdentity:oidcidentity_once": "written by the sign-in only (accounts.services)",
    "accounts.OidcIdentity.user:unique": "written by the sign-in only (accounts.services)",
    "audit.AccessGrant:accessgrant_expires_after_granted": "both moments are set by audit.services.access_grant_open (now, now + BREAK_GLASS_HOURS); no form has them",
    # Intake: written by the services only, never typed in.
    "intake.HouseholdMember:householdmember_child_is_client": "intake.services.household_for_client adds the child as its Client; no form or API edits members (HouseholdMember.clean holds it)",
    "intake.HouseholdMember:householdmember_has_name": "intake.services.household_for_client adds an adult only when a name was given (HouseholdMember.clean holds it)",
    "intake.HouseholdMember:householdmember_client_once": "a household is made once, with its child, by household_for_client; a known child brings its own household",
    "intake.HouseholdMember:householdmember_authority_known_value": "the family file's authority form offers the three choices only (tests/intake/test_family.py)",
    "intake.HouseholdMember:householdmember_authority_only_adults": "the family file's authority form answers with a message (tests/intake/test_family.py); HouseholdMember.clean holds it",
    "intake.Household:household_not_merged_into_itself": "intake.services.household_merge refuses it first (tests/intake/test_family.py); Household.clean holds it",
    # Text limits and the date range whose own entry points' tests provoke them.
    "indications.ExtensionRequest:extension_weighing_max_length": "the extension decision form (tests/indications/test_limits.py)",
    "indications.ExtensionRequest:extension_reasons_max_length": "no form, admin page or API writes an extension request's reasons (its admin is read-only); the model field bounds them",
    "indications.Indication:indication_start_on_in_range": "the import, line by line (tests/indications/test_import_bad_values.py); the indication admin is read-only",
    "indications.Indication:indication_end_on_in_range": "the import and the extension decision (tests/indications/test_import_bad_values.py, test_limits.py); the admin is read-only",
    "openhouse.HandoverNote:handovernote_text_max_length": "the portal's and the child page's message forms (tests/openhouse/test_limits.py)",
    "referrals.RoutePhase:routephase_note_max_length": "the phasing admin (tests/referrals/test_limits.py)",
    "samen.JobRun:jobrun_heartbeat_after_started": "written by the jobs only (the heartbeat thread)",
    # The outbox: rows written by outbox.services only; its admin is read-only for all.
    "outbox.OutboxMessage:outbox_status_valid": "the status is set by outbox.services only (the admin cannot add or change)",
    "outbox.OutboxMessage:outbox_sent_has_sent_at": "set together by outbox.services.message_send only",
    "outbox.OutboxMessage:outbox_has_recipients": "message_queue drops invalid addresses and queues nothing without one (OutboxMessage.clean holds it)",
    "outbox.OutboxMessage.uuid:unique": "a uuid4 default, not editable",
    # Trajectories: rows written by trajectories.services only (tests/trajectories/).
    "trajectories.TrajectoryChild:one_running_trajectory_per_child": "trajectory_start refuses a second running trajectory first, naming it; the database refusing it is tested too (tests/trajectories/test_core.py)",
    "trajectories.TrajectoryChild:trajectory_child_once": "trajectory_start adds each child once (a set of the request's children)",
    "trajectories.Trajectory:trajectory_intensity_known": "the intensity comes from the triage's choices or the scale buttons' fixed values",
    "trajectories.Trajectory:trajectory_running_has_start": "trajectory_begin sets the date with the status (Trajectory.clean holds it)",
    "trajectories.Trajectory:trajectory_end_is_complete": "trajectory_end sets date, reason and results together; the end form requires them (Trajectory.clean holds it)",
    "trajectories.Trajectory:trajectory_end_after_start": "trajectory_end refuses an end before the start with a message on the date (tests/trajectories/test_core.py)",
    "trajectories.Trajectory:trajectory_satisfaction_only_when_asked": "trajectory_end drops a result when satisfaction was not asked",
    "trajectories.Trajectory:trajectory_started_on_in_range": "trajectory_begin refuses a future date; the form field's date range (validate_date_in_range)",
    "trajectories.Trajectory:trajectory_ended_on_in_range": "trajectory_end refuses a future date; the form field's date range (validate_date_in_range)",
    "trajectories.Trajectory:trajectory_end_note_max_length": "the end form's field has the same maximum",
    "trajectories.TrajectoryCoach:one_current_coordinator_per_trajectory": "coach_handover ends the coordinator's row before it starts the next",
    "trajectories.TrajectoryCoach:coach_once_at_a_time": "coach_handover ends the new coach's running row first",
    "trajectories.TrajectoryCoach:coach_until_after_from": "the services end a row on today or the trajectory's end, never before its start",
    "trajectories.IntensityChange:intensity_change_changes": "intensity_change refuses the current intensity with a message (tests/trajectories/test_core.py)",
    "trajectories.IntensityChange:intensity_change_has_reason": "intensity_change refuses an empty reason with a message",
    "trajectories.Reassessment:reassessment_outcome_is_investigated": "the re-assessment form requires who, when and what (Reassessment.clean holds it)",
    "trajectories.Reassessment:reassessment_investigated_after_asked": "the re-assessment form answers with a message on the date (Reassessment.clean holds it)",
    "trajectories.Reassessment:reassessment_family_concern_max_length": "the re-assessment form's field has the same maximum",
    "trajectories.Reassessment:reassessment_investigation_max_length": "the re-assessment form's field has the same maximum",
    "trajectories.Reassessment:one_open_reassessment_per_trajectory": "the question page answers with a message while one is open (tests/trajectories/test_reassessment.py, test_one_open_question_at_a_time_and_none_on_an_ended_trajectory)",
    "trajectories.Reassessment:reassessment_shared_after_outcome": "the share step exists only after the outcome and refuses a date before it (tests/trajectories/test_reassessment.py, test_a_bad_sharing_is_refused)",
    "trajectories.Reassessment:reassessment_agreement_when_shared": "the family's agreement is recorded with the sharing, in one step (reassessment_share)",
    "trajectories.Reassessment:reassessment_beschikking_once": "the link step offers only beschikkingen no re-assessment holds yet (tests/trajectories/test_reassessment.py)",
    # The support plan: rows written by plans.services only, after the plan's forms
    # (tests/plans/test_plans.py); the models' clean() holds the same rules.
    "plans.SupportPlan:support_plan_once_per_household": "plan_save locks the household's plan first; two first saves at once: the second is a message (IntegrityError caught)",
    "plans.SupportPlan:support_plan_next_evaluation_on_in_range": "set by the evaluation form, whose date field has the range (validate_date_in_range)",
    "plans.Goal:goal_has_text": "the goal form requires the text; an empty row is skipped",
    "plans.Goal:goal_domain_known": "the goal form offers the life domains only",
    "plans.Goal:goal_text_max_length": "the goal form's field has the same maximum",
    "plans.Goal:goal_child_view_max_length": "the goal form's field has the same maximum",
    "plans.Agreement:agreement_has_text": "the agreement form requires the text; an empty row is skipped",
    "plans.Agreement:agreement_provider_iff_party_provider": "the agreement form answers on the provider field (AgreementForm.clean)",
    "plans.Agreement:agreement_shared_only_with_provider": "the agreement form answers on the sharing field (AgreementForm.clean)",
    "plans.Agreement:agreement_text_max_length": "the agreement form's field has the same maximum",
    "plans.PlanVersion:plan_version_number_once": "numbered by plan_save under the plan's row lock",
    "plans.PlanVersion:plan_version_agreed_after_shown": "plan_agree refuses an agreement before it was shown, with a message (tests/plans/test_plans.py)",
    "plans.PlanVersion:plan_version_agreed_on_in_range": "the agreement form's date fields have the range; plan_agree refuses a future date",
    "plans.PlanVersion:plan_version_shown_on_in_range": "the agreement form's date fields have the range; plan_agree refuses a future date",
    "plans.Evaluation:plan_evaluation_next_after": "plan_evaluate answers on the next evaluation date (tests/plans/test_plans.py)",
    "plans.Evaluation:plan_evaluation_evaluated_on_in_range": "plan_evaluate refuses a date outside the trajectory or in the future",
    "plans.Evaluation:plan_evaluation_next_evaluation_on_in_range": "the evaluation form's date field has the range (validate_date_in_range)",
    "plans.GoalProgress:goal_progress_known": "the evaluation form offers the scale's values only",
    "plans.GoalProgress:goal_progress_once": "plan_evaluate writes one row per goal of the plan",
    "plans.GoalProgress:goal_progress_note_max_length": "the evaluation form's note field has the same maximum",
    # The family's requests: rows written by rights.services only, after the privacy
    # officer's forms (tests/rights/test_requests.py, tests/rights/test_request_pages.py);
    # RightsRequest.clean() holds the same rules and every service calls full_clean().
    "rights.RightsRequest:rightsrequest_deadline_after_received": "the deadline is computed from the day received (deadline_for), never typed",
    "rights.RightsRequest:rightsrequest_extension_after_deadline": "rights_request_extend computes the new deadline (two months after the deadline)",
    "rights.RightsRequest:rightsrequest_extension_has_reason": "the extension form requires the reason",
    "rights.RightsRequest:rightsrequest_origin_requester": "the register form requires who asks; retention requests are made by the job without one",
    "rights.RightsRequest:rightsrequest_unentitled_not_granted": "the decision form offers only a refusal and answers a posted grant with a message (test_a_request_of_someone_not_entitled_is_recorded_and_only_refused)",
    "rights.RightsRequest:rightsrequest_decision_complete": "the decision form requires the reasons; the service sets the date",
    "rights.RightsRequest:rightsrequest_status_follows_decision": "set together by rights_request_decide under the row lock",
    "rights.RightsRequest:rightsrequest_closed_has_date": "set together by rights_request_decide and rights_request_close under the row lock",
    "rights.RightsRequest:rightsrequest_received_on_in_range": "the register form's date field has the range and refuses a future day",
    "rights.RightsRequest:rightsrequest_deadline_in_range": "computed from the day received, which is in the range",
    "rights.RightsRequest:rightsrequest_deadline_extended_to_in_range": "computed from the deadline (two months), which is in the range",
    "rights.RightsRequest:rightsrequest_decided_on_in_range": "the service sets today",
    "rights.RightsRequest:rightsrequest_closed_on_in_range": "the services set today",
    "rights.RightsRequest:rightsrequest_description_max_length": "the register form limits what is asked to the same maximum",
    "rights.RightsRequest:rightsrequest_extension_reason_max_length": "the extension form's field has the same maximum",
    "rights.RightsRequest:rightsrequest_decision_reason_max_length": "the decision form's field has the same maximum",
    "rights.RightsRequest:rightsrequest_outcome_note_max_length": "the closing form's field has the same maximum; the correction's note names fields only",
}


def test_every_constraint_is_provoked_or_placed():
    rules = all_rules()
    unplaced = rules - PROVOKED_HERE - set(PLACED)
    assert not unplaced, (
        f"provoke these through a form, the admin or the API, or place them: {sorted(unplaced)}"
    )
    assert not (PROVOKED_HERE | set(PLACED)) - rules, "a listed rule no longer exists"
