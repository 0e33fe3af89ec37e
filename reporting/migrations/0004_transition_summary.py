# The transition report's summary over all teams (decision 120). Numbered 0004: h1's 0003
# holds the other reports' summaries; the lead points the dependency at it when merging.

import django.db.models.deletion
from django.db import migrations, models

# In SQL like 0002_report_indexes, each named for what it serves: Basis jeugdhulp's passes
# over trajectories ended or started in the period, counted from the index alone
# (decision 122), and the transition's extension requests.
INDEXES = [
    (
        "report_trajectory_ended_idx",
        "trajectories_trajectory (ended_on) INCLUDE (id, started_on, end_reason, goals_reached, "
        "satisfaction_asked, satisfaction, team_id) WHERE status = 'ended'",
    ),
    # The transition's extension requests asked and decided per month (the days since the
    # summary, and one team's).
    ("report_extension_requested_idx", "indications_extensionrequest (requested_on)"),
    (
        "report_extension_decided_idx",
        "indications_extensionrequest (decided_on) INCLUDE (decision)",
    ),
    (
        "report_trajectory_started_idx",
        "trajectories_trajectory (started_on) INCLUDE (team_id, triage_id, ended_on)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("openhouse", "0007_passed_on_referrals"),
        ("referrals", "0004_version_for_optimistic_locking"),
        ("reporting", "0003_summary_tables"),
        ("trajectories", "0003_destroyed_file_marker"),
    ]

    operations = [
        migrations.CreateModel(
            name="TransitionCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("figure", models.CharField(max_length=20, verbose_name="figure")),
                (
                    "month",
                    models.DateField(help_text="The first day of the month.", verbose_name="month"),
                ),
                ("key", models.CharField(blank=True, max_length=20, verbose_name="key")),
                ("n", models.PositiveIntegerField(verbose_name="number")),
                ("counted_until", models.DateField(verbose_name="counted until")),
            ],
            options={
                "verbose_name": "transition count",
                "verbose_name_plural": "transition counts",
                "indexes": [
                    models.Index(
                        fields=["figure", "month"], include=("key", "n"), name="transitioncount_idx"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="TransitionMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "by",
                    models.CharField(
                        choices=[("product", "product"), ("provider", "provider")],
                        max_length=8,
                        verbose_name="grouped by",
                    ),
                ),
                (
                    "month",
                    models.DateField(help_text="The first day of the month.", verbose_name="month"),
                ),
                ("financing", models.CharField(max_length=3, verbose_name="financing")),
                ("running", models.PositiveIntegerField(verbose_name="running on the last day")),
                ("open_end", models.PositiveIntegerField(verbose_name="of which with an open end")),
                ("started", models.PositiveIntegerField(verbose_name="started")),
                ("ended", models.PositiveIntegerField(verbose_name="ended")),
                ("counted_until", models.DateField(verbose_name="counted until")),
                (
                    "product",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="referrals.product",
                        verbose_name="product",
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="openhouse.provider",
                        verbose_name="provider",
                    ),
                ),
            ],
            options={
                "verbose_name": "transition summary",
                "verbose_name_plural": "transition summaries",
                "indexes": [
                    models.Index(
                        fields=["month"],
                        include=(
                            "by",
                            "product",
                            "provider",
                            "financing",
                            "running",
                            "open_end",
                            "started",
                            "ended",
                        ),
                        name="transitionmonth_month_idx",
                    )
                ],
            },
        ),
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, definition in INDEXES
        ),
    ]
