"""Writing to the access log and opening a file with a reason (break-the-glass)."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connections
from django.utils import timezone

from samen import roles

from .models import AccessGrant, AccessLogEntry

# Months whose partition this process has seen to exist, per database.
_partitions_known: set[tuple[str, str]] = set()

Event = AccessLogEntry.Event
Outcome = AccessLogEntry.Outcome


def _client_ids(clients: Iterable) -> list[int]:
    ids = {getattr(client, "pk", client) for client in clients}
    return sorted(int(i) for i in ids if i is not None)


def _ensure_partition(at: datetime.datetime, using: str = "default") -> None:
    """The month's partition exists before the first entry of the month is written (one
    call of a SECURITY DEFINER function per month and process)."""
    month = at.astimezone(datetime.UTC).date().replace(day=1)
    connection = connections[using]
    key = (str(connection.settings_dict["NAME"]), month.isoformat())
    if key in _partitions_known:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_log_ensure_partition(%s)", [month])
    # Remember it only once it is committed: a partition made inside a transaction that
    # rolls back (a test, a failed request) is gone again.
    if not connection.in_atomic_block:
        _partitions_known.add(key)


def forget_known_partitions() -> None:
    """After a test drops partitions, the next write checks again."""
    _partitions_known.clear()


def _on_behalf_of(user) -> str:
    """Namens wie: the user's teams or provider, once per request."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if not hasattr(user, "_samen_on_behalf_of"):
        role = roles.user_role(user)
        if role in roles.WIJ_ROLES:
            from intake.models import Team, user_team_ids

            # A signed-in request's user brings its teams' names (accounts.backends).
            names = getattr(user, "_samen_team_names", None)
            if names is None:
                names = Team.objects.filter(pk__in=user_team_ids(user)).values_list(
                    "name", flat=True
                )
            value = ", ".join(names)
        elif role == roles.PROVIDER:
            membership = getattr(user, "provider_membership", None)
            value = membership.provider.name if membership else ""
        elif role in (roles.OFFICIAL, roles.YOUTH_ADMIN, roles.PRIVACY):
            value = str(roles.ROLE_LABELS[role])
        else:
            value = ""
        user._samen_on_behalf_of = value[:200]
    return user._samen_on_behalf_of


def access_log_record(
    *,
    event: str,
    part: str,
    clients: Iterable = (),
    request=None,
    user=None,
    object_id: int | None = None,
    outcome: str = Outcome.ALLOWED,
    break_glass: bool = False,
    reason: str = "",
    channel: str | None = None,
) -> AccessLogEntry:
    """Write one entry. Raises when it cannot be written: no event without its entry.

    Callers write outside any transaction that may roll back (views run in autocommit),
    so that a refused attempt stays recorded as well."""
    user = user if user is not None else getattr(request, "user", None)
    authenticated = getattr(user, "is_authenticated", False)
    at = timezone.now()
    if channel is None:
        is_api = request is not None and request.path.startswith("/api/")
        channel = AccessLogEntry.Channel.API if is_api else AccessLogEntry.Channel.BROWSER
    _ensure_partition(at)
    return AccessLogEntry.objects.create(
        at=at,
        user_id=user.pk if authenticated else None,
        user_name=((user.get_full_name() or user.username) if authenticated else "")[:200],
        role=(roles.user_role(user) or "") if authenticated else "",
        on_behalf_of=_on_behalf_of(user),
        client_ids=_client_ids(clients),
        event=event,
        part=part[:40],
        object_id=object_id,
        access_point=(request.META.get("REMOTE_ADDR", "") if request is not None else "")[:64],
        channel=channel,
        path=(request.path if request is not None else "")[:300],
        break_glass=break_glass,
        reason=reason,
        outcome=outcome,
    )


def log_read(request, part: str, clients: Iterable, object_id: int | None = None):
    """A page, partial or API response that shows these clients' data."""
    return access_log_record(
        request=request, event=Event.READ, part=part, clients=clients, object_id=object_id
    )


def log_refused(request, part: str, clients: Iterable = (), object_id: int | None = None):
    return access_log_record(
        request=request,
        event=Event.READ,
        part=part,
        clients=clients,
        object_id=object_id,
        outcome=Outcome.REFUSED,
    )


def access_grant_open(*, user, client, reason: str, explanation: str, request=None) -> AccessGrant:
    """Break-the-glass: open a child's file outside the user's teams, with a reason, for
    BREAK_GLASS_HOURS. Recorded as a grant (the child's team lead sees it) and in the log."""
    now = timezone.now()
    grant = AccessGrant(
        user=user,
        client=client,
        reason=reason,
        explanation=explanation.strip(),
        granted_at=now,
        expires_at=now + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    grant.full_clean()
    grant.save()
    access_log_record(
        request=request,
        user=user,
        event=Event.READ,
        part="break-the-glass",
        clients=[client],
        object_id=client.pk,
        break_glass=True,
        reason=f"{grant.get_reason_display()}: {grant.explanation}".rstrip(": "),
    )
    return grant
