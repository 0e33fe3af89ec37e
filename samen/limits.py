"""The maxima of free text (docs/decisions.md, "Dates and text limits"; the full list in
docs/architecture.md, "Text limits and the date range").

Every free-text field a person or a client system fills in has a maximum, the same in the
model (and so in ModelForms, the admin and ModelSerializers), in plain forms, in the API
and in the import. Short fields are CharFields with their own `max_length`; long texts are
`BoundedTextField`s with one of the lengths below, and a database check on the column.
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

# A question, a conversation report, a message, a decision: a few pages of text.
LONG_TEXT = 10_000
# Reasons, an explanation, a weighing, a note, an answer: a few paragraphs.
REASON_TEXT = 2_000
# A break-the-glass explanation.
EXPLANATION_TEXT = 1_000
# A postal address written out for a letter.
ADDRESS_TEXT = 500


class BoundedTextField(models.TextField):
    """A TextField whose `max_length` is checked by model validation too: Django's
    TextField only hands it to the form field (maxlength and a form error), so without
    this `full_clean()` — the admin, services, the import — would not refuse a longer
    text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


def text_length_checks(prefix: str, **limits: int) -> list[models.CheckConstraint]:
    """One database check per long-text column: `char_length(column) <= limit`, named
    `<prefix>_<field>_max_length`. The same rule as the field's `max_length`."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(name), limit),
            name=f"{prefix}_{name}_max_length",
            violation_error_message=_("A text is longer than allowed."),
        )
        for name, limit in limits.items()
    ]
