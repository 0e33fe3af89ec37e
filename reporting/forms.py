import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms import DateInput
from intake.models import Team
from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin

from .periods import (
    MONTH,
    QUARTER,
    Bucket,
    Period,
    default_period,
    last_full_quarter,
    parse_quarter,
    quarter_code,
)

MAX_SPAN = datetime.timedelta(days=3 * 366)


class ReportFilterForm(StyledFormMixin, forms.Form):
    """Period and team. Anything missing or wrong falls back to the default (the last
    twelve months, all teams) with a message: a report always shows."""

    start = forms.DateField(
        label=_("From"), widget=DateInput, required=False, validators=[validate_date_in_range]
    )
    end = forms.DateField(
        label=_("Until"), widget=DateInput, required=False, validators=[validate_date_in_range]
    )
    by = forms.ChoiceField(
        label=_("Per"),
        choices=[(MONTH, _("month")), (QUARTER, _("quarter"))],
        required=False,
    )
    team = forms.ModelChoiceField(
        label=_("WIJ team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("All teams"),
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        default = default_period(self.today)
        start, end = data.get("start") or default.start, data.get("end") or default.end
        if start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        if end - start > MAX_SPAN:
            raise forms.ValidationError(_("Choose a period of at most 3 years."))
        data["period"] = Period(start, end, data.get("by") or MONTH)
        return data


class CouncilReportForm(StyledFormMixin, forms.Form):
    """One quarter: the last eight full quarters and the running one to choose from."""

    quarter = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        latest = last_full_quarter(today).start
        starts = [latest + relativedelta(months=3 * i) for i in range(1, -8, -1)]
        self.fields["quarter"].choices = [
            (quarter_code(start), Bucket(start, start, QUARTER).label) for start in starts
        ]
        self.fields["quarter"].initial = quarter_code(latest)

    def clean_quarter(self):
        return parse_quarter(self.cleaned_data["quarter"])
