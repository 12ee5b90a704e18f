"""Choice labels in API lists come from a dict built once per request, in the caller's language
(core.api.ChoiceLabelField; issue 7 §6: ``get_FOO_display`` per row was half a list's CPU)."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from parkflow.core import rules
from parkflow.core.models import Alert
from parkflow.org.choices import Role
from parkflow.org.tests.factories import EmergencyContactFactory, staff

STALE = "org.emergency_contact_stale"


@pytest.fixture
def officer_with_alerts(park):
    old = timezone.now() - datetime.timedelta(days=400)
    EmergencyContactFactory.create_batch(3, unit=park, confirmed_at=old)
    rules.sweep_rule(STALE)
    assert Alert.objects.filter(park=park).count() == 3
    return staff(Role.OFFICE_STAFF, park)


def _alerts(user, language):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/alerts/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.json()["results"]


def test_alert_list_labels_status_and_severity_in_chinese_by_default(officer_with_alerts):
    rows = _alerts(officer_with_alerts, "zh-hans")
    assert {row["status_label"] for row in rows} == {"待处理"}
    assert all(row["severity_label"] and row["severity_label"] != row["severity"] for row in rows)


def test_alert_list_labels_follow_the_callers_language(officer_with_alerts):
    rows = _alerts(officer_with_alerts, "en")
    assert {row["status_label"] for row in rows} == {"Pending"}


def test_labels_are_not_looked_up_row_by_row(officer_with_alerts, monkeypatch):
    calls = []
    for name in ("status", "severity"):
        original = getattr(Alert, f"get_{name}_display")

        def counting(self, original=original, name=name):
            calls.append(name)
            return original(self)

        monkeypatch.setattr(Alert, f"get_{name}_display", counting)
    assert len(_alerts(officer_with_alerts, "zh-hans")) == 3
    assert calls == []
