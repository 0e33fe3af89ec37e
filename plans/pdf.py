"""A version of the support plan as a printable PDF letter, made as the beschikking letter
is (triage.pdf.letter_pdf: WeasyPrint, from a Django template, the same style)."""

from triage.pdf import letter_pdf


def plan_pdf(household, version, snapshot_goals) -> bytes:
    """`snapshot_goals`: the version's goals as views._snapshot_goals marks them (a goal
    about a child the reader may not see shows without its text)."""
    return letter_pdf(
        "plans/plan_letter.html",
        {"household": household, "version": version, "snapshot_goals": snapshot_goals},
    )
