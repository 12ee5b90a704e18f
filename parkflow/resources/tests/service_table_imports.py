"""The import's entries of the resources part of the service table (core/tests/service_table.py):
the lead merges them into ``service_table.py`` (``SERVICE_MODULES += …``, ``SERVICES |= …``),
which the generated service tests discover; this module alone is not discovered."""

from parkflow.core.tests.service_table import Service
from parkflow.org.choices import Role
from parkflow.org.tests.factories import UserFactory

SERVICE_MODULES = ["parkflow.resources.imports"]


def _s(w, role, park=None):
    return w.staff(role, park or w.park)


def _importer(w):
    if "resource_importer" not in w._cache:
        w._cache["resource_importer"] = _s(w, Role.LEAD_STAFF)
    return w._cache["resource_importer"]


def _upload(w):
    from .routes_import import _ledger

    return _ledger(w)


def _job(w, status="checked"):
    from parkflow.resources import imports

    job = imports.resource_import_check(actor=_importer(w), park=w.park, upload=_upload(w))
    assert job["status"] == imports.CHECKED, job["errors"]
    if status != "checked":
        job["status"] = status
        imports._save(job)
    return job


def _rows(w):
    from parkflow.resources import imports

    job = _job(w)
    return {"park": w.park, "rows": imports._read_job_file(job).rows, "source": job}


SERVICES = {
    "parkflow.resources.imports.resource_import_check": Service(
        None,
        lambda w: {"park": w.park, "upload": lambda: _upload(w)},
        allowed=_importer,
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.AUDITOR), UserFactory()],
        after=False,
    ),
    "parkflow.resources.imports.resource_import_confirm": Service(
        "resource.import",
        lambda w: {"token": _job(w)["token"]},
        allowed=_importer,
        # A job is its importer's: another keeper of the same park does not find it.
        refused=lambda w: [_s(w, Role.LEAD_STAFF), _s(w, Role.AUDITOR), UserFactory()],
    ),
    "parkflow.resources.imports.resource_import_rows": Service(
        "resource.import",
        _rows,
        allowed=_importer,
        refused=lambda w: [
            _s(w, Role.LEAD_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            UserFactory(),
            w.enterprise_user(),
        ],
    ),
    "parkflow.resources.imports.resource_import_run": Service(
        "resource.import", lambda w: {"token": _job(w, "running")["token"]}, system=True
    ),
    "parkflow.resources.imports.import_job_get_for_user": Service(
        None,
        lambda w: {"token": _job(w)["token"]},
        allowed=_importer,
        refused=lambda w: [_s(w, Role.LEAD_STAFF), UserFactory()],
        after=False,
    ),
    "parkflow.resources.imports.importable_parks": Service(
        None, lambda w: {}, allowed=_importer, after=False
    ),
    "parkflow.resources.imports.template_workbook": Service(
        None, lambda w: {"parks": [w.park]}, system=True, after=False
    ),
    "parkflow.resources.imports.read_units": Service(
        None,
        lambda w: {"content": _upload(w).read(), "park": w.park, "max_rows": 10},
        system=True,
        after=False,
    ),
    "parkflow.resources.imports.job_view": Service(
        None, lambda w: {"job": _job(w)}, system=True, after=False
    ),
}
