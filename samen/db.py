"""The application's database role.

The tables are owned by the role that runs the migrations (the *owner*). The running
application works as a second role, DATABASE_APP_ROLE (default `samen_app`), with only the
rights it needs: data on every table, but on the access log only INSERT and SELECT.
Every new connection switches to it with SET ROLE, unless this process is in *owner mode*:
`migrate`, `flush` and the access log's partition maintenance run as the owner, and so does
the set-up of the test database. In production the web and worker processes may also log
in as a role that can only become the app role; SET ROLE is then a no-op.
"""

import contextlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DataError, connections
from psycopg import errors, sql

_owner_mode = 0


def app_role() -> str:
    return getattr(settings, "DATABASE_APP_ROLE", "")


def owner_mode_active() -> bool:
    return _owner_mode > 0


def _set_role(connection, role: str | None) -> None:
    # On the driver's connection: Django's cursor wrappers look the alias up, and the
    # health check's fresh connection has an alias of its own.
    raw = connection.connection
    if role:
        raw.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
    else:
        raw.execute("RESET ROLE")


def on_connection_created(sender, connection, **kwargs):
    """Drop to the application role on every new connection (connection_created)."""
    role = app_role()
    if not role or owner_mode_active() or connection.vendor != "postgresql":
        return
    try:
        _set_role(connection, role)
    except (DataError, errors.InvalidParameterValue) as exc:
        raise ImproperlyConfigured(
            f"The database role {role!r} does not exist yet: run `manage.py migrate` first "
            "(it creates the role), or set DATABASE_APP_ROLE."
        ) from exc


def _open_postgres_connections():
    for alias in connections:
        connection = connections[alias]
        if connection.connection is not None and connection.vendor == "postgresql":
            yield connection


@contextlib.contextmanager
def owner_mode():
    """Work as the role that owns the tables (migrate, flush, partition maintenance)."""
    global _owner_mode
    _owner_mode += 1
    try:
        if _owner_mode == 1 and app_role():
            for connection in _open_postgres_connections():
                if not connection.needs_rollback:
                    _set_role(connection, None)
        yield
    finally:
        _owner_mode -= 1
        if _owner_mode == 0 and app_role():
            for connection in _open_postgres_connections():
                try:
                    _set_role(connection, app_role())
                except Exception:
                    # A connection we cannot bring back to the app role is not reused.
                    connection.close()


def enter_owner_mode() -> None:
    global _owner_mode
    _owner_mode += 1


def leave_owner_mode() -> None:
    """Leave owner mode for good in this process (tests: after the test database is set up).
    Open connections are closed so that the next ones take the application role."""
    global _owner_mode
    _owner_mode = max(0, _owner_mode - 1)
    if _owner_mode == 0:
        for alias in connections:
            connections[alias].close()


# The access log: the app role may add and read, nothing else (see audit/migrations/0001).
APPEND_ONLY_TABLES = ("audit_accesslogentry",)


def app_role_sync(using: str = "default") -> None:
    """Create the application role when missing and give it exactly its rights: data on
    every table of the schema, INSERT and SELECT only on the append-only tables (and their
    partitions). Idempotent; runs after every migrate, as the owner."""
    role = app_role()
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    ident = sql.Identifier(role)
    statements = [
        sql.SQL(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN "
            "CREATE ROLE {role} NOLOGIN; END IF; END $$"
        ).format(name=sql.Literal(role), role=ident),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            ident
        ),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(
            ident
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        (is_superuser,) = cursor.fetchone()
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))
        if not is_superuser:
            # The owner must be able to SET ROLE to the app role.
            cursor.execute(
                sql.SQL("GRANT {} TO current_user").format(ident).as_string(cursor.connection)
            )
        for table in APPEND_ONLY_TABLES:
            cursor.execute(
                "SELECT c.relname FROM pg_class c WHERE c.relname = %s "
                "UNION SELECT child.relname FROM pg_inherits i "
                "JOIN pg_class parent ON parent.oid = i.inhparent "
                "JOIN pg_class child ON child.oid = i.inhrelid WHERE parent.relname = %s",
                [table, table],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(
                    sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}")
                    .format(sql.Identifier(name), ident)
                    .as_string(cursor.connection)
                )
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'audit_log_ensure_partition'")
        if cursor.fetchone():
            cursor.execute(
                sql.SQL("GRANT EXECUTE ON FUNCTION audit_log_ensure_partition(date) TO {}")
                .format(ident)
                .as_string(cursor.connection)
            )
        # A destroyed file's entries point at its tombstone (audit migration 0003).
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'audit_log_pseudonymise'")
        if cursor.fetchone():
            cursor.execute(
                sql.SQL(
                    "GRANT EXECUTE ON FUNCTION audit_log_pseudonymise(bigint, bigint, text) TO {}"
                )
                .format(ident)
                .as_string(cursor.connection)
            )


def app_role_sync_after_migrate(sender, using="default", **kwargs):
    app_role_sync(using)
