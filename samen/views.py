from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.services import log_read

from .dashboard import dashboard_for
from .health import health_report
from .roles import PROVIDER, user_role


@login_not_required
@never_cache
@require_GET
def health(request):
    """Machine-readable health for load balancers and monitoring: 200 or 503."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


def home(request):
    """The start page: the numbers of this role's own work (samen/dashboard.py), each a link
    to the list behind it, and below them everything the role can do. Providers start in
    their portal, which is their overview (indications ending, evaluations due, notices)."""
    role = user_role(request.user)
    if role == PROVIDER:
        return redirect("openhouse:dashboard")
    context = dashboard_for(request.user, role)
    shown = [c.pk for req in context.get("my_requests", []) for c in req.clients.all()]
    shown += [cid for task in context.get("tasks", []) for cid in task.client_ids()]
    shown += [rq.client_id for rq in context.get("rights_requests", [])]
    if shown:
        log_read(request, "start page", shown)
    return render(request, "samen/home.html", context)


def bad_request(request, exception=None):
    """400 with the Dutch page, in the user's context (Django's own renders without it)."""
    return render(request, "400.html", status=400)
