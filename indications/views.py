from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.selectors import recent_grants
from audit.services import Event, access_log_record, log_read
from audit.views import not_your_team
from intake.models import Client, Household, user_team_ids
from openhouse.forms import HandoverNoteForm
from openhouse.models import Provider
from rights.selectors import open_for_child
from samen.decorators import role_required
from samen.pagination import page_number as paged
from samen.roles import OFFICIAL, TEAM_LEAD, WIJ_STAFF, user_role

from . import services
from .forms import TaskCompleteForm
from .models import ExtensionRequest, Indication, Task
from .selectors import ending_counted, timeline

# Providers per page of Aflopende indicaties (1,200 at national scale).
ENDING_PROVIDERS = 50


@role_required(WIJ_STAFF, TEAM_LEAD, OFFICIAL)
def ending(request):
    """Indications ending per month (next 6 months), per WIJ team and per provider (in
    pages by name), as counted at most a quarter of an hour ago."""
    counted = ending_counted(today=timezone.localdate())
    providers = counted["providers"]
    last = max(1, -(-len(providers) // ENDING_PROVIDERS))
    page = min(paged(request.GET.get("page", "1")), last)
    start = (page - 1) * ENDING_PROVIDERS
    return render(
        request,
        "indications/ending.html",
        {
            **counted,
            "providers": providers[start : start + ENDING_PROVIDERS],
            "page_number": page,
            "has_previous": page > 1,
            "has_next": page < last,
        },
    )


@role_required(WIJ_STAFF, TEAM_LEAD)
def client_detail(request, pk):
    """A child: the family, the requests, and the indications on a small timeline."""
    client = Client.objects.visible_to(request.user).select_related("team").filter(pk=pk).first()
    if client is None:
        return _not_visible(request, pk)
    log_read(request, "child file", [client], client.pk)
    indications = (
        Indication.objects.visible_to(request.user)
        .filter(client=client)
        .select_related("product", "provider", "follow_up_request")
        .prefetch_related(
            "end_evaluations",
            "handover_notes__author",
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related("triage").order_by(
                    "requested_on", "pk"
                ),
            ),
        )
        .order_by("start_on")
    )
    return render(
        request,
        "indications/client.html",
        {
            "client": client,
            "timeline": timeline(indications, today=timezone.localdate()),
            "requests": client.support_requests.select_related("team").order_by("-received_at"),
            # A child of separated parents belongs to two households: a link to each file.
            "households": Household.objects.filter(members__client=client).order_by("name", "pk"),
            "today": timezone.localdate(),
            "note_form": HandoverNoteForm(),
            # The family's open requests about this child (rights/): a notice for whoever
            # sees the child; the privacy officer handles them.
            "rights_requests": open_for_child(client),
            **_log_links(request, client),
        },
    )


def _log_links(request, client) -> dict:
    """The child's team lead sees who viewed the file and the break-the-glass accesses."""
    if user_role(request.user) != TEAM_LEAD or client.team_id not in user_team_ids(request.user):
        return {}
    return {"can_see_log": True, "grants": recent_grants(client_id=client.pk)}


def _not_visible(request, pk):
    client = Client.objects.select_related("team").filter(pk=pk).first()
    if client is None:
        raise Http404
    return not_your_team(request, [client], part="child file", object_id=client.pk)


@role_required(WIJ_STAFF, TEAM_LEAD)
@require_POST
def follow_up(request, pk):
    indication = get_object_or_404(Indication.objects.visible_to(request.user), pk=pk)
    try:
        support_request = services.indication_follow_up(
            indication_id=indication.pk, user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("indications:client", pk=indication.client_id)
    access_log_record(
        request=request,
        event=Event.CREATE,
        part="follow-up request",
        clients=[indication.client_id],
        object_id=support_request.pk,
    )
    messages.success(request, _("Follow-up registered: plan the triage with the family."))
    return redirect("intake:detail", pk=support_request.pk)


@role_required(WIJ_STAFF, TEAM_LEAD)
def provider_families(request, pk):
    """A stopping provider's families with running indications, per WIJ team (printable),
    so the teams can pick every one of them up."""
    provider = get_object_or_404(Provider, pk=pk)
    # In pages (a national provider has tens of thousands of running indications): one
    # more row than a page tells whether there is a next one, no COUNT(*).
    page = paged(request.GET.get("page", "1"))
    offset = (page - 1) * FAMILIES_PAGE
    indications = list(
        Indication.objects.visible_to(request.user)
        .running()
        .filter(provider=provider)
        .select_related("client__team", "product")
        .order_by("client__team__name", "client__last_name", "end_on", "id")[
            offset : offset + FAMILIES_PAGE + 1
        ]
    )
    has_next = len(indications) > FAMILIES_PAGE
    indications = indications[:FAMILIES_PAGE]
    if indications:
        access_log_record(
            request=request,
            event=Event.EXPORT,
            part="provider's families (print)",
            clients=[indication.client_id for indication in indications],
        )
    return render(
        request,
        "indications/provider_families.html",
        {
            "provider": provider,
            "indications": indications,
            "page_number": page,
            "has_next": has_next,
        },
    )


# Rows per page of a provider's families.
FAMILIES_PAGE = 200


# Where a ticked-off task returns to: a code in the query string, never a URL.
TASK_RETURN = {"werk": "intake:my_work", "team": "intake:team_work", "start": "home"}


@role_required(WIJ_STAFF, TEAM_LEAD)
def task_complete(request, pk):
    """Tick a task off with a note: the note, then a look at what will be recorded (it
    cannot be undone), then done. Only tasks of the user's teams about a child they see."""
    task = get_object_or_404(
        Task.objects.visible_to(request.user)
        .select_related(
            "indication__client",
            "indication__product",
            "indication__provider",
            "trajectory__household",
            "assigned_to",
            "done_by",
        )
        .prefetch_related("trajectory__children"),
        pk=pk,
    )
    back = request.GET.get("terug", "")
    back_url = reverse(TASK_RETURN.get(back, "intake:my_work"))
    log_read(request, "task", task.client_ids(), task.pk)
    form = TaskCompleteForm(request.POST or None)
    confirming = False
    if request.method == "POST" and task.done_on is None and form.is_valid():
        if form.cleaned_data["confirm"] and "edit" not in request.POST:
            try:
                services.task_complete(
                    task_id=task.pk, user=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(back_url)
            access_log_record(
                request=request,
                event=Event.CHANGE,
                part="task",
                clients=task.client_ids(),
                object_id=task.pk,
            )
            messages.success(request, _("Task done."))
            return redirect(back_url)
        confirming = "edit" not in request.POST
    return render(
        request,
        "indications/task_complete.html",
        {
            "task": task,
            "form": form,
            "confirming": confirming,
            "back": back if back in TASK_RETURN else "",
            "back_url": back_url,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )
