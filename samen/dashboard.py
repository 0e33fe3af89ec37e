"""The start page's numbers, per role: what waits for this user, each count computed by
the apps' selectors in a fixed number of queries, and only over what the user may see
(the `visible_to` of each model). Lists that name a child are few and logged by the view."""

import datetime

from django.utils import timezone

from .roles import OFFICIAL, PRIVACY, TEAM_LEAD, WIJ_STAFF, YOUTH_ADMIN

# The most urgent rows the start page lists; the counts link to the whole list.
SHOWN = 5


def _wij_worker(user, today: datetime.date) -> dict:
    from indications.models import Task
    from indications.selectors import open_tasks, task_counts
    from intake.models import SupportRequest
    from intake.selectors import request_counts, week_end, worklist
    from trajectories.selectors import mine_count
    from triage.selectors import corrections_pending

    visible = SupportRequest.objects.visible_to(user)
    mine = visible.filter(assigned_worker=user)
    tasks = Task.objects.visible_to(user)
    return {
        "my_counts": request_counts(mine, today),
        "my_requests": list(worklist(mine, today)[:SHOWN]),
        "task_counts": task_counts(tasks, today=today, until=week_end(today)),
        "tasks": open_tasks(tasks, until=week_end(today), limit=SHOWN),
        "corrections": corrections_pending(visible, user),
        "my_trajectories": mine_count(user),
        "reassessments": _reassessments_waiting(user),
    }


def _reassessments_waiting(user) -> list | None:
    """For a worker with access tasks (trajectories.assess_access): the families' questions
    whether the help still fits that wait for an investigation, of the user's teams, oldest
    first (None for everyone else: the start page shows nothing)."""
    if not user.has_perm("trajectories.assess_access"):
        return None
    from intake.models import user_team_ids
    from trajectories.models import Reassessment, Trajectory

    return list(
        Reassessment.objects.filter(
            outcome="",
            trajectory__in=Trajectory.objects.visible_to(user),
            trajectory__team_id__in=user_team_ids(user),
        ).order_by("asked_on", "pk")[: SHOWN * 4]
    )


def _team_lead(user, today: datetime.date) -> dict:
    from indications.models import Task
    from indications.selectors import task_counts
    from intake.models import SupportRequest, user_team_ids
    from intake.selectors import request_counts, week_end, worker_changes_pending
    from intake.selectors import workload_per_worker as workload
    from rights.selectors import open_for_team_lead
    from trajectories.selectors import waiting_count
    from triage.selectors import exceptions_pending

    team = SupportRequest.objects.visible_to(user).filter(team_id__in=user_team_ids(user))
    return {
        "team_counts": request_counts(team, today),
        "worker_changes": worker_changes_pending(team),
        "exceptions": exceptions_pending(team),
        "workload": workload(team, today),
        "trajectories_waiting": waiting_count(user),
        "reassessments": _reassessments_waiting(user),
        "task_counts": task_counts(
            Task.objects.visible_to(user), today=today, until=week_end(today)
        ),
        # The family's requests about the children of the team lead's teams: told, not
        # handled (the privacy officer handles them).
        "rights_requests": open_for_team_lead(user, limit=SHOWN * 4),
    }


def _official(user, today: datetime.date) -> dict:
    from indications.selectors import back_office_counts
    from triage.selectors import exceptions_pending_count

    return {**back_office_counts(today=today), "exceptions_pending": exceptions_pending_count()}


def _youth_admin(user, today: datetime.date) -> dict:
    from indications.selectors import back_office_counts

    return back_office_counts(today=today)


def _privacy(user, today: datetime.date) -> dict:
    from audit.selectors import week_counts
    from rights.selectors import counts

    return {
        **week_counts(since=today - datetime.timedelta(days=7)),
        "rights_counts": counts(user, today=today),
    }


DASHBOARDS = {
    WIJ_STAFF: _wij_worker,
    TEAM_LEAD: _team_lead,
    OFFICIAL: _official,
    YOUTH_ADMIN: _youth_admin,
    PRIVACY: _privacy,
}


def dashboard_for(user, role: str | None) -> dict:
    """The numbers of this role's start page ({} for a role without any)."""
    builder = DASHBOARDS.get(role)
    today = timezone.localdate()
    return {"today": today, **builder(user, today)} if builder else {}
