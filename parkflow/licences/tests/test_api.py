"""The licence-reading API (issue 13, R-PLT-2): submit a licence (202), poll the reading, register
from it — the same services as the pages: the same rule of the uncertain credit code, the same
one-use reading, the same scoping. No list, no DELETE."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services
from ..models import LicenceReading
from .factories import LICENCE_CODE, LICENCE_NAME, licence_result, licence_upload, read, use_reader

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _body(park, **overrides):
    return {
        "park": park.pk,
        "name": LICENCE_NAME,
        "credit_code": LICENCE_CODE,
        "legal_representative": "王立新",
        "registered_capital": "500",
        "industry": "it",
        "contact_name": "陈静",
        "contact_phone": "13912345678",
        "licence_long_term": True,
        **overrides,
    }


def test_a_submitted_licence_is_accepted_for_reading_and_polled_to_its_fields(
    monkeypatch, clerk, park
):
    client = _client(clerk)
    response = client.post(
        reverse("api:licence-reading-list"),
        {"file": licence_upload(), "purpose": "new_enterprise", "park": park.pk},
        format="multipart",
    )
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["status_label"], body["progress"]) == ("queued", "排队中", 0)
    reading = LicenceReading.objects.get(token=body["token"])
    assert body["url"].endswith(reverse("api:licence-reading-detail", args=[reading.token]))

    polled = client.get(body["url"]).json()
    assert polled["status"] == "queued" and polled["fields"] == {}

    use_reader(monkeypatch, licence_result(unsure=[5], representative_label="负责人"))
    services.reading_execute(reading_id=reading.pk)
    done = client.get(body["url"]).json()
    assert (done["status"], done["progress"]) == ("done", 100)
    assert (done["stage"], done["stage_label"]) == ("extract", "提取字段")
    assert done["long_term"] is True and done["source"] == "image" and done["seconds"] == 2.4
    code = done["fields"]["credit_code"]
    assert code["value"] == LICENCE_CODE and code["unsure"] == [5]
    assert code["valid"] is True and code["needs_verification"] is True
    assert code["label"] == "统一社会信用代码"
    assert done["fields"]["legal_representative"]["label"] == "负责人"


def test_registering_with_the_uncertain_code_unchanged_needs_the_confirmation(
    monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park, licence_result(unsure=[0, 1]))
    client = _client(clerk)
    url = reverse("api:licence-reading-register", args=[reading.token])
    refused = client.post(url, _body(park), format="json")
    assert refused.status_code == 400
    assert refused.json()["field"] == "credit_code"
    assert "第 1、2 位识别不确定" in refused.json()["errors"]["credit_code"][0]
    assert not Enterprise.objects.exists()

    created = client.post(url, _body(park, credit_code_confirmed=True), format="json")
    assert created.status_code == 201
    enterprise = Enterprise.objects.get(pk=created.json()["enterprise"])
    document = enterprise.documents.get()
    assert document.valid_until.year == 2099 and document.sha256 == reading.sha256

    twice = client.post(url, _body(park, credit_code_confirmed=True), format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "reading_used")


def test_another_parks_staff_or_a_colleague_cannot_use_a_reading(
    monkeypatch, clerk, colleague, park, other_park
):
    reading = read(monkeypatch, clerk, park)
    url = reverse("api:licence-reading-register", args=[reading.token])
    detail = reverse("api:licence-reading-detail", args=[reading.token])
    outsider = _client(staff(Role.BUSINESS_STAFF, other_park))
    assert outsider.get(detail).status_code == 404
    assert outsider.post(url, _body(park), format="json").status_code == 404
    inside = _client(colleague)
    assert inside.get(detail).status_code == 200
    assert inside.post(url, _body(park), format="json").status_code == 403
    assert not Enterprise.objects.exists()


def test_a_reading_is_never_deleted_or_listed(monkeypatch, clerk, park):
    reading = read(monkeypatch, clerk, park)
    client = _client(clerk)
    detail = reverse("api:licence-reading-detail", args=[reading.token])
    assert client.delete(detail).status_code in (403, 405)
    assert client.get(reverse("api:licence-reading-list")).status_code in (403, 405)
    assert LicenceReading.objects.filter(pk=reading.pk).exists()
