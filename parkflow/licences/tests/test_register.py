"""Registering an enterprise from a licence reading (issue 13, R-ENT-1, R-ENT-2): the enterprise
and its licence document version 1 in one transaction or nothing; a misread credit code never
saved without a person confirming it; a reading used once, by its uploader."""

import datetime
import os

import pytest
from django.conf import settings

from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.models import Enterprise
from parkflow.intake.models import QualificationDocument

from .. import services
from ..models import LicenceReading
from .factories import (
    LICENCE_CODE,
    altered,
    licence_result,
    read,
    register_values,
    submitted,
)

pytestmark = pytest.mark.django_db


def _register(actor, reading, park, **overrides):
    return services.enterprise_register_from_licence(
        actor=actor, reading=reading, **register_values(park, **overrides)
    )


def _stored_documents() -> list[str]:
    folder = os.path.join(settings.MEDIA_ROOT, "documents")
    return [name for _root, _dirs, files in os.walk(folder) for name in files]


def _nothing_registered(reading):
    reading.refresh_from_db()
    assert reading.used_at is None and reading.used_for_id is None
    assert not Enterprise.objects.exists()
    assert not QualificationDocument.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["licence_reading.apply", "enterprise.create", "document.upload"]
    ).exists()


def test_a_confirmed_reading_registers_the_enterprise_and_files_the_licence_as_version_one(
    monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park)
    enterprise = _register(clerk, reading, park)

    assert (enterprise.name, enterprise.credit_code) == ("苏州云帆智能科技有限公司", LICENCE_CODE)
    assert enterprise.legal_representative == "王立新"
    (document,) = QualificationDocument.objects.filter(enterprise=enterprise)
    assert (document.doc_type, document.version) == ("business_licence", 1)
    assert document.sha256 == reading.sha256
    # 营业期限 2019-03-12 至 长期: 2099-12-31, intake's convention.
    assert (document.valid_from, document.valid_until) == (
        datetime.date(2019, 3, 12),
        datetime.date(2099, 12, 31),
    )
    reading.refresh_from_db()
    assert reading.used_for == enterprise and reading.used_at is not None
    event = AuditEvent.objects.get(action="licence_reading.apply")
    assert event.actor_id == clerk.pk
    assert "统一社会信用代码" in event.after["fields_confirmed"]
    assert event.after["fields_corrected"] == []


def test_a_field_the_person_corrected_is_recorded_as_corrected(monkeypatch, clerk, park):
    reading = read(monkeypatch, clerk, park)
    _register(clerk, reading, park, legal_representative="王立鑫")
    event = AuditEvent.objects.get(action="licence_reading.apply")
    assert event.after["fields_corrected"] == ["法定代表人"]


def test_the_term_until_a_date_is_the_documents_validity(monkeypatch, clerk, park):
    reading = read(monkeypatch, clerk, park, licence_result(long_term=False))
    enterprise = _register(clerk, reading, park)
    document = enterprise.documents.get()
    assert document.valid_until == datetime.date(2039, 3, 11)


def test_an_unsure_credit_code_kept_as_read_is_refused_until_the_person_confirms_it(
    monkeypatch, clerk, park
):
    """THE RULE: characters the reader was unsure of (positions 4 and 8 here) — the code is
    not saved as read unless the person says they compared it with the licence."""
    reading = read(monkeypatch, clerk, park, licence_result(unsure=[3, 7]))
    with pytest.raises(ValidationFailed) as refused:
        _register(clerk, reading, park)
    (message,) = refused.value.errors["credit_code"]
    assert "第 4、8 位识别不确定" in message
    assert "对照执照原件" in message
    _nothing_registered(reading)

    enterprise = _register(clerk, reading, park, credit_code_confirmed=True)
    assert enterprise.credit_code == LICENCE_CODE
    event = AuditEvent.objects.get(action="licence_reading.apply")
    assert event.after["credit_code_confirmed"] is True
    assert event.after["credit_code_unsure"] == [4, 8]


def test_a_code_read_with_one_character_altered_is_never_saved(monkeypatch, clerk, park):
    """A misread character fails the GB 32100 check digit: the form demands verification, and
    even a confirmation does not save it (the register's validator refuses it)."""
    misread = altered(LICENCE_CODE)
    reading = read(monkeypatch, clerk, park, licence_result(credit_code=misread))

    with pytest.raises(ValidationFailed) as refused:
        _register(clerk, reading, park, credit_code=misread)
    messages = refused.value.errors["credit_code"]
    assert "未通过 GB 32100 校验位校验" in messages[0]
    assert any("校验位不正确" in m for m in messages[1:])
    _nothing_registered(reading)

    with pytest.raises(ValidationFailed) as still:
        _register(clerk, reading, park, credit_code=misread, credit_code_confirmed=True)
    assert "校验位不正确" in still.value.errors["credit_code"][0]
    _nothing_registered(reading)

    # The person compared it with the licence and typed the right code: that is their own.
    enterprise = _register(clerk, reading, park, credit_code=LICENCE_CODE)
    assert enterprise.credit_code == LICENCE_CODE


def test_other_field_errors_are_shown_together_with_the_code_to_verify(monkeypatch, clerk, park):
    reading = read(monkeypatch, clerk, park, licence_result(unsure=[2]))
    with pytest.raises(ValidationFailed) as refused:
        _register(clerk, reading, park, contact_phone="12")
    assert set(refused.value.errors) >= {"credit_code", "contact_phone"}


def test_a_failing_document_step_leaves_no_enterprise(monkeypatch, clerk, park):
    """Everything or nothing: the licence cannot be filed (here: refused by intake), so the
    enterprise is not registered either."""
    from parkflow.intake import services as intake_services

    reading = read(monkeypatch, clerk, park)

    def refuse(**kwargs):
        raise Conflict("enterprise_closed", "材料不能上传")

    monkeypatch.setattr(intake_services, "document_upload", refuse)
    with pytest.raises(Conflict):
        _register(clerk, reading, park)
    _nothing_registered(reading)


def test_a_failure_after_the_licence_was_filed_leaves_nothing_not_even_its_file(
    monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park)

    def broken(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "_confirmation", broken)
    with pytest.raises(RuntimeError):
        _register(clerk, reading, park)
    _nothing_registered(reading)
    assert _stored_documents() == []


def test_the_licence_validity_refused_by_intake_is_named_on_the_licence_fields(
    monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park)
    with pytest.raises(ValidationFailed) as refused:
        _register(
            clerk,
            reading,
            park,
            licence_valid_from=datetime.date(2020, 1, 1),
            licence_valid_until=datetime.date(2019, 1, 1),
        )
    assert "licence_valid_until" in refused.value.errors
    _nothing_registered(reading)


def test_a_reading_registers_one_enterprise_only(monkeypatch, clerk, park):
    reading = read(monkeypatch, clerk, park)
    _register(clerk, reading, park)
    with pytest.raises(Conflict) as twice:
        _register(clerk, reading, park, name="苏州云帆二号科技有限公司", credit_code="")
    assert twice.value.code == "reading_used"
    assert Enterprise.objects.count() == 1


def test_only_the_uploader_registers_from_a_reading(monkeypatch, clerk, colleague, park):
    reading = read(monkeypatch, clerk, park)
    with pytest.raises(PermissionDenied):
        _register(colleague, reading, park)
    _nothing_registered(reading)


def test_a_reading_not_finished_or_failed_does_not_register(monkeypatch, clerk, park):
    queued = submitted(clerk, park)
    with pytest.raises(Conflict) as refused:
        _register(clerk, queued, park)
    assert refused.value.code == "reading_not_done"
    failed = read(monkeypatch, clerk, park, error=ValueError("cannot decode"))
    with pytest.raises(Conflict):
        _register(clerk, failed, park)
    assert not Enterprise.objects.exists()


def test_a_reading_whose_file_was_purged_does_not_register(monkeypatch, clerk, park):
    reading = read(monkeypatch, clerk, park)
    LicenceReading.objects.filter(pk=reading.pk).update(file="")
    with pytest.raises(Conflict) as refused:
        _register(clerk, reading, park)
    assert refused.value.code == "file_removed"
