"""Issue 6 §6: every error under /api/ has the {code, detail, requirement} body — deeply nested
or oversized JSON, unknown routes, 413, 414 and unexpected 500s — and nothing is written."""

import json

import pytest
from rest_framework.test import APIClient

from parkflow.core import api_errors
from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff
from parkflow.testdomain.choices import ErrandStatus
from parkflow.testdomain.tests.factories import errand


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def _is_error_body(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"code", "detail", "requirement"}
    assert body["detail"]
    if code:
        assert body["code"] == code, body
    return body


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park)


@pytest.fixture
def draft(park, clerk):
    """An errand the clerk may submit: a write endpoint whose body the API parses."""
    return errand(park, clerk)


def _submit_url(made) -> str:
    return f"/api/v1/errands/{made.pk}/submit/"


def _nothing_written(made, events_before):
    made.refresh_from_db()
    assert made.status == ErrandStatus.DRAFT
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_a_400_invalid_json_and_writes_nothing(clerk, draft, depth):
    before = AuditEvent.objects.count()
    response = _client(clerk).post(
        _submit_url(draft), _nested(depth), content_type="application/json"
    )
    body = _is_error_body(response, 400, "invalid_json")
    assert "嵌套" in body["detail"]
    _nothing_written(draft, before)


def test_deeply_nested_json_without_signing_in_is_a_clean_4xx(draft):
    response = _client().post(
        "/api/v1/auth/token/", _nested(100_000), content_type="application/json"
    )
    _is_error_body(response, 400, "invalid_json")
    response = _client().post(_submit_url(draft), _nested(100_000), content_type="application/json")
    assert response.status_code in (400, 401)
    _is_error_body(response, response.status_code)


def test_malformed_json_names_the_problem(clerk, draft):
    before = AuditEvent.objects.count()
    response = _client(clerk).post(
        _submit_url(draft), '{"reason": ', content_type="application/json"
    )
    _is_error_body(response, 400, "invalid_json")
    _nothing_written(draft, before)


def test_a_json_body_over_the_upload_limit_is_413(clerk, draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = AuditEvent.objects.count()
    response = _client(clerk).post(
        _submit_url(draft),
        json.dumps({"reason": "x" * 20_000}),
        content_type="application/json",
    )
    _is_error_body(response, 413, "payload_too_large")
    _nothing_written(draft, before)


def test_a_form_body_over_the_limit_or_with_too_many_fields_is_413(clerk, draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = AuditEvent.objects.count()
    response = _client(clerk).post(
        _submit_url(draft),
        "reason=" + "x" * 20_000,
        content_type="application/x-www-form-urlencoded",
    )
    _is_error_body(response, 413, "payload_too_large")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = _client(clerk).post(
        _submit_url(draft),
        "&".join(f"f{i}=1" for i in range(50)),
        content_type="application/x-www-form-urlencoded",
    )
    _is_error_body(response, 413, "payload_too_large")
    _nothing_written(draft, before)


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v2/errands/", "/api/x"])
def test_an_unknown_api_route_is_a_json_404(clerk, path):
    _is_error_body(_client(clerk).get(path), 404, "not_found")
    _is_error_body(_client().post(path, {}), 404, "not_found")


def test_a_page_keeps_its_html_404(client, clerk):
    client.force_login(clerk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_a_very_long_api_url_is_414(clerk):
    path = "/api/v1/errands/?search=" + "长" * (api_errors.MAX_URL_LENGTH + 10)
    _is_error_body(_client(clerk).get(path), 414, "uri_too_long")


def test_an_unexpected_api_error_is_a_logged_json_500(clerk, monkeypatch, caplog):
    from parkflow.testdomain.api import ErrandViewSet

    def boom(self, request, *args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(ErrandViewSet, "list", boom)
    client = _client(clerk)
    client.raise_request_exception = False
    with caplog.at_level("ERROR", logger="parkflow.api"):
        response = client.get("/api/v1/errands/")
    body = _is_error_body(response, 500, "server_error")
    assert "服务器内部错误" in body["detail"] and body["requirement"] == ""
    assert "kaboom" not in response.content.decode()
    assert any("kaboom" in str(r.exc_info) for r in caplog.records)


def test_every_api_view_parses_json_with_the_safe_parser():
    from django.urls import get_resolver

    from parkflow.core.api_errors import SafeJSONParser

    def views(patterns):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                yield from views(entry.url_patterns)
            else:
                yield entry.callback

    for callback in views(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        parsers = getattr(cls, "parser_classes", None)
        if parsers is None:
            continue
        json_parsers = [p for p in parsers if "json" in getattr(p, "media_type", "")]
        assert all(issubclass(p, SafeJSONParser) for p in json_parsers), cls


def test_a_one_megabyte_alert_note_is_400_naming_the_note_and_changes_nothing(park):
    import datetime

    from django.utils import timezone

    from parkflow.core import rules
    from parkflow.core.models import Alert
    from parkflow.org.tests.factories import EmergencyContactFactory

    EmergencyContactFactory(unit=park, confirmed_at=timezone.now() - datetime.timedelta(days=200))
    rules.sweep_rule("org.emergency_contact_stale")
    alert = Alert.objects.get()
    office = staff(Role.OFFICE_STAFF, park)
    before = AuditEvent.objects.count()
    response = _client(office).post(
        f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "长" * 1_000_000}, format="json"
    )
    body = _is_error_body(response, 400, "invalid")
    assert body["field"] == "note"
    assert Alert.objects.get().status == "open"
    assert AuditEvent.objects.count() == before
    from parkflow.core.alerts import alert_acknowledge
    from parkflow.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        alert_acknowledge(actor=office, alert=alert, note="长" * 2001)
    assert "2000" in exc.value.errors["note"][0]
