"""Keyset ("older than") pagination for append-only tables (issue 7 §6).

An OFFSET page reads and throws away every row before it, and a page count needs ``COUNT(*)``
over the whole table: at a million audit events both cost more than the page itself. A keyset
page reads ``id < before`` in index order and stops after one row more than it shows; the total is
an estimate that costs nothing (PostgreSQL's planner statistics, SQLite's highest id), shown as
"约". Rows are never updated or deleted, so the ids of an append-only table are a stable cursor:
no page repeats or skips a row whatever is appended meanwhile.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max, QuerySet


@dataclass
class KeysetPage:
    object_list: list
    per_page: int
    before: int | None = None  # the cursor this page was read with (None: the newest page)
    after: int | None = None
    older: int | None = None  # cursor of the next older page, if there is one
    newer: int | None = None  # cursor of the next newer page, if this is not the newest
    estimated_total: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def has_older(self) -> bool:
        return self.older is not None

    @property
    def has_newer(self) -> bool:
        return self.newer is not None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def _cursor(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def keyset_page(qs: QuerySet, params, per_page: int) -> KeysetPage:
    """The page of ``qs`` (newest first by id) that ``params`` (``before`` / ``after``) names.

    ``before=N``: the ``per_page`` rows with id < N; ``after=N``: the ``per_page`` rows with
    id > N (read oldest first, shown newest first). One query of ``per_page + 1`` rows, plus one
    cheap probe for "is there a newer page" when paging back.
    """
    before = _cursor(params.get("before"))
    after = None if before else _cursor(params.get("after"))
    if after is not None:
        rows = list(qs.filter(id__gt=after).order_by("id")[: per_page + 1])
        newer_exists = len(rows) > per_page
        rows = rows[:per_page][::-1]
        older_exists = qs.filter(id__lte=after).order_by("-id").values("id")[:1].exists()
    else:
        base = qs.filter(id__lt=before) if before else qs
        rows = list(base.order_by("-id")[: per_page + 1])
        older_exists = len(rows) > per_page
        rows = rows[:per_page]
        newer_exists = bool(before) and (
            not rows or qs.filter(id__gt=rows[0].id).order_by("id").values("id")[:1].exists()
        )
    return KeysetPage(
        object_list=rows,
        per_page=per_page,
        before=before,
        after=after,
        older=rows[-1].id if rows and older_exists else None,
        newer=rows[0].id if rows and newer_exists else None,
    )


def estimated_count(model) -> int:
    """Roughly how many rows ``model``'s table holds, without counting them: PostgreSQL's
    ``pg_class.reltuples`` (kept by autovacuum / ANALYZE), elsewhere the highest id (exact for a
    table that is only ever appended to, as the audit table is)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [model._meta.db_table],
            )
            row = cursor.fetchone()
        if row and row[0] and row[0] > 0:
            return int(row[0])
    return model.objects.aggregate(top=Max("id"))["top"] or 0
