"""Rows of one model gathered in memory, then written with one ``COPY`` per table and round."""

import datetime as dt
import json
from dataclasses import dataclass, field


@dataclass
class Table:
    """Rows of one model waiting for a COPY; columns not given get the field's default."""

    model: type
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    fill: tuple[tuple[str, object], ...] = ()

    def __post_init__(self) -> None:
        fields = {f.column: f for f in self.model._meta.concrete_fields}
        unknown = set(self.columns) - set(fields)
        if unknown:
            raise SystemExit(f"{self.model.__name__}: no column {sorted(unknown)}")
        fill = []
        for column, f in fields.items():
            if column in self.columns or f.null or f.has_db_default():
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fill.append((column, dt.datetime.now(dt.UTC)))
            elif f.get_internal_type() == "JSONField":
                fill.append((column, json.dumps(f.get_default())))
            else:
                fill.append((column, f.get_default()))
        self.fill = tuple(fill)

    def copy(self, cursor) -> int:
        from django.db import connection

        columns = [*self.columns, *(column for column, _ in self.fill)]
        extra = tuple(value for _, value in self.fill)
        statement = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(self.model._meta.db_table),
            ", ".join(connection.ops.quote_name(c) for c in columns),
        )
        with cursor.copy(statement) as copy:
            for row in self.rows:
                copy.write_row(row + extra if extra else row)
        count = len(self.rows)
        self.rows.clear()
        return count
