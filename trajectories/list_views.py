"""The trajectory lists: Mijn trajecten (a coach's running trajectories), the team's
waiting list (triaged, help not started) and the caseload per coach, for team leads.

Every row comes through `Trajectory.objects.visible_to(user)`; each page takes a fixed
number of queries, whatever its length (tests/trajectories/test_lists.py); the children a
page names are written to the access log."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_read
from intake.models import Client, Team, user_team_ids
from samen.decorators import role_required
from samen.pagination import page_number
from samen.roles import TEAM_LEAD, WIJ_ROLES, WIJ_STAFF

from .forms import TeamFilterForm
from .models import Trajectory
from .selectors import (
    add_days,
    caseload_per_coach,
    coached_by,
    plan_status_for,
    running_list,
    waiting_list,
)

PAGE_SIZE = 50


def _page(request, rows_queryset) -> dict:
    """One page of rows, fetched with one extra row to know whether a next page exists
    (no count query): {"rows", "page_number", "has_next", "has_previous"}."""
    size = PAGE_SIZE
    number = page_number(request.GET.get("page", "1"))
    offset = (number - 1) * size
    rows = list(rows_queryset[offset : offset + size + 1])
    return {
        "rows": rows[:size],
        "page_number": number,
        "has_next": len(rows) > size,
        "has_previous": number > 1,
    }


def _show(request, rows) -> None:
    """Days, plan status and the children the user may see by name (one query); the
    children named on the page go to the access log."""
    today = timezone.localdate()
    add_days(rows, today)
    plans = plan_status_for(rows)
    shown = {link.client_id for row in rows for link in row.current_children}
    visible = set(
        Client.objects.visible_to(request.user).filter(pk__in=shown).values_list("pk", flat=True)
    )
    for row in rows:
        row.plan_status, row.next_evaluation = plans.get(row.pk, ("", None))
        for link in row.current_children:
            link.visible = link.client_id in visible
    if visible:
        log_read(request, "trajectories", sorted(visible))


def _visible(request):
    return Trajectory.objects.visible_to(request.user)


def _team_filter(request) -> tuple[TeamFilterForm, list[Team], list[int]]:
    """The lead's teams, and the ones chosen in the filter (all when none or a bad one)."""
    team_ids = user_team_ids(request.user)
    teams = list(Team.objects.filter(pk__in=team_ids).order_by("name"))
    if not teams:
        messages.warning(request, _("You are not in a WIJ team yet: ask an official to add you."))
    form = TeamFilterForm(request.GET or None, teams=teams)
    chosen = team_ids
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data["team"]:
                chosen = [form.cleaned_data["team"]]
        else:
            messages.error(request, _("That team is not one of yours: all your teams are shown."))
            form = TeamFilterForm(teams=teams)
    return form, teams, chosen


def _query(request, form) -> str:
    """The filter's part of the address, for the page links."""
    if form.is_bound and form.is_valid() and form.cleaned_data["team"]:
        return f"team={form.cleaned_data['team']}"
    return ""


@role_required(WIJ_STAFF, TEAM_LEAD)
def mine(request):
    """Mijn trajecten: the running trajectories I coach now, by status, longest first."""
    page = _page(request, running_list(coached_by(_visible(request), request.user.pk)))
    _show(request, page["rows"])
    return render(
        request,
        "trajectories/lists/mine.html",
        {"title": _("My trajectories"), "show_coordinator": False, **page},
    )


@role_required(TEAM_LEAD)
def waiting(request):
    """Wachtlijst: the team's trajectories whose help has not started, oldest first."""
    form, teams, chosen = _team_filter(request)
    page = _page(request, waiting_list(_visible(request).filter(team_id__in=chosen)))
    _show(request, page["rows"])
    return render(
        request,
        "trajectories/lists/waiting.html",
        {
            "title": _("Waiting list"),
            "form": form if len(teams) > 1 else None,
            "teams": [t for t in teams if t.pk in chosen],
            "query": _query(request, form),
            **page,
        },
    )


def _team_coaches(team_ids):
    """The WIJ workers (staff and leads) in these teams, by name."""
    return (
        get_user_model()
        .objects.filter(
            team_memberships__team_id__in=team_ids, groups__name__in=WIJ_ROLES, is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


@role_required(TEAM_LEAD)
def caseload(request):
    """Caseload per coach: running trajectories by status and intensity, children."""
    form, teams, chosen = _team_filter(request)
    page = _page(request, _team_coaches(chosen))
    trajectories = _visible(request).filter(team_id__in=chosen)
    counts = caseload_per_coach(trajectories, [coach.pk for coach in page["rows"]])
    statuses = [
        (f"status_{value}", label)
        for value, label in Trajectory.Status.choices
        if value != Trajectory.Status.ENDED
    ]
    intensities = [
        (f"intensity_{value}", label)
        for value, label in Trajectory._meta.get_field("intensity").choices
    ]
    for coach in page["rows"]:
        coach.load = counts.get(coach.pk, {})
        coach.cells = [coach.load.get(key, 0) for key, _label in statuses + intensities]
    return render(
        request,
        "trajectories/lists/caseload.html",
        {
            "title": _("Caseload per coach"),
            "form": form if len(teams) > 1 else None,
            "teams": [t for t in teams if t.pk in chosen],
            "query": _query(request, form),
            "statuses": statuses,
            "intensities": intensities,
            **page,
        },
    )


@role_required(TEAM_LEAD)
def coach_list(request, coach_id):
    """The running trajectories of one coach of the lead's teams (from the caseload)."""
    team_ids = user_team_ids(request.user)
    coach = _team_coaches(team_ids).filter(pk=coach_id).first()
    if coach is None:
        raise Http404
    trajectories = coached_by(_visible(request).filter(team_id__in=team_ids), coach.pk)
    page = _page(request, running_list(trajectories))
    _show(request, page["rows"])
    return render(
        request,
        "trajectories/lists/mine.html",
        {
            "title": _("Trajectories of %(name)s")
            % {"name": coach.get_full_name() or coach.username},
            "coach": coach,
            "show_coordinator": True,
            **page,
        },
    )
