"""The receivables part of billing's route policy table (see routes.py; the lead merges
``ROUTES`` and ``BUILDERS`` there): bank-statement import and its review list, invoice data and
the receivables dashboard — pages and API, every method, on real objects of park A."""

import datetime

from django.utils import timezone

from parkflow.core.tests.routes import ALLOWED, API, HIDDEN, STAFF, Case, Route
from parkflow.org.choices import Role as R

FILE = "甲园标记流水.csv"
PAYER = "甲园标记付款单位"


# --- builders --------------------------------------------------------------------------------


def bank_finance(w):
    """Park A's finance clerk (one per world): imports, matches, keeps the invoice settings."""
    if "bank_finance" not in w._cache:
        w._cache["bank_finance"] = w.staff(R.FINANCE_STAFF)
    return w._cache["bank_finance"]


def owing_bills(w):
    """Two rent bills of park A's marked enterprise (September and October 2026, 8,000 元
    each), September's past its due date."""
    from ..models import Bill
    from .factories_bank import issue, rent_agreement

    if "owing_bills" not in w._cache:
        bills = issue(rent_agreement(w.enterprise()), 9, 10, actor=bank_finance(w))
        Bill.objects.filter(pk=bills[0].pk).update(
            due_date=timezone.localdate() - datetime.timedelta(days=40)
        )
        w._cache["owing_bills"] = bills
    return w._cache["owing_bills"]


def _statement_content(w):
    from .factories_bank import row, statement_csv

    september, _october = owing_bills(w)
    day = timezone.localdate() - datetime.timedelta(days=2)
    return statement_csv(
        [
            row(day, "8000.00", payer="代付单位", summary=f"缴 {september.number}", serial="A1"),
            row(day, "1234.56", payer=PAYER, summary="货款", serial="A2"),
        ]
    )


def bank_statement(w):
    """A statement imported into park A: one line paid by its bill number, one for review."""
    from .factories_bank import imported

    if "bank_statement" not in w._cache:
        w._cache["bank_statement"] = imported(
            bank_finance(w), w.park, _statement_content(w), name=FILE
        )
    return w._cache["bank_statement"]


def review_line(w):
    """Park A's line waiting for review (payer 甲园标记付款单位, 1,234.56 元)."""
    from ..models_bank import BankLine

    return BankLine.objects.get(statement=bank_statement(w), status="review")


def checked_statement(w):
    """A statement of park A checked by its finance clerk, not confirmed (nothing written)."""
    from .. import imports_bank
    from .factories_bank import check, row, statement_csv

    day = timezone.localdate() - datetime.timedelta(days=1)
    job = check(
        bank_finance(w),
        w.park,
        statement_csv([row(day, "99.00", payer=PAYER, serial="C1")]),
        name=FILE,
    )
    assert job["status"] == imports_bank.CHECKED, job["errors"]
    return job


BUILDERS = {
    "bank_finance": bank_finance,
    "owing_bills": owing_bills,
    "bank_statement": bank_statement,
    "review_line": review_line,
    "checked_statement": checked_statement,
}


# --- cases -----------------------------------------------------------------------------------


def _imports_case(w):
    bank_statement(w)
    return Case(marker=FILE)


def _upload_case(w):
    from .factories_bank import row, statement_csv, upload

    def body(w):
        day = timezone.localdate() - datetime.timedelta(days=1)
        content = statement_csv([row(day, "10.00", payer=PAYER, serial="U1")])
        return {"park": w.park.pk, "file": upload(content, FILE)}

    return Case(marker=w.park.name, data={"POST": body})


def _job_case(w):
    job = checked_statement(w)
    return Case({"token": job["token"]}, actor=bank_finance(w), data={"POST": {}})


def _import_case(w):
    return Case({"pk": bank_statement(w).pk})


def _review_case(w):
    review_line(w)
    return Case(marker=PAYER)


def _line_case(w):
    return Case({"pk": review_line(w).pk})


def _match_case(w):
    line = review_line(w)
    _september, october = owing_bills(w)
    return Case({"pk": line.pk}, data={"POST": {"bill": str(october.pk), "note": "电话确认代付"}})


def _page_match_case(w):
    line = review_line(w)
    _september, october = owing_bills(w)
    return Case({"pk": line.pk}, data={"POST": {"number": october.number, "note": "电话确认"}})


def _ignore_case(w):
    return Case({"pk": review_line(w).pk}, data={"POST": {"reason": "供应商退回货款"}})


def _invoices_case(w):
    owing_bills(w)
    return Case(marker=w.enterprise().name)


def _settings_case(w):
    return Case(marker=w.park.name)


def _setting_edit_case(w):
    return Case(
        {"park": w.park.pk, "kind": "rent"},
        data={
            "POST": {
                "method": "simplified",
                "item_name": "不动产经营租赁服务",
                "tax_code": "3040502020200000000",
                "rate": "0.05",
            }
        },
    )


def _receivables_case(w):
    owing_bills(w)  # September's is overdue: the enterprise is among the top overdue
    return Case(marker=w.enterprise().name)


def _api_check_case(w):
    from .factories_bank import row, statement_csv, upload

    def body(w):
        day = timezone.localdate() - datetime.timedelta(days=1)
        content = statement_csv([row(day, "10.00", payer=PAYER, serial="U2")])
        return {"park": w.park.pk, "file": upload(content, FILE)}

    return Case(data={"POST": body}, multipart=True)


ROUTES = {
    # --- pages ----------------------------------------------------------------------------------
    "billing:bank_imports": Route(
        STAFF, {"GET": 200}, "bank.view", R.AUDITOR, _imports_case, other_park=HIDDEN
    ),
    # An upload is only checked, for its importer: park B's finance naming park A is refused by
    # the check (400, nothing kept or written) — ALLOWED in the table's terms, as for resources.
    "billing:bank_import_upload": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "bank.import",
        R.FINANCE_STAFF,
        _upload_case,
        other_park={"GET": HIDDEN, "POST": ALLOWED},
        writes=False,
    ),
    "billing:bank_import_job": Route(
        STAFF, {"GET": 200}, "bank.import", R.FINANCE_STAFF, _job_case
    ),
    "billing:bank_import_confirm": Route(
        STAFF, {"POST": 302}, "bank.import", R.FINANCE_STAFF, _job_case
    ),
    "billing:bank_import": Route(STAFF, {"GET": 200}, "bank.view", R.AUDITOR, _import_case),
    "billing:bank_review": Route(
        STAFF, {"GET": 200}, "bank.view", R.AUDITOR, _review_case, other_park=HIDDEN
    ),
    "billing:bank_line": Route(STAFF, {"GET": 200}, "bank.view", R.AUDITOR, _line_case),
    "billing:bank_line_match": Route(
        STAFF, {"POST": 302}, "bank.match", R.FINANCE_STAFF, _page_match_case
    ),
    "billing:bank_line_ignore": Route(
        STAFF, {"POST": 302}, "bank.match", R.FINANCE_STAFF, _ignore_case
    ),
    "billing:invoices": Route(
        STAFF, {"GET": 200}, "invoice.view", R.AUDITOR, _invoices_case, other_park=HIDDEN
    ),
    "billing:invoice_export": Route(
        STAFF, {"GET": 200}, "invoice.view", R.AUDITOR, _invoices_case, other_park=HIDDEN
    ),
    "billing:invoice_settings": Route(
        STAFF, {"GET": 200}, "invoice.view", R.AUDITOR, _settings_case, other_park=HIDDEN
    ),
    "billing:invoice_setting_edit": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "invoice.configure",
        R.FINANCE_STAFF,
        _setting_edit_case,
    ),
    "billing:receivables": Route(
        STAFF, {"GET": 200}, "bill.view", R.AUDITOR, _receivables_case, other_park=HIDDEN
    ),
    # --- API ------------------------------------------------------------------------------------
    "api:bank-import-check-list": Route(
        API,
        {"POST": 201},
        "bank.import",
        R.FINANCE_STAFF,
        _api_check_case,
        other_park=ALLOWED,
        writes=False,
    ),
    "api:bank-import-check-detail": Route(
        API, {"GET": 200}, "bank.import", R.FINANCE_STAFF, _job_case
    ),
    "api:bank-import-check-confirm": Route(
        API, {"POST": 201}, "bank.import", R.FINANCE_STAFF, _job_case
    ),
    "api:bank-import-list": Route(
        API, {"GET": 200}, "bank.view", R.AUDITOR, _imports_case, other_park=HIDDEN
    ),
    "api:bank-import-detail": Route(API, {"GET": 200}, "bank.view", R.AUDITOR, _import_case),
    "api:bank-line-list": Route(
        API, {"GET": 200}, "bank.view", R.AUDITOR, _review_case, other_park=HIDDEN
    ),
    "api:bank-line-detail": Route(API, {"GET": 200}, "bank.view", R.AUDITOR, _line_case),
    "api:bank-line-match": Route(API, {"POST": 200}, "bank.match", R.FINANCE_STAFF, _match_case),
    "api:bank-line-ignore": Route(API, {"POST": 200}, "bank.match", R.FINANCE_STAFF, _ignore_case),
    "api:invoice-data-list": Route(
        API, {"GET": 200}, "invoice.view", R.AUDITOR, _invoices_case, other_park=HIDDEN
    ),
    "api:invoice-data-export": Route(
        API, {"GET": 200}, "invoice.view", R.AUDITOR, _invoices_case, other_park=HIDDEN
    ),
    # Staff only: an enterprise reads its own bills in the portal, not the park's dashboard.
    "api:receivables-summary": Route(
        API,
        {"GET": 200},
        "bill.view",
        R.AUDITOR,
        _receivables_case,
        other_park=HIDDEN,
        stranger=403,
    ),
}
