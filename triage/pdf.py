"""The beschikking as a printable PDF letter (WeasyPrint, from a Django template)."""

import datetime

from django.template.loader import render_to_string

OBJECTION_WEEKS = 6


def beschikking_pdf(beschikking) -> bytes:
    # Imported here, not at the top: WeasyPrint loads Pango and friends (system libraries)
    # when imported, and the URLconf imports this module. Only making a PDF needs them.
    from weasyprint import HTML

    html = render_to_string(
        "triage/beschikking_letter.html",
        {
            "b": beschikking,
            "objection_weeks": OBJECTION_WEEKS,
            "objection_deadline": beschikking.issued_on + datetime.timedelta(weeks=OBJECTION_WEEKS),
        },
    )
    return HTML(string=html).write_pdf()
