import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """DRF's page-number pagination, described for OpenAPI 3.1 (`null` is a type there;
    DRF's own schema uses 3.0's `nullable`, which 3.1 validators ignore)."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def get_paginated_response_schema(self, schema):
        page_link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer"},
                "next": page_link,
                "previous": page_link,
                "results": schema,
            },
        }


# Further than this is not a page anyone asks for; a larger number is read as page 1.
MAX_PAGE = 100_000


def page_number(value: str) -> int:
    """?page= of the pages that list without counting: a positive number of at most
    MAX_PAGE, else 1 (no 500 on '', 'abc', '0', '²', a number too large for OFFSET)."""
    if value.isascii() and value.isdigit() and len(value) <= 6 and 0 < int(value) <= MAX_PAGE:
        return int(value)
    return 1


# Keyset pages (issue 21): a list ordered newest first by a moment and the id is continued
# from the last row shown (?na=) or back from the first (?voor=), read from the index of
# the ordering instead of counting past every earlier row as OFFSET does. The cursor holds
# the moment in microseconds and the id: no person data in the URL.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# What a list says when its cursor cannot be read (an old or edited link).
CURSOR_GONE = _("This page of the list no longer exists: the first page is shown.")
CURSOR = re.compile(r"^(-?[0-9]{1,17})\.([0-9]{1,18})$")


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str = ""
    previous_cursor: str = ""
    invalid: bool = False


def cursor_of(moment: datetime.datetime, pk: int) -> str:
    return f"{(moment - EPOCH) // datetime.timedelta(microseconds=1)}.{pk}"


def _cursor(value: str) -> tuple[datetime.datetime, int] | None:
    found = CURSOR.match(value or "")
    if not found or int(found[2]) > 2**63 - 1:
        return None
    try:
        moment = EPOCH + datetime.timedelta(microseconds=int(found[1]))
    except OverflowError:
        return None
    return moment, int(found[2])


def keyset_page(queryset, params, *, field: str, size: int = 50, rows=None) -> KeysetPage:
    """One page of `queryset` ordered by (`field`, id) newest first, after the cursor
    `params["na"]` or before `params["voor"]`; an unreadable cursor gives the first page,
    marked `invalid` (the view says so). Two queries: the page's keys, read from the
    index of the ordering (the extra `field <= moment`, or >=, is what lets PostgreSQL
    start the scan at the cursor), then the rows by primary key, so that the joins and
    prefetches are done for one page only, never before the top-N sort. `rows(ids)` gives
    the queryset of those rows (without the conditions `queryset` already applied to the
    keys: a visibility rule is not evaluated twice); by default `queryset` itself."""
    after, before = params.get("na", ""), params.get("voor", "")
    cursor = _cursor(before or after) if (before or after) else None
    keys = queryset.order_by().values_list("pk", field)
    newest_first = keys.order_by(f"-{field}", "-pk")
    page = None
    if cursor and before:
        moment, pk = cursor
        earlier = keys.filter(**{f"{field}__gte": moment}).filter(
            Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk})
        )
        found = list(earlier.order_by(field, "pk")[: size + 1])
        if len(found) > size:
            page = _keys_page(found[:size][::-1], has_next=True, first=False)
        # Otherwise back at the start: the first page, as it is now.
    elif cursor:
        moment, pk = cursor
        later = newest_first.filter(**{f"{field}__lte": moment}).filter(
            Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})
        )
        found = list(later[: size + 1])
        page = _keys_page(found[:size], has_next=len(found) > size, first=False)
    if page is None:
        found = list(newest_first[: size + 1])
        page = _keys_page(found[:size], has_next=len(found) > size, first=True)
    page.invalid = bool(before or after) and cursor is None
    ids = [pk for pk, _moment in page.rows]
    found = rows(ids) if rows is not None else queryset.filter(pk__in=ids)
    page.rows = list(found.order_by(f"-{field}", "-pk")) if ids else []
    return page


def _keys_page(keys: list, *, has_next: bool, first: bool) -> KeysetPage:
    page = KeysetPage(rows=keys)
    if keys and has_next:
        page.next_cursor = cursor_of(keys[-1][1], keys[-1][0])
    if keys and not first:
        page.previous_cursor = cursor_of(keys[0][1], keys[0][0])
    return page
