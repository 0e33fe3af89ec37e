"""Indications to their real end (issue 18), the core rules through the jobs' real entry
points and the services: the flag job's bounds (active and extended, from the run date up
to 3 months, whichever order the jobs run in, an open end never), tasks, notices and
end-evaluations per end date, extensions watched again, PGB, the early handover and the
handover to another provider."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from indications import services, tasks
from indications.models import ExtensionRequest, Indication, ProviderNotice, Task
from openhouse.models import HandoverNote
from referrals.models import Product
from samen.codelists import EndReason
from tests.factories import (
    EndEvaluationFactory,
    IndicationFactory,
    ProviderFactory,
    TriageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 12, 10)
NOW = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def english():
    """The services' messages are matched in English (the source strings)."""
    with translation.override("en"):
        yield


def kinds(indication, **filters) -> list[tuple[str, datetime.date | None, bool]]:
    """(kind, end date, open) of the indication's tasks, in a fixed order."""
    return sorted(
        (t.kind, t.for_end_on, t.done_on is None)
        for t in Task.objects.filter(indication=indication, **filters)
    )


# -- The flag job's bounds --------------------------------------------------------------


@pytest.mark.parametrize("status", ["active", "extended"])
def test_active_and_extended_indications_are_flagged(beijum, status):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 3, 10), status=status)
    counts = tasks.flag_expiring(TODAY.isoformat())
    assert counts["flagged"] == 1
    indication.refresh_from_db()
    assert (indication.status, indication.flagged_on) == ("ending_soon", TODAY)
    assert kinds(indication) == [("plan_triage", D(2027, 3, 10), True)]
    notice = ProviderNotice.objects.get(indication=indication)
    assert (notice.kind, notice.for_end_on, notice.due_on) == (
        "evaluation_due",
        D(2027, 3, 10),
        D(2027, 1, 10),
    )


@pytest.mark.parametrize("end_job_first", [True, False])
def test_an_indication_past_its_end_is_the_end_jobs_whichever_runs_first(beijum, end_job_first):
    """Still `active` a day after its end (the end job had not run, or an import of a past
    end): no task "plan the triage before the end" and no notice dated in the past."""
    past = IndicationFactory(client__team=beijum, end_on=D(2026, 12, 9))
    today_ends = IndicationFactory(client__team=beijum, end_on=TODAY)
    jobs = [tasks.end, tasks.flag_expiring]
    for job in jobs if end_job_first else reversed(jobs):
        job(TODAY.isoformat())
    past.refresh_from_db()
    today_ends.refresh_from_db()
    assert past.status == "ended" and not Task.objects.filter(indication=past).exists()
    assert not ProviderNotice.objects.filter(indication=past).exists()
    assert Indication.objects.out_of_sight().filter(pk=past.pk).exists()
    # Ending today is still running today: flagged.
    assert today_ends.status == "ending_soon"
    assert kinds(today_ends) == [("plan_triage", TODAY, True)]


def test_missed_days_catch_up_from_the_run_date(beijum):
    """The job did not run for a week: the run flags everything ending from its own date up
    to 3 months, once; what ended in the missed week is the end job's."""
    ended_in_the_gap = IndicationFactory(client__team=beijum, end_on=D(2026, 12, 5))
    in_reach = IndicationFactory(client__team=beijum, end_on=D(2027, 3, 1))
    late = IndicationFactory(client__team=beijum, end_on=D(2027, 3, 11))
    assert tasks.flag_expiring(TODAY.isoformat())["flagged"] == 1
    assert tasks.flag_expiring(TODAY.isoformat()) == {
        "flagged": 0,
        "tasks": 0,
        "notices": 0,
        "mails": 0,
    }
    assert kinds(in_reach) == [("plan_triage", D(2027, 3, 1), True)]
    assert not Task.objects.filter(indication__in=[ended_in_the_gap, late]).exists()


def test_an_open_end_is_never_flagged_nor_overdue(beijum):
    open_end = IndicationFactory(client__team=beijum, end_on=None)
    assert open_end.evaluation_due_on is None and str(open_end).endswith("–…")
    for day in (TODAY, D(2030, 1, 1)):
        tasks.flag_expiring(day.isoformat())
        tasks.check_evaluations(day.isoformat())
        tasks.end(day.isoformat())
    open_end.refresh_from_db()
    assert open_end.status == "active"
    assert not Task.objects.filter(indication=open_end).exists()


def test_an_open_end_overlaps_every_later_indication_for_the_product(beijum):
    open_end = IndicationFactory(client__team=beijum, start_on=D(2025, 1, 1), end_on=None)
    later = Indication(
        client=open_end.client,
        product=open_end.product,
        provider=ProviderFactory(),
        start_on=D(2030, 1, 1),
        end_on=D(2030, 6, 1),
    )
    with pytest.raises(ValidationError) as refused:
        later.full_clean()
    assert "already has an indication" in refused.value.message_dict["end_on"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        later.save()


# -- Extensions: watched again, per end date --------------------------------------------


def _flagged_with_overdue_evaluation(beijum):
    """Flagged on TODAY, its end-evaluation (due 30-11-2026) overdue: two open tasks."""
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    tasks.flag_expiring(TODAY.isoformat())
    tasks.check_evaluations(TODAY.isoformat())
    return indication


def _extension(indication, **fields) -> ExtensionRequest:
    with time_machine.travel(NOW):
        return services.extension_request_create(
            indication_id=indication.pk,
            requested_by=ExtensionRequest.Requester.WIJ,
            reasons="De begeleiding is nog niet klaar.",
            triage=TriageFactory(outcome="reindication_extend"),
            wij_advice="Verlengen: de doelen zijn bijna gehaald.",
            user=UserFactory(),
            **fields,
        )


def test_an_extension_watches_the_new_end_again(beijum):
    indication = _flagged_with_overdue_evaluation(beijum)
    old_evaluation = EndEvaluationFactory(indication=indication)
    assert old_evaluation.for_end_on == D(2027, 1, 31)
    extension = _extension(indication, proposed_end_on=D(2027, 7, 31))
    assert extension.decide_by == D(2027, 1, 31)  # 8 weeks would be 4-2-2027: the end first
    youth_admin = UserFactory(role="jeugdadministratie")
    with time_machine.travel(NOW):
        services.extension_decide(
            request_id=extension.pk,
            decision="extend",
            weighing="Zelfde aanbieder, nog een half jaar.",
            new_end_on=D(2027, 7, 31),
            user=youth_admin,
        )
    indication.refresh_from_db()
    assert (indication.status, indication.end_on, indication.evaluation_due_on) == (
        "extended",
        D(2027, 7, 31),
        D(2027, 5, 31),
    )
    assert indication.flagged_on is None and indication.follow_up_request is None
    # The old end's tasks are done by the extension; the provider is told.
    assert kinds(indication) == [
        ("evaluation_overdue", D(2027, 1, 31), False),
        ("plan_triage", D(2027, 1, 31), False),
    ]
    assert set(Task.objects.filter(indication=indication).values_list("done_how", flat=True)) == {
        "extended"
    }
    assert ProviderNotice.objects.filter(
        indication=indication, kind="extension_decided", for_end_on=D(2027, 1, 31)
    ).exists()
    # Not within 3 months yet: nothing new.
    assert tasks.flag_expiring(TODAY.isoformat())["flagged"] == 0
    # In its time the new end is flagged with its own task and notice.
    day = D(2027, 5, 1)
    assert tasks.flag_expiring(day.isoformat())["flagged"] == 1
    assert ("plan_triage", D(2027, 7, 31), True) in kinds(indication)
    assert ProviderNotice.objects.filter(
        indication=indication, kind="evaluation_due", for_end_on=D(2027, 7, 31)
    ).exists()
    # The evaluation written for the old end does not count for the new one.
    assert list(Indication.objects.evaluation_overdue(D(2027, 6, 1))) == [indication]
    tasks.check_evaluations(D(2027, 6, 1).isoformat())
    assert ("evaluation_overdue", D(2027, 7, 31), True) in kinds(indication)
    # The history shows every end.
    ends = {h.end_on for h in indication.history.all()}
    assert {D(2027, 1, 31), D(2027, 7, 31)} <= ends


def test_an_extension_is_decided_before_the_current_end(beijum):
    indication = IndicationFactory(client__team=beijum, end_on=D(2026, 12, 31))
    extension = _extension(indication)
    after_the_end = datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC)
    with (
        time_machine.travel(after_the_end),
        pytest.raises(ValidationError, match="end date has passed"),
    ):
        services.extension_decide(
            request_id=extension.pk,
            decision="extend",
            weighing="Te laat.",
            new_end_on=D(2027, 6, 30),
            user=UserFactory(role="jeugdadministratie"),
        )
    assert ExtensionRequest.objects.get(pk=extension.pk).is_pending


def test_after_the_open_house_closed_extend_needs_wijs_advice(beijum):
    product = Product.objects.get(code="45A51")
    assert product.open_house_closes_on <= TODAY
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 2, 28))
    evaluation = EndEvaluationFactory(indication=indication)
    provider_user = UserFactory(role="aanbieder")
    with time_machine.travel(NOW):
        extension = services.extension_request_create(
            indication_id=indication.pk,
            requested_by=ExtensionRequest.Requester.PROVIDER,
            reasons="Nog niet klaar.",
            end_evaluation=evaluation,
            user=provider_user,
        )
        assert services.extension_needs_wij_advice(extension, on_date=TODAY)
        with pytest.raises(ValidationError, match="WIJ's advice"):
            services.extension_decide(
                request_id=extension.pk,
                decision="extend",
                weighing="Verlengen.",
                new_end_on=D(2027, 8, 31),
                user=UserFactory(role="jeugdadministratie"),
            )
        # Not extending needs no advice.
        services.extension_decide(
            request_id=extension.pk,
            decision="wij",
            weighing="WIJ kan dit bieden.",
            new_end_on=None,
            user=UserFactory(role="jeugdadministratie"),
        )
    indication.refresh_from_db()
    assert indication.end_on == D(2027, 2, 28)


def test_a_provider_request_needs_its_end_evaluation_for_the_current_end(beijum):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 2, 28))
    other = EndEvaluationFactory()
    with time_machine.travel(NOW):
        for evaluation, message in ((None, "Attach the end-evaluation"), (other, "not the one")):
            with pytest.raises(ValidationError, match=message):
                services.extension_request_create(
                    indication_id=indication.pk,
                    requested_by=ExtensionRequest.Requester.PROVIDER,
                    reasons="Nog niet klaar.",
                    end_evaluation=evaluation,
                    user=UserFactory(role="aanbieder"),
                )


def test_one_extension_request_waits_at_a_time(beijum):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 2, 28))
    first = _extension(indication)
    with pytest.raises(ValidationError, match="already waiting"):
        _extension(indication)
    duplicate = ExtensionRequest(
        indication=indication, requested_by="wij", reasons="Nog een keer.", requested_on=TODAY
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert list(ExtensionRequest.objects.pending()) == [first]


# -- PGB ---------------------------------------------------------------------------------


def test_a_pgb_is_watched_with_tasks_to_wij_only(beijum):
    pgb = IndicationFactory(
        client__team=beijum,
        financing="pgb",
        provider=None,
        budget_holder="J. de Boer",
        end_on=D(2027, 1, 31),
    )
    pgb.full_clean()
    counts = tasks.flag_expiring(TODAY.isoformat())
    assert (counts["flagged"], counts["tasks"], counts["notices"]) == (1, 1, 0)
    tasks.check_evaluations(TODAY.isoformat())
    assert kinds(pgb) == [("plan_triage", D(2027, 1, 31), True)]
    assert not Indication.objects.evaluation_overdue(TODAY).exists()
    tasks.end(D(2027, 2, 1).isoformat())
    pgb.refresh_from_db()
    assert pgb.status == "ended"


@pytest.mark.parametrize(
    ("financing", "provider", "holder", "field"),
    [("pgb", True, "J. de Boer", "provider"), ("pgb", False, "", "budget_holder"),
     ("zin", False, "", "provider"), ("zin", True, "J. de Boer", "budget_holder")],
)  # fmt: skip
def test_a_provider_or_a_budget_holder(beijum, financing, provider, holder, field):
    indication = IndicationFactory.build(
        client=IndicationFactory(client__team=beijum).client,
        financing=financing,
        provider=ProviderFactory() if provider else None,
        budget_holder=holder,
        start_on=D(2020, 1, 1),
        end_on=D(2020, 6, 1),
    )
    with pytest.raises(ValidationError) as refused:
        indication.full_clean()
    assert field in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        indication.save()


def test_the_same_pgb_twice_is_refused_by_the_database(beijum):
    first = IndicationFactory(
        client__team=beijum, financing="pgb", provider=None, budget_holder="J. de Boer"
    )
    second = Indication(
        client=first.client,
        product=Product.objects.exclude(pk=first.product_id).first(),
        financing="pgb",
        budget_holder="J. de Boer",
        start_on=first.start_on,
        end_on=first.end_on,
    )
    second.save()  # another product: fine
    second.product = first.product
    with pytest.raises(IntegrityError), transaction.atomic():
        Indication.objects.filter(pk=second.pk).update(product=first.product)


# -- Early handover to WIJ ----------------------------------------------------------------


def test_the_provider_hands_over_early_to_wij(beijum):
    indication = _flagged_with_overdue_evaluation(beijum)
    provider_user = UserFactory(role="aanbieder")
    with time_machine.travel(NOW):
        services.indication_end_early(
            indication_id=indication.pk,
            ends_on=D(2026, 12, 20),
            end_reason=EndReason.EARLY_BY_AGREEMENT,
            message="Gezin is op de hoogte; graag een afspraak bij WIJ.",
            user=provider_user,
        )
    indication.refresh_from_db()
    assert (indication.status, indication.end_on, indication.end_reason) == (
        "transferred",
        D(2026, 12, 20),
        "34",
    )
    assert kinds(indication) == [
        ("evaluation_overdue", D(2027, 1, 31), False),
        ("handed_over", D(2026, 12, 20), True),
        ("plan_triage", D(2027, 1, 31), False),
    ]
    handover = Task.objects.get(indication=indication, kind="handed_over")
    assert (handover.team, handover.due_on) == (beijum, TODAY)
    note = HandoverNote.objects.get(indication=indication)
    assert (note.side, note.author) == ("provider", provider_user)
    # Ended early: no job touches it any more.
    tasks.end(D(2027, 2, 1).isoformat())
    indication.refresh_from_db()
    assert indication.status == "transferred"


@pytest.mark.parametrize(
    ("ends_on", "reason", "message", "field"),
    [
        (D(2026, 12, 9), "34", "x", "ends_on"),  # in the past
        (D(2027, 2, 1), "34", "x", "ends_on"),  # after the end: not early
        (D(2026, 12, 20), "31", "x", "end_reason"),  # "as planned" is not early
        (D(2026, 12, 20), "34", "  ", "message"),
    ],
)
def test_an_early_handover_says_what_is_missing(beijum, ends_on, reason, message, field):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    with time_machine.travel(NOW), pytest.raises(ValidationError) as refused:
        services.indication_end_early(
            indication_id=indication.pk,
            ends_on=ends_on,
            end_reason=reason,
            message=message,
            user=UserFactory(role="aanbieder"),
        )
    assert field in refused.value.message_dict
    indication.refresh_from_db()
    assert indication.status == "active" and indication.end_on == D(2027, 1, 31)


def test_a_waiting_extension_request_holds_a_handover(beijum):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    _extension(indication)
    with time_machine.travel(NOW), pytest.raises(ValidationError, match="decide it first"):
        services.indication_end_early(
            indication_id=indication.pk,
            ends_on=D(2026, 12, 20),
            end_reason="34",
            message="Overdracht.",
            user=UserFactory(role="aanbieder"),
        )


# -- Handing over to another provider -----------------------------------------------------


def test_handing_over_to_another_provider_makes_two_linked_indications(beijum):
    indication = _flagged_with_overdue_evaluation(beijum)
    other = ProviderFactory(name="Zorg Zuid")
    other.products.add(indication.product)
    with time_machine.travel(NOW):
        successor = services.indication_hand_over_to_provider(
            indication_id=indication.pk,
            provider=other,
            starts_on=D(2027, 1, 1),
            user=UserFactory(role="aanbieder"),
        )
    indication.refresh_from_db()
    assert (indication.status, indication.end_on, indication.end_reason) == (
        "other_provider",
        D(2026, 12, 31),
        "38",
    )
    assert (successor.provider, successor.start_on, successor.end_on) == (
        other,
        D(2027, 1, 1),
        D(2027, 1, 31),
    )
    assert successor.preceded_by == indication and indication.succeeded_by == successor
    # WIJ's open work moved with the family: no second task for the same end.
    assert not Task.objects.filter(indication=indication).exists()
    assert kinds(successor) == [
        ("evaluation_overdue", D(2027, 1, 31), True),
        ("plan_triage", D(2027, 1, 31), True),
    ]
    assert tasks.flag_expiring(TODAY.isoformat())["tasks"] == 0
    other_user = UserFactory(role="aanbieder")
    other.memberships.create(user=other_user)
    assert list(Indication.objects.visible_to(other_user)) == [successor]


def test_the_other_provider_needs_a_contract_for_the_product(beijum):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    without_contract = ProviderFactory()
    with time_machine.travel(NOW), pytest.raises(ValidationError) as refused:
        services.indication_hand_over_to_provider(
            indication_id=indication.pk,
            provider=without_contract,
            starts_on=D(2027, 1, 1),
            user=UserFactory(role="aanbieder"),
        )
    assert "contract" in refused.value.message_dict["provider"][0]


def test_a_stopping_provider_hands_its_open_ends_to_wij_too(beijum):
    provider = ProviderFactory()
    open_end = IndicationFactory(client__team=beijum, provider=provider, end_on=None)
    ended_before = IndicationFactory(
        client__team=beijum, provider=provider, start_on=D(2025, 1, 1), end_on=D(2026, 12, 1)
    )
    with time_machine.travel(NOW):
        counts = services.provider_stop(
            provider=provider, stops_on=D(2027, 1, 15), user=UserFactory()
        )
    assert counts["tasks"] == 1
    assert kinds(open_end) == [("provider_stops", None, True)]
    assert not Task.objects.filter(indication=ended_before).exists()


def test_not_extended_can_still_be_decided_after_the_end(beijum):
    """The family is owed a decision, and a waiting request would hold an early end or a
    handover for ever: "not extended" is decided after the end too; "extend" is not."""
    indication = IndicationFactory(client__team=beijum, end_on=D(2026, 12, 31))
    extension = _extension(indication)
    tasks.end(D(2027, 1, 5).isoformat())
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, tzinfo=datetime.UTC)):
        services.extension_decide(
            request_id=extension.pk,
            decision="wij",
            weighing="Te laat voor verlenging: Basis jeugdhulp bij WIJ.",
            new_end_on=None,
            user=UserFactory(role="jeugdadministratie"),
        )
    extension.refresh_from_db()
    indication.refresh_from_db()
    assert (extension.decision, indication.status, indication.end_on) == (
        "wij",
        "ended",
        D(2026, 12, 31),
    )


def test_only_an_evaluation_for_the_current_end_counts_as_received(beijum):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    old = EndEvaluationFactory(indication=indication)
    assert indication.evaluation_for_current_end() == old
    Indication.objects.filter(pk=indication.pk).update(end_on=D(2027, 7, 31))
    indication.refresh_from_db()
    assert indication.evaluation_for_current_end() is None
    new = EndEvaluationFactory(indication=indication, version=2)
    assert indication.evaluation_for_current_end() == new


def test_a_pgb_has_no_end_evaluation_due(beijum):
    pgb = IndicationFactory(
        client__team=beijum, financing="pgb", provider=None, budget_holder="J. de Boer"
    )
    assert pgb.end_on and pgb.evaluation_due_on is None
