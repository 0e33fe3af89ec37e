"""The beschikking as a printable PDF letter (WeasyPrint, from a Django template)."""

import datetime

from django.template.loader import render_to_string

OBJECTION_WEEKS = 6


def letter_context(beschikking, *, concept: bool = False) -> dict:
    """What the letter's template needs; the preview before issuing passes an unsaved copy
    with the typed text and today's date, marked as a concept."""
    return {
        "b": beschikking,
        "concept": concept,
        "objection_weeks": OBJECTION_WEEKS,
        "objection_deadline": beschikking.issued_on + datetime.timedelta(weeks=OBJECTION_WEEKS),
    }


def letter_pdf(template: str, context: dict) -> bytes:
    """A letter template (which includes triage/partials/letter_style.html) as a PDF; the
    beschikking and the support plan (plans/pdf.py) are made this one way."""
    # Imported here, not at the top: WeasyPrint loads Pango and friends (system libraries)
    # when imported, and the URLconf imports this module. Only making a PDF needs them.
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def beschikking_pdf(beschikking) -> bytes:
    return letter_pdf("triage/beschikking_letter.html", letter_context(beschikking))
