"""The import's entries of the agreements part of the service table (core/tests/service_table.py):
merged by ``service_table.py`` (``SERVICE_MODULES += …``, ``SERVICES |= …``), which the generated
service tests discover; this module alone is not discovered."""

from parkflow.core.tests.service_table import Service
from parkflow.org.choices import Role
from parkflow.org.tests.factories import UserFactory

SERVICE_MODULES = ["parkflow.agreements.imports"]


def _s(w, role, park=None):
    return w.staff(role, park or w.park)


def _importer(w):
    if "agreement_importer" not in w._cache:
        w._cache["agreement_importer"] = _s(w, Role.LEAD_STAFF)
    return w._cache["agreement_importer"]


def _upload(w):
    from .routes_documents import _ledger

    return _ledger(w)


def _job(w, status="checked"):
    from parkflow.agreements import imports

    job = imports.agreement_import_check(actor=_importer(w), upload=_upload(w))
    assert job["status"] == imports.CHECKED, job["errors"]
    if status != "checked":
        job["status"] = status
        imports._save(job)
    return job


def _rows(w):
    from parkflow.agreements import imports

    job = _job(w)
    return {"rows": imports._read_job_file(job, _importer(w)).rows, "source": job}


def _refused(w):
    return [
        _s(w, Role.LEAD_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        UserFactory(),
        w.enterprise_user(),
    ]


SERVICES = {
    "parkflow.agreements.imports.agreement_import_check": Service(
        None,
        lambda w: (w.enterprise(), {"upload": lambda: _upload(w)})[1],
        allowed=_importer,
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.AUDITOR), UserFactory()],
        after=False,
    ),
    "parkflow.agreements.imports.agreement_import_confirm": Service(
        "agreement.import",
        lambda w: {"token": _job(w)["token"]},
        allowed=_importer,
        # A job is its importer's: another importer of the same park does not find it.
        refused=lambda w: [_s(w, Role.LEAD_STAFF), _s(w, Role.AUDITOR), UserFactory()],
    ),
    "parkflow.agreements.imports.agreement_import_rows": Service(
        "agreement.import", _rows, allowed=_importer, refused=_refused
    ),
    "parkflow.agreements.imports.agreement_import_run": Service(
        "agreement.import", lambda w: {"token": _job(w, "running")["token"]}, system=True
    ),
    "parkflow.agreements.imports.import_job_get_for_user": Service(
        None,
        lambda w: {"token": _job(w)["token"]},
        allowed=_importer,
        refused=lambda w: [_s(w, Role.LEAD_STAFF), UserFactory()],
        after=False,
    ),
    "parkflow.agreements.imports.importable_parks": Service(
        None, lambda w: {}, allowed=_importer, after=False
    ),
    "parkflow.agreements.imports.template_workbook": Service(
        None, lambda w: {"parks": [w.park]}, system=True, after=False
    ),
    "parkflow.agreements.imports.read_agreements": Service(
        None,
        lambda w: {"content": _upload(w).read(), "parks": [w.park], "max_rows": 10},
        system=True,
        after=False,
    ),
    "parkflow.agreements.imports.job_view": Service(
        None, lambda w: {"job": _job(w)}, system=True, after=False
    ),
}
