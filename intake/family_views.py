"""The family file (gezinsdossier): one page per household, its print view, parental
authority, and merging and splitting households (team leads, with a look first)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import log_read
from audit.views import not_your_team
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.roles import TEAM_LEAD, WIJ_STAFF, user_role

from . import services
from .family import family_file, family_timeline
from .family_forms import AuthorityForm, ChildFilterForm, MergeForm, SplitForm
from .models import Household, HouseholdMember

staff_only = role_required(WIJ_STAFF, TEAM_LEAD)


def _household(request, pk):
    """The household if the user may see it; a merged one sends on to the one kept; one
    outside the user's reach is refused (logged) with its children's break-the-glass way."""
    household = Household.objects.select_related("merged_into").filter(pk=pk).first()
    if household is None:
        raise Http404
    if household.merged_into_id:
        return None, redirect("intake:household", pk=household.merged_into_id)
    if not Household.objects.visible_to(request.user).filter(pk=pk).exists():
        children = [m.client for m in household.members.select_related("client__team") if m.client]
        if not children:
            raise Http404
        return None, not_your_team(request, children, part="family file", object_id=pk)
    return household, None


def _page(request, pk, template, part):
    household, response = _household(request, pk)
    if response:
        return response
    family = family_file(household, user=request.user)
    child_filter = ChildFilterForm(request.GET, children=family.children)
    child_id = child_filter.child_id()
    log_read(request, part, family.child_ids, household.pk)
    return render(
        request,
        template,
        {
            "family": family,
            "household": household,
            "timeline": family_timeline(family, child_id=child_id),
            "child_id": child_id,
            "chosen": next((c for c in family.children if c.client.pk == child_id), None),
            "authority_choices": HouseholdMember.Authority.choices,
            "can_restructure": user_role(request.user) == TEAM_LEAD,
        },
    )


@staff_only
def household(request, pk):
    """The family file: members and roles, each child's records, and the timeline."""
    return _page(request, pk, "intake/household.html", "family file")


@staff_only
def household_print(request, pk):
    """The family file for a family meeting: the same data on a page made for paper."""
    return _page(request, pk, "intake/household_print.html", "family file (print)")


@staff_only
@require_POST
def member_authority(request, pk, member_pk):
    household, response = _household(request, pk)
    if response:
        return response
    member = get_object_or_404(household.members, pk=member_pk)
    form = AuthorityForm(request.POST)
    if form.is_valid():
        try:
            services.household_member_set_authority(
                member_id=member.pk,
                authority=form.cleaned_data["parental_authority"],
                user=request.user,
            )
            messages.success(request, _("Parental authority recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose whether this member holds parental authority."))
    return redirect("intake:household", pk=household.pk)


def _restructure_target(request, pk):
    """A household a team lead may merge or split: visible, and every child in it visible
    to the lead (a preview must be able to name everyone who moves)."""
    household, response = _household(request, pk)
    if response:
        return None, None, response
    family = family_file(household, user=request.user)
    if family.hidden:
        messages.error(
            request,
            _("This household has a child of another team: ask that team's lead to do this."),
        )
        return None, None, redirect("intake:household", pk=household.pk)
    return household, family, None


def _merge_candidates(request, household, family):
    names = {child.client.last_name for child in family.children}
    postcodes = {child.client.postcode for child in family.children if child.client.postcode}
    return (
        Household.objects.visible_to(request.user)
        .current()
        .exclude(pk=household.pk)
        .filter(
            Q(members__client__last_name__in=names) | Q(members__client__postcode__in=postcodes)
        )
        .distinct()
        .order_by("name", "pk")
    )


@role_required(TEAM_LEAD)
def household_merge(request, pk):
    """Merge another household into this one: choose, look at what moves, confirm."""
    household, family, response = _restructure_target(request, pk)
    if response:
        return response
    form = MergeForm(request.POST or None, candidates=_merge_candidates(request, household, family))
    context = {"household": household, "form": form}
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        other_family = family_file(other, user=request.user)
        if other_family.hidden:
            form.add_error("other", _("That household has a child of another team."))
        elif request.POST.get("confirm") == "1":
            try:
                services.household_merge(keep_id=household.pk, other_id=other.pk, user=request.user)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s was merged into this household.") % {"name": other.name}
                )
                return redirect("intake:household", pk=household.pk)
        else:
            plan = services.household_merge_plan(keep=household, other=other)
            log_read(request, "household merge preview", other_family.child_ids, other.pk)
            context.update(plan=plan, other=other)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "intake/household_merge.html", context, status=status)


@role_required(TEAM_LEAD)
def household_split(request, pk):
    """Split chosen members off into a new household: choose, look at what moves, confirm."""
    household, _family, response = _restructure_target(request, pk)
    if response:
        return response
    form = SplitForm(request.POST or None, household=household)
    context = {"household": household, "form": form}
    if request.method == "POST" and form.is_valid():
        member_ids = [member.pk for member in form.cleaned_data["members"]]
        try:
            if request.POST.get("confirm") == "1":
                new = services.household_split(
                    household_id=household.pk,
                    member_ids=member_ids,
                    name=form.cleaned_data["name"],
                    user=request.user,
                )
                messages.success(
                    request, _("The household was split: this is %(name)s.") % {"name": new.name}
                )
                return redirect("intake:household", pk=new.pk)
            context["plan"] = services.household_split_plan(
                household=household, member_ids=member_ids
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "intake/household_split.html", context, status=status)
