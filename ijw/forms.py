from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from intake.models import Team
from openhouse.uploads import too_large_message
from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin
from samen.limits import REASON_TEXT

from .codes import MessageType, RejectReason
from .models import AllocationRequest, Message

# One iJw message is a few kilobytes; a megabyte is far more than any real one.
MESSAGE_MAX_BYTES = 1_000_000
FILES_MAX = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by FileField, the list is cleaned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xml,text/xml"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class UploadForm(StyledFormMixin, forms.Form):
    """One or more iJw messages (XML files) as the provider's hub delivered them.
    `too_large`: the upload handler stopped reading the body at the server's limit."""

    files = MultipleFileField(
        label=_("Messages (XML files)"),
        help_text=_("One or more iJw messages, each at most 1 MB; at most 20 files at once."),
        required=False,
    )

    def __init__(self, *args, too_large=False, too_many=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.too_many = too_many

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if self.too_large:
            raise ValidationError(too_large_message())
        if self.too_many or len(files) > FILES_MAX:
            raise ValidationError(_("Upload at most %(max)s files at once.") % {"max": FILES_MAX})
        files = [upload for upload in files if upload]
        if not files:
            raise ValidationError(_("Choose one or more XML files."))
        return files


def too_big_for_a_message(upload) -> str:
    return _("The file is %(size)s: one message is at most %(max)s. Nothing was stored.") % {
        "size": filesizeformat(upload.size),
        "max": filesizeformat(MESSAGE_MAX_BYTES),
    }


class RegisterFilterForm(StyledFormMixin, forms.Form):
    direction = forms.ChoiceField(
        label=_("direction"),
        choices=[("", _("in and out")), *Message.Direction.choices],
        required=False,
    )
    message_type = forms.ChoiceField(
        label=_("message type"),
        choices=[("", _("all types")), *MessageType.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("every status")), *Message.Status.choices],
        required=False,
    )
    date_from = forms.DateField(
        label=_("registered from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
    )
    date_to = forms.DateField(
        label=_("registered until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end lies before the start."))
        return data


ROUTES = [
    AllocationRequest.Route.WIJ,
    AllocationRequest.Route.ALLOCATE,
    AllocationRequest.Route.REJECT,
    AllocationRequest.Route.OUT_OF_SCOPE,
]


class ReviewForm(StyledFormMixin, forms.Form):
    """The youth administration's decision on one request for allocation. The proposed
    route is preselected; another route needs a reason; a child not known at WIJ needs a
    team when WIJ takes it or it is allocated."""

    route = forms.ChoiceField(
        label=_("Decision"),
        choices=[(route.value, route.label) for route in ROUTES],
        widget=forms.RadioSelect,
    )
    reject_reason = forms.ChoiceField(
        label=_("Reason for rejection (WJ759)"),
        choices=[("", "–"), *RejectReason.choices],
        required=False,
        help_text=_(
            "For a rejection and for WIJ; WIJ without a reason is 4 (does not fit the contract)."
        ),
    )
    override_reason = forms.CharField(
        label=_("Why another route than proposed"),
        max_length=REASON_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose another route than the proposed one."),
    )
    team = forms.ModelChoiceField(
        label=_("WIJ team"),
        queryset=Team.objects.filter(active=True).order_by("name"),
        required=False,
        help_text=_(
            "Required when the child is not known at WIJ and WIJ takes it or it is allocated."
        ),
    )

    def __init__(self, *args, request: AllocationRequest, **kwargs):
        kwargs.setdefault(
            "initial",
            {"route": request.proposed_route, "reject_reason": request.proposed_reason},
        )
        super().__init__(*args, **kwargs)
        self.request_obj = request
        if request.client_id is not None:
            del self.fields["team"]

    def clean(self):
        data = super().clean()
        route = data.get("route")
        if not route:
            return data
        Route = AllocationRequest.Route
        if route != self.request_obj.proposed_route and not data.get("override_reason", "").strip():
            self.add_error("override_reason", _("Another route than proposed needs a reason."))
        if route == Route.REJECT and not data.get("reject_reason"):
            self.add_error("reject_reason", _("A rejection needs its reason (WJ759)."))
        if (
            "team" in self.fields
            and route in (Route.WIJ, Route.ALLOCATE)
            and data.get("team") is None
            and "team" not in self.errors
        ):
            self.add_error("team", _("This child is not known at WIJ yet: place it in a WIJ team."))
        return data
