"""Conditions and values written in SQL once, on columns of the queried table.

The visibility rule runs on every list, feed page, video read and media
request. Built from the ORM (three EXISTS annotations, the block rule as a
UNION) it cost Django ~4 ms a query to build and compile, more than
PostgreSQL took to plan and run it. Written once as SQL text it costs a
string format; the columns it is correlated on stay Django expressions, so
the queried table's alias is whatever Django calls it (also when the query
becomes a subquery and its tables are renamed).

Templates name their columns as `{name}` and their parameters as `%s`. Tables
of their own take aliases of their own (`vis_…`): names Django never gives,
so they cannot hide a table of the outer query.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from django.db import models
from django.db.models import BooleanField, Expression, F

_UUID = models.UUIDField()


def table(model) -> str:
    return f'"{model._meta.db_table}"'


def column(model, field: str) -> str:
    return f'"{model._meta.get_field(field).column}"'


def _param(value, connection):
    """A parameter as the database stores its kind (SQLite: UUIDs as hex, dates as text)."""
    if isinstance(value, uuid.UUID):
        return _UUID.get_db_prep_value(value, connection)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


class Sql(Expression):
    """`Sql(sql, params, output_field, video="id")`: the value of `sql`, its `{video}` being
    that column of the queried row. UUID and datetime parameters are passed as the
    database stores them; the value comes back through `output_field`'s converters."""

    def __init__(self, sql: str, params: Sequence = (), output_field=None, **columns: str):
        super().__init__(output_field=output_field)
        self.sql = sql
        self.params = tuple(params)
        self.names = tuple(columns)
        self.columns = [F(c) for c in columns.values()]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.sql!r})"

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        names = {name: compiler.compile(col)[0] for name, col in zip(self.names, self.columns)}
        params = [_param(p, connection) for p in self.params]
        return "(" + self.sql.format(**names) + ")", params


class Condition(Sql):
    """`Condition(sql, params, video="id", owner="owner_id")`: true where `sql` holds, its
    `{video}` and `{owner}` being those columns of the queried row."""

    conditional = True

    def __init__(self, sql: str, params: Sequence = (), **columns: str):
        super().__init__(sql, params, BooleanField(), **columns)
