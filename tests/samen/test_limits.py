"""Every free-text field and every date a person or client system fills in is bounded: one
documented maximum per text (model, database, forms, API) and the one date range
(samen/dates.py) on every such date. A new field that forgets it fails here."""

import argparse
import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models

from samen.dates import command_date, validate_date_in_range
from samen.limits import BoundedTextField

APPS = ["accounts", "audit", "indications", "intake", "openhouse", "referrals", "samen", "triage"]
# Written by the system, never typed by a person or sent by a client system.
SYSTEM_TEXT = {("audit.AccessLogEntry", "reason"), ("samen.JobRun", "error")}
SYSTEM_DATES = {
    ("accounts.ApiToken", "created"),
    ("accounts.ApiToken", "expiry"),
    ("accounts.ApiToken", "last_used"),
    ("accounts.OidcIdentity", "created"),
    ("audit.AccessLogEntry", "at"),
    ("audit.AccessGrant", "granted_at"),
    ("audit.AccessGrant", "expires_at"),
    ("indications.Indication", "evaluation_due_on"),
    ("indications.Indication", "flagged_on"),
    ("indications.Indication", "handled_on"),
    ("indications.Task", "due_on"),
    ("indications.Task", "created_at"),
    ("indications.Task", "done_on"),
    ("indications.ProviderNotice", "due_on"),
    ("indications.ProviderNotice", "created_at"),
    ("indications.ProviderNotice", "emailed_at"),
    ("indications.ProviderNotice", "read_at"),
    ("indications.EvaluationWatermark", "checked_before"),  # the job's run date
    ("intake.Client", "created_at"),
    ("intake.FurtherQuestion", "added_at"),
    ("intake.SupportRequest", "contact_deadline"),
    ("openhouse.EndEvaluation", "uploaded_at"),
    ("openhouse.EndEvaluation", "read_at"),
    ("openhouse.HandoverNote", "created_at"),
    ("intake.Household", "changed_at"),  # set to now by the merge and split services
    ("samen.JobRun", "run_date"),
    ("samen.JobRun", "started_at"),
    ("samen.JobRun", "finished_at"),
    ("samen.JobRun", "heartbeat_at"),
    # Issue 18: set by the services from dates already checked, or to now.
    ("indications.ExtensionRequest", "decide_by"),  # request date + 8 weeks, or the end
    ("indications.ExtensionRequest", "letter_printed_on"),  # today, by the print
    ("indications.Task", "for_end_on"),  # the indication's end date
    ("indications.ProviderNotice", "for_end_on"),
    ("openhouse.EndEvaluation", "for_end_on"),
    ("openhouse.PassedOnReferral", "passed_on_at"),
}


def fields(kind):
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, kind):
                    yield model, field


def test_every_text_a_user_writes_has_a_maximum_checked_by_model_and_database():
    missing = []
    for model, field in fields(models.TextField):
        if (model._meta.label, field.name) in SYSTEM_TEXT:
            continue
        constraint_names = {c.name for c in model._meta.constraints}
        if not (
            isinstance(field, BoundedTextField)
            and field.max_length
            and any(n.endswith(f"_{field.name}_max_length") for n in constraint_names)
        ):
            missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []
    for model, field in fields(models.CharField):
        assert field.max_length, f"{model._meta.label}.{field.name}"


def test_every_date_a_user_gives_is_in_the_range():
    missing = [
        f"{model._meta.label}.{field.name}"
        for model, field in fields(models.DateField)  # DateTimeField is a DateField
        if (model._meta.label, field.name) not in SYSTEM_DATES
        and validate_date_in_range not in field.validators
    ]
    assert missing == []


@pytest.mark.django_db
def test_the_database_checks_exist():
    """The checks are in the database itself, not only in the models."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'c' "
            "AND (conname LIKE '%%_max_length' OR conname LIKE '%%_in_range')"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "request_question_max_length",
        "report_text_max_length",
        "handovernote_text_max_length",
        "indication_start_on_in_range",
        "indication_end_on_in_range",
        "client_date_of_birth_in_range",
        "request_referral_date_in_range",
    } <= names


def test_the_validator_and_the_command_argument():
    validate_date_in_range(datetime.date(1900, 1, 1))
    validate_date_in_range(datetime.date(2100, 12, 31))
    for day in (
        datetime.date(1899, 12, 31),
        datetime.date(2101, 1, 1),
        datetime.date(9999, 12, 31),
    ):
        with pytest.raises(ValidationError):
            validate_date_in_range(day)
    assert command_date("2026-12-04") == datetime.date(2026, 12, 4)
    for bad in ("9999-12-31", "04-12-2026", "", "2026-02-30"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"range|not a date"):
            command_date(bad)
