"""Writes of licence readings (issue 13). Each is a ``@service``: one transaction, permission
checked on the reading, audited.

The life of a reading: 排队中 → 识别中 → 已完成 / 识别失败, moved only by the worker
(``reading_execute``), the progress written in short transactions of its own as the reader
reports it, so the page that polls the reading sees it move. A finished reading of a licence
uploaded to register an enterprise pre-fills the register form once
(``enterprise_register_from_licence``); a renewed licence's reading is compared with the register
and its differences applied through the register's own audited edit (``renewal_apply``).

The rule of the credit code (R-ENT-1): a code the reader was unsure of, or whose GB 32100 check
digit failed, is never saved as read without a person confirming they compared it with the
licence itself — the register's validator refuses a code failing its check digit in any case.

Files: the uploaded licence is stored under a server-generated name before the row is written
(and removed again if the row is not), like a qualification document; files of readings never
used are deleted after the retention period (``readings_purge_unused``)."""

import datetime
import logging
import re
import time

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkflow.core import access, audit, clock
from parkflow.core.db import service
from parkflow.core.errors import Conflict, NotFound, ValidationFailed
from parkflow.enterprises import services as enterprise_services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.validators import normalise_credit_code
from parkflow.intake import services as intake_services
from parkflow.intake.choices import DocumentType
from parkflow.intake.documents import check_upload
from parkflow.intake.models import QualificationDocument
from parkflow.org.choices import UnitKind

from . import mapping, reader
from .choices import REGISTERING, ReadingPurpose, ReadingStage, ReadingStatus, stage_for
from .models import LicenceReading, owner_hash, reading_path, retention_days
from .reading import LicenceResult

logger = logging.getLogger(__name__)

# Public functions of this module that do not call the access layer themselves, and why (D21;
# ``parkflow/core/tests/test_service_permissions.py`` fails on any other).
SYSTEM_OPERATIONS = {
    "reading_submit_public": "the portal's anonymous applicant (R-PLT-3) has no account yet: the "
    "reading belongs to its session (owner_key, stored hashed), the portal view throttles it, "
    "and the file passes the same upload checks as a qualification document",
    "reading_execute": "the worker reads a licence someone submitted; the submitter was checked "
    "when it was submitted (reading_submit, or document_upload for a renewed licence)",
    "renewal_read_document": "the receiver of intake's document_uploaded signal: the uploader "
    "was checked by document_upload (document.upload on the enterprise); the reading belongs "
    "to the same enterprise and is seen by whoever may see it",
    "readings_purge_unused": "the daily schedule deletes files of readings never used after the "
    "retention period (applicants' licence photos are not kept); no person acts",
}

REQUIREMENT = "R-ENT-1"
RENEWAL_REASON = "按换发的营业执照更新登记信息"
FAILED_GENERIC = gettext_lazy(
    "未能从该文件中识别出营业执照。请确认上传的是营业执照正本或副本，"
    "拍摄时四角完整、光线均匀、无反光和遮挡，然后重新上传；也可以手工填写。"
)
NOTHING_FOUND = gettext_lazy(
    "文件已读取，但没有找到营业执照上的名称、统一社会信用代码等内容。"
    "请上传清晰、完整的营业执照照片或扫描件，或手工填写。"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")

# (from, to): the only moves a reading's status makes.
_MOVES = {
    (ReadingStatus.QUEUED, ReadingStatus.RUNNING),
    (ReadingStatus.QUEUED, ReadingStatus.FAILED),
    (ReadingStatus.RUNNING, ReadingStatus.DONE),
    (ReadingStatus.RUNNING, ReadingStatus.FAILED),
}


def _move(reading: LicenceReading, to: str, **stamps) -> None:
    """The one place a reading's status changes."""
    if (reading.status, to) not in _MOVES:
        raise Conflict(
            "wrong_state",
            _("识别当前为“%(status)s”，不能变为“%(to)s”。")
            % {"status": reading.get_status_display(), "to": ReadingStatus(to).label},
            requirement=REQUIREMENT,
        )
    reading.status = to
    for key, value in stamps.items():
        setattr(reading, key, value)
    reading.save(update_fields=["status", *stamps])


def _locked(reading) -> LicenceReading:
    return (
        LicenceReading.objects.select_for_update(of=("self",), no_key=True)
        .select_related("park", "enterprise", "used_for")
        .get(pk=reading.pk)
    )


def _queue(reading_id: int) -> None:
    """Hand the reading to the worker once the row is committed (never in the request)."""
    from .tasks import read_licence_task

    transaction.on_commit(lambda: read_licence_task(reading_id))


def _store(upload, checked, draft: LicenceReading) -> str:
    draft.mime_type = checked.mime_type
    return default_storage.save(reading_path(draft, checked.original_name), upload)


def _fields_read(result: LicenceResult) -> list[str]:
    return [str(mapping.LICENCE_LABELS.get(k, k)) for k, f in result.fields.items() if f.value]


# ---------------------------------------------------------------------------------------------
# Submitting a licence for reading


def reading_submit(*, actor, upload, purpose, park=None, enterprise=None) -> LicenceReading:
    """Upload a business licence to be read in the background (issue 13): staff of the park who
    register enterprises (新建企业), or — for a renewed licence of an enterprise (执照换发) —
    staff of its park or the enterprise's own user. The file must pass the qualification
    documents' upload rules (R-ENT-2); it is stored under a server-generated name, and removed
    again if the reading is not recorded."""
    if purpose == ReadingPurpose.RENEWAL:
        if enterprise is None:
            raise ValidationFailed({"enterprise": [_("请选择企业。")]}, requirement=REQUIREMENT)
        park = enterprise.park
    elif purpose == ReadingPurpose.NEW_ENTERPRISE:
        if park is None or getattr(park, "kind", None) != UnitKind.PARK:
            raise ValidationFailed({"park": [_("请选择园区。")]}, requirement=REQUIREMENT)
        enterprise = None
    else:
        raise ValidationFailed({"purpose": [_("请选择识别用途。")]}, requirement=REQUIREMENT)
    draft = LicenceReading(purpose=purpose, park=park, enterprise=enterprise, requested_by=actor)
    access.ensure(actor, "licence_reading.submit", draft, requirement=REQUIREMENT)
    if enterprise is not None and enterprise.status == EnterpriseStatus.EXITED:
        raise Conflict("enterprise_closed", _("已退出企业不能再上传材料。"), requirement="R-EXT-2")
    checked = check_upload(upload)
    stored = _store(upload, checked, draft)
    try:
        return _reading_record(actor=actor, draft=draft, stored=stored, checked=checked)
    except BaseException:
        default_storage.delete(stored)
        raise


@service
def _reading_record(*, actor, draft, stored, checked, owner_key="") -> LicenceReading:
    reading = LicenceReading.objects.create(
        purpose=draft.purpose,
        park=draft.park,
        enterprise=draft.enterprise,
        file=stored,
        original_name=checked.original_name,
        mime_type=checked.mime_type,
        size=checked.size,
        sha256=checked.sha256,
        requested_by=actor,
        owner_key=owner_key,
        created_at=clock.now(),
    )
    audit.record(
        actor,
        "licence_reading.submit",
        reading,
        after={
            "reading": reading.token,
            "reading_purpose": reading.purpose,
            "original_name": reading.original_name,
            "sha256": reading.sha256,
            "size": reading.size,
        },
    )
    _queue(reading.pk)
    return reading


def reading_submit_public(*, upload, owner_key: str) -> LicenceReading:
    """The portal applicant, who has no account yet, uploads a licence for its application
    (门户入驻申请): the reading belongs to the applicant's session, nobody else's (the key is
    stored hashed). Same upload rules as every document."""
    if not owner_key:
        raise Conflict(
            "no_session",
            _("请先在本浏览器中打开入驻申请页面，再上传营业执照。"),
            requirement="R-PLT-3",
        )
    draft = LicenceReading(purpose=ReadingPurpose.APPLICATION)
    checked = check_upload(upload)
    stored = _store(upload, checked, draft)
    try:
        return _reading_record(
            actor=None, draft=draft, stored=stored, checked=checked, owner_key=owner_hash(owner_key)
        )
    except BaseException:
        default_storage.delete(stored)
        raise


@service
def renewal_read_document(*, document) -> LicenceReading | None:
    """A new version of a business licence was uploaded (staff page, portal or API): read it and
    compare it with the register (执照换发). Not for a file already read for this enterprise —
    the licence a registration from a reading has just filed, whose fields were confirmed, or
    the same file uploaded again."""
    if document.doc_type != DocumentType.BUSINESS_LICENCE:
        return None
    if not getattr(settings, "PARKFLOW_LICENCE_READ_RENEWALS", True):
        return None
    document = QualificationDocument.objects.select_related("enterprise").get(pk=document.pk)
    enterprise = document.enterprise
    already = LicenceReading.objects.filter(
        Q(enterprise=enterprise) | Q(used_for=enterprise), sha256=document.sha256
    ).exclude(status=ReadingStatus.FAILED)
    if already.exists():
        return None
    reading = LicenceReading.objects.create(
        purpose=ReadingPurpose.RENEWAL,
        park_id=enterprise.park_id,
        enterprise=enterprise,
        document=document,
        original_name=document.original_name,
        mime_type=document.mime_type,
        size=document.size,
        sha256=document.sha256,
        requested_by=document.uploaded_by,
        created_at=clock.now(),
    )
    audit.record(
        None,
        "licence_reading.submit",
        reading,
        after={
            "reading": reading.token,
            "reading_purpose": reading.purpose,
            "document": document.pk,
            "version": document.version,
            "sha256": reading.sha256,
        },
        reason=_("上传了新版营业执照，系统自动识别并与登记信息比对"),
    )
    _queue(reading.pk)
    return reading


# ---------------------------------------------------------------------------------------------
# The worker's part


@service
def _reading_start(reading_id: int) -> LicenceReading | None:
    reading = LicenceReading.objects.select_for_update(of=("self",), no_key=True).get(pk=reading_id)
    if reading.status != ReadingStatus.QUEUED:
        return None  # taken by another worker, or finished: a task delivered twice does nothing
    _move(
        reading,
        ReadingStatus.RUNNING,
        started_at=clock.now(),
        progress=1,
        stage=ReadingStage.LOAD,
    )
    return reading


@service
def _reading_progress(reading_id: int, percent, stage) -> None:
    """One progress report, in its own short transaction so the polling page sees it; it never
    goes backwards and never reaches 100 before the result is stored."""
    try:
        percent = max(1, min(99, int(percent)))
    except (TypeError, ValueError):
        return
    changes = {"progress": percent}
    code = stage_for(stage)
    if code:
        changes["stage"] = code
    LicenceReading.objects.filter(
        pk=reading_id, status=ReadingStatus.RUNNING, progress__lte=percent
    ).update(**changes)


@service
def _reading_finish(reading_id: int, *, result: LicenceResult | None = None, error: str = ""):
    reading = LicenceReading.objects.select_for_update(of=("self",), no_key=True).get(pk=reading_id)
    now = clock.now()
    if result is not None:
        _move(
            reading,
            ReadingStatus.DONE,
            result=result.as_json(),
            progress=100,
            stage=ReadingStage.EXTRACT,
            finished_at=now,
        )
        after = {
            "reading": reading.token,
            "reading_status": reading.status,
            "reading_source": result.source,
            "reading_seconds": round(result.seconds, 2),
            "fields_read": _fields_read(result),
        }
    else:
        _move(reading, ReadingStatus.FAILED, error=error[:300], finished_at=now)
        after = {"reading": reading.token, "reading_status": reading.status}
    audit.record(None, "licence_reading.finish", reading, after=after, reason=reading.error)
    return reading


def _failure_message(exc: Exception) -> str:
    """What the person is told: the reader's own words when it explains in Chinese, else the
    general advice (the exception itself goes to the log)."""
    text = str(exc).strip()
    if _CJK.search(text):
        return text[:300]
    return str(FAILED_GENERIC)


def _file_bytes(reading: LicenceReading) -> bytes:
    stored = reading.file if reading.file else getattr(reading.document, "file", None)
    if not stored:
        raise FileNotFoundError(reading.token)
    with stored.open("rb") as handle:
        return handle.read()


def reading_execute(*, reading_id: int) -> LicenceReading | None:
    """The worker reads a queued licence (huey, ``tasks.read_licence_task``): the reader reports
    its progress, written in short transactions of their own; the result, or why it failed in
    Chinese, is stored at the end. An unreadable file is a failed reading, never an error raised
    to the worker (which would only retry it)."""
    reading = _reading_start(reading_id)
    if reading is None:
        return LicenceReading.objects.filter(pk=reading_id).first()
    try:
        data = _file_bytes(LicenceReading.objects.select_related("document").get(pk=reading_id))
    except OSError:
        return _reading_finish(reading_id, error=_("营业执照文件已不存在或无法读取，请重新上传。"))

    def progress(percent, stage=""):
        _reading_progress(reading_id, percent, stage)

    started = time.monotonic()
    try:
        result = reader.read_licence(data, reading.mime_type, progress)
    except Exception as exc:  # noqa: BLE001 - an unreadable file is the reading's outcome
        logger.warning("licence reading %s failed: %r", reading_id, exc, exc_info=True)
        return _reading_finish(reading_id, error=_failure_message(exc))
    if not any(found.value for found in result.fields.values()):
        return _reading_finish(reading_id, error=str(NOTHING_FOUND))
    if not result.seconds:
        result.seconds = time.monotonic() - started
    return _reading_finish(reading_id, result=result)


# ---------------------------------------------------------------------------------------------
# Registering an enterprise from a reading


def _credit_code_problem(result: LicenceResult, submitted, confirmed: bool) -> str | None:
    """THE RULE (R-ENT-1): the code as read, when the reader was unsure of some of its
    characters or its check digit failed, is not saved unless the person confirms they compared
    it with the licence itself. A corrected code is the person's own and judged like any
    typed code."""
    read = result.fields.get("credit_code")
    if read is None or not read.value or not read.needs_verification or confirmed:
        return None
    if normalise_credit_code(str(submitted or "")) != normalise_credit_code(read.value):
        return None
    positions = "、".join(str(index + 1) for index in sorted(set(read.unsure)))
    if positions and read.valid is False:
        return _(
            "从营业执照识别出的统一社会信用代码第 %(positions)s 位识别不确定，且未通过"
            " GB 32100 校验位校验：请对照执照原件逐位核对并更正。"
        ) % {"positions": positions}
    if positions:
        return _(
            "从营业执照识别出的统一社会信用代码第 %(positions)s 位识别不确定：请对照执照原件"
            "逐位核对，确认无误后勾选“已对照执照原件核对统一社会信用代码”。"
        ) % {"positions": positions}
    return _(
        "从营业执照识别出的统一社会信用代码未通过 GB 32100 校验位校验，可能有字符识别错误："
        "请对照执照原件逐位核对并更正。"
    )


def _with_code_problem(exc: ValidationFailed, problem: str | None) -> ValidationFailed:
    """The register's refusal, with the uncertain credit code said first when there is one."""
    if problem is None:
        return exc
    errors = dict(exc.errors)
    errors["credit_code"] = [problem, *errors.get("credit_code", [])]
    return ValidationFailed(errors, requirement=REQUIREMENT)


def _validity(result, valid_from, valid_until):
    if valid_from is None and valid_until is None:
        return mapping.licence_validity(result)
    return valid_from, valid_until


_DOCUMENT_FIELDS = {"valid_from": "licence_valid_from", "valid_until": "licence_valid_until"}


def _file_licence(actor, reading, enterprise, valid_from, valid_until):
    """The reading's file as the enterprise's business licence, through intake's own upload
    (same checks, a new server-generated name, version 1 of a new enterprise)."""
    handle = reading.file.open("rb")
    try:
        return intake_services.document_upload(
            actor=actor,
            enterprise=enterprise,
            doc_type=DocumentType.BUSINESS_LICENCE,
            upload=File(handle.file, name=reading.original_name),
            valid_from=valid_from,
            valid_until=valid_until,
            note=_("建档时上传营业执照并自动识别"),
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            {_DOCUMENT_FIELDS.get(key, key): messages for key, messages in exc.errors.items()},
            requirement=exc.requirement,
        ) from None
    finally:
        handle.close()


def _ensure_registrable(reading: LicenceReading) -> None:
    """A reading pre-fills one registration: a finished reading of a licence read for a new
    register entry (staff or the portal's applicant), not used yet, whose file is still kept."""
    if reading.purpose not in REGISTERING:
        raise Conflict(
            "not_for_registration",
            _("这是换发营业执照的识别结果，只能用于比对已登记企业的信息，不能用于新建企业。"),
            requirement=REQUIREMENT,
        )
    if reading.status != ReadingStatus.DONE:
        raise Conflict(
            "reading_not_done",
            _("营业执照尚未识别完成（当前：%(status)s），不能据此建档。")
            % {"status": reading.get_status_display()},
            requirement=REQUIREMENT,
        )
    if reading.used_at is not None:
        raise Conflict(
            "reading_used",
            _(
                "该识别结果已用于“%(name)s”建档，一次识别只能建档一次；如需再建档请重新上传营业执照。"
            )
            % {"name": reading.used_for},
            requirement=REQUIREMENT,
        )
    if not reading.file:
        raise Conflict(
            "file_removed",
            _("识别所用的营业执照文件已超过保留期限被删除，请重新上传营业执照。"),
            requirement="R-ENT-2",
        )


def _record_use(actor, reading, enterprise, document, result, credit_code_confirmed) -> None:
    """The reading used for the enterprise it registered, and the registration audited."""
    try:
        reading.used_at = clock.now()
        reading.used_for = enterprise
        reading.save(update_fields=["used_at", "used_for"])
        fields = _confirmation(result, enterprise)
        audit.record(
            actor,
            "licence_reading.apply",
            enterprise,
            after={
                "reading": reading.token,
                "document": document.pk,
                "fields_confirmed": fields["confirmed"],
                "fields_corrected": fields["corrected"],
                "credit_code_confirmed": credit_code_confirmed,
                "credit_code_unsure": [
                    index + 1 for index in getattr(result.fields.get("credit_code"), "unsure", [])
                ],
            },
        )
    except BaseException:
        # The document's file is stored before its row: do not leave it behind (the rows go
        # with the transaction).
        default_storage.delete(document.file.name)
        raise


@service
def enterprise_register_from_licence(
    *,
    actor,
    reading: LicenceReading,
    park,
    credit_code_confirmed: bool = False,
    licence_valid_from: datetime.date | None = None,
    licence_valid_until: datetime.date | None = None,
    **register_values,
):
    """Register an enterprise from a licence reading the actor confirmed (issue 13, R-ENT-1,
    R-ENT-2): the enterprise (``enterprises.services.enterprise_create``, its own checks) and the
    licence file as its business licence version 1 (``intake.services.document_upload``, the
    same upload rules; validity from 营业期限, 长期 → 2099-12-31), in one transaction — all of
    it or nothing. Refused for a reading that is not the actor's, not finished, or already used,
    and for a credit code taken as read that the reader was unsure of, unless the person
    confirms they compared it with the licence (``credit_code_confirmed``)."""
    reading = _locked(reading)
    access.ensure(actor, "licence_reading.register", reading, requirement=REQUIREMENT)
    _ensure_registrable(reading)
    result = LicenceResult.from_json(reading.result or {})
    problem = _credit_code_problem(
        result, register_values.get("credit_code"), bool(credit_code_confirmed)
    )
    try:
        enterprise = enterprise_services.enterprise_create(
            actor=actor, park=park, **register_values
        )
    except ValidationFailed as exc:
        raise _with_code_problem(exc, problem) from None
    if problem is not None:
        # The register would take this code: the person has not said it is the licence's.
        raise ValidationFailed({"credit_code": [problem]}, requirement=REQUIREMENT)
    valid_from, valid_until = _validity(result, licence_valid_from, licence_valid_until)
    document = _file_licence(actor, reading, enterprise, valid_from, valid_until)
    _record_use(actor, reading, enterprise, document, result, bool(credit_code_confirmed))
    return enterprise


def _confirmation(result: LicenceResult, enterprise) -> dict:
    """Which register fields were kept as read and which the person corrected (labels)."""
    confirmed, corrected = [], []
    for licence, register in mapping.register_fields().items():
        read = result.fields.get(licence)
        if read is None or not read.value:
            continue
        same = mapping.comparable(register, getattr(enterprise, register)) == (
            mapping.comparable(register, mapping.register_value(register, read.value))
        )
        (confirmed if same else corrected).append(mapping.register_label(register))
    return {"confirmed": confirmed, "corrected": corrected}


# ---------------------------------------------------------------------------------------------
# A renewed licence: its differences applied to the register


def renewal_apply(*, actor, reading: LicenceReading, fields) -> object:
    """Apply the chosen differences a renewed licence shows (e.g. a new legal representative)
    to the register, through the register's normal audited edit (``enterprise_update``, reason
    "按换发的营业执照更新登记信息"): staff who may edit the enterprise. Only fields that still
    differ may be chosen."""
    reading = LicenceReading.objects.select_related("enterprise").get(pk=reading.pk)
    access.ensure(actor, "licence_reading.renew", reading, requirement=REQUIREMENT)
    return _renewal_apply(actor=actor, reading=reading, fields=fields)


@service
def _renewal_apply(*, actor, reading, fields):
    if reading.purpose != ReadingPurpose.RENEWAL or reading.enterprise_id is None:
        raise Conflict(
            "not_a_renewal",
            _("只有换发营业执照的识别结果可以用来更新登记信息。"),
            requirement=REQUIREMENT,
        )
    if reading.status != ReadingStatus.DONE:
        raise Conflict(
            "reading_not_done",
            _("营业执照尚未识别完成（当前：%(status)s）。")
            % {"status": reading.get_status_display()},
            requirement=REQUIREMENT,
        )
    result = LicenceResult.from_json(reading.result or {})
    rows = {row.register_field: row for row in mapping.differences(result, reading.enterprise)}
    chosen = list(dict.fromkeys(fields or []))
    if not chosen:
        raise ValidationFailed(
            {"fields": [_("请勾选要按执照更新的项目。")]}, requirement=REQUIREMENT
        )
    stale = [name for name in chosen if name not in rows]
    if stale:
        raise ValidationFailed(
            {"fields": [_("所选项目与登记信息已无差异，或不能按执照更新，请刷新页面后重新选择。")]},
            requirement=REQUIREMENT,
        )
    values = {name: rows[name].licence_value for name in chosen}
    # The register's own edit: its permission (enterprise.edit), validation, approval voiding
    # and audit event (R-CPL-1), with the reason said once for every route.
    enterprise = enterprise_services.enterprise_update(
        actor=actor, enterprise=reading.enterprise, reason=RENEWAL_REASON, **values
    )
    locked = _locked(reading)
    if locked.used_at is None:
        locked.used_at = clock.now()
        locked.used_for = enterprise
        locked.save(update_fields=["used_at", "used_for"])
    audit.record(
        actor,
        "licence_reading.renew",
        enterprise,
        before={name: rows[name].register_value for name in chosen},
        after={
            **values,
            "reading": reading.token,
            "fields_applied": [str(rows[name].label) for name in chosen],
        },
        reason=RENEWAL_REASON,
    )
    return enterprise


# ---------------------------------------------------------------------------------------------
# The licence file, and the files nobody used


@service
def reading_file_open(*, actor, reading: LicenceReading):
    """Open the licence file of a reading for someone who may see the reading, to compare the
    fields with it. Someone other than its uploader opening it is audited (as a document
    download is)."""
    access.ensure(actor, "licence_reading.view", reading, requirement="R-ENT-2")
    stored = reading.file if reading.file else getattr(reading.document, "file", None)
    if not stored:
        raise NotFound(_("该营业执照文件已超过保留期限被删除。"), requirement="R-ENT-2")
    handle = stored.open("rb")
    if reading.requested_by_id != actor.pk:
        audit.record(
            actor,
            "licence_reading.file_open",
            reading,
            after={"reading": reading.token, "sha256": reading.sha256},
        )
    return handle


def readings_purge_unused(*, now=None) -> int:
    """The daily schedule: delete the files of readings never used to register (or renew)
    anything once the retention period is over (default 7 days; applicants' licence photos are
    not kept). The rows keep what was read and when; the files go once the rows say so."""
    names = _purge_mark(now=now or clock.now())
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete the licence file %s", name, exc_info=True)
    return len(names)


@service
def _purge_mark(*, now) -> list[str]:
    days = retention_days()
    cutoff = now - datetime.timedelta(days=days)
    rows = list(
        LicenceReading.objects.select_for_update(of=("self",), no_key=True)
        .filter(used_at__isnull=True, created_at__lt=cutoff)
        .exclude(file="")
        .values_list("pk", "file")
    )
    if not rows:
        return []
    LicenceReading.objects.filter(pk__in=[pk for pk, _name in rows]).update(
        file="", file_removed_at=now
    )
    audit.record(
        None,
        "licence_reading.purge",
        None,
        after={"files_removed": len(rows), "retention_days": days},
        object_repr=_("营业执照识别文件"),
    )
    return [name for _pk, name in rows]
