"""The audit page at group scale (issue 7 §6): keyset pages ("older than" an id), no duplicates
or gaps across pages, search within the keyset, an estimated total without COUNT(*) and a
number of queries that does not grow with the table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkflow.core import audit, clock, keyset
from parkflow.core.models import AuditEvent
from parkflow.core.views import AUDIT_PAGE_SIZE
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff


@pytest.fixture
def auditor(db):
    return staff(Role.AUDITOR, OrgUnitFactory(name="园区运营公司"), display_name="刘审计")


def _events(n, *, repr_of=lambda i: f"对象{i:04d}"):
    """``n`` more links of a valid chain, written in one statement (volume, not behaviour)."""
    last = AuditEvent.objects.order_by("-id").first()
    prev = last.hash if last else audit.GENESIS_HASH
    rows = []
    for i in range(n):
        event = AuditEvent(
            occurred_at=clock.now(),
            actor_name="系统",
            action="bench.event",
            after={"i": i},
            object_repr=repr_of(i),
            prev_hash=prev,
        )
        event.hash = prev = audit.compute_hash(prev, event)
        rows.append(event)
    AuditEvent.objects.bulk_create(rows)


def _walk(client, params=None):
    """Every page from the newest, following the "更早" cursor; the ids in page order."""
    params = dict(params or {})
    pages = []
    while True:
        response = client.get(reverse("core:audit"), params)
        assert response.status_code == 200
        page = response.context["page_obj"]
        pages.append([event.pk for event in page.object_list])
        if not page.has_older:
            return pages, response
        params["before"] = page.older


def test_walking_older_pages_visits_every_event_once_newest_first(client, auditor):
    _events(2 * AUDIT_PAGE_SIZE + 7)
    client.force_login(auditor)
    pages, _last = _walk(client)
    ids = [pk for page in pages for pk in page]
    assert ids == list(AuditEvent.objects.order_by("-id").values_list("id", flat=True))
    assert [len(page) for page in pages] == [AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE, 7]


def test_newer_pages_lead_back_to_the_same_pages(client, auditor):
    _events(2 * AUDIT_PAGE_SIZE + 7)
    client.force_login(auditor)
    pages, last = _walk(client)
    newer = last.context["page_obj"].newer
    back = client.get(reverse("core:audit"), {"after": newer}).context["page_obj"]
    assert [event.pk for event in back.object_list] == pages[1]
    assert back.has_newer and back.has_older
    first = client.get(reverse("core:audit"), {"after": back.newer}).context["page_obj"]
    assert [event.pk for event in first.object_list] == pages[0]
    assert not first.has_newer


def test_events_appended_while_paging_neither_repeat_nor_shift_older_pages(client, auditor):
    _events(AUDIT_PAGE_SIZE + 5)
    client.force_login(auditor)
    first = client.get(reverse("core:audit")).context["page_obj"]
    _events(30)  # new events arrive between two clicks
    second = client.get(reverse("core:audit"), {"before": first.older}).context["page_obj"]
    seen = [e.pk for e in first.object_list] + [e.pk for e in second.object_list]
    assert len(seen) == len(set(seen)) == AUDIT_PAGE_SIZE + 5


def test_search_pages_through_the_matching_events_only(client, auditor):
    _events(3 * AUDIT_PAGE_SIZE, repr_of=lambda i: "苏州纳微光电" if i % 3 == 0 else f"对象{i}")
    client.force_login(auditor)
    pages, _last = _walk(client, {"q": "纳微"})
    ids = [pk for page in pages for pk in page]
    expected = AuditEvent.objects.filter(object_repr__contains="纳微").order_by("-id")
    assert ids == list(expected.values_list("id", flat=True))
    assert len(ids) == AUDIT_PAGE_SIZE and len(pages) == 1


def test_a_malformed_cursor_is_the_newest_page(client, auditor):
    _events(3)
    client.force_login(auditor)
    for cursor in ("abc", "-5", "0", "99999999999999999999999"):
        page = client.get(reverse("core:audit"), {"before": cursor}).context["page_obj"]
        assert len(page.object_list) == 3


def _audit_queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("core:audit"), params)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("params", [{}, {"q": "对象"}, {"before": "40"}])
def test_the_audit_page_never_counts_the_audit_table(client, auditor, params):
    _events(AUDIT_PAGE_SIZE + 10)
    client.force_login(auditor)
    table = AuditEvent._meta.db_table
    for sql in _audit_queries(client, params):
        assert not ("COUNT(" in sql.upper() and table in sql), sql
        assert " OFFSET " not in sql.upper(), sql


def test_the_audit_page_runs_the_same_number_of_queries_at_any_size(client, auditor):
    client.force_login(auditor)
    _events(10)
    small = len(_audit_queries(client, {}))
    _events(3 * AUDIT_PAGE_SIZE)
    large = len(_audit_queries(client, {}))
    deep = len(_audit_queries(client, {"before": AuditEvent.objects.order_by("id")[5].pk}))
    assert large == small
    assert deep <= small + 1  # a deep page also asks whether a newer page exists


def test_the_total_is_estimated_and_shown_as_approximate(client, auditor):
    _events(12)
    client.force_login(auditor)
    response = client.get(reverse("core:audit"))
    total = response.context["page_obj"].estimated_total
    # SQLite: the highest id (exact for an append-only table); PostgreSQL: the planner's
    # statistics, or the highest id while the table has never been analysed.
    assert total == keyset.estimated_count(AuditEvent) > 0
    assert "共约" in response.content.decode()
    filtered = client.get(reverse("core:audit"), {"q": "对象"}).context["page_obj"]
    assert filtered.estimated_total is None
