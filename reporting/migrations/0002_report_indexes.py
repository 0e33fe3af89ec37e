"""Indexes that serve the reports' range scans over other apps' tables (docs/reports.md).
Kept with the reports, in SQL, so that the owning apps' models stay as they are; each
names the figure it serves. INCLUDE columns let PostgreSQL count from the index alone."""

from django.db import migrations

INDEXES = [
    # Help too heavy? (indications started in the period: start, end, status).
    (
        "report_indication_start_idx",
        "indications_indication (start_on) INCLUDE (end_on, status, financing)",
    ),
    # Ended / ended early / 'niet in beeld' by end_on; the transition's "overlaps the
    # period" (end_on >= start, or an open end: a bitmap OR of two ranges of this index).
    (
        "report_indication_end_idx",
        "indications_indication (end_on) INCLUDE (start_on, status, financing, follow_up_request_id)",
    ),
    # End-evaluations on time (in kind only: a PGB has no provider).
    (
        "report_indication_evaluation_idx",
        "indications_indication (evaluation_due_on) WHERE provider_id IS NOT NULL",
    ),
    # Flagged and followed up per month.
    (
        "report_indication_flagged_idx",
        "indications_indication (flagged_on, financing) WHERE flagged_on IS NOT NULL",
    ),
    (
        "report_indication_handled_idx",
        "indications_indication (handled_on) WHERE handled_on IS NOT NULL",
    ),
    # Help too light?: a later request of the same household within 6 months.
    ("report_request_household_idx", "intake_supportrequest (household_id, received_at)"),
    # Client flows and contact within 5 working days: the period's requests, counted from
    # the index alone.
    (
        "report_request_received_idx",
        "intake_supportrequest (received_at) INCLUDE (referrer_type, route_outcome, team_id, "
        "first_contact_on, contact_deadline, status)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_council_reports"),
        ("indications", "0013_allocation_number_and_actual_care_dates"),
        ("intake", "0011_destroyed_file_marker"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
