"""Billing's part of the service table (see ``parkflow.core.tests.service_table``): each public
service, the actor who may call it on park A's objects and those who may not — refused with
nothing written, allowed with one audit event of its action."""

import datetime

from django.utils import timezone

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

from . import (
    service_table_bank,
    service_table_bills,
    service_table_refunds,
    service_table_statements,
)

SERVICE_MODULES = [
    "parkflow.billing.services",
    *service_table_bills.SERVICE_MODULES,
    *service_table_refunds.SERVICE_MODULES,
    *service_table_statements.SERVICE_MODULES,
    *service_table_bank.SERVICE_MODULES,
]


def _refused(w):
    """Finance of park B, park A's business staff and auditor, a user with no role, and the
    enterprise itself (money is recorded by finance, never by the payer)."""
    return [
        _s(w, Role.FINANCE_STAFF, w.other_park),
        _s(w, Role.BUSINESS_STAFF),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.enterprise_user(),
    ]


def _rent_line(w):
    return w.billing_agreement().fees.get(kind="rent")


def _credit(w):
    """Park A's marked enterprise with a prepaid balance: its deposit overpaid by 500 元."""
    from .. import services

    if "billing_credit" not in w._cache:
        deposit = w.billing_agreement().fees.get(kind="deposit")
        issued = services.bill_issue(
            actor=w.billing_clerk(), fee_line=deposit, period_start=deposit.start_date
        ).bill
        services.payment_record(
            actor=w.billing_clerk(),
            bill=issued,
            amount=issued.amount + 500,
            method="bank_transfer",
            paid_on=timezone.localdate(),
            idempotency_key="service-table-credit",
        )
        w._cache["billing_credit"] = True
    return w.bill()


P = "parkflow.billing.services."

SERVICES = {
    **service_table_bills.SERVICES,
    **service_table_refunds.SERVICES,
    **service_table_statements.SERVICES,
    **service_table_bank.SERVICES,
    P + "bill_issue": Service(
        "bill.issue",
        lambda w: {"fee_line": _rent_line(w), "period_start": _rent_line(w).start_date},
        allowed=lambda w: w.billing_clerk(),
        refused=_refused,
    ),
    P + "bill_charge": Service(
        "bill.issue",
        lambda w: {
            "enterprise": w.enterprise(),
            "source": "vas_order",
            "source_key": "service-table",
            "label": "工商代办",
            "quantity": 1,
            "unit_price": "800",
            "price_ceiling": 800,
            "service_date": timezone.localdate(),
        },
        allowed=lambda w: w.billing_clerk(),
        refused=_refused,
    ),
    P + "bill_run_start": Service(
        "bill_run.start",
        lambda w: {"park": w.park, "month": timezone.localdate()},
        allowed=lambda w: w.billing_clerk(),
        refused=lambda w: [
            _s(w, Role.FINANCE_STAFF, w.other_park),
            _s(w, Role.BUSINESS_STAFF),
            _nobody(w),
        ],
    ),
    P + "payment_record": Service(
        "payment.record",
        lambda w: {
            "bill": w.bill(),
            "amount": "1000.00",
            "method": "bank_transfer",
            "paid_on": timezone.localdate() - datetime.timedelta(days=1),
            "idempotency_key": lambda: f"service-table-{timezone.now().timestamp()}",
        },
        allowed=lambda w: w.billing_clerk(),
        refused=_refused,
        before=True,
    ),
    P + "credit_apply": Service(
        "payment.record",
        lambda w: {"bill": _credit(w), "idempotency_key": lambda: f"apply-{timezone.now()}"},
        allowed=lambda w: w.billing_clerk(),
        refused=_refused,
        before=True,
    ),
    P + "adjustment_make": Service(
        "bill.adjust",
        lambda w: {"bill": w.bill(), "kind": "credit", "amount": "100", "reason": "面积复核"},
        allowed=lambda w: w.billing_clerk(),
        refused=_refused,
        before=True,
    ),
    P + "bill_run_execute": Service(
        None, lambda w: {"run_id": w.bill_run().pk}, system=True, after=False
    ),
    P + "bill_runs_monthly": Service(None, lambda w: {}, system=True, after=False),
}
