"""Enterprise pages' admission side (R-ENT-2, R-ENT-3, R-ENT-4): the admission state and warnings
on the detail page, submitting for review, conflict declarations and qualification documents —
moved from enterprises/tests/test_pages.py (intake's behaviour, D37)."""

from django.urls import reverse

from parkflow.core import gates
from parkflow.core.models import AuditEvent
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import enterprise_form_values
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import ConflictDeclaration
from parkflow.intake.tests.factories import upload_licence
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import staff


def test_detail_shows_facts_admission_state_and_the_audit_timeline(client, park, clerk):
    enterprise = services.enterprise_create(
        actor=clerk,
        park=park,
        **{k: v for k, v in enterprise_form_values().items() if v not in ("",)},
    )
    html = (
        login(client, clerk)
        .get(reverse("enterprises:detail", args=[enterprise.pk]))
        .content.decode()
    )
    assert enterprise.credit_code in html
    assert "企业准入资质审核" in html
    assert "审计时间线" in html
    assert "建档" in html


def test_submitting_without_a_licence_is_refused_inline(client, clerk, mine):
    login(client, clerk).post(reverse("enterprises:transition", args=[mine.pk, "apply"]))
    response = client.post(reverse("enterprises:transition", args=[mine.pk, "start_review"]))
    assert response.status_code == 409
    assert "营业执照" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == EnterpriseStatus.APPLYING


def test_submitting_for_review_opens_the_admission_review_shown_on_the_detail(
    client, park, clerk, mine
):
    staff(Role.RISK_OFFICER, park)
    staff(Role.LEAD_STAFF, park)
    upload_licence(mine, clerk)
    login(client, clerk).post(reverse("enterprises:transition", args=[mine.pk, "apply"]))
    response = client.post(reverse("enterprises:transition", args=[mine.pk, "start_review"]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == EnterpriseStatus.UNDER_REVIEW
    detail = client.get(reverse("enterprises:detail", args=[mine.pk]))
    pending = gates.reviews_of(mine, ADMISSION).filter(decision="pending")
    assert pending.count() == 2
    assert reverse("core:review_detail", args=[pending[0].pk]) in detail.content.decode()
    # Approve and reject wait for the reviewers: shown disabled, with the reason.
    actions = detail.context["actions"]
    assert [(a.name, a.enabled) for a in actions] == [("approve", False), ("reject", False)]
    assert actions[0].reason in detail.content.decode()


def test_declaring_a_conflict_of_interest_from_the_detail_page(client, clerk, mine):
    login(client, clerk)
    response = client.post(
        reverse("intake:declare_conflict", args=[mine.pk]), {"reason": "配偶在该企业任职"}
    )
    assert response.status_code == 302
    assert (
        ConflictDeclaration.objects.get(person=clerk, enterprise=mine).reason == "配偶在该企业任职"
    )
    html = client.get(reverse("enterprises:detail", args=[mine.pk])).content.decode()
    assert "您已申报与该企业存在利益冲突" in html


def test_conflict_declaration_without_a_reason_is_an_inline_error_and_writes_nothing(
    client, clerk, mine
):
    response = login(client, clerk).post(
        reverse("intake:declare_conflict", args=[mine.pk]), {"reason": " "}
    )
    assert response.status_code == 400
    assert "请说明利益关系" in response.content.decode()
    assert not ConflictDeclaration.objects.exists()
    assert not AuditEvent.objects.filter(action="conflict.declare").exists()


def test_uploading_a_licence_from_the_detail_page_adds_a_version(client, clerk, mine):
    from parkflow.enterprises.tests.factories import pdf_upload

    login(client, clerk)
    values = {
        "doc_type": "business_licence",
        "valid_from": "2024-01-01",
        "valid_until": "2034-12-31",
        "note": "",
    }
    response = client.post(
        reverse("intake:document_upload", args=[mine.pk]), {**values, "file": pdf_upload()}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("intake:document_upload", args=[mine.pk]), {**values, "file": pdf_upload()}
    )
    versions = list(mine.documents.order_by("version").values_list("version", flat=True))
    assert versions == [1, 2]
    html = client.get(reverse("enterprises:detail", args=[mine.pk])).content.decode()
    assert "v2" in html and "现行" in html and "历史" in html


def test_a_file_that_is_not_a_pdf_or_image_is_refused_on_the_file_field_and_nothing_is_stored(
    client, clerk, mine
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, clerk)
    fake = SimpleUploadedFile(
        "营业执照.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        reverse("intake:document_upload", args=[mine.pk]),
        {"doc_type": "business_licence", "valid_until": "2034-12-31", "file": fake},
    )
    assert response.status_code == 400
    assert "只接受 PDF、JPG、PNG" in response.content.decode()
    assert not mine.documents.exists()
    assert not AuditEvent.objects.filter(action="document.upload").exists()


def test_licence_without_expiry_date_is_refused_on_the_valid_until_field(client, clerk, mine):
    from parkflow.enterprises.tests.factories import pdf_upload

    response = login(client, clerk).post(
        reverse("intake:document_upload", args=[mine.pk]),
        {"doc_type": "business_licence", "file": pdf_upload()},
    )
    assert response.status_code == 400
    assert "有效期至" in " ".join(response.context["document_form"].errors["valid_until"])
    assert not mine.documents.exists()


def test_downloading_a_document_is_audited_and_impossible_from_another_park(
    client, clerk, mine, other_park
):
    document = upload_licence(mine, clerk)
    response = login(client, clerk).get(
        reverse("intake:document_download", args=[mine.pk, document.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="document.download", actor=clerk).count() == 1
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    login(client, outsider)
    assert (
        client.get(reverse("intake:document_download", args=[mine.pk, document.pk])).status_code
        == 404
    )
    assert client.get(reverse("intake:document", args=[document.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="document.download").count() == 1


def test_detail_warns_about_unmet_admission_conditions(client, clerk, mine):
    html = login(client, clerk).get(reverse("enterprises:detail", args=[mine.pk])).content.decode()
    assert "准入条件未满足" in html
    assert "未上传营业执照" in html
