"""Cursor pagination in the contract's shape: `{"results": [...], "next": cursor|null}`.

`next` is the opaque cursor itself (pass it back as `?cursor=`), not a URL, so
clients never parse links. Keyset cursors stay stable while new rows arrive.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from .errors import Invalid


class CursorPage(CursorPagination):
    ordering = "-created_at"
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    # A cursor is client input: its position is checked against the ordering
    # field before it reaches SQL, or a crafted `p=notadate` fails inside the
    # query (a 500 on PostgreSQL).
    MAX_POSITION_CHARS = 64

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except Exception:  # DRF answers an unreadable cursor with 404; it is malformed input
            raise _invalid_cursor()
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _check_position(self, position: str) -> None:
        if len(position) > self.MAX_POSITION_CHARS or "\x00" in position:
            raise _invalid_cursor()
        ordering = self.ordering if isinstance(self.ordering, str) else self.ordering[0]
        model = getattr(self, "_model", None)
        if model is None:
            return
        try:
            field = model._meta.get_field(ordering.lstrip("-"))
        except FieldDoesNotExist:
            return  # an annotation: nothing to check it against
        try:
            field.to_python(position)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            raise _invalid_cursor()

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


def _invalid_cursor() -> Invalid:
    return Invalid("Invalid cursor: pass back the `next` value of an earlier page unchanged.", code="invalid_cursor")


def paginate(*, request, view, queryset, serializer_class, ordering: str = "-created_at", context=None):
    """Paginate a queryset for a view and answer in the contract's shape."""
    paginator = CursorPage()
    paginator.ordering = ordering
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context=context or {"request": request}).data
    return paginator.get_paginated_response(data)
