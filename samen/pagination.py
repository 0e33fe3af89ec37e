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
