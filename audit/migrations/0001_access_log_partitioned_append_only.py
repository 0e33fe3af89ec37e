"""The access log as a PostgreSQL table partitioned by month, append-only.

Django's state gets the model as declared in audit/models.py; the database gets a
partitioned table whose primary key includes the partition key (id, at), a function that
creates a month's partition on demand (SECURITY DEFINER: the application role may call it
but owns nothing), and triggers that refuse UPDATE and DELETE for every role and TRUNCATE
for every role but the table's owner (who flushes a test database and drops partitions).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

CREATE_LOG = """
CREATE TABLE audit_accesslogentry (
    id bigserial NOT NULL,
    at timestamp with time zone NOT NULL,
    user_id bigint NULL,
    user_name varchar(200) NOT NULL,
    role varchar(30) NOT NULL,
    on_behalf_of varchar(200) NOT NULL,
    client_ids bigint[] NOT NULL,
    event varchar(20) NOT NULL,
    part varchar(40) NOT NULL,
    object_id bigint NULL,
    access_point varchar(64) NOT NULL,
    channel varchar(10) NOT NULL,
    path varchar(300) NOT NULL,
    break_glass boolean NOT NULL,
    reason text NOT NULL,
    outcome varchar(10) NOT NULL,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE INDEX audit_log_clients_gin ON audit_accesslogentry USING gin (client_ids);
CREATE INDEX audit_log_user_at ON audit_accesslogentry (user_id, at DESC);
CREATE INDEX audit_log_at ON audit_accesslogentry (at DESC);

-- One partition per calendar month (UTC), made on demand by the first entry of the month.
CREATE FUNCTION audit_log_ensure_partition(month date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET timezone = 'UTC' AS $$
DECLARE
    first_day date := date_trunc('month', month)::date;
    name text := 'audit_accesslogentry_' || to_char(first_day, 'YYYYMM');
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_accesslogentry FOR VALUES FROM (%L) TO (%L)',
        name, first_day::timestamptz, (first_day + interval '1 month')::timestamptz
    );
    EXECUTE format('REVOKE ALL ON %I FROM PUBLIC', name);
EXCEPTION WHEN duplicate_table OR unique_violation THEN
    -- Another process made it at the same moment.
    NULL;
END $$;
REVOKE ALL ON FUNCTION audit_log_ensure_partition(date) FROM PUBLIC;

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE FUNCTION audit_log_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_truncate();
"""

DROP_LOG = """
DROP TABLE audit_accesslogentry CASCADE;
DROP FUNCTION audit_log_ensure_partition(date);
DROP FUNCTION audit_log_refuse_change();
DROP FUNCTION audit_log_refuse_truncate();
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("intake", "0002_worker_in_several_teams"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(CREATE_LOG, DROP_LOG)],
            state_operations=[
                migrations.CreateModel(
                    name="AccessLogEntry",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        (
                            "at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="when"
                            ),
                        ),
                        ("user_id", models.BigIntegerField(null=True, verbose_name="user id")),
                        (
                            "user_name",
                            models.CharField(
                                help_text="Name at the time.", max_length=200, verbose_name="user"
                            ),
                        ),
                        ("role", models.CharField(blank=True, max_length=30, verbose_name="role")),
                        (
                            "on_behalf_of",
                            models.CharField(
                                blank=True,
                                help_text="The organisation or team the user acted for (namens wie).",
                                max_length=200,
                                verbose_name="on behalf of",
                            ),
                        ),
                        (
                            "client_ids",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.BigIntegerField(),
                                default=list,
                                size=None,
                                verbose_name="clients (jeugdigen)",
                            ),
                        ),
                        (
                            "event",
                            models.CharField(
                                choices=[
                                    ("read", "read"),
                                    ("search", "search"),
                                    ("create", "create"),
                                    ("change", "change"),
                                    ("export", "print or export"),
                                    ("download", "download"),
                                    ("delete", "delete"),
                                ],
                                max_length=20,
                                verbose_name="event",
                            ),
                        ),
                        (
                            "part",
                            models.CharField(
                                help_text="e.g. request, triage, report.",
                                max_length=40,
                                verbose_name="part of the file",
                            ),
                        ),
                        (
                            "object_id",
                            models.BigIntegerField(null=True, verbose_name="record number"),
                        ),
                        (
                            "access_point",
                            models.CharField(
                                blank=True,
                                help_text="IP address.",
                                max_length=64,
                                verbose_name="access point",
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("browser", "browser"),
                                    ("api", "API"),
                                    ("command", "command"),
                                    ("job", "job"),
                                ],
                                max_length=10,
                                verbose_name="channel",
                            ),
                        ),
                        (
                            "path",
                            models.CharField(blank=True, max_length=300, verbose_name="address"),
                        ),
                        (
                            "break_glass",
                            models.BooleanField(default=False, verbose_name="break-the-glass"),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="reason")),
                        (
                            "outcome",
                            models.CharField(
                                choices=[("allowed", "allowed"), ("refused", "refused")],
                                max_length=10,
                                verbose_name="outcome",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "access log entry",
                        "verbose_name_plural": "access log",
                        "ordering": ["-at", "-id"],
                        "indexes": [
                            django.contrib.postgres.indexes.GinIndex(
                                fields=["client_ids"], name="audit_log_clients_gin"
                            ),
                            models.Index(fields=["user_id", "-at"], name="audit_log_user_at"),
                            models.Index(fields=["-at"], name="audit_log_at"),
                        ],
                    },
                ),
            ],
        ),
        migrations.CreateModel(
            name="AccessGrant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("moved", "the family moved to my team's area"),
                            ("colleague_away", "standing in for a colleague who is away"),
                            ("joint_case", "joint case with the child's team"),
                            ("safety", "urgent safety concern"),
                            ("other", "other (explain)"),
                        ],
                        max_length=20,
                        verbose_name="reason",
                    ),
                ),
                (
                    "explanation",
                    models.TextField(blank=True, max_length=1000, verbose_name="explanation"),
                ),
                (
                    "granted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="opened at"
                    ),
                ),
                ("expires_at", models.DateTimeField(verbose_name="valid until")),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="access_grants",
                        to="intake.client",
                        verbose_name="client (jeugdige)",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="access_grants",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="worker",
                    ),
                ),
            ],
            options={
                "verbose_name": "break-the-glass access",
                "verbose_name_plural": "break-the-glass accesses",
                "ordering": ["-granted_at"],
                "indexes": [
                    models.Index(fields=["user", "expires_at"], name="accessgrant_user_expires_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("granted_at"))),
                        name="accessgrant_expires_after_granted",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("reason", "other"), _negated=True),
                            models.Q(("explanation", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="accessgrant_other_is_explained",
                        violation_error_message="Explain the reason.",
                    ),
                ],
            },
        ),
    ]
