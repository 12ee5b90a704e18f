"""Licence files nobody used are not kept (issue 13): after the retention period (7 days by
default) the daily job deletes them; the readings keep what was read, used readings keep their
file, and the deletion is audited."""

import datetime
import os

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from parkflow.core.models import AuditEvent

from .. import services
from ..models import LicenceReading
from .factories import read, register_values, submitted

pytestmark = pytest.mark.django_db


def _age(reading, days):
    LicenceReading.objects.filter(pk=reading.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def _exists(name) -> bool:
    return os.path.exists(os.path.join(settings.MEDIA_ROOT, name))


def test_files_of_readings_never_used_are_deleted_after_seven_days(
    client, monkeypatch, clerk, park
):
    old = read(monkeypatch, clerk, park)
    recent = submitted(clerk, park)
    used = read(monkeypatch, clerk, park)
    services.enterprise_register_from_licence(actor=clerk, reading=used, **register_values(park))
    for reading, days in ((old, 8), (recent, 6), (used, 30)):
        _age(reading, days)
    names = {r.pk: r.file.name for r in (old, recent, used)}

    assert services.readings_purge_unused() == 1

    old.refresh_from_db()
    assert not old.file and old.file_removed_at is not None
    assert not _exists(names[old.pk])
    assert old.result is not None  # what was read stays
    assert _exists(names[recent.pk]) and _exists(names[used.pk])
    event = AuditEvent.objects.get(action="licence_reading.purge")
    assert event.after == {"files_removed": 1, "retention_days": 7}

    client.force_login(clerk)
    html = client.get(reverse("licences:reading", args=[old.token])).content.decode()
    assert "超过保留期限自动删除" in html and 'id="licence-confirm"' not in html
    file_url = reverse("licences:reading_file", args=[old.token])
    assert client.get(file_url).status_code == 404


def test_nothing_to_delete_writes_nothing(clerk, park):
    submitted(clerk, park)
    assert services.readings_purge_unused() == 0
    assert not AuditEvent.objects.filter(action="licence_reading.purge").exists()


def test_the_retention_period_is_a_setting(settings, clerk, park):
    settings.PARKFLOW_LICENCE_READING_RETENTION_DAYS = 2
    reading = submitted(clerk, park)
    _age(reading, 3)
    assert services.readings_purge_unused() == 1


def test_the_daily_task_runs_the_purge(monkeypatch):
    from .. import tasks

    calls = []
    monkeypatch.setattr(services, "readings_purge_unused", lambda: calls.append(1))
    tasks.purge_unused_licence_files.call_local()
    assert calls == [1]
