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
from samen.forms import add_validation_errors, posted_initial, posted_rows
from samen.roles import PROVIDER, TEAM_LEAD, WIJ_STAFF
from triage.forms import offer_providers

from . import services
from .forms import AgreeForm, AgreementFormSet, EvaluationForm, GoalFormSet, PlanVersionForm
from .models import Agreement, SupportPlan
from .pdf import plan_pdf
from .selectors import portal_children

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
    context = {
        "household": household,
        "plan": plan,
        "children": children,
        "hidden_ids": _hidden_ids(household, children),
        # Derived, never the plan's stored (last known) trajectory.
        "trajectory": services.running_trajectory_of_household(household.pk),
    }
    if plan is not None:
        context.update(
            goals=list(plan.goals.select_related("child")),
            agreements=list(plan.agreements.select_related("provider")),
            versions=_with_change_lines(
                list(plan.versions.select_related("made_by", "agreed_recorded_by")),
                plan,
                context["hidden_ids"],
            ),
            evaluations=list(
                plan.evaluations.select_related("recorded_by").prefetch_related("progress__goal")
            ),
        )
    return render(request, "plans/plan.html", context)


def _hidden_ids(household, children) -> set[int]:
    """The household's children not among the visible `children` (another team's)."""
    return set(_child_ids(household)) - {c.pk for c in children}


def _change_lines(version, hidden_ids, hidden_texts) -> list[str]:
    """What changed in this version, a line each; a line about a child the user may not see
    keeps only its heading. Versions made before the lines kept their children
    (snapshot["changes"]) are matched on the texts of the goals about such children."""
    other_team = _("about a child of another team")
    lines = version.snapshot.get("changes")
    if lines is not None:
        return [
            f"{line['heading']}: {other_team}"
            if hidden_ids & set(line["child_ids"])
            else f"{line['heading']}: {line['text']}"
            for line in lines
        ]
    return [
        f"{line.split(':', 1)[0]}: {other_team}"
        if any(f"“{text}”" in line for text in hidden_texts)
        else line
        for line in version.changes.splitlines()
    ]


def _with_change_lines(versions, plan, hidden_ids):
    hidden_texts = (
        [g.text for g in plan.goals.all() if g.child_id in hidden_ids] if hidden_ids else []
    )
    for version in versions:
        version.change_lines = _change_lines(version, hidden_ids, hidden_texts)
    return versions


def _snapshot_goals(version, children) -> list[dict]:
    """The version's goals, each with `hidden` when it is about a child the user may not
    see. Older snapshots keep no child id: then a named child not among the visible
    children's names counts as hidden."""
    visible_ids = {c.pk for c in children}
    visible_names = {c.full_name for c in children}
    goals = []
    for goal in version.snapshot.get("goals", []):
        if "child_id" in goal:
            hidden = goal["child_id"] is not None and goal["child_id"] not in visible_ids
        else:
            hidden = bool(goal.get("child")) and goal["child"] not in visible_names
        goals.append({**goal, "hidden": hidden})
    return goals


def _goal_initial(plan, hidden_ids) -> list[dict]:
    """The goals the form shows: not those about a child the user may not see (a save
    leaves them as they are)."""
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
        if g.child_id not in hidden_ids
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
    # The provider search without JavaScript: the page again, everything typed kept.
    searching = request.method == "POST" and "_search_provider" in request.POST
    data = request.POST if request.method == "POST" and not searching else None
    goal_rows = _goal_initial(plan, _hidden_ids(household, children))
    agreement_rows = _agreement_initial(plan)
    version_initial = {
        "version": plan.version if plan else None,
        "next_evaluation_on": plan.next_evaluation_on if plan else None,
    }
    if searching:
        goal_rows = posted_rows(GoalFormSet, request.POST, "goal")
        agreement_rows = posted_rows(AgreementFormSet, request.POST, "agreement")
        version_initial = posted_initial(PlanVersionForm, request.POST)
    goals = GoalFormSet(data, initial=goal_rows, prefix="goal", form_kwargs={"children": children})
    agreements = AgreementFormSet(data, initial=agreement_rows, prefix="agreement")
    version_form = PlanVersionForm(data, initial=version_initial)
    version_form.provider_message = offer_providers(
        agreements.forms, version_form["provider_search"].value()
    )
    if data is not None:
        if goals.is_valid() and agreements.is_valid() and version_form.is_valid():
            try:
                version = services.plan_save(
                    household=household,
                    goals=goals.items(),
                    agreements=agreements.items(),
                    user=request.user,
                    expected_version=version_form.cleaned_data.get("version"),
                    next_evaluation_on=version_form.cleaned_data.get("next_evaluation_on"),
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
    household, plan, children, response = _context(request, pk)
    if response:
        return response
    version = _version(plan, number)
    _with_change_lines([version], plan, _hidden_ids(household, children))
    log_read(request, "support plan version", _child_ids(household), household.pk)
    return render(
        request,
        "plans/version.html",
        {
            "household": household,
            "plan": plan,
            "version": version,
            "snapshot_goals": _snapshot_goals(version, children),
        },
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
        elif "edit" not in request.POST:
            try:
                services.plan_version_agree_check(
                    version=version,
                    shown_on=form.cleaned_data["shown_on"],
                    agreed_on=form.cleaned_data["agreed_on"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                confirming = True
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
    household, plan, children, response = _context(request, pk)
    if response:
        return response
    if plan is None:
        messages.error(request, _("Make the plan first: there is nothing to evaluate yet."))
        return redirect("plans:detail", pk=household.pk)
    log_read(request, "support plan", _child_ids(household), household.pk)
    hidden = _hidden_ids(household, children)
    goals = [g for g in plan.goals.all() if g.child_id not in hidden]
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
    household, plan, children, response = _context(request, pk)
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
    response = HttpResponse(
        plan_pdf(household, version, _snapshot_goals(version, children)),
        content_type="application/pdf",
    )
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
        .order_by("plan_id", "id")[:500]
    )
    # Only the children the agreement is about (those in this provider's help), never
    # every member of the household.
    children_of = (
        portal_children(
            {a.plan.household_id for a in agreements},
            request.user.provider_membership.provider_id,
        )
        if agreements  # shared_with gives none without a provider membership
        else {}
    )
    children = {c.pk for shown in children_of.values() for c in shown}
    if children:
        log_read(request, "support plan agreements (portal)", sorted(children))
    rows = [
        {"agreement": agreement, "children": children_of[agreement.plan.household_id]}
        for agreement in agreements
    ]
    return render(request, "plans/portal_agreements.html", {"rows": rows})
