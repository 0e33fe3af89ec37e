"""The quarterly report to the council (raadsrapportage): the main figures and charts of
one quarter, as a PDF in Dutch, from the same tables as the report pages."""

import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from . import charts
from .periods import Bucket, Period
from .selectors import Filters, basis_help, client_flows, deadlines, matched_care, transition

# A table with more columns than this goes on a landscape page of its own (the products'
# table has 12): on A4 portrait its right columns would be cut off.
PORTRAIT_COLUMNS = 6

# The tables the council sees, in this order.
SECTIONS = (
    "requests-by-referrer",
    "triage-outcomes",
    "outcomes-by-referrer",
    "referral-shares",
    "basis-helped",
    "waiting-time",
    "end-results",
    "satisfaction",
    "contact",
    "end-evaluations",
    "out-of-sight",
    "running",
    "running-left",
    "flagged-ended",
    "extensions",
    "early-handovers",
)


def council_context(period: Period, today: datetime.date) -> dict:
    filters = Filters(period, None, today)
    tables = {
        table.slug: table
        for build in (client_flows, matched_care, basis_help, deadlines, transition)
        for table in build(filters)
    }

    def total(slug, column):
        return tables[slug].rows[-1].cells[column]

    running = tables["running"].rows[-1].cells[-1]
    key_figures = [
        (_("New support requests"), total("requests-by-referrer", -1)),
        (_("Triages"), total("triage-outcomes", 4)),
        (_("Share helped at WIJ"), total("triage-outcomes", 5)),
        (_("Share referred to specialist care"), total("referral-shares", 2)),
        (_("Children helped by Basis jeugdhulp"), total("basis-helped", 0)),
        (_("Families helped by Basis jeugdhulp"), total("basis-helped", 1)),
        (_("Median waiting time to the start of the help (days)"), total("waiting-time", 1)),
        (_("90th percentile of the waiting time (days)"), total("waiting-time", 2)),
        (
            _("Still waiting for the help to start at the end of the quarter"),
            total("waiting-time", 3),
        ),
        (_("Trajectories ended"), total("end-results", 0)),
        (_("Share ended as planned"), total("end-results", 4)),
        (_("Share with goals fully or partly reached"), total("end-results", 9)),
        (_("Contact within 5 working days"), total("contact", 3)),
        (_("Median working days to contact"), total("contact", 4)),
        (_("End-evaluations on time"), total("end-evaluations", 4)),
        (_("Running indications at the end of the quarter"), running),
        (_("Ended indications 'niet in beeld'"), total("out-of-sight", 2)),
    ]
    sections = [
        (tables[slug], charts.render(tables[slug]), len(tables[slug].columns) > PORTRAIT_COLUMNS)
        for slug in SECTIONS
    ]
    return {
        "quarter": Bucket(period.start, period.end, "quarter").label,
        "period": period,
        "today": today,
        "key_figures": key_figures,
        "sections": sections,
    }


def council_pdf(period: Period, today: datetime.date) -> bytes:
    """Always in Dutch: it goes to the council."""
    # Imported here: WeasyPrint loads its system libraries on import (see triage/pdf.py).
    from weasyprint import HTML

    with translation.override("nl"):
        html = render_to_string("reporting/council.html", council_context(period, today))
    return HTML(string=html).write_pdf()


def council_filename(period: Period) -> str:
    return f"raadsrapportage-basis-jeugdhulp-{period.start.year}-K{(period.start.month - 1) // 3 + 1}.pdf"
