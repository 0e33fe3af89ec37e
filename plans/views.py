"""The support plan pages: the plan of a family (view, edit, versions, agreement with the
family, evaluation, PDF) and, in the provider portal, the agreements shared with it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Event, access_log_record, log_read
from intake.family_views import _household
from intake.models import Client
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.roles import PROVIDER, TEAM_LEAD, WIJ_STAFF

from . import services
from .forms import AgreeForm, AgreementFormSet, EvaluationForm, GoalFormSet, PlanVersionForm
from .models import Agreement, SupportPlan
from .pdf import plan_pdf

staff_only = role_required(WIJ_STAFF, TEAM_LEAD)


def _context(request, pk):
    """(household, plan or None, the visible children, response): through the family file's
    own check (Household.visible_to; refused and logged otherwise)."""
    household, response = _household(request, pk)
    if response:
        return None, None, [], response
    children = list(
        Client.objects.visible_to(request.user)
        .filter(household_memberships__household=household)
        .order_by("first_name", "pk")
    )
    plan = (
        SupportPlan.objects.visible_to(request.user)
        .select_related("trajectory")
        .filter(household=household)
        .first()
    )
    return household, plan, children, None


def _child_ids(household) -> list[int]:
    return list(household.members.filter(client__isnull=False).values_list("client_id", flat=True))


@staff_only
def plan_detail(request, pk):
    """The plan: goals per life domain, agreements, the versions (each with what changed
    and whether the family agreed), the evaluations, and the links to edit and evaluate."""
    household, plan, children, response = _context(request, pk)
    if response:
        return response
    log_read(request, "support plan", _child_ids(household), household.pk)
    context = {"household": household, "plan": plan, "children": children}
    if plan is not None:
        context.update(
            goals=list(plan.goals.select_related("child")),
            agreements=list(plan.agreements.select_related("provider")),
            versions=list(plan.versions.select_related("made_by", "agreed_recorded_by")),
            evaluations=list(
                plan.evaluations.select_related("recorded_by").prefetch_related("progress__goal")
            ),
            trajectory=plan.trajectory or services.running_trajectory_of_household(household.pk),
        )
    else:
        context["trajectory"] = services.running_trajectory_of_household(household.pk)
    return render(request, "plans/plan.html", context)


def _goal_initial(plan) -> list[dict]:
    if plan is None:
        return []
    return [
        {
            "id": g.pk,
            "domain": g.domain,
            "text": g.text,
            "child": g.child_id,
            "child_view": g.child_view,
        }
        for g in plan.goals.all()
    ]


def _agreement_initial(plan) -> list[dict]:
    if plan is None:
        return []
    return [
        {
            "id": a.pk,
            "party": a.party,
            "provider": a.provider_id,
            "text": a.text,
            "is_safety": a.is_safety,
            "shared_with_provider": a.shared_with_provider,
        }
        for a in plan.agreements.all()
    ]


@staff_only
def plan_edit(request, pk):
    """Edit the goals and agreements (formsets, no JavaScript: empty rows to add, a box to
    remove). A save makes a new version; a plan without goals is refused, nothing typed
    is lost (the form comes back as sent)."""
    household, plan, children, response = _context(request, pk)
    if response:
        return response
    log_read(request, "support plan", _child_ids(household), household.pk)
    data = request.POST if request.method == "POST" else None
    goals = GoalFormSet(
        data,
        initial=_goal_initial(plan),
        prefix="goal",
        form_kwargs={"children": children},
    )
    agreements = AgreementFormSet(data, initial=_agreement_initial(plan), prefix="agreement")
    version_form = PlanVersionForm(data, initial={"version": plan.version if plan else None})
    if data is not None:
        if goals.is_valid() and agreements.is_valid() and version_form.is_valid():
            try:
                version = services.plan_save(
                    household=household,
                    goals=goals.items(),
                    agreements=agreements.items(),
                    user=request.user,
                    expected_version=version_form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                add_validation_errors(version_form, exc)
            else:
                access_log_record(
                    request=request,
                    event=Event.CHANGE,
                    part="support plan",
                    clients=_child_ids(household),
                    object_id=household.pk,
                )
                messages.success(
                    request,
                    _("Plan saved as version %(number)s.") % {"number": version.number},
                )
                return redirect("plans:detail", pk=household.pk)
        else:
            messages.error(request, _("The plan was not saved: see the messages below."))
    return render(
        request,
        "plans/plan_edit.html",
        {
            "household": household,
            "plan": plan,
            "goals": goals,
            "agreements": agreements,
            "version_form": version_form,
        },
        status=400 if data is not None else 200,
    )


def _version(plan, number: int):
    if plan is None or number > 2_147_483_647:
        raise Http404
    version = plan.versions.select_related("made_by", "agreed_recorded_by").filter(number=number)
    version = version.first()
    if version is None:
        raise Http404
    return version


@staff_only
def version_detail(request, pk, number):
    """An older (or the current) version as it was: its goals and agreements, what changed."""
    household, plan, _children, response = _context(request, pk)
    if response:
        return response
    version = _version(plan, number)
    log_read(request, "support plan version", _child_ids(household), household.pk)
    return render(
        request,
        "plans/version.html",
        {"household": household, "plan": plan, "version": version},
    )


@staff_only
def version_agree(request, pk, number):
    """The family saw this version and agreed: the dates, then a look at what will be
    recorded (once, it cannot be undone), then recorded."""
    household, plan, _children, response = _context(request, pk)
    if response:
        return response
    version = _version(plan, number)
    log_read(request, "support plan version", _child_ids(household), household.pk)
    form = AgreeForm(request.POST or None)
    confirming = False
    if request.method == "POST" and version.agreed_on is None and form.is_valid():
        if form.cleaned_data["confirm"] and "edit" not in request.POST:
            try:
                services.plan_version_agree(
                    version_id=version.pk,
                    shown_on=form.cleaned_data["shown_on"],
                    agreed_on=form.cleaned_data["agreed_on"],
                    user=request.user,
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                access_log_record(
                    request=request,
                    event=Event.CHANGE,
                    part="support plan version",
                    clients=_child_ids(household),
                    object_id=household.pk,
                )
                messages.success(request, _("The family's agreement is recorded."))
                return redirect("plans:detail", pk=household.pk)
        else:
            confirming = "edit" not in request.POST
    return render(
        request,
        "plans/agree.html",
        {
            "household": household,
            "plan": plan,
            "version": version,
            "form": form,
            "confirming": confirming and not form.errors,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@staff_only
def evaluate(request, pk):
    """An evaluation: per goal the progress and a note, the date, the next evaluation."""
    household, plan, _children, response = _context(request, pk)
    if response:
        return response
    if plan is None:
        messages.error(request, _("Make the plan first: there is nothing to evaluate yet."))
        return redirect("plans:detail", pk=household.pk)
    log_read(request, "support plan", _child_ids(household), household.pk)
    goals = list(plan.goals.all())
    form = EvaluationForm(
        request.POST or None,
        goals=goals,
        initial={"version": plan.version, "evaluated_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_evaluate(
                plan_id=plan.pk,
                evaluated_on=form.cleaned_data["evaluated_on"],
                next_evaluation_on=form.cleaned_data["next_evaluation_on"],
                progress=form.progress(),
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            access_log_record(
                request=request,
                event=Event.CREATE,
                part="support plan evaluation",
                clients=_child_ids(household),
                object_id=household.pk,
            )
            messages.success(request, _("Evaluation recorded."))
            return redirect("plans:detail", pk=household.pk)
    return render(
        request,
        "plans/evaluate.html",
        {"household": household, "plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_only
def version_pdf(request, pk, number):
    """A version as a letter (PDF), in the style of the beschikking letter."""
    household, plan, _children, response = _context(request, pk)
    if response:
        return response
    version = _version(plan, number)
    access_log_record(
        request=request,
        event=Event.EXPORT,
        part="support plan (PDF)",
        clients=_child_ids(household),
        object_id=household.pk,
    )
    response = HttpResponse(plan_pdf(household, version), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="ondersteuningsplan-{household.pk}-v{version.number}.pdf"'
    )
    return response


@role_required(PROVIDER)
def portal_agreements(request):
    """Afspraken uit het ondersteuningsplan: the agreements naming this provider that the
    family agreed to share, and nothing else of any plan."""
    agreements = list(
        Agreement.objects.shared_with(request.user)
        .select_related("plan__household")
        .prefetch_related("plan__household__members__client")
        .order_by("plan_id", "id")[:500]
    )
    children = [
        member.client
        for agreement in agreements
        for member in agreement.plan.household.members.all()
        if member.client_id
    ]
    if children:
        log_read(request, "support plan agreements (portal)", [c.pk for c in children])
    rows = [
        {
            "agreement": agreement,
            "children": [m.client for m in agreement.plan.household.members.all() if m.client_id],
        }
        for agreement in agreements
    ]
    return render(request, "plans/portal_agreements.html", {"rows": rows})
