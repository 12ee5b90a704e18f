"""Submitting a licence and the worker reading it (issue 13): the upload rules of documents, the
work handed to the worker after commit, progress written as the reader reports it, a result or
a failure in Chinese — never an error raised to the worker."""

import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user, pdf_upload
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import reader, services
from ..choices import ReadingStage, ReadingStatus, stage_for
from ..models import LicenceReading
from ..reading import LicenceResult
from .factories import STAGES, fake_reader, licence_result, licence_upload, read, submitted

pytestmark = pytest.mark.django_db


def _stored_readings() -> list[str]:
    folder = os.path.join(settings.MEDIA_ROOT, "licence-readings")
    return [name for _root, _dirs, files in os.walk(folder) for name in files]


def test_a_submitted_licence_is_stored_under_a_generated_name_and_queued_after_commit(
    clerk, park, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        reading = submitted(clerk, park, upload=licence_upload("../营业执照 扫描.png"[3:]))
    assert reading.status == ReadingStatus.QUEUED and reading.progress == 0
    # Found by a random token, never by its sequential id.
    assert reading.get_absolute_url() == f"/licences/{reading.token}/"
    assert len(reading.token) == 32 and reading.token != submitted(clerk, park).token
    assert reading.file.name.startswith("licence-readings/") and "营业执照" not in reading.file.name
    assert reading.original_name == "营业执照 扫描.png"
    assert (reading.mime_type, reading.requested_by) == ("image/png", clerk)
    assert len(callbacks) == 2  # each reading's task, queued once its row is committed
    event = AuditEvent.objects.filter(action="licence_reading.submit").earliest("id")
    assert event.after["reading"] == reading.token


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("营业执照.png", b"MZ\x90\x00 not an image at all"),
        ("营业执照.exe.png", b"\x89PNG"),
        ("营业执照.png", b""),
    ],
)
def test_a_file_the_document_rules_refuse_is_not_stored(clerk, park, name, content):
    with pytest.raises(ValidationFailed) as refused:
        submitted(clerk, park, upload=SimpleUploadedFile(name, content))
    assert "file" in refused.value.errors
    assert not LicenceReading.objects.exists()
    assert _stored_readings() == []


def test_staff_without_the_register_role_or_of_another_park_cannot_submit(park, other_park):
    for actor in (staff(Role.AUDITOR, park), staff(Role.BUSINESS_STAFF, other_park)):
        with pytest.raises(PermissionDenied):
            submitted(actor, park)
    assert not LicenceReading.objects.exists() and _stored_readings() == []


def test_an_enterprise_user_submits_only_its_own_enterprises_renewed_licence(park):
    own, other = EnterpriseFactory(park=park), EnterpriseFactory(park=park)
    user = enterprise_user(own)
    reading = services.reading_submit(
        actor=user, upload=licence_upload(), purpose="renewal", enterprise=own
    )
    assert (reading.park, reading.enterprise) == (park, own)
    for kwargs in ({"enterprise": other, "purpose": "renewal"}, {"park": park}):
        kwargs.setdefault("purpose", "new_enterprise")
        with pytest.raises(PermissionDenied):
            services.reading_submit(actor=user, upload=licence_upload(), **kwargs)


def test_the_worker_writes_each_progress_report_as_it_comes(monkeypatch, clerk, park):
    """Each report is committed on its own (the page polls them): seen from inside the reader,
    the row already holds the previous report; progress never goes back; 100 only with the
    result."""
    reading = submitted(clerk, park)
    seen = []

    def read_licence(data, mime, progress):
        for percent, stage in (*STAGES, (50, "识别文字")):
            progress(percent, stage)
            row = LicenceReading.objects.get(pk=reading.pk)
            seen.append((row.status, row.progress, row.stage))
        return licence_result()

    monkeypatch.setattr(reader, "read_licence", read_licence)
    services.reading_execute(reading_id=reading.pk)
    assert seen == [
        ("running", 8, "load"),
        ("running", 35, "detect"),
        ("running", 70, "recognise"),
        ("running", 92, "extract"),
        ("running", 92, "extract"),  # a late, lower report does not move it back
    ]
    reading.refresh_from_db()
    assert (reading.status, reading.progress) == (ReadingStatus.DONE, 100)
    assert reading.started_at and reading.finished_at
    assert LicenceResult.from_json(reading.result).fields["credit_code"].valid is True


def test_the_reader_gets_the_stored_bytes_and_their_type(monkeypatch, clerk, park):
    seen = []
    reading = read(monkeypatch, clerk, park, seen=seen)
    ((data, mime),) = seen
    assert mime == "image/png" and data.startswith(b"\x89PNG")
    assert reading.status == ReadingStatus.DONE
    event = AuditEvent.objects.get(action="licence_reading.finish")
    assert event.actor_id is None
    assert event.after["reading_source"] == "image" and "名称" in event.after["fields_read"]


def test_an_unreadable_file_is_a_failed_reading_with_advice_in_chinese_never_an_error(
    monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park, error=ValueError("cannot identify image file"))
    assert reading.status == ReadingStatus.FAILED
    assert "未能从该文件中识别出营业执照" in reading.error
    assert "cannot identify" not in reading.error
    assert reading.result is None
    assert AuditEvent.objects.get(action="licence_reading.finish").reason == reading.error


def test_the_readers_own_chinese_explanation_is_shown(monkeypatch, clerk, park):
    reading = read(monkeypatch, clerk, park, error=RuntimeError("PDF 没有可识别的页面"))
    assert reading.error == "PDF 没有可识别的页面"


def test_a_file_with_no_licence_on_it_is_a_failed_reading(monkeypatch, clerk, park):
    empty = LicenceResult(fields={}, lines=[], source="image")
    reading = read(monkeypatch, clerk, park, empty)
    assert reading.status == ReadingStatus.FAILED
    assert "没有找到营业执照上的" in reading.error


def test_a_missing_file_is_a_failed_reading(monkeypatch, clerk, park):
    reading = submitted(clerk, park)
    reading.file.storage.delete(reading.file.name)
    monkeypatch.setattr(reader, "read_licence", fake_reader())
    services.reading_execute(reading_id=reading.pk)
    reading.refresh_from_db()
    assert reading.status == ReadingStatus.FAILED and "不存在" in reading.error


def test_a_task_delivered_twice_reads_once(monkeypatch, clerk, park):
    seen = []
    reading = read(monkeypatch, clerk, park, seen=seen)
    services.reading_execute(reading_id=reading.pk)
    assert len(seen) == 1
    assert AuditEvent.objects.filter(action="licence_reading.finish").count() == 1


def test_the_worker_runs_the_reading_once_the_upload_committed(
    monkeypatch, clerk, park, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(reader, "read_licence", fake_reader())
    with django_capture_on_commit_callbacks(execute=True):
        reading = submitted(clerk, park)
    reading.refresh_from_db()
    assert reading.status == ReadingStatus.DONE  # huey runs immediately in the tests


def test_a_pdf_e_licence_is_read_too(monkeypatch, clerk, park):
    seen = []
    reading = services.reading_submit(
        actor=clerk, upload=pdf_upload("电子营业执照.pdf"), purpose="new_enterprise", park=park
    )
    monkeypatch.setattr(reader, "read_licence", fake_reader(seen=seen))
    services.reading_execute(reading_id=reading.pk)
    assert seen[0][1] == "application/pdf"


@pytest.mark.parametrize(
    ("said", "stage"),
    [
        ("读取文件", ReadingStage.LOAD),
        ("load", ReadingStage.LOAD),
        ("检测文字", ReadingStage.DETECT),
        ("detecting text", ReadingStage.DETECT),
        ("识别文字", ReadingStage.RECOGNISE),
        ("OCR", ReadingStage.RECOGNISE),
        ("提取字段", ReadingStage.EXTRACT),
        ("extract", ReadingStage.EXTRACT),
        ("", ""),
        ("其他", ""),
    ],
)
def test_the_readers_stage_words_are_understood(said, stage):
    assert stage_for(said) == stage
