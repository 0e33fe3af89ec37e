from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
    """The start page: what this user's role can do, one click away. Providers start in
    their portal."""
    if user_role(request.user) == PROVIDER:
        return redirect("openhouse:dashboard")
    return render(request, "samen/home.html")


def bad_request(request, exception=None):
    """400 with the Dutch page, in the user's context (Django's own renders without it)."""
    return render(request, "400.html", status=400)
