"""Issue 6 §6 for intake's inputs: active PDF content and dangerous file names in qualification
documents, over-long conflict reasons and review opinions — each gets a clear 4xx naming the field
while nothing is written. Moved from enterprises/tests/test_bad_input.py (intake's behaviour, D37)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from parkflow.core import reviews
from parkflow.core.errors import ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import build_pdf
from parkflow.intake import services as intake_services
from parkflow.intake.tests.intake_api import writes
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import staff

API = "/api/v1"


def _stored_files(settings):
    root = settings.MEDIA_ROOT / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _reportlab_pdf(text="营业执照 副本") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Business licence")
    page.save()
    return buffer.getvalue()


def _upload(actor, enterprise, name, content):
    return intake_services.document_upload(
        actor=actor,
        enterprise=enterprise,
        doc_type="financial_statement",
        upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


PAGES = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
)
ACTIVE_PDFS = {
    "open-action-js": build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        *PAGES,
        b"<< /Type /Action /S /JavaScript /JS (app.alert\\('x'\\)) >>",
    ),
    "names-javascript": build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
        *PAGES,
        b"<< /Names [(a) << /S /JavaScript /JS (this.print\\(\\)) >>] >>",
    ),
    "hex-escaped-name": build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (x) >> >>",
        *PAGES,
    ),
    "page-additional-action": build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PAGES[0],
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>",
        b"<< /S /Launch /F (calc.exe) >>",
    ),
    "embedded-file": build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [] >> >> >>",
        *PAGES,
    ),
    "xfa-form": build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>",
        *PAGES,
        b"<< /Length 0 >>\nstream\n\nendstream",
    ),
}


def test_an_ordinary_pdf_made_by_a_pdf_library_is_accepted(clerk, enterprise):
    document = _upload(clerk, enterprise, "财务报表.pdf", _reportlab_pdf())
    assert document.mime_type == "application/pdf"


@pytest.mark.parametrize("content", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_a_pdf_with_active_content_is_refused_and_nothing_is_stored(
    clerk, enterprise, settings, content
):
    before = writes()
    with pytest.raises(ValidationFailed) as exc:
        _upload(clerk, enterprise, "营业执照.pdf", content)
    assert "脚本、自动执行动作或嵌入文件" in exc.value.errors["file"][0]
    assert writes() == before and _stored_files(settings) == []


def test_a_pdf_with_javascript_is_400_through_the_api(clerk, enterprise, settings):
    before = writes()
    response = client_for(clerk).post(
        f"{API}/enterprises/{enterprise.pk}/documents/",
        {
            "doc_type": "financial_statement",
            "file": SimpleUploadedFile("营业执照.pdf", ACTIVE_PDFS["open-action-js"]),
        },
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "file" and "脚本" in body["errors"]["file"][0]
    assert writes() == before and _stored_files(settings) == []


def test_a_pdf_html_polyglot_is_refused(clerk, enterprise, settings):
    polyglot = build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        *PAGES,
    ).replace(b"%PDF-1.4\n", b"%PDF-1.4\n%<html><body><script>alert(document.cookie)</script>\n")
    before = writes()
    with pytest.raises(ValidationFailed) as exc:
        _upload(clerk, enterprise, "营业执照.pdf", polyglot)
    assert "网页或脚本" in exc.value.errors["file"][0]
    assert writes() == before and _stored_files(settings) == []


def test_markup_inside_a_compressed_stream_is_not_mistaken_for_a_polyglot(clerk, enterprise):
    inside = build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        *PAGES,
        b"<< /Length 20 >>\nstream\n<html>not markup</>\nendstream",
    )
    assert _upload(clerk, enterprise, "说明.pdf", inside).pk


def test_an_unparseable_pdf_is_refused(clerk, enterprise):
    with pytest.raises(ValidationFailed) as exc:
        _upload(clerk, enterprise, "营业执照.pdf", b"%PDF-1.4\nnot really a pdf at all\n%%EOF\n")
    assert "无法解析" in exc.value.errors["file"][0]


@pytest.mark.parametrize(
    "name",
    ["licence.pdf.exe", "licence.exe.pdf", "营业执照.PDF.Exe", "invoice.html.pdf", "a.pdf .scr"],
)
def test_a_name_with_an_executable_suffix_is_refused(clerk, enterprise, settings, name):
    before = writes()
    with pytest.raises(ValidationFailed) as exc:
        _upload(clerk, enterprise, name, _reportlab_pdf())
    assert "可执行" in exc.value.errors["file"][0]
    assert writes() == before and _stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("营业执照\u202efdp.exe", None),  # right-to-left override hides ".exe": refused
        ("营业\u200b执照  副本.pdf", "营业执照 副本.pdf"),
        ("scan.png", "scan.pdf"),
        ("营业执照", "营业执照.pdf"),
        ("年报.2024", "年报.2024.pdf"),
    ],
)
def test_the_display_name_is_cleaned_and_matches_the_detected_type(clerk, enterprise, name, shown):
    if shown is None:
        with pytest.raises(ValidationFailed):
            _upload(clerk, enterprise, name, _reportlab_pdf())
        return
    assert _upload(clerk, enterprise, name, _reportlab_pdf()).original_name == shown


# --- free text has a declared maximum --------------------------------------------------------

MEGABYTE = "长" * 1_000_000


def test_a_long_conflict_reason_is_refused_by_the_service(park, clerk, enterprise):
    with pytest.raises(ValidationFailed) as exc:
        intake_services.conflict_declare(actor=clerk, enterprise=enterprise, reason="长" * 301)
    assert "300" in exc.value.errors["reason"][0]
    assert not AuditEvent.objects.filter(action="conflict.declare").exists()


def test_a_long_review_opinion_is_refused(park):
    from parkflow.core.models import Review
    from parkflow.intake.tests.factories import application_under_review

    clerk = staff(Role.BUSINESS_STAFF, park)
    staff(Role.RISK_OFFICER, park)
    enterprise = application_under_review(park, clerk, reviewers=1)
    review = Review.objects.filter(object_id=str(enterprise.pk), decision="pending").first()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        reviews.decide(actor=review.assigned_to, review=review, decision="reject", opinion=MEGABYTE)
    assert "opinion" in exc.value.errors
    assert AuditEvent.objects.count() == before
    assert Review.objects.get(pk=review.pk).decision == "pending"
