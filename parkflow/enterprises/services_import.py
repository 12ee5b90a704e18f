"""Bringing a park's Excel register into ParkFlow (R-PLT-5, R-ORG-6).

Three steps, each a service: ``import_batch_upload`` keeps the file and starts the check;
``import_batch_check`` (background) reads every row and records the row-level errors, writing
nothing else; ``import_batch_commit`` (background, after the importer confirms) checks the file
again and creates every enterprise and contact through the ordinary services in one transaction,
so the admission rules, the brand check and the audit chain apply to each row, and a single bad
row leaves the database as it was.

Enterprises are imported as prospects (意向) or, for residents admitted before the park adopted
ParkFlow, as residents with a ``LegacyAdmission`` (docs/decisions.md D26).
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import HUEY

from parkflow.core import access, audit, clock, workflow
from parkflow.core.db import service
from parkflow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from parkflow.org.models import OrgUnit
from parkflow.org.services import emergency_contact_create

from . import imports
from .choices import EnterpriseStatus, ImportStatus
from .models import Enterprise, ImportBatch
from .services import enterprise_create

logger = logging.getLogger(__name__)

IMPORT_ACTION = "enterprise.import"
CONTACT_ACTION = "contact.manage"
XLSX_MAGIC = b"PK\x03\x04"

# Public functions of this module that do not call the access layer themselves, and why (D21;
# ``parkflow/core/tests/test_service_permissions.py`` fails on any other). The worker's
# ``import_batch_check``/``import_batch_run`` are not here: they act for the batch's importer
# and check his parks (``importable_parks``, ``_ensure_may_import``) like the upload does.
SYSTEM_OPERATIONS = {
    "import_batch_get_for_user": "the importer's own batches only (created_by=actor): a batch "
    "is personal, another user's is NotFound",
    "import_batch_list": "the importer's own batches only (created_by=actor)",
    "report_progress": "worker bookkeeping in huey's store, outside the database",
    "progress_of": "read helper for a batch the caller already got through "
    "import_batch_get_for_user",
}


def importable_parks(actor) -> dict[str, OrgUnit]:
    """The parks this person may import enterprises into, by name."""
    parks = OrgUnit.objects.filter(kind="park").order_by("name")
    return {p.name: p for p in parks if access.may(actor, IMPORT_ACTION, park=p)}


def contact_units(actor) -> dict[str, OrgUnit]:
    """The units whose emergency contacts this person may manage, by name."""
    units = OrgUnit.objects.select_related("park").order_by("name")
    return {u.name: u for u in units if access.may(actor, CONTACT_ACTION, park=u.park)}


def _ensure_may_import(actor) -> dict[str, OrgUnit]:
    parks = importable_parks(actor)
    if not parks:
        raise PermissionDenied("forbidden", _("您没有导入企业名录的权限。"), requirement="R-ORG-3")
    return parks


def _progress_key(batch_id: int) -> str:
    return f"parkflow:import-progress:{batch_id}"


def report_progress(batch_id: int, rows_done: int) -> None:
    """Progress lives outside the database: the import runs in one transaction, whose writes
    nobody else sees until it commits. huey's store is shared by the web and the worker."""
    HUEY.put(_progress_key(batch_id), rows_done)


def progress_of(batch: ImportBatch) -> int:
    done = HUEY.get(_progress_key(batch.pk), peek=True)
    return int(done or 0)


def _clear_progress(batch_id: int) -> None:
    HUEY.delete(_progress_key(batch_id))


def import_batch_get_for_user(*, actor, pk) -> ImportBatch:
    """Importers see their own batches only: a batch holds a whole file of other parks' data."""
    try:
        return ImportBatch.objects.get(pk=int(pk), created_by=actor)
    except (ImportBatch.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def import_batch_list(*, actor):
    if not getattr(actor, "is_authenticated", False):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(created_by=actor)


@service
def import_batch_upload(*, actor, upload) -> ImportBatch:
    """Keep the file (server-side name, SHA-256) and start the dry run (R-PLT-5)."""
    _ensure_may_import(actor)
    limit = settings.PARKFLOW_IMPORT_MAX_BYTES
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationFailed({"file": [_("请选择要导入的 Excel 文件。")]}, requirement="R-PLT-5")
    if upload.size > limit:
        raise ValidationFailed(
            {"file": [_("文件超过 %(mb)s MB 上限。") % {"mb": limit // (1024 * 1024)}]},
            requirement="R-PLT-5",
        )
    content = upload.read()
    if not content.startswith(XLSX_MAGIC):
        raise ValidationFailed(
            {"file": [_("只能导入 Excel 工作簿（.xlsx），请使用导入模板。")]},
            requirement="R-PLT-5",
        )
    name = (getattr(upload, "name", "") or "register.xlsx").replace("\\", "/").split("/")[-1]
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}.xlsx", ContentFile(content))
    batch = ImportBatch(
        created_by=actor,
        created_at=clock.now(),
        original_name=name[:200],
        stored_file=stored,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    batch.save()
    audit.record(
        actor,
        "enterprise_import.upload",
        batch,
        after={"file": batch.original_name, "sha256": batch.sha256, "size": batch.size},
    )
    from .tasks import import_check_task

    transaction.on_commit(lambda: import_check_task(batch.pk))
    return batch


def _read(batch: ImportBatch, actor) -> imports.Ledger:
    with default_storage.open(batch.stored_file, "rb") as fh:
        content = fh.read()
    if hashlib.sha256(content).hexdigest() != batch.sha256:
        raise imports.UnreadableWorkbook(str(_("导入文件已被改动，与上传时的摘要不一致。")))
    return imports.read_ledger(
        content,
        parks=importable_parks(actor),
        units=contact_units(actor),
        max_rows=settings.PARKFLOW_IMPORT_MAX_ROWS,
        progress=lambda n: report_progress(batch.pk, n),
    )


def _record_findings(batch: ImportBatch, ledger: imports.Ledger) -> None:
    batch.enterprise_rows = len(ledger.enterprises)
    batch.contact_rows = len(ledger.contacts)
    batch.resident_rows = ledger.residents
    batch.error_count = ledger.error_count
    batch.errors = [e.as_dict() for e in ledger.errors]


@service
def import_batch_check(*, batch_id: int) -> ImportBatch:
    """The dry run (system operation, run by the worker for the batch's own importer): every
    row is read and checked as the import would; only the batch's findings are written."""
    batch = ImportBatch.objects.select_for_update(of=("self",), no_key=True).get(pk=batch_id)
    if batch.status != ImportStatus.CHECKING:
        return batch
    actor = batch.created_by
    try:
        ledger = _read(batch, actor)
    except imports.UnreadableWorkbook as exc:
        batch.failure = str(exc)[:500]
        batch.error_count = 1
        batch.errors = []
        batch.fail_check()
    else:
        _record_findings(batch, ledger)
        if ledger.error_count:
            batch.fail_check()
        else:
            batch.pass_check()
    batch.checked_at = clock.now()
    batch.save()
    audit.record(
        None,
        "enterprise_import.check",
        batch,
        after={
            "status": batch.status,
            "enterprise_rows": batch.enterprise_rows,
            "contact_rows": batch.contact_rows,
            "error_count": batch.error_count,
        },
    )
    _clear_progress(batch.pk)
    return batch


@service
def import_batch_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """The importer confirms a checked file; the import itself runs in the background."""
    batch = ImportBatch.objects.select_for_update(of=("self",), no_key=True).get(pk=batch.pk)
    if batch.created_by_id != actor.pk:
        raise NotFound()
    _ensure_may_import(actor)
    if batch.status != ImportStatus.VALID:
        raise Conflict(
            "import_not_ready",
            _("只有检查通过的文件才能导入（当前：%(status)s）。")
            % {"status": batch.get_status_display()},
            requirement="R-PLT-5",
        )
    batch.start_import()
    batch.save(update_fields=["status"])
    audit.record(actor, "enterprise_import.confirm", batch, after={"status": batch.status})
    from .tasks import import_commit_task

    transaction.on_commit(lambda: import_commit_task(batch.pk))
    return batch


def import_batch_run(*, batch_id: int) -> ImportBatch:
    """Run a confirmed import; on any failure nothing of it stays and the batch says why."""
    try:
        return _import_all(batch_id)
    except imports.UnreadableWorkbook as exc:
        return _import_failed(batch_id, str(exc))
    except Exception as exc:  # a domain error or worse: the transaction is gone, say so
        logger.exception("register import %s failed", batch_id)
        message = getattr(exc, "message", None) or _("导入时发生错误，未写入任何数据。")
        return _import_failed(batch_id, str(message))


@service
def _import_all(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update(of=("self",), no_key=True).get(pk=batch_id)
    if batch.status != ImportStatus.IMPORTING:
        return batch
    actor = batch.created_by
    _ensure_may_import(actor)
    ledger = _read(batch, actor)
    if ledger.error_count:
        # The register changed since the dry run (a code registered meanwhile): say which rows.
        # Nothing has been written yet, so this transaction records only the findings.
        _record_findings(batch, ledger)
        batch.fail_recheck()
        batch.save()
        audit.record(
            None, "enterprise_import.fail", batch, after={"error_count": batch.error_count}
        )
        transaction.on_commit(lambda: _clear_progress(batch_id))
        return batch
    for done, row in enumerate(ledger.enterprises, start=1):
        enterprise = enterprise_create(actor=actor, park=row.park, **row.values)
        if row.status == EnterpriseStatus.RESIDENT:
            _admit_legacy_resident(actor, enterprise, row, batch)
        if done % 100 == 0:
            report_progress(batch.pk, done)
    for row in ledger.contacts:
        emergency_contact_create(actor=actor, unit=row.unit, **row.values)
    _record_findings(batch, ledger)
    batch.finish_import()
    batch.imported_at = clock.now()
    batch.save()
    audit.record(
        actor,
        "enterprise_import.commit",
        batch,
        after={
            "sha256": batch.sha256,
            "enterprise_rows": batch.enterprise_rows,
            "resident_rows": batch.resident_rows,
            "contact_rows": batch.contact_rows,
        },
    )
    transaction.on_commit(lambda: _clear_progress(batch_id))
    return batch


def _admit_legacy_resident(actor, enterprise: Enterprise, row, batch: ImportBatch) -> None:
    workflow.perform(
        actor=actor,
        obj=enterprise,
        name="import_resident",
        admitted_on=row.admitted_on,
        batch=batch,
        source_row=row.row,
        authorised_by="the register import (enterprise.import checked on the batch)",
    )


@service
def _import_failed(batch_id: int, message: str) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update(of=("self",), no_key=True).get(pk=batch_id)
    if batch.status in (ImportStatus.IMPORTING, ImportStatus.CHECKING):
        batch.fail()
        batch.failure = message[:500]
        batch.save()
        audit.record(None, "enterprise_import.fail", batch, after={"failure": batch.failure})
    _clear_progress(batch_id)
    return batch
