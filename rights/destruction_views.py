"""The privacy officer's pages for destruction (docs/privacy.md): carrying out a granted
request for destruction, after a look at what goes and what stays, and the list of
destroyed files (vernietigde dossiers)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import log_read
from samen.decorators import role_required
from samen.forms import StyledFormMixin
from samen.pagination import page_number
from samen.roles import PRIVACY

from .destruction import destruction_blockers, destruction_preview, file_destroy, summary_rows
from .models import RightsRequest, Tombstone

PAGE_SIZE = 25


class DestructionConfirmForm(StyledFormMixin, forms.Form):
    """The last look: the number of the request typed and that it cannot be undone ticked."""

    number = forms.CharField(
        label=gettext_lazy("Type the number of the request"),
        max_length=20,
        help_text=gettext_lazy("The number after # in the heading of this page."),
    )
    understood = forms.BooleanField(
        label=gettext_lazy(
            "I understand that the file is destroyed for good and that this cannot be undone."
        ),
    )

    def __init__(self, *args, request_pk: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_pk = request_pk

    def clean_number(self):
        number = self.cleaned_data["number"].strip().lstrip("#")
        if number != str(self.request_pk):
            raise ValidationError(_("This is not the number of this request."))
        return number


def _after(request_pk: int) -> str:
    """The request's page (rights:detail), or the list of destroyed files without it."""
    try:
        return reverse("rights:detail", args=[request_pk])
    except NoReverseMatch:
        return reverse("rights:tombstones")


def _carry_out_state(rights_request: RightsRequest) -> str:
    if hasattr(rights_request, "tombstone"):
        return "destroyed"
    if (
        rights_request.kind != RightsRequest.Kind.DESTRUCTION
        or rights_request.status != RightsRequest.Status.DECIDED
        or rights_request.decision
        not in (RightsRequest.Decision.GRANTED, RightsRequest.Decision.PARTLY)
    ):
        return "not_ready"
    return "ready"


@role_required(PRIVACY)
def carry_out(request, pk):
    """A granted request for destruction: the blockers (then nothing can be done), or what
    goes and what stays, and a confirmation; POST destroys the file."""
    rights_request = (
        RightsRequest.objects.visible_to(request.user)
        .select_related("team", "client", "decided_by", "tombstone")
        .filter(pk=pk)
        .first()
    )
    if rights_request is None:
        raise Http404
    state = _carry_out_state(rights_request)
    if state == "destroyed":
        messages.info(request, _("This file was destroyed before: nothing was done again."))
        return redirect(_after(pk))
    context = {"rights_request": rights_request, "state": state}
    if state == "not_ready":
        return render(request, "rights/destruction_carry_out.html", context, status=400)
    today = timezone.localdate()
    client = rights_request.client
    blockers = destruction_blockers(client, today, request=rights_request)
    form = DestructionConfirmForm(
        request.POST if request.method == "POST" else None, request_pk=rights_request.pk
    )
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            tombstone = file_destroy(
                rights_request, user=request.user, today=today, http_request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("rights:destruction_carry_out", args=[pk]))
        messages.success(
            request,
            _("The file was destroyed. What the figures count stays as %(reference)s.")
            % {"reference": tombstone.reference},
        )
        return redirect(_after(pk))
    log_read(request, "destruction preview", [client], rights_request.pk)
    context.update(
        blockers=blockers,
        preview=None if blockers else destruction_preview(client),
        form=form,
    )
    status = 200
    if blockers and request.method == "POST":
        status = 409
    elif request.method == "POST":
        status = 400
    return render(request, "rights/destruction_carry_out.html", context, status=status)


@role_required(PRIVACY)
def tombstones(request):
    """Vernietigde dossiers: reference, date, cause, team and what was removed, in counts."""
    queryset = Tombstone.objects.select_related("client__team", "request").order_by(
        "-destroyed_at", "-pk"
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(page_number(request.GET.get("page", "1")))
    rows = [(tombstone, summary_rows(tombstone.summary)) for tombstone in page.object_list]
    return render(request, "rights/destruction_tombstones.html", {"page": page, "rows": rows})
