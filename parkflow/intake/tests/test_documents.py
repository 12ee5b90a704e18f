"""R-ENT-2: qualification documents — checked by content, versioned, hashed, access-controlled."""

import datetime
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import (
    MINIMAL_PDF,
    EnterpriseFactory,
    enterprise_user,
    pdf_upload,
)
from parkflow.intake import services as intake_services
from parkflow.intake.models import QualificationDocument
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

TODAY = timezone.localdate


def _png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(actor, enterprise, upload, doc_type="financial_statement", **kwargs):
    return intake_services.document_upload(
        actor=actor, enterprise=enterprise, doc_type=doc_type, upload=upload, **kwargs
    )


class RawUpload(io.BytesIO):
    """A file object that keeps its name as given — as an import or a non-browser client could
    send it. (Django's own upload parsing already strips directories from browser uploads.)"""

    def __init__(self, name, content):
        super().__init__(content)
        self.name = name
        self.size = len(content)


def _stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_valid_pdf_is_accepted_with_its_hash_uploader_and_time(clerk, enterprise, settings):
    document = _upload(clerk, enterprise, pdf_upload("2025年度财务报表.pdf"))
    assert document.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert document.mime_type == "application/pdf"
    assert document.uploaded_by == clerk
    assert document.original_name == "2025年度财务报表.pdf"
    assert document.version == 1
    # Stored under a server-generated name, not the uploaded one, outside the static root.
    assert "财务报表" not in document.file.name and document.file.name.endswith(".pdf")
    assert default_storage.exists(document.file.name)
    assert str(settings.STATIC_ROOT) not in default_storage.path(document.file.name)
    event = AuditEvent.objects.get(action="document.upload")
    assert event.after["sha256"] == document.sha256


def test_a_png_and_a_jpg_are_accepted(clerk, enterprise):
    png = _upload(clerk, enterprise, SimpleUploadedFile("scan.png", _png_bytes()))
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="JPEG")
    jpg = _upload(clerk, enterprise, SimpleUploadedFile("scan.jpeg", buffer.getvalue()))
    assert (png.mime_type, jpg.mime_type) == ("image/png", "image/jpeg")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "营业执照.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
            "只接受 PDF、JPG、PNG",
        ),
        ("营业执照.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "只接受 PDF、JPG、PNG"),
        (
            "营业执照.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "只接受 PDF、JPG、PNG",
        ),
        ("营业执照.pdf", b"", "文件为空"),
        ("../../etc/passwd.pdf", MINIMAL_PDF, "路径"),
        ("..\\..\\boot.pdf", MINIMAL_PDF, "路径"),
        ("营业执照.pdf", b"%PDF-1.4\n truncated without end marker", "不完整"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "损坏"),
    ],
    ids=[
        "renamed-exe",
        "renamed-elf",
        "html-named-pdf",
        "empty",
        "path-traversal",
        "windows-traversal",
        "truncated-pdf",
        "broken-png",
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_is_stored(
    clerk, enterprise, settings, name, content, message
):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _upload(clerk, enterprise, RawUpload(name, content))
    assert message in " ".join(exc.value.errors["file"])
    assert exc.value.requirement == "R-ENT-2"
    assert not QualificationDocument.objects.exists()
    assert AuditEvent.objects.count() == events
    assert _stored_files(settings) == []


def test_an_oversized_file_is_refused(clerk, enterprise, settings):
    settings.PARKFLOW_UPLOAD_MAX_BYTES = 1024
    big = MINIMAL_PDF[:-7] + b" " * 2048 + b"\n%%EOF\n"
    with pytest.raises(ValidationFailed) as exc:
        _upload(clerk, enterprise, SimpleUploadedFile("big.pdf", big))
    assert "超过上限" in exc.value.errors["file"][0]
    assert not QualificationDocument.objects.exists()


def test_a_new_version_never_replaces_the_old_one(clerk, enterprise):
    first = _upload(
        clerk,
        enterprise,
        pdf_upload(),
        doc_type="business_licence",
        valid_until=TODAY() + datetime.timedelta(days=400),
    )
    second = _upload(
        clerk,
        enterprise,
        pdf_upload(content=MINIMAL_PDF.replace(b"Catalog", b"Catalog2")),
        doc_type="business_licence",
        valid_until=TODAY() + datetime.timedelta(days=800),
    )
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    assert default_storage.exists(first.file.name) and default_storage.exists(second.file.name)
    assert QualificationDocument.objects.filter(enterprise=enterprise).count() == 2


def test_a_licence_needs_an_expiry_date_after_its_start(clerk, enterprise):
    with pytest.raises(ValidationFailed) as exc:
        _upload(clerk, enterprise, pdf_upload(), doc_type="business_licence")
    assert "valid_until" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        _upload(
            clerk,
            enterprise,
            pdf_upload(),
            doc_type="business_licence",
            valid_from=TODAY(),
            valid_until=TODAY() - datetime.timedelta(days=1),
        )
    assert "valid_until" in exc.value.errors


def test_staff_of_another_park_cannot_upload(other_park, enterprise):
    with pytest.raises(PermissionDenied):
        _upload(staff(Role.BUSINESS_STAFF, other_park), enterprise, pdf_upload())


def test_an_enterprise_user_uploads_for_their_own_enterprise_only(enterprise, park):
    user = enterprise_user(enterprise)
    assert _upload(user, enterprise, pdf_upload()).uploaded_by == user
    other = EnterpriseFactory(park=park)
    with pytest.raises(PermissionDenied):
        _upload(user, other, pdf_upload())


def test_each_download_is_audited_and_refused_outside_scope(clerk, enterprise, other_park):
    document = _upload(clerk, enterprise, pdf_upload())
    with intake_services.document_open(actor=clerk, document=document) as handle:
        assert handle.read() == MINIMAL_PDF
    assert AuditEvent.objects.filter(action="document.download", actor=clerk).count() == 1
    with pytest.raises(PermissionDenied):
        intake_services.document_open(
            actor=staff(Role.BUSINESS_STAFF, other_park), document=document
        )
    with pytest.raises(PermissionDenied):
        intake_services.document_open(actor=enterprise_user(EnterpriseFactory()), document=document)
    assert AuditEvent.objects.filter(action="document.download").count() == 1
