"""Break-the-glass, and reading the access log ('Wie heeft dit dossier ingezien')."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from intake.models import Client, user_team_ids
from samen.decorators import role_required
from samen.pagination import CURSOR_GONE, keyset_page
from samen.roles import PRIVACY, TEAM_LEAD, WIJ_ROLES, user_role

from . import services
from .forms import AccessGrantForm, LogFilterForm
from .selectors import log_entries, recent_grants

PAGE_SIZE = 50


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def not_your_team(request, clients, *, part: str, object_id: int):
    """A request or child outside the user's reach: the attempt is logged as refused, and
    the page names the child(ren) (name, date of birth, team only) with the way in through
    the reason form (break-the-glass)."""
    services.log_refused(request, part, clients, object_id)
    return render(
        request,
        "audit/not_your_team.html",
        {"clients": clients, "next": request.path},
        status=403,
    )


@role_required(*WIJ_ROLES)
def open_file(request, pk):
    """Open the file of a child outside one's teams, with a reason (break-the-glass)."""
    client = Client.objects.select_related("team").filter(pk=pk).first()
    if client is None:
        raise Http404
    fallback = reverse("indications:client", args=[client.pk])
    if Client.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect(_safe_next(request, fallback))
    form = AccessGrantForm(request.POST or None, initial={"next": _safe_next(request, fallback)})
    if request.method == "POST" and form.is_valid():
        services.access_grant_open(
            user=request.user,
            client=client,
            reason=form.cleaned_data["reason"],
            explanation=form.cleaned_data["explanation"],
            request=request,
        )
        messages.warning(
            request,
            _(
                "You opened this file with a reason. The child's team lead and the privacy officer can see that you did."
            ),
        )
        return redirect(_safe_next(request, fallback))
    services.log_read(request, "break-the-glass form", [client], client.pk)
    return render(
        request,
        "audit/open_file.html",
        {"client": client, "form": form, "hours": settings.BREAK_GLASS_HOURS},
        status=400 if form.is_bound else 200,
    )


def _log_page(request, entries, form):
    """A page of the log, newest first, going on from the last entry shown (keyset,
    decision 124): the privacy officer's log never counts past earlier entries."""
    page = keyset_page(entries, request.GET, field="at", size=PAGE_SIZE)
    if page.invalid:
        messages.warning(request, CURSOR_GONE)
    query = request.GET.copy()
    for key in ("na", "voor", "page"):
        query.pop(key, None)
    return {"entries": page.rows, "form": form, "page": page, "query": query.urlencode()}


def _filters(form) -> dict:
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


@role_required(TEAM_LEAD, PRIVACY)
def file_log(request, pk):
    """Wie heeft dit dossier ingezien: for the team lead of the child's team and for the
    privacy officer. Reading the log of a child is itself logged."""
    client = Client.objects.select_related("team").filter(pk=pk).first()
    if client is None:
        raise Http404
    if user_role(request.user) == TEAM_LEAD and client.team_id not in user_team_ids(request.user):
        services.log_refused(request, "access log of a child", [client], client.pk)
        raise PermissionDenied
    # The users who appear in this child's log, not every account of the country (issue
    # 21: 4,550 staff made the page 340 KB); read by the same GIN index as the entries.
    users = get_user_model().objects.filter(
        pk__in=log_entries(client_id=client.pk).order_by().values("user_id")
    )
    form = LogFilterForm(request.GET or None, users=users.order_by("username"), with_client=False)
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("The filter could not be used; showing everything."))
    context = _log_page(request, log_entries(client_id=client.pk, filters=_filters(form)), form)
    services.log_read(request, "access log of a child", [client], client.pk)
    return render(
        request,
        "audit/file_log.html",
        {
            **context,
            "client": client,
            "grants": recent_grants(client_id=client.pk),
            # The privacy officer opens no file: the child by reference number only.
            "show_person": user_role(request.user) == TEAM_LEAD,
        },
    )


@role_required(PRIVACY)
def log(request):
    """The whole access log for the privacy officer, filterable by user, child, event and
    period. Shows reference numbers, not names: the officer opens no files."""
    form = LogFilterForm(request.GET or None, user_by_name=True)
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("The filter could not be used; showing everything."))
    context = _log_page(request, log_entries(filters=_filters(form)), form)
    return render(request, "audit/log.html", context)
