"""The customer-intake API (R-ENT-2 … R-ENT-6, R-PLT-2): documents, draws, published results,
brand flags, conflicts, admission fees, good standing and spot checks — through the same
services, scoped the same way (R-ORG-3)."""

import datetime
import hashlib
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from parkflow.core import gates, reviews
from parkflow.core.models import AuditEvent
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import (
    MINIMAL_PDF,
    EnterpriseFactory,
    enterprise_user,
    make_credit_code,
    pdf_upload,
)
from parkflow.intake import services as intake_services
from parkflow.intake.choices import DrawPurpose, FlagStatus
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import (
    AdmissionFee,
    AdmissionFeeTariff,
    BrandFlag,
    ConflictDeclaration,
    ProtectedBrand,
    QualificationDocument,
    ReviewDraw,
    SpotCheckCampaign,
)
from parkflow.intake.tests.factories import application_under_review, upload_licence
from parkflow.org.choices import Role
from parkflow.org.models import RoleAssignment
from parkflow.org.tests.factories import UserFactory, grant_also, staff

API = "/api/v1"
TODAY = timezone.localdate


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(type(user).objects.get(pk=user.pk))
    return client


def enterprise_url(enterprise, action=""):
    return f"{API}/enterprises/{enterprise.pk}/{action + '/' if action else ''}"


def download_url(document):
    return f"{API}/documents/{document.pk}/download/"


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def writes() -> tuple[int, int]:
    return QualificationDocument.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park)


@pytest.fixture
def reviewers(park):
    """The park's two eligible reviewers: every admission draw picks both."""
    return [staff(Role.RISK_OFFICER, park) for _ in range(2)]


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(park=park)


def approve_round(enterprise, opinion=""):
    for review in gates.latest_round(enterprise, ADMISSION):
        reviews.decide(actor=review.assigned_to, review=review, decision="approve", opinion=opinion)
    enterprise.refresh_from_db()
    return enterprise


@pytest.fixture
def approved(park, clerk, reviewers):
    return approve_round(application_under_review(park, clerk))


# --- documents: upload (R-ENT-2) -------------------------------------------------------------


def upload(client, enterprise, file, **fields):
    data = {
        "doc_type": "business_licence",
        "valid_from": (TODAY() - datetime.timedelta(days=30)).isoformat(),
        "valid_until": (TODAY() + datetime.timedelta(days=700)).isoformat(),
        "file": file,
        **fields,
    }
    return client.post(enterprise_url(enterprise, "documents"), data, format="multipart")


def test_a_valid_pdf_uploaded_through_the_api_is_accepted_with_its_sha256(
    clerk, enterprise, settings
):
    response = upload(client_for(clerk), enterprise, pdf_upload("营业执照（副本）.pdf"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sha256"] == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert body["size"] == len(MINIMAL_PDF)
    assert body["mime_type"] == "application/pdf"
    assert body["original_name"] == "营业执照（副本）.pdf"
    assert (body["doc_type"], body["doc_type_label"]) == ("business_licence", "营业执照")
    assert (body["version"], body["is_current"]) == (1, True)
    assert body["uploaded_by"]["id"] == clerk.pk
    assert body["download_url"] == f"{API}/documents/{body['id']}/download/"
    document = QualificationDocument.objects.get(pk=body["id"])
    assert document.enterprise == enterprise
    assert AuditEvent.objects.filter(
        action="document.upload", object_id=str(enterprise.pk)
    ).exists()
    assert len(stored_files(settings)) == 1


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


@pytest.mark.parametrize(
    ("content", "max_bytes", "message"),
    [
        (EXECUTABLE, None, "只接受 PDF、JPG、PNG"),
        (HTML, None, "只接受 PDF、JPG、PNG"),
        (b"", None, "文件为空"),
        (MINIMAL_PDF, 32, "超过上限"),
    ],
    ids=["renamed-executable", "html-named-pdf", "empty", "oversized"],
)
def test_a_refused_upload_is_400_naming_the_file_and_stores_nothing(
    clerk, enterprise, settings, content, max_bytes, message
):
    if max_bytes:
        settings.PARKFLOW_UPLOAD_MAX_BYTES = max_bytes
    before = writes()
    response = upload(client_for(clerk), enterprise, SimpleUploadedFile("营业执照.pdf", content))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "file"
    assert list(body["errors"]) == ["file"]
    assert message in body["errors"]["file"][0]
    assert body["requirement"] == "R-ENT-2"
    assert writes() == before
    assert stored_files(settings) == []


def test_an_upload_without_a_file_is_400_naming_the_file(clerk, enterprise):
    before = writes()
    response = client_for(clerk).post(
        enterprise_url(enterprise, "documents"), {"doc_type": "other"}, format="multipart"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]
    assert writes() == before


def test_a_licence_without_an_expiry_date_is_400_naming_the_field(clerk, enterprise, settings):
    before = writes()
    response = upload(client_for(clerk), enterprise, pdf_upload(), valid_until="")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["valid_until"]
    assert writes() == before
    assert stored_files(settings) == []


def test_a_new_version_uploaded_through_the_api_keeps_the_old_one(clerk, enterprise):
    client = client_for(clerk)
    first = upload(client, enterprise, pdf_upload("执照2024.pdf")).json()
    renewed = MINIMAL_PDF.replace(b"Catalog", b"Catalog ")
    second = upload(client, enterprise, pdf_upload("执照2025.pdf", renewed)).json()
    assert (first["version"], second["version"]) == (1, 2)
    listed = client.get(enterprise_url(enterprise, "documents")).json()
    assert listed["count"] == 2
    rows = listed["results"]
    assert [r["id"] for r in rows] == [second["id"], first["id"]]  # newest first
    assert [r["is_current"] for r in rows] == [True, False]
    assert [r["original_name"] for r in rows] == ["执照2025.pdf", "执照2024.pdf"]
    old = client.get(f"{API}/documents/{first['id']}/download/")
    assert b"".join(old.streaming_content) == MINIMAL_PDF
    new = client.get(f"{API}/documents/{second['id']}/download/")
    assert b"".join(new.streaming_content) == renewed


def test_enterprise_user_uploads_to_their_own_enterprise_only(park, enterprise):
    neighbour = EnterpriseFactory(park=park)
    client = client_for(enterprise_user(enterprise))
    response = upload(client, enterprise, pdf_upload())
    assert response.status_code == 201, response.json()
    before = writes()
    assert upload(client, neighbour, pdf_upload()).status_code == 404
    assert writes() == before


def test_auditors_may_list_documents_but_not_upload(park, clerk, enterprise):
    upload_licence(enterprise, clerk)
    client = client_for(staff(Role.AUDITOR, park))
    assert client.get(enterprise_url(enterprise, "documents")).json()["count"] == 1
    before = writes()
    response = upload(client, enterprise, pdf_upload())
    assert response.status_code == 403
    assert writes() == before


# --- documents: download (R-ENT-2, R-ORG-3) --------------------------------------------------


def test_download_is_an_attachment_with_the_stored_bytes_and_is_audited(clerk, enterprise):
    document = upload_licence(enterprise, clerk)
    downloads = AuditEvent.objects.filter(action="document.download").count()
    response = client_for(clerk).get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('营业执照.pdf')}" in disposition
    event = AuditEvent.objects.filter(action="document.download").latest("id")
    assert AuditEvent.objects.filter(action="document.download").count() == downloads + 1
    assert event.actor == clerk
    assert event.after["document"] == document.pk
    assert event.after["sha256"] == document.sha256


def test_download_answers_with_the_file_whatever_the_client_accepts(clerk, enterprise):
    document = upload_licence(enterprise, clerk)
    response = client_for(clerk).get(download_url(document), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_enterprise_user_downloads_own_document_but_gets_404_for_another_enterprises(
    park, other_park, clerk, enterprise
):
    own = upload_licence(enterprise, clerk)
    neighbour = EnterpriseFactory(park=park)
    theirs = upload_licence(neighbour, clerk)
    client = client_for(enterprise_user(enterprise))
    response = client.get(download_url(own))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    before = writes()
    missing = client.get(f"{API}/documents/999999/download/")
    refused = client.get(download_url(theirs))
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert client.get(f"{API}/documents/{theirs.pk}/").status_code == 404
    assert client.get(enterprise_url(neighbour, "documents")).status_code == 404
    assert writes() == before  # no download was audited for the refused requests


def test_staff_of_another_park_get_404_for_documents_and_downloads(
    other_park, clerk, enterprise, settings
):
    document = upload_licence(enterprise, clerk)
    client = client_for(staff(Role.BUSINESS_STAFF, other_park))
    before = writes()
    assert client.get(download_url(document)).status_code == 404
    assert client.get(f"{API}/documents/{document.pk}/").status_code == 404
    assert client.get(enterprise_url(enterprise, "documents")).status_code == 404
    assert upload(client, enterprise, pdf_upload()).status_code == 404
    assert writes() == before
    assert len(stored_files(settings)) == 1


DOCUMENT_LIST_QUERIES = 7


@pytest.mark.parametrize("rows", [10, 100])
def test_document_list_runs_a_constant_number_of_queries(
    rows, clerk, enterprise, django_assert_max_num_queries
):
    for _ in range(rows):
        intake_services.document_upload(
            actor=clerk, enterprise=enterprise, doc_type="other", upload=pdf_upload()
        )
    client = client_for(clerk)
    with django_assert_max_num_queries(DOCUMENT_LIST_QUERIES):
        response = client.get(enterprise_url(enterprise, "documents"))
    assert response.status_code == 200
    assert response.json()["count"] == rows


# --- double-random draws (R-ENT-3) -----------------------------------------------------------


def test_a_draw_is_listed_with_its_pool_exclusions_seed_and_result(park, clerk, reviewers):
    manager = staff(Role.LEAD_STAFF, park)  # a reviewer role, but the account manager
    grant_also(manager, Role.BUSINESS_STAFF, park)  # an account manager is business staff
    enterprise = application_under_review(park, clerk, account_manager=manager)
    response = client_for(clerk).get(enterprise_url(enterprise, "draws"))
    assert response.status_code == 200
    (draw,) = response.json()["results"]
    recorded = ReviewDraw.objects.get(enterprise=enterprise)
    assert draw["seed"] == recorded.seed
    assert (draw["purpose"], draw["purpose_label"], draw["round"]) == ("admission", "准入审核", 1)
    assert draw["pool"] == [{"id": r.pk, "name": str(r)} for r in reviewers]
    assert {p["id"] for p in draw["selected"]} == {r.pk for r in reviewers}
    assert draw["count"] == 2
    assert "客户经理" in draw["excluded"][str(manager.pk)]


def test_re_running_a_draw_through_the_api_gives_the_same_reviewers_and_writes_nothing(
    park, clerk, reviewers
):
    staff(Role.OFFICE_STAFF, park)  # three eligible: the draw really chooses
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    events = AuditEvent.objects.count()
    response = client_for(staff(Role.AUDITOR, park)).post(f"{API}/draws/{draw.pk}/rerun/")
    assert response.status_code == 200
    assert response.json() == {
        "selected": draw.selected,
        "recorded": draw.selected,
        "matches": True,
    }
    assert AuditEvent.objects.count() == events


def test_re_running_a_tampered_draw_shows_it_does_not_match(park, clerk, reviewers):
    staff(Role.OFFICE_STAFF, park)
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    honest = draw.selected
    hand_picked = [pk for pk in draw.pool if pk not in honest] + honest[:1]
    ReviewDraw.objects.filter(pk=draw.pk).update(selected=hand_picked)
    body = client_for(clerk).post(f"{API}/draws/{draw.pk}/rerun/").json()
    assert body == {"selected": honest, "recorded": hand_picked, "matches": False}


def test_enterprise_users_cannot_see_draws(park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    client = client_for(enterprise_user(enterprise))
    listed = client.get(enterprise_url(enterprise, "draws"))
    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    assert client.get(f"{API}/draws/{draw.pk}/").status_code == 404
    assert client.post(f"{API}/draws/{draw.pk}/rerun/").status_code == 404
    assert str(draw.seed) not in listed.content.decode()


def test_staff_of_another_park_get_404_for_draws(park, other_park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    client = client_for(staff(Role.RISK_OFFICER, other_park))
    assert client.get(enterprise_url(enterprise, "draws")).status_code == 404
    assert client.get(f"{API}/draws/{draw.pk}/").status_code == 404
    assert client.post(f"{API}/draws/{draw.pk}/rerun/").status_code == 404


# --- published results ("一公开", R-ENT-3) -----------------------------------------------------

RESULT_FIELDS = {
    "id",
    "enterprise_name",
    "purpose",
    "purpose_label",
    "decision",
    "decision_label",
    "decided_on",
    "published_at",
}


def test_published_results_are_visible_to_any_enterprise_user_without_opinions(
    park, other_park, clerk, reviewers
):
    opinion = "内部意见：法定代表人曾有失信被执行记录，已核实解除"
    applicant = approve_round(application_under_review(park, clerk), opinion=opinion)
    assert applicant.status == EnterpriseStatus.APPROVED
    stranger = EnterpriseFactory(park=other_park)
    for reader in (enterprise_user(stranger), enterprise_user(applicant), clerk):
        response = client_for(reader).get(f"{API}/published-results/")
        assert response.status_code == 200
        (row,) = response.json()["results"]
        assert set(row) == RESULT_FIELDS
        assert row["enterprise_name"] == applicant.name
        assert (row["purpose"], row["decision"]) == ("admission", "approve")
        assert row["decision_label"] == "通过"
        assert row["decided_on"] == TODAY().isoformat()
        text = response.content.decode()
        assert opinion not in text
        for reviewer in reviewers:
            assert str(reviewer) not in text


def test_published_results_are_public_across_parks_for_staff(park, other_park, clerk, reviewers):
    approve_round(application_under_review(park, clerk))
    response = client_for(staff(Role.AUDITOR, other_park)).get(f"{API}/published-results/")
    assert response.json()["count"] == 1


def test_published_results_filter_by_purpose_and_decision(park, clerk, reviewers):
    approve_round(application_under_review(park, clerk))
    rejected = application_under_review(
        park, clerk, name="苏州远帆物流有限公司", credit_code=make_credit_code(8)
    )
    review = gates.latest_round(rejected, ADMISSION)[0]
    reviews.decide(actor=review.assigned_to, review=review, decision="reject", opinion="材料不实")
    client = client_for(clerk)
    url = f"{API}/published-results/"
    assert client.get(url).json()["count"] == 2
    names = [
        r["enterprise_name"] for r in client.get(url, {"decision": "reject"}).json()["results"]
    ]
    assert names == ["苏州远帆物流有限公司"]
    assert client.get(url, {"purpose": "spot_check"}).json()["count"] == 0
    assert client.get(url, {"purpose": "admission"}).json()["count"] == 2
    assert client.get(url, {"decision": "maybe"}).status_code == 400


def test_published_results_need_a_signed_in_user_with_a_role_or_an_enterprise(park):
    assert APIClient().get(f"{API}/published-results/").status_code == 401
    nobody = UserFactory()  # signed in, but neither staff nor an enterprise user
    assert client_for(nobody).get(f"{API}/published-results/").status_code == 403


RESULT_LIST_QUERIES = 5


@pytest.mark.parametrize("rows", [10, 100])
def test_published_results_list_runs_a_constant_number_of_queries(
    rows, park, clerk, django_assert_max_num_queries
):
    enterprises = EnterpriseFactory.create_batch(5, park=park)
    for n in range(rows):
        # The one function the review and spot-check outcomes publish through.
        intake_services._publish(enterprises[n % 5], DrawPurpose.ADMISSION, "approve")
    client = client_for(enterprise_user(enterprises[0]))
    with django_assert_max_num_queries(RESULT_LIST_QUERIES):
        response = client.get(f"{API}/published-results/")
    assert response.status_code == 200
    assert response.json()["count"] == rows


# --- brand-impersonation check (R-ENT-6) -----------------------------------------------------


def test_an_open_brand_flag_holds_admission_back_through_the_api_naming_it(park, clerk, reviewers):
    intake_services.protected_brand_create(
        actor=staff(Role.SYSTEM_ADMIN, park),
        name="华为",
        aliases="HUAWEI",
        owner="华为技术有限公司",
        reading="hua2 wei2",
    )
    enterprise = application_under_review(park, clerk, name="苏州华维通信有限公司")
    flags = client_for(clerk).get(enterprise_url(enterprise, "brand-flags")).json()["results"]
    assert [(f["brand_name"], f["status"], f["method"]) for f in flags] == [
        ("华为", FlagStatus.OPEN, "pinyin")
    ]
    # Why it matched travels with the flag (D20).
    assert flags[0]["evidence"]["path"] == "homophone" and flags[0]["evidence"]["span"] == "华维"
    assert "华维" in flags[0]["why"] and "huá wéi" in flags[0]["why"]
    first, second = gates.latest_round(enterprise, ADMISSION)
    response = client_for(first.assigned_to).post(
        f"{API}/reviews/{first.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 200, response.json()
    response = client_for(second.assigned_to).post(
        f"{API}/reviews/{second.pk}/decide/", {"decision": "approve"}, format="json"
    )
    # The reviewer's decision is recorded; admitting the enterprise, intake's step after it, is
    # refused while the flag is open, in the one error shape beside the review.
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["decision"] == "approve"
    error = body["consequence_error"]
    assert error["code"] == "enterprise_not_admissible"
    assert error["requirement"] == "R-ENT-5"
    assert "品牌冒用嫌疑" in error["detail"] and "华为" in error["detail"]
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    again = client_for(clerk).post(enterprise_url(enterprise, "approve"), {}, format="json")
    assert again.status_code == 409
    assert "品牌冒用嫌疑" in again.json()["detail"]


def test_enterprise_user_sees_their_own_brand_flags_only(park, clerk):
    intake_services.protected_brand_create(actor=staff(Role.SYSTEM_ADMIN, park), name="华为")
    flagged = services.enterprise_create(
        actor=clerk,
        park=park,
        name="苏州华为智能科技有限公司",
        credit_code=make_credit_code(11),
        legal_representative="周明",
        registered_capital="800",
        industry="it",
        contact_name="陈静",
        contact_phone="13912345678",
    )
    assert BrandFlag.objects.filter(enterprise=flagged).count() == 1
    own = client_for(enterprise_user(flagged)).get(enterprise_url(flagged, "brand-flags"))
    assert own.json()["count"] == 1
    other = client_for(enterprise_user(EnterpriseFactory(park=park)))
    assert other.get(enterprise_url(flagged, "brand-flags")).status_code == 404


def test_brand_managers_add_protected_brands_with_an_audit_event(park):
    client = client_for(staff(Role.LEAD_STAFF, park))
    response = client.post(
        f"{API}/protected-brands/",
        {
            "name": " 茅台 ",
            "aliases": "MOUTAI,贵州茅台",
            "owner": "中国贵州茅台酒厂（集团）有限责任公司",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["alias_list"], body["is_active"]) == (
        "茅台",
        ["MOUTAI", "贵州茅台"],
        True,
    )
    brand = ProtectedBrand.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(action="brand.create", object_id=str(brand.pk)).count() == 1
    assert [b["name"] for b in client.get(f"{API}/protected-brands/").json()["results"]] == ["茅台"]
    duplicate = client.post(f"{API}/protected-brands/", {"name": "茅台"}, format="json")
    assert duplicate.status_code == 400
    assert list(duplicate.json()["errors"]) == ["name"]
    blank = client.post(f"{API}/protected-brands/", {"name": "  "}, format="json")
    assert list(blank.json()["errors"]) == ["name"]
    assert ProtectedBrand.objects.count() == 1


def test_people_without_brand_manage_cannot_add_or_list_protected_brands(park, clerk, enterprise):
    for user in (clerk, enterprise_user(enterprise)):
        client = client_for(user)
        assert (
            client.post(f"{API}/protected-brands/", {"name": "海尔"}, format="json").status_code
            == 403
        )
        assert client.get(f"{API}/protected-brands/").status_code == 403
    assert not ProtectedBrand.objects.exists()


# --- conflicts of interest (R-ENT-4) ---------------------------------------------------------


def test_staff_list_and_withdraw_only_their_own_conflict_declarations(park, enterprise):
    me, colleague = staff(Role.RISK_OFFICER, park), staff(Role.RISK_OFFICER, park)
    mine = intake_services.conflict_declare(
        actor=me, enterprise=enterprise, reason="配偶在该企业任职"
    )
    theirs = intake_services.conflict_declare(
        actor=colleague, enterprise=enterprise, reason="曾任顾问"
    )
    client = client_for(me)
    listed = client.get(f"{API}/conflicts/").json()
    assert [(d["id"], d["enterprise_name"]) for d in listed["results"]] == [
        (mine.pk, enterprise.name)
    ]
    refused = client.post(f"{API}/conflicts/{theirs.pk}/withdraw/", {"reason": "x"}, format="json")
    assert refused.status_code == 404
    no_reason = client.post(f"{API}/conflicts/{mine.pk}/withdraw/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    assert list(no_reason.json()["errors"]) == ["reason"]
    response = client.post(
        f"{API}/conflicts/{mine.pk}/withdraw/", {"reason": "配偶已离职"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["withdrawn_at"]
    assert client.get(f"{API}/conflicts/", {"active": "true"}).json()["count"] == 0
    assert client.get(f"{API}/conflicts/", {"active": "false"}).json()["count"] == 1
    twice = client.post(f"{API}/conflicts/{mine.pk}/withdraw/", {"reason": "再撤"}, format="json")
    assert twice.status_code == 409
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None
    event = AuditEvent.objects.get(action="conflict.withdraw")
    assert (event.actor, event.reason) == (me, "配偶已离职")


def test_enterprise_users_have_no_conflict_declarations_route(enterprise):
    client = client_for(enterprise_user(enterprise))
    assert client.get(f"{API}/conflicts/").status_code == 403


# --- admission fees (R-ENT-5) ----------------------------------------------------------------


def publish(client, park, amount="20000.00", effective_from=None):
    return client.post(
        f"{API}/admission-tariffs/",
        {
            "park": park.pk,
            "amount": amount,
            "effective_from": (effective_from or TODAY()).isoformat(),
        },
        format="json",
    )


def test_lead_staff_publish_a_tariff_and_staff_see_only_their_parks(park, other_park):
    response = publish(client_for(staff(Role.LEAD_STAFF, park)), park)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["park"], body["amount"], body["in_force"]) == (park.pk, "20000.00", True)
    intake_services.tariff_publish(
        actor=staff(Role.LEAD_STAFF, other_park),
        park=other_park,
        amount="5000",
        effective_from=TODAY(),
    )
    rows = client_for(staff(Role.FINANCE_STAFF, park)).get(f"{API}/admission-tariffs/").json()
    assert [r["park"] for r in rows["results"]] == [park.pk]


def test_a_later_tariff_replaces_the_one_in_force_only_from_its_date(park):
    client = client_for(staff(Role.LEAD_STAFF, park))
    publish(client, park, "20000.00")
    publish(client, park, "25000.00", TODAY() + datetime.timedelta(days=30))
    rows = client.get(f"{API}/admission-tariffs/").json()["results"]
    assert [(r["amount"], r["in_force"]) for r in rows] == [("25000.00", False), ("20000.00", True)]


def test_a_retroactive_tariff_is_400_naming_the_date(park):
    response = publish(
        client_for(staff(Role.LEAD_STAFF, park)),
        park,
        effective_from=TODAY() - datetime.timedelta(days=1),
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["effective_from"]
    assert not AdmissionFeeTariff.objects.exists()


def test_business_staff_cannot_publish_a_tariff_nor_for_another_park(park, other_park, clerk):
    assert publish(client_for(clerk), park).status_code == 403
    elsewhere = publish(client_for(staff(Role.LEAD_STAFF, park)), other_park)
    assert elsewhere.status_code == 400
    assert list(elsewhere.json()["errors"]) == ["park"]
    assert not AdmissionFeeTariff.objects.exists()


def test_charging_an_admission_fee_with_an_amount_is_400_naming_it(park, approved):
    intake_services.tariff_publish(
        actor=staff(Role.LEAD_STAFF, park), park=park, amount="20000", effective_from=TODAY()
    )
    events = AuditEvent.objects.count()
    response = client_for(staff(Role.FINANCE_STAFF, park)).post(
        enterprise_url(approved, "charge-admission-fee"), {"amount": "1"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "amount"
    assert list(body["errors"]) == ["amount"]
    assert "已公布的收费标准" in body["errors"]["amount"][0]
    assert body["requirement"] == "R-ENT-5"
    assert not AdmissionFee.objects.exists()
    assert AuditEvent.objects.count() == events


def test_charging_an_admission_fee_takes_the_tariff_in_force(park, approved):
    intake_services.tariff_publish(
        actor=staff(Role.LEAD_STAFF, park), park=park, amount="20000", effective_from=TODAY()
    )
    client = client_for(staff(Role.FINANCE_STAFF, park))
    response = client.post(enterprise_url(approved, "charge-admission-fee"))
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "20000.00"
    assert AdmissionFee.objects.get(enterprise=approved).amount == Decimal("20000.00")
    again = client.post(enterprise_url(approved, "charge-admission-fee"))
    assert again.status_code == 409
    assert AdmissionFee.objects.count() == 1


def test_charging_an_enterprise_not_in_good_standing_is_409(park, clerk, enterprise):
    intake_services.tariff_publish(
        actor=staff(Role.LEAD_STAFF, park), park=park, amount="20000", effective_from=TODAY()
    )
    response = client_for(clerk).post(enterprise_url(enterprise, "charge-admission-fee"))
    assert response.status_code == 409
    assert response.json()["code"] == "enterprise_not_in_good_standing"
    assert not AdmissionFee.objects.exists()


# --- good standing (R-ENT-5) -----------------------------------------------------------------


def test_an_expired_licence_shows_in_the_standing_naming_the_document(park, clerk, approved):
    client = client_for(clerk)
    assert client.get(enterprise_url(approved, "standing")).json() == {
        "in_good_standing": True,
        "problems": [],
    }
    upload_licence(
        approved,
        clerk,
        valid_from=TODAY() - datetime.timedelta(days=400),
        valid_until=TODAY() - datetime.timedelta(days=1),
    )
    body = client.get(enterprise_url(approved, "standing")).json()
    assert body["in_good_standing"] is False
    assert any("营业执照（第2版）已于" in p and "过期" in p for p in body["problems"])
    own = client_for(enterprise_user(approved)).get(enterprise_url(approved, "standing"))
    assert own.json() == body


def test_standing_of_another_enterprise_is_404_for_enterprise_users(park, approved, enterprise):
    client = client_for(enterprise_user(enterprise))
    assert client.get(enterprise_url(approved, "standing")).status_code == 404
    assert client.get(enterprise_url(enterprise, "standing")).json()["in_good_standing"] is False


# --- quarterly spot checks (R-ENT-3) ---------------------------------------------------------


def test_office_staff_run_the_quarterly_spot_check_and_staff_list_it(park, other_park, approved):
    office = staff(Role.OFFICE_STAFF, park)
    client = client_for(office)
    response = client.post(f"{API}/spot-checks/run/", {"quarter": "2026Q4"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    campaign = SpotCheckCampaign.objects.get(quarter="2026Q4")
    assert (body["quarter"], body["seed"], body["population_size"]) == ("2026Q4", campaign.seed, 1)
    assert body["sample"] == [{"id": approved.pk, "name": approved.name}]
    again = client.post(f"{API}/spot-checks/run/", {"quarter": "2026Q4"}, format="json")
    assert again.json()["id"] == body["id"]  # one draw per quarter
    assert SpotCheckCampaign.objects.count() == 1
    listed = client.get(f"{API}/spot-checks/").json()["results"]
    assert [c["quarter"] for c in listed] == ["2026Q4"]
    # Staff of another park see the draw, but not the names of enterprises outside their scope.
    (outside,) = (
        client_for(staff(Role.AUDITOR, other_park)).get(f"{API}/spot-checks/").json()["results"]
    )
    assert (outside["sample_size"], outside["sample"]) == (1, [])


def test_spot_check_run_needs_the_right_and_a_well_formed_quarter(park, clerk, enterprise):
    assert client_for(clerk).post(f"{API}/spot-checks/run/", {}, format="json").status_code == 403
    office = client_for(staff(Role.OFFICE_STAFF, park))
    response = office.post(f"{API}/spot-checks/run/", {"quarter": "2026Q5"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["quarter"]
    assert client_for(enterprise_user(enterprise)).get(f"{API}/spot-checks/").status_code == 403
    assert not SpotCheckCampaign.objects.exists()


# --- routes and rights at a glance (R-ORG-3, deny by default) ---------------------------------


ROUTES = [
    ("get", "enterprises/{e}/documents/"),
    ("post", "enterprises/{e}/documents/"),
    ("get", "documents/{d}/"),
    ("get", "documents/{d}/download/"),
    ("get", "enterprises/{e}/draws/"),
    ("get", "draws/{r}/"),
    ("post", "draws/{r}/rerun/"),
    ("get", "published-results/"),
    ("get", "enterprises/{e}/brand-flags/"),
    ("get", "protected-brands/"),
    ("post", "protected-brands/"),
    ("get", "conflicts/"),
    ("post", "conflicts/{c}/withdraw/"),
    ("get", "admission-tariffs/"),
    ("post", "admission-tariffs/"),
    ("post", "enterprises/{e}/charge-admission-fee/"),
    ("get", "enterprises/{e}/standing/"),
    ("get", "spot-checks/"),
    ("post", "spot-checks/run/"),
]


@pytest.fixture
def intake_objects(park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    return {
        "e": enterprise.pk,
        "d": QualificationDocument.objects.get(enterprise=enterprise).pk,
        "r": ReviewDraw.objects.get(enterprise=enterprise).pk,
        "c": intake_services.conflict_declare(
            actor=clerk, enterprise=enterprise, reason="亲属持股"
        ).pk,
    }


@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
def test_every_intake_route_is_401_for_anonymous_requests(intake_objects, method, route):
    before = writes()
    response = getattr(APIClient(), method)(f"{API}/{route.format(**intake_objects)}")
    assert response.status_code == 401
    assert writes() == before


OBJECT_ROUTES = [(m, r) for m, r in ROUTES if "{" in r]


@pytest.mark.parametrize(
    ("method", "route"), OBJECT_ROUTES, ids=[f"{m} {r}" for m, r in OBJECT_ROUTES]
)
def test_every_intake_route_on_another_parks_object_is_404_and_writes_nothing(
    other_park, intake_objects, method, route
):
    outsider = staff(Role.OFFICE_STAFF, other_park)
    for role in (Role.FINANCE_STAFF, Role.BUSINESS_STAFF, Role.LEAD_STAFF):
        RoleAssignment.objects.create(user=outsider, role=role, unit=other_park)
    before = writes(), ConflictDeclaration.objects.filter(withdrawn_at__isnull=True).count()
    response = getattr(client_for(outsider), method)(
        f"{API}/{route.format(**intake_objects)}", {}, format="json"
    )
    assert response.status_code == 404, response.content
    assert (
        writes(),
        ConflictDeclaration.objects.filter(withdrawn_at__isnull=True).count(),
    ) == before
