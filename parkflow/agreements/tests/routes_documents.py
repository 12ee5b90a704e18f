"""routes_documents of the agreements part of the route policy table (see routes.py): the staff
downloads of an agreement (PDF, .docx, the signed scan) and the import of existing agreements."""

from parkflow.core.tests.routes import ALLOWED, HIDDEN, STAFF, Case, Route
from parkflow.org.choices import Role as R


def _download_case(w):
    made = w.agreement()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _scan_case(w):
    made = w.signed_agreement()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _ledger(w):
    """A one-row ledger of an existing agreement of park A's marked enterprise."""
    import datetime
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from .. import imports

    values = {
        "number": "LY2023-0001",
        "credit_code": w.enterprise().credit_code,
        "kind": "入驻服务协议",
        "title": "甲园标记历史协议",
        "start_date": datetime.date(2023, 3, 1),
        "end_date": datetime.date(2026, 2, 28),
        "signed_on": datetime.date(2023, 2, 20),
    }
    book = Workbook()
    sheet = book.active
    sheet.title = imports.SHEET
    sheet.append([c.header for c in imports.COLUMNS])
    sheet.append([values.get(c.key) for c in imports.COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("历史协议台账.xlsx", out.getvalue())


def _importer(w):
    if "agreement_importer" not in w._cache:
        w._cache["agreement_importer"] = w.staff(R.LEAD_STAFF)
    return w._cache["agreement_importer"]


def _import_case(w):
    # The import page lists the parks the importer may import into: park A's name is the marker.
    return Case(marker=w.park.name, data={"POST": lambda w: {"file": _ledger(w)}})


def _job_case(w):
    """A checked ledger of park A (its job is its importer's alone: anyone else gets 404)."""
    from .. import imports

    importer = _importer(w)
    job = imports.agreement_import_check(actor=importer, upload=_ledger(w))
    assert job["status"] == imports.CHECKED, job["errors"]
    return Case({"token": job["token"]}, actor=importer, data={"POST": {}})


ROUTES = {
    "agreements:pdf": Route(STAFF, {"GET": 200}, "agreement.download", R.AUDITOR, _download_case),
    "agreements:docx": Route(STAFF, {"GET": 200}, "agreement.download", R.AUDITOR, _download_case),
    "agreements:scan": Route(STAFF, {"GET": 200}, "agreement.download", R.AUDITOR, _scan_case),
    # An upload is only checked, for its importer (ALLOWED for park B's importer: the check
    # refuses every row of an enterprise of a park he may not import into); nothing is written.
    "agreements:import": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "agreement.import",
        R.LEAD_STAFF,
        _import_case,
        other_park={"GET": HIDDEN, "POST": ALLOWED},
        writes=False,
    ),
    "agreements:import_template": Route(
        STAFF,
        {"GET": 200},
        "agreement.import",
        R.LEAD_STAFF,
        _import_case,
        other_park=HIDDEN,
    ),
    "agreements:import_job": Route(
        STAFF, {"GET": 200}, "agreement.import", R.LEAD_STAFF, _job_case
    ),
    "agreements:import_commit": Route(
        STAFF, {"POST": 302}, "agreement.import", R.LEAD_STAFF, _job_case
    ),
}
