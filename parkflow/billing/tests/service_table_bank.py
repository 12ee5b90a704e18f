"""The receivables entries of billing's part of the service table (core/tests/service_table.py):
each public function of ``services_bank``, ``imports_bank`` and ``invoices``, who may call it on
park A's objects and who may not — refused with nothing written, allowed with one audit event
of its action. Merged into ``service_table.py`` (``SERVICE_MODULES += …``, ``SERVICES |= …``)."""

import datetime
import io
from decimal import Decimal

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = [
    "parkflow.billing.services_bank",
    "parkflow.billing.imports_bank",
    "parkflow.billing.invoices",
]


def _finance(w):
    return w.bank_finance()


def _finance_refused(w):
    """Who may not take money into park A's books."""
    return [
        _s(w, Role.FINANCE_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _s(w, Role.BUSINESS_STAFF),
        _nobody(w),
        w.enterprise_user(),
    ]


def _upload(w):
    from .factories_bank import row, statement_csv, upload

    day = datetime.date(2026, 11, 2)
    return upload(statement_csv([row(day, "10.00", payer="服务表付款单位", serial="S1")]))


def _running_import(w):
    """An import of park A confirmed for the worker (the worker has not run yet)."""
    from .. import imports_bank, services_bank
    from .factories_bank import check, row, statement_csv

    w.monkeypatch.setattr(imports_bank, "BACKGROUND_FROM", 0)
    day = datetime.date(2026, 11, 2)
    job = check(
        _finance(w), w.park, statement_csv([row(day, "10.00", payer="服务表付款单位", serial="R1")])
    )
    return services_bank.bank_import_confirm(actor=_finance(w), token=job["token"]).pk


def _setting(w):
    return {
        "park": w.park,
        "kind": "rent",
        "method": "simplified",
        "item_name": "不动产经营租赁服务",
        "tax_code": "3040502020200000000",
        "rate": "0.05",
    }


S = "parkflow.billing.services_bank."
I = "parkflow.billing.imports_bank."  # noqa: E741
V = "parkflow.billing.invoices."

SERVICES = {
    # --- taking a statement into the books (R-BIL-4) --------------------------------------------
    S + "bank_import_confirm": Service(
        "bank_import.confirm",
        lambda w: {"token": w.checked_statement()["token"]},
        allowed=_finance,
        # A check is its importer's: another finance clerk of park A does not find it.
        refused=lambda w: [
            _s(w, Role.FINANCE_STAFF),
            _s(w, Role.FINANCE_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.enterprise_user(),
        ],
    ),
    S + "bank_import_execute": Service(
        "bank_import.finish", lambda w: {"import_id": _running_import(w)}, system=True
    ),
    S + "plan": Service(None, lambda w: {"park": w.park, "lines": []}, system=True, after=False),
    # --- the review list ------------------------------------------------------------------------
    S + "bank_line_match": Service(
        "bank_line.match",
        lambda w: {"line": w.review_line(), "bill": w.owing_bills()[1], "note": "电话确认"},
        allowed=_finance,
        refused=_finance_refused,
        before=True,
    ),
    S + "bank_line_ignore": Service(
        "bank_line.ignore",
        lambda w: {"line": w.review_line(), "reason": "供应商退回货款"},
        allowed=_finance,
        refused=_finance_refused,
        before=True,
    ),
    # --- invoice settings -----------------------------------------------------------------------
    S + "invoice_setting_save": Service(
        "invoice_setting.save",
        _setting,
        allowed=_finance,
        refused=lambda w: [
            _s(w, Role.FINANCE_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
        ],
        before=True,
    ),
    # --- the check (writes nothing) -------------------------------------------------------------
    I + "bank_import_check": Service(
        None,
        lambda w: {"park": w.park, "upload": lambda: _upload(w)},
        allowed=_finance,
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.AUDITOR), _nobody(w)],
        after=False,
    ),
    I + "import_job_get_for_user": Service(
        None,
        lambda w: {"token": w.checked_statement()["token"]},
        allowed=_finance,
        refused=lambda w: [_s(w, Role.FINANCE_STAFF), _nobody(w)],
        after=False,
    ),
    I + "importable_parks": Service(None, lambda w: {}, allowed=_finance, after=False),
    I + "read_statement": Service(
        None,
        lambda w: {"content": _upload(w).read(), "max_rows": 10},
        system=True,
        after=False,
    ),
    I + "read_stored": Service(
        None,
        lambda w: {
            "stored": w.checked_statement()["stored"],
            "sha256": w.checked_statement()["sha256"],
        },
        system=True,
        after=False,
    ),
    I + "job_view": Service(
        None, lambda w: {"job": w.checked_statement()}, system=True, after=False
    ),
    I + "save_job": Service(
        None, lambda w: {"job": w.checked_statement()}, system=True, after=False
    ),
    I + "line_key": Service(
        None,
        lambda w: {
            "transaction_id": "",
            "booked_on": datetime.date(2026, 11, 2),
            "amount": Decimal("10.00"),
            "payer_name": "甲",
            "payer_account": "",
            "summary": "",
            "balance": "",
            "seen": {},
        },
        system=True,
        after=False,
    ),
    I + "payment_key": Service(
        None, lambda w: {"park_id": w.park.pk, "key": "txn:1"}, system=True, after=False
    ),
    I + "already_imported_message": Service(
        None, lambda w: {"earlier": w.bank_statement()}, system=True, after=False
    ),
    # --- invoice data (R-BIL-6) -----------------------------------------------------------------
    V + "invoice_export": Service(
        "invoice.export",
        lambda w: {"filters": {}},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _nobody(w), w.enterprise_user()],
    ),
    V + "invoice_lines": Service(
        None,
        lambda w: {},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _nobody(w), w.enterprise_user()],
        after=False,
    ),
    V + "tax_split": Service(
        None,
        lambda w: {"gross": Decimal("9600"), "rate": Decimal("0.09")},
        system=True,
        after=False,
    ),
    V + "period_text": Service(
        None,
        lambda w: {"start": datetime.date(2026, 11, 1), "end": datetime.date(2026, 11, 30)},
        system=True,
        after=False,
    ),
    V + "default_classification": Service(
        None, lambda w: {"kind": "rent"}, system=True, after=False
    ),
    V + "classifications": Service(
        None, lambda w: {"park_ids": [w.park.pk]}, system=True, after=False
    ),
    V + "invoice_workbook": Service(
        None, lambda w: {"lines": [], "target": io.BytesIO()}, system=True, after=False
    ),
    V + "filename": Service(None, lambda w: {"title": "开票数据"}, system=True, after=False),
}
