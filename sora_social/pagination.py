"""Cursor pagination in the contract's shape: `{"results": [...], "next": cursor|null}`.

`next` is the opaque cursor itself (pass it back as `?cursor=`), not a URL, so
clients never parse links. Keyset cursors stay stable while new rows arrive.
"""

from urllib.parse import parse_qs, urlsplit

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class CursorPage(CursorPagination):
    ordering = "-created_at"
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception:  # DRF answers an unreadable cursor with 404; it is malformed input
            raise ValidationError({"cursor": ["Invalid cursor."]}, code="invalid_cursor")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 0 < int(raw) <= self.max_page_size):
            raise ValidationError({"limit": [f"An integer from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    def next_cursor(self) -> str | None:
        link = self.get_next_link()
        if not link:
            return None
        return parse_qs(urlsplit(link).query).get(self.cursor_query_param, [None])[0]

    def get_paginated_response(self, data):
        return Response({"results": data, "next": self.next_cursor()})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results", "next"],
            "properties": {
                "results": schema,
                "next": {
                    "type": "string",
                    "nullable": True,
                    "description": "Opaque cursor of the next page; pass it back as ?cursor=.",
                },
            },
        }


def paginate(*, request, view, queryset, serializer_class, ordering: str = "-created_at", context=None):
    """Paginate a queryset for a view and answer in the contract's shape."""
    paginator = CursorPage()
    paginator.ordering = ordering
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context=context or {"request": request}).data
    return paginator.get_paginated_response(data)
