"""Forms rendered with NL Design System (Utrecht) classes, one template for all."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import fields as model_fields
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

# The empty choice of every select (Django's ModelChoiceField, a model field's choices, the
# admin's actions and list filters). Django 6.1's own "- Select an option -" has no Dutch in
# Django's catalogue; Django lets a project set its own (`BLANK_CHOICE_LABEL`), which
# `use_blank_choice_label` does before any form class is built (samen.apps).
BLANK_CHOICE_LABEL = _("Choose…")
BLANK_CHOICE = ("", BLANK_CHOICE_LABEL)


def use_blank_choice_label() -> None:
    model_fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL


WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "",
    forms.CheckboxSelectMultiple: "",
}
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"


class SamenFormRenderer(TemplatesSetting):
    form_template_name = "samen/forms/form.html"
    field_template_name = "samen/forms/field.html"


def style_widgets(form: forms.BaseForm) -> None:
    """Give every widget its design-system class and link errors for screen readers."""
    for name, field in form.fields.items():
        widget = field.widget
        css = next((c for cls, c in WIDGET_CLASSES.items() if isinstance(widget, cls)), TEXTBOX)
        existing = widget.attrs.get("class", "")
        if css and css not in existing:
            widget.attrs["class"] = f"{existing} {css}".strip()
        # `_errors`, not `errors`: reading `errors` would validate the form before a
        # subclass's __init__ has set its choices and querysets.
        if form.is_bound and form._errors and name in form._errors:
            widget.attrs["aria-invalid"] = "true"


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


class LoginForm(StyledFormMixin, AuthenticationForm):
    # The signature names `request`: the login wizard passes it only to forms that ask for
    # it, and the lockout (django-axes) needs it in authenticate().
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django sets the user name's max_length here without its validator: a longer name
        # would reach authenticate(), and the lockout's record of it fails in the database.
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    pass


def add_validation_errors(form: forms.BaseForm, exc) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def errors_as_text(form: forms.BaseForm) -> str:
    """A form's errors as one message, each after its field's label ("Verslag: Zorg dat
    deze waarde niet meer dan 10000 tekens bevat …"): for the views that redirect and show
    a message instead of the form again."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = " ".join(str(error) for error in errors)
        parts.append(f"{field.label}: {text}" if field is not None and field.label else text)
    return " ".join(parts)


def posted_initial(form_class, data, prefix: str = "", *, can_delete: bool = False) -> dict:
    """What was typed into a form (or a formset's row, by `prefix`), as initial values: a
    search button inside a form (the provider search, decision 125) shows the page again
    without JavaScript with everything kept and nothing judged yet."""
    initial = {}
    fields = dict(form_class.base_fields)
    if can_delete:
        fields["DELETE"] = forms.BooleanField()
    for name, field in fields.items():
        key = f"{prefix}-{name}" if prefix else name
        if isinstance(field, forms.BooleanField):
            initial[name] = key in data
        elif isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
            initial[name] = data.getlist(key)
        elif key in data:
            initial[name] = data.get(key)
    return initial


def posted_rows(formset_class, data, prefix: str) -> list[dict]:
    """A formset's rows as typed (posted_initial), the empty ones left out; at most the
    formset's absolute maximum whatever TOTAL_FORMS says."""
    total = str(data.get(f"{prefix}-TOTAL_FORMS", ""))
    count = int(total) if total.isascii() and total.isdigit() and len(total) < 4 else 0
    rows = []
    for index in range(min(count, formset_class.absolute_max)):
        row = posted_initial(
            formset_class.form, data, f"{prefix}-{index}", can_delete=formset_class.can_delete
        )
        if any(value not in ("", None, False, []) for value in row.values()):
            rows.append(row)
    return rows
