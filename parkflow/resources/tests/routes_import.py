"""routes_import of the resources part of the route policy table (see routes.py; the lead merges
``ROUTES`` there): the staff import of a park's unit ledger (R-RES-1, R-PLT-5)."""

from parkflow.core.tests.routes import ALLOWED, HIDDEN, STAFF, Case, Route
from parkflow.org.choices import Role as R


def _ledger(w):
    """A one-row unit ledger (park A's marker unit)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from .. import imports

    values = {
        "building": "A栋",
        "floor": "9",
        "number": "909",
        "code": "A-909",
        "name": "甲园导入标记单元",
        "area": 128.5,
        "value": 10922.5,
        "status": "可用",
    }
    book = Workbook()
    sheet = book.active
    sheet.title = imports.SHEET
    sheet.append([c.header for c in imports.COLUMNS])
    sheet.append([values.get(c.key) for c in imports.COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("办公单元台账.xlsx", out.getvalue())


def _importer(w):
    if "resource_importer" not in w._cache:
        w._cache["resource_importer"] = w.staff(R.LEAD_STAFF)
    return w._cache["resource_importer"]


def _import_case(w):
    # The import page lists the parks the importer may import into: park A's name is the marker.
    return Case(
        marker=w.park.name, data={"POST": lambda w: {"park": w.park.pk, "file": _ledger(w)}}
    )


def _job_case(w):
    """A checked ledger for park A (its job is its importer's alone: anyone else gets 404)."""
    from .. import imports

    importer = _importer(w)
    job = imports.resource_import_check(actor=importer, park=w.park, upload=_ledger(w))
    assert job["status"] == imports.CHECKED, job["errors"]
    return Case({"token": job["token"]}, actor=importer, data={"POST": {}})


ROUTES = {
    # An upload is only checked, for its importer: park B's keeper naming park A is refused by
    # the check (400, nothing kept or written) — ALLOWED in the table's terms, as for agreements.
    "resources:import": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "resource.manage",
        R.LEAD_STAFF,
        _import_case,
        other_park={"GET": HIDDEN, "POST": ALLOWED},
        writes=False,
    ),
    "resources:import_template": Route(
        STAFF, {"GET": 200}, "resource.manage", R.LEAD_STAFF, _import_case, other_park=HIDDEN
    ),
    "resources:import_job": Route(STAFF, {"GET": 200}, "resource.manage", R.LEAD_STAFF, _job_case),
    "resources:import_commit": Route(
        STAFF, {"POST": 302}, "resource.manage", R.LEAD_STAFF, _job_case
    ),
}
