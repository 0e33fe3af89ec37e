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
