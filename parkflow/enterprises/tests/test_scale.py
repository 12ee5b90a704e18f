"""The register at group scale (issue 7 §6, R-PLT-6): the capped audit timeline and its "load
older" slices, the streamed export, and ``seed_scale`` on a tiny size producing a valid chain."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parkflow.core import audit, audit_digest, clock
from parkflow.core.models import Alert, AuditEvent
from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import Role
from parkflow.org.models import OrgUnit
from parkflow.org.tests.factories import staff

from .factories import EnterpriseFactory


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(park=park, name="苏州纳微光电科技有限公司")


def _history(enterprise, n):
    """``n`` more events about ``enterprise``, as valid links of the chain, in one statement."""
    last = AuditEvent.objects.order_by("-id").first()
    prev = last.hash if last else audit.GENESIS_HASH
    ct = ContentType.objects.get_for_model(Enterprise)
    rows = []
    for i in range(n):
        event = AuditEvent(
            occurred_at=clock.now(),
            actor_name="系统",
            action="enterprise.update",
            content_type=ct,
            object_id=str(enterprise.pk),
            object_repr=enterprise.name,
            after={"contact_phone": f"139{i:08d}"},
            prev_hash=prev,
        )
        event.hash = prev = audit.compute_hash(prev, event)
        rows.append(event)
    AuditEvent.objects.bulk_create(rows)


def _detail(client, enterprise):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def test_the_detail_shows_the_latest_fifty_events_and_offers_the_older_ones(
    client, clerk, enterprise
):
    _history(enterprise, audit.TIMELINE_LIMIT + 20)
    client.force_login(clerk)
    response, _queries = _detail(client, enterprise)
    shown = [event.pk for event in response.context["events"]]
    ids = list(audit.events_for(enterprise).values_list("id", flat=True))
    assert shown == ids[-audit.TIMELINE_LIMIT :]  # the newest fifty, oldest first
    assert response.context["older"] == shown[0]
    html = response.content.decode()
    assert "加载更早记录" in html
    assert f"{reverse('enterprises:timeline', args=[enterprise.pk])}?before={shown[0]}" in html


def test_load_older_returns_the_previous_slice_until_the_first_event(client, clerk, enterprise):
    _history(enterprise, 2 * audit.TIMELINE_LIMIT + 5)
    client.force_login(clerk)
    response, _queries = _detail(client, enterprise)
    seen = [event.pk for event in response.context["events"]]
    older = response.context["older"]
    url = reverse("enterprises:timeline", args=[enterprise.pk])
    while older:
        page = client.get(url, {"before": older}, headers={"HX-Request": "true"})
        assert page.status_code == 200
        seen = [event.pk for event in page.context["events"]] + seen
        older = page.context["older"]
    assert "加载更早记录" not in page.content.decode()
    assert seen == list(audit.events_for(enterprise).values_list("id", flat=True))


def test_the_detail_runs_the_same_number_of_queries_with_a_long_timeline(client, clerk, enterprise):
    client.force_login(clerk)
    _history(enterprise, 5)
    _detail(client, enterprise)  # warm the per-process caches (content types, roles)
    _response, few = _detail(client, enterprise)
    _history(enterprise, 3 * audit.TIMELINE_LIMIT)
    response, many = _detail(client, enterprise)
    assert many == few
    assert len(response.context["events"]) == audit.TIMELINE_LIMIT


def test_another_parks_staff_cannot_load_the_timeline(client, enterprise, other_park):
    _history(enterprise, 3)
    client.force_login(staff(Role.BUSINESS_STAFF, other_park))
    url = reverse("enterprises:timeline", args=[enterprise.pk])
    assert client.get(url, {"before": 999}).status_code == 404


def test_the_export_is_streamed_from_a_write_only_workbook(client, clerk, park):
    for i in range(30):
        EnterpriseFactory(park=park, name=f"=苏州导出测试{i:02d}有限公司", registered_capital=500)
    client.force_login(clerk)
    response = client.get(reverse("enterprises:export"))
    assert response.status_code == 200
    assert response.streaming  # a FileResponse over the temporary file, not bytes in memory
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("企业名称", "统一社会信用代码")
    assert len(rows) == 31
    assert {row[0] for row in rows[1:]} == {f"=苏州导出测试{i:02d}有限公司" for i in range(30)}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.cell(row=2, column=8).number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"
    assert AuditEvent.objects.get(action="enterprise.export").after["count"] == 30


def test_seed_scale_builds_a_small_group_with_a_valid_chain(db, capsys):
    call_command("seed_scale", parks=2, enterprises=30, alerts=50, events=500, stdout=io.StringIO())
    assert OrgUnit.objects.filter(kind="park").count() == 2
    assert Enterprise.objects.count() == 30
    assert Alert.objects.count() == 50
    assert AuditEvent.objects.count() == 500
    report = audit_digest.verify()
    assert report.ok, report.problem
    assert report.checked == 500 and report.anchor is not None
    # The busiest enterprise carries its share of the events.
    busiest = Enterprise.objects.order_by("id").first()
    assert audit.events_for(busiest).count() >= 500 // 250
    # Idempotent: a second run adds nothing and writes no second digest.
    call_command("seed_scale", parks=2, enterprises=30, alerts=50, events=500, stdout=io.StringIO())
    assert (Enterprise.objects.count(), Alert.objects.count()) == (30, 50)
    assert AuditEvent.objects.count() == 500
    assert audit_digest.latest_digest().sequence == 1


def test_seed_scale_refuses_a_database_with_other_data(park):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_scale", parks=1, enterprises=3, alerts=0, events=0)
    assert not OrgUnit.objects.filter(code__startswith="scale-").exists()
