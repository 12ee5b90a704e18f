"""Qualification documents through the API (R-ENT-2, R-ORG-3): upload checked by content,
versions kept, downloads audited and scoped the same way as the services behind them."""

import datetime
import hashlib
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import (
    MINIMAL_PDF,
    EnterpriseFactory,
    enterprise_user,
    pdf_upload,
)
from parkflow.intake import services as intake_services
from parkflow.intake.models import QualificationDocument
from parkflow.intake.tests.factories import upload_licence
from parkflow.intake.tests.intake_api import API, enterprise_url, writes
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import staff

TODAY = timezone.localdate


def download_url(document):
    return f"{API}/documents/{document.pk}/download/"


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


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
