from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm, TOTPDeviceForm
from two_factor.plugins.registry import GeneratorMethod

from samen.forms import StyledFormMixin


class SecondFactorForm(StyledFormMixin, forms.Form):
    """A code of the authenticator app, or a recovery code (herstelcode)."""

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].strip().replace(" ", "")
        for device in devices_for_user(self.user, confirmed=True):
            allowed, _data = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError(
            _("This code is not right, or was used before. Wait for the next code and try again.")
        )


class TokenForm(AuthenticationTokenForm):
    """Step 2 of signing in: the code of the authenticator app (in plain Dutch words)."""

    otp_error_messages = dict(
        AuthenticationTokenForm.otp_error_messages,
        token_required=_("Enter the code of your authenticator app."),
        invalid_token=_(
            "This code is not right. Check that the time on your telephone is correct and "
            "enter the newest code."
        ),
        n_failed_attempts=ngettext_lazy(
            "After %(failure_count)d wrong code, checking waits a moment: try again soon.",
            "After %(failure_count)d wrong codes, checking waits a moment: try again soon.",
            "failure_count",
        ),
        verification_not_allowed=_("Too many wrong codes: wait a moment, then try again."),
    )

    # Named parameters: the login wizard passes what the signature asks for.
    def __init__(self, user, initial_device, **kwargs):
        super().__init__(user, initial_device, **kwargs)
        self.fields["otp_token"].label = _("Code")


class RecoveryCodeForm(TokenForm, BackupTokenForm):
    """Step 2 without the telephone: one of the recovery codes (herstelcode)."""

    otp_token = forms.CharField(label=_("Recovery code"), max_length=16)

    def __init__(self, user, initial_device, **kwargs):
        super().__init__(user, initial_device, **kwargs)
        self.fields["otp_token"].label = _("Recovery code")


class SetupCodeForm(TOTPDeviceForm):
    """The first code of a newly added authenticator app."""

    error_messages = {
        "invalid_token": _(
            "This code is not right. Check that the time on your telephone is correct and "
            "enter the newest code."
        )
    }

    def __init__(self, key, user, metadata=None, **kwargs):
        super().__init__(key, user, metadata=metadata, **kwargs)
        self.fields["token"].label = _("Code")


class AuthenticatorMethod(GeneratorMethod):
    """django-two-factor-auth's authenticator-app method, with the forms above."""

    def recognize_device(self, device):
        return isinstance(device, TOTPDevice)

    def get_token_form_class(self):
        return TokenForm

    def get_setup_forms(self, *args):
        return {"generator": SetupCodeForm}
