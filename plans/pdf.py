"""A version of the support plan as a printable PDF letter, made as the beschikking letter
is (triage.pdf.letter_pdf: WeasyPrint, from a Django template, the same style)."""

from triage.pdf import letter_pdf


def plan_pdf(household, version) -> bytes:
    return letter_pdf("plans/plan_letter.html", {"household": household, "version": version})
