"""A renewed licence (执照换发, issue 13): uploading a new business licence version reads it in
the background; what it says differently from the register is shown on the enterprise page and
applied, field by field, through the register's own audited edit."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.intake import services as intake_services
from parkflow.intake.tests.factories import upload_licence
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import selectors, services
from ..choices import ReadingPurpose, ReadingStatus
from ..models import LicenceReading
from .factories import licence_result, licence_upload, read, register_values, use_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(
        park=park,
        name="苏州云帆智能科技有限公司（苏州）",
        legal_representative="张三",
        registered_capital="500",
        # The rest of the register as the licence says it (factories.licence_result).
        company_type="有限责任公司（自然人投资或控股）",
        established_on=datetime.date(2019, 3, 12),
        registered_address="苏州工业园区星湖街328号",
        business_scope="软件开发；信息技术咨询服务",
    )


def _renewed(enterprise, clerk, monkeypatch, capture, **read_as):
    """Upload a new licence version; the worker reads it (the fake says ``read_as``)."""
    use_reader(
        monkeypatch,
        licence_result(
            name=read_as.pop("name", "苏州云帆智能科技有限公司(苏州)"),
            credit_code=enterprise.credit_code,
            **read_as,
        ),
    )
    with capture(execute=True):
        document = upload_licence(enterprise, clerk)
    return LicenceReading.objects.get(document=document)


def test_a_new_licence_version_is_read_and_compared_with_the_register(
    monkeypatch, clerk, enterprise, django_capture_on_commit_callbacks
):
    reading = _renewed(
        enterprise,
        clerk,
        monkeypatch,
        django_capture_on_commit_callbacks,
        legal_representative="赵新民",
        registered_capital="800",
    )
    assert (reading.purpose, reading.status) == (ReadingPurpose.RENEWAL, ReadingStatus.DONE)
    assert reading.enterprise == enterprise and reading.park_id == enterprise.park_id
    assert not reading.file  # it reads the document's own file
    rows = selectors.register_differences(reading, enterprise)
    # （苏州） and (苏州) are the same name; 500 and 500.00 万元 the same capital.
    assert [(r.label, r.shown_register, r.shown_licence) for r in rows] == [
        ("法定代表人", "张三", "赵新民"),
        ("注册资本（万元）", "500.00 万元", "800.00 万元"),
    ]


def test_other_documents_are_not_read(clerk, enterprise, django_capture_on_commit_callbacks):
    from parkflow.enterprises.tests.factories import pdf_upload

    with django_capture_on_commit_callbacks(execute=True):
        intake_services.document_upload(
            actor=clerk,
            enterprise=enterprise,
            doc_type="financial_statement",
            upload=pdf_upload("财务报表.pdf"),
        )
    assert not LicenceReading.objects.exists()


def test_the_licence_a_registration_files_is_not_read_again(
    monkeypatch, clerk, park, django_capture_on_commit_callbacks
):
    """Its fields were just confirmed by a person: no renewal reading of that upload."""
    reading = read(monkeypatch, clerk, park)
    with django_capture_on_commit_callbacks(execute=True):
        enterprise = services.enterprise_register_from_licence(
            actor=clerk, reading=reading, **register_values(park)
        )
    assert enterprise.documents.count() == 1
    assert not LicenceReading.objects.filter(purpose=ReadingPurpose.RENEWAL).exists()


def test_a_portal_upload_of_a_new_licence_is_read_and_its_user_sees_the_reading(
    monkeypatch, enterprise, django_capture_on_commit_callbacks
):
    user = enterprise_user(enterprise)
    use_reader(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        document = intake_services.document_upload(
            actor=user,
            enterprise=enterprise,
            doc_type="business_licence",
            upload=licence_upload(),
            valid_until=datetime.date(2099, 12, 31),
        )
    reading = LicenceReading.objects.get(document=document)
    assert reading.requested_by == user
    client = APIClient()
    client.force_login(user)
    url = reverse("api:licence-reading-detail", args=[reading.token])
    assert client.get(url).status_code == 200
    client.force_login(enterprise_user(EnterpriseFactory(park=enterprise.park)))
    assert client.get(url).status_code == 404


def test_applying_the_chosen_differences_is_the_registers_audited_edit(
    monkeypatch, clerk, enterprise, django_capture_on_commit_callbacks
):
    reading = _renewed(
        enterprise,
        clerk,
        monkeypatch,
        django_capture_on_commit_callbacks,
        legal_representative="赵新民",
        registered_capital="800",
    )
    services.renewal_apply(actor=clerk, reading=reading, fields=["legal_representative"])

    enterprise.refresh_from_db()
    assert enterprise.legal_representative == "赵新民"
    assert str(enterprise.registered_capital) == "500.00"  # not chosen: unchanged
    edit = AuditEvent.objects.get(action="enterprise.update")
    assert edit.reason == "按换发的营业执照更新登记信息"
    assert edit.before == {"legal_representative": "张三"}
    renewal = AuditEvent.objects.get(action="licence_reading.renew")
    assert renewal.after["fields_applied"] == ["法定代表人"]
    assert renewal.before == {"legal_representative": "张三"}
    reading.refresh_from_db()
    assert reading.used_for == enterprise
    # What is left to apply: the capital only; the applied field no longer differs.
    assert [r.register_field for r in selectors.register_differences(reading, enterprise)] == [
        "registered_capital"
    ]
    with pytest.raises(ValidationFailed):
        services.renewal_apply(actor=clerk, reading=reading, fields=["legal_representative"])


def test_nothing_chosen_or_an_unknown_field_is_refused(
    monkeypatch, clerk, enterprise, django_capture_on_commit_callbacks
):
    reading = _renewed(
        enterprise,
        clerk,
        monkeypatch,
        django_capture_on_commit_callbacks,
        legal_representative="赵新民",
    )
    for fields in ([], ["contact_phone"], ["account_manager"]):
        with pytest.raises(ValidationFailed):
            services.renewal_apply(actor=clerk, reading=reading, fields=fields)
    assert not AuditEvent.objects.filter(action="enterprise.update").exists()


def test_only_staff_who_may_edit_the_register_apply_a_renewal(
    monkeypatch, clerk, park, other_park, enterprise, django_capture_on_commit_callbacks
):
    reading = _renewed(
        enterprise,
        clerk,
        monkeypatch,
        django_capture_on_commit_callbacks,
        legal_representative="赵新民",
    )
    for actor in (
        staff(Role.AUDITOR, park),
        staff(Role.BUSINESS_STAFF, other_park),
        enterprise_user(enterprise),
    ):
        with pytest.raises(PermissionDenied):
            services.renewal_apply(actor=actor, reading=reading, fields=["legal_representative"])
    enterprise.refresh_from_db()
    assert enterprise.legal_representative == "张三"


def test_the_enterprise_page_shows_the_differences_and_the_apply_button_to_who_may_edit(
    client, monkeypatch, clerk, park, enterprise, django_capture_on_commit_callbacks
):
    reading = _renewed(
        enterprise,
        clerk,
        monkeypatch,
        django_capture_on_commit_callbacks,
        legal_representative="赵新民",
        representative_label="负责人",
    )
    client.force_login(clerk)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="licence-renewal"' in html
    assert "<del>张三</del>" in html and "赵新民" in html
    assert "执照写作“负责人”" in html
    assert reverse("licences:renewal_apply", args=[reading.token]) in html

    client.force_login(staff(Role.AUDITOR, park))
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "赵新民" in html
    assert reverse("licences:renewal_apply", args=[reading.token]) not in html

    client.force_login(clerk)
    response = client.post(
        reverse("licences:renewal_apply", args=[reading.token]),
        {"fields": ["legal_representative"]},
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.legal_representative == "赵新民"
    html = client.get(response["Location"]).content.decode()
    assert "已按换发的营业执照更新登记信息" in html
    assert "新执照与登记信息一致" in html


def test_the_panel_polls_while_the_renewal_is_read(
    client, clerk, enterprise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # the worker has not run yet
        document = upload_licence(enterprise, clerk)
    reading = services.renewal_read_document(document=document)
    client.force_login(clerk)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    poll = reverse("licences:reading", args=[reading.token]) + "?panel=1"
    assert f'hx-get="{poll}"' in html and 'hx-trigger="every 1s"' in html
    partial = client.get(poll, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and 'id="licence-renewal"' in partial.content.decode()


def test_an_enterprise_without_a_renewal_reading_has_no_panel(client, clerk, enterprise):
    client.force_login(clerk)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="licence-renewal"' not in html
