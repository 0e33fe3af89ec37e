from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@login_not_required
@never_cache
@require_GET
def health(request):
    """Machine-readable health for load balancers and monitoring: 200 or 503."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


def home(request):
    """The start page: what this user's role can do, one click away."""
    return render(request, "samen/home.html")
