"""R-ORG-5, Art.26: the office records a completed training or a re-signed commitment with its
evidence — on a page and through the API — and a lapsed person may act again at once."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parkflow.core.errors import NotFound, PermissionDenied
from parkflow.core.models import AuditEvent
from parkflow.core.tests.routes import World
from parkflow.core.tests.service_table import _s
from parkflow.enterprises.tests.factories import MINIMAL_PDF
from parkflow.org import compliance
from parkflow.org.choices import ComplianceKind, Role
from parkflow.org.models import ComplianceRecord, RoleAssignment
from parkflow.org.tests.factories import UserFactory, staff

from .service_table import _compliance_record

TODAY = timezone.localdate


def _pdf(name="承诺书.pdf", content=MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def office(park):
    return staff(Role.OFFICE_STAFF, park, display_name="赵办公")


@pytest.fixture
def lapsed(park):
    """A business clerk whose annual commitment letter ran out yesterday."""
    person = UserFactory(compliant=False, display_name="孙失效", username="sun")
    RoleAssignment.objects.create(user=person, role=Role.BUSINESS_STAFF, unit=park)
    done = TODAY() - datetime.timedelta(days=400)
    ComplianceRecord.objects.create(
        user=person,
        kind=ComplianceKind.COMMITMENT,
        completed_on=done,
        valid_until=TODAY() - datetime.timedelta(days=1),
    )
    ComplianceRecord.objects.create(
        user=person,
        kind=ComplianceKind.ONBOARDING,
        completed_on=TODAY() - datetime.timedelta(days=30),
        valid_until=TODAY() + datetime.timedelta(days=300),
    )
    return person


def _post(client, person, **values):
    data = {
        "kind": ComplianceKind.COMMITMENT,
        "completed_on": TODAY().isoformat(),
        "evidence": _pdf(),
        "note": "2026年度重新签署",
        **values,
    }
    return client.post(reverse("org:person_compliance", args=[person.pk]), data)


def test_people_list_puts_lapsed_people_first_and_links_to_recording(
    client, office, lapsed, park, django_assert_max_num_queries
):
    for n in range(3):
        staff(Role.BUSINESS_STAFF, park, display_name=f"阿{n}")
    client.force_login(office)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("org:people")).content.decode()
    names = [name for name in ("孙失效", "阿0", "赵办公") if name in html]
    assert names == ["孙失效", "阿0", "赵办公"]
    assert html.index("孙失效") < html.index("阿0")
    assert reverse("org:person_compliance", args=[lapsed.pk]) in html


def test_office_records_a_resigned_commitment_and_the_person_may_act_again(client, office, lapsed):
    with pytest.raises(PermissionDenied):
        compliance.ensure_may_act(lapsed, Role.BUSINESS_STAFF)
    client.force_login(office)
    page = client.get(reverse("org:person_compliance", args=[lapsed.pk])).content.decode()
    assert "孙失效 的合规履职状态已失效" in page and "登记履职记录" in page
    response = _post(client, lapsed)
    assert response.status_code == 302
    record = ComplianceRecord.objects.get(user=lapsed, completed_on=TODAY())
    assert record.valid_until == TODAY().replace(year=TODAY().year + 1)
    assert record.recorded_by == office and record.evidence_name == "承诺书.pdf"
    assert record.evidence_mime == "application/pdf" and len(record.evidence_sha256) == 64
    fresh = type(lapsed).objects.get(pk=lapsed.pk)
    compliance.ensure_may_act(fresh, Role.BUSINESS_STAFF)  # no longer blocked
    event = AuditEvent.objects.get(action="compliance_record.add")
    assert event.actor == office and event.after["evidence_sha256"] == record.evidence_sha256
    page = client.get(response["Location"]).content.decode()
    assert "合规履职状态有效" in page and "承诺书.pdf" in page
    download = client.get(reverse("org:compliance_evidence", args=[record.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF
    assert AuditEvent.objects.filter(action="compliance_record.evidence_download").count() == 1


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"evidence": ""}, "evidence", "请上传签字的承诺书或培训考核合格证明"),
        ({"evidence": _pdf("x.pdf", b"MZ\x90\x00 not a pdf")}, "evidence", "只接受 PDF、JPG、PNG"),
        ({"completed_on": "2099-01-01"}, "completed_on", "完成日期不能晚于今天"),
        ({"valid_until": "2099-01-01"}, "valid_until", "不能晚于规定的有效期"),
    ],
)
def test_bad_records_are_refused_naming_the_field_and_nothing_is_written(
    client, office, lapsed, values, field, message
):
    client.force_login(office)
    before = ComplianceRecord.objects.count(), AuditEvent.objects.count()
    response = _post(client, lapsed, **values)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert (ComplianceRecord.objects.count(), AuditEvent.objects.count()) == before


def test_staff_of_another_park_neither_see_nor_record_the_person(client, lapsed, other_park):
    outsider = staff(Role.OFFICE_STAFF, other_park)
    client.force_login(outsider)
    assert client.get(reverse("org:person_compliance", args=[lapsed.pk])).status_code == 404
    assert _post(client, lapsed).status_code == 404
    assert "孙失效" not in client.get(reverse("org:people")).content.decode()
    record = ComplianceRecord.objects.filter(user=lapsed).first()
    assert client.get(reverse("org:compliance_evidence", args=[record.pk])).status_code == 404
    assert not ComplianceRecord.objects.filter(completed_on=TODAY(), user=lapsed).exists()


def test_frontline_staff_see_the_status_but_get_no_form_and_cannot_post(client, lapsed, park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    client.force_login(clerk)
    page = client.get(reverse("org:person_compliance", args=[lapsed.pk])).content.decode()
    assert "孙失效" in page and "登记履职记录" not in page
    assert _post(client, lapsed).status_code == 403
    assert not AuditEvent.objects.filter(action="compliance_record.add").exists()


# ---------------------------------------------------------------------------------------------
# API


def test_api_records_with_evidence_and_lists_the_history(client, office, lapsed):
    client.force_login(office)
    url = reverse("api:compliance-record-list")
    response = client.post(
        url,
        {
            "person": lapsed.pk,
            "kind": ComplianceKind.COMMITMENT,
            "completed_on": TODAY().isoformat(),
            "evidence": _pdf(),
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["person"] == lapsed.pk and body["has_evidence"] is True
    assert body["kind_label"].startswith("岗位合规承诺书")
    compliance.ensure_may_act(type(lapsed).objects.get(pk=lapsed.pk), Role.BUSINESS_STAFF)
    listed = client.get(url, {"person": lapsed.pk}).json()
    assert listed["count"] == 3


def test_api_refuses_a_person_outside_the_scope_and_bad_evidence(client, lapsed, other_park):
    outsider = staff(Role.OFFICE_STAFF, other_park)
    client.force_login(outsider)
    url = reverse("api:compliance-record-list")
    data = {
        "person": lapsed.pk,
        "kind": ComplianceKind.COMMITMENT,
        "completed_on": TODAY().isoformat(),
        "evidence": _pdf(),
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "person" in response.json()["errors"]
    assert client.get(url, {"person": lapsed.pk}).json()["count"] == 0
    client.force_login(staff(Role.OFFICE_STAFF, lapsed.role_assignments.first().unit))
    bad = client.post(url, {**data, "evidence": _pdf("a.pdf", b"<html>hi</html>")})
    assert bad.status_code == 400 and "evidence" in bad.json()["errors"]
    assert not ComplianceRecord.objects.filter(completed_on=TODAY()).exists()
    assert not AuditEvent.objects.filter(action="compliance_record.add").exists()


def test_the_form_starts_on_the_missing_record(client, office, lapsed):
    client.force_login(office)
    response = client.get(reverse("org:person_compliance", args=[lapsed.pk]))
    assert response.context["form"].initial["kind"] == ComplianceKind.COMMITMENT


def test_a_persons_page_lists_only_that_persons_records(client, office, lapsed, park):
    colleague = staff(Role.BUSINESS_STAFF, park, display_name="周同事")
    ComplianceRecord.objects.create(
        user=colleague,
        kind=ComplianceKind.COMMITMENT,
        completed_on=TODAY() - datetime.timedelta(days=10),
        valid_until=TODAY() + datetime.timedelta(days=300),
        note="周同事的承诺书",
    )
    client.force_login(office)
    response = client.get(reverse("org:person_compliance", args=[lapsed.pk]))
    assert response.status_code == 200
    assert {r.user_id for r in response.context["history"]} == {lapsed.pk}


# --- the services behind the pages, built with the service table's helpers ---------------------


def test_the_compliance_predicate_answers_what_the_service_would_do(park, other_park, monkeypatch):
    from parkflow.org import services

    w = World(park, other_park, monkeypatch)
    person = w.clerk()
    assert services.may_record_compliance_for(_s(w, Role.OFFICE_STAFF), person)
    for actor in (_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR), person):
        assert not services.may_record_compliance_for(actor, person)


def test_another_parks_staff_cannot_open_a_compliance_evidence_file(park, other_park, monkeypatch):
    """The page scopes the record, and so does the service itself (it once asked only for
    ``org.view`` somewhere)."""
    from parkflow.org import services

    w = World(park, other_park, monkeypatch)
    record = _compliance_record(w)
    with pytest.raises(NotFound):
        services.compliance_evidence_open(
            actor=_s(w, Role.OFFICE_STAFF, w.other_park), record=record
        )
    assert not AuditEvent.objects.filter(action="compliance_record.evidence_download").exists()
