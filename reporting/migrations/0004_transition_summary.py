# The transition report's summary over all teams (decision 120). Numbered 0004: h1's 0003
# holds the other reports' summaries; the lead points the dependency at it when merging.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("openhouse", "0007_passed_on_referrals"),
        ("referrals", "0004_version_for_optimistic_locking"),
        ("reporting", "0002_report_indexes"),
    ]

    operations = [
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
    ]
