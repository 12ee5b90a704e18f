"""Bills, payments, adjustments, the prepaid balance and bill runs in the route policy table (see
``parkflow.core.tests.routes``): the staff pages, the portal and the API, every route and method
on real objects of park A built through the services — ``w.billing_bill()`` a bill of park A's
marked enterprise issued from its signed agreement, ``w.billing_overpaid()`` a paid bill whose
overpayment left a prepaid balance, ``w.billing_run()`` a run of park A (still running: the
worker runs on commit)."""

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from parkflow.core.tests.routes import (
    API,
    HIDDEN,
    PORTAL,
    REFUSED,
    STAFF,
    Case,
    Route,
)
from parkflow.org.choices import Role as R

MARKER = "甲园标记办公室租金"

# --- builders --------------------------------------------------------------------------------


def _start():
    return timezone.localdate().replace(day=1) - relativedelta(months=2)


def billing_finance(w):
    """Park A's finance officer (issues bills, records payments)."""
    if "billing_finance" not in w._cache:
        w._cache["billing_finance"] = w.staff(R.FINANCE_STAFF)
    return w._cache["billing_finance"]


def billing_agreement(w):
    """A signed agreement of park A's marked enterprise: monthly rent (the marker) and a
    deposit, from the first day of the month before last."""
    from .factories import signed_agreement

    if "billing_agreement" not in w._cache:
        w._cache["billing_agreement"] = signed_agreement(
            w.enterprise(),
            start=_start(),
            lines=[
                {"kind": "rent", "label": MARKER, "quantity": "100", "unit_price": "80"},
                {
                    "kind": "deposit",
                    "label": "租赁押金",
                    "quantity": "1",
                    "unit_price": "16000",
                    "period": "once",
                },
            ],
        )
    return w._cache["billing_agreement"]


def billing_bill(w):
    """The first month's rent of the agreement, issued by park A's finance officer."""
    from .. import services

    if "billing_bill" not in w._cache:
        agreement = billing_agreement(w)
        rent = agreement.fees.get(kind="rent")
        w._cache["billing_bill"] = services.bill_issue(
            actor=billing_finance(w), fee_line=rent, period_start=_start()
        ).bill
    return w._cache["billing_bill"]


def billing_overpaid(w):
    """The deposit, paid with 500 元 too much: the bill is settled, the enterprise has a prepaid
    balance of 500 元, and the rent bill can be paid from it."""
    from .. import services

    if "billing_overpaid" not in w._cache:
        billing_bill(w)
        deposit = billing_agreement(w).fees.get(kind="deposit")
        bill = services.bill_issue(
            actor=billing_finance(w), fee_line=deposit, period_start=_start()
        ).bill
        services.payment_record(
            actor=billing_finance(w),
            bill=bill,
            amount="16500.00",
            method="bank_transfer",
            paid_on=timezone.localdate(),
            reference="甲园标记流水",
            idempotency_key="routes-overpaid",
        )
        w._cache["billing_overpaid"] = bill
    return w._cache["billing_overpaid"]


def billing_run(w):
    """A bill run of park A started by its finance officer (the worker runs on commit, so in
    a test it stays running)."""
    from .. import services

    if "billing_run" not in w._cache:
        billing_agreement(w)
        w._cache["billing_run"] = services.bill_run_start(
            actor=billing_finance(w), park=w.park, month=timezone.localdate()
        )
    return w._cache["billing_run"]


def billing_done_run(w):
    """A completed bill run of park A (the worker's part carried out)."""
    from .. import services

    if "billing_done_run" not in w._cache:
        billing_agreement(w)
        run = services.bill_run_start(
            actor=billing_finance(w), park=w.park, month=timezone.localdate()
        )
        w._cache["billing_done_run"] = services.bill_run_execute(run_id=run.pk)
    return w._cache["billing_done_run"]


def _owner(w):
    if "billing_owner" not in w._cache:
        w._cache["billing_owner"] = w.enterprise_user(w.enterprise())
    return w._cache["billing_owner"]


BUILDERS = {
    "billing_finance": billing_finance,
    "billing_agreement": billing_agreement,
    "billing_bill": billing_bill,
    "billing_overpaid": billing_overpaid,
    "billing_run": billing_run,
    "billing_done_run": billing_done_run,
}

# --- cases -----------------------------------------------------------------------------------


def _key():
    import uuid

    return uuid.uuid4().hex


def _list(w):
    made = w.billing_bill()
    return Case(marker=MARKER, enterprise=made.enterprise)


def _detail(w):
    made = w.billing_bill()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _payments(w):
    made = w.billing_overpaid()
    return Case(marker="甲园标记流水", enterprise=made.enterprise)


def _pay(w):
    made = w.billing_bill()
    return Case(
        {"pk": made.pk},
        data={
            "POST": lambda w: {
                "pay-amount": "2000.00",
                "pay-method": "bank_transfer",
                "pay-paid_on": timezone.localdate().isoformat(),
                "pay-reference": "B2026",
                "pay-idempotency_key": _key(),
            }
        },
        enterprise=made.enterprise,
    )


def _credit(w):
    w.billing_overpaid()
    made = w.billing_bill()
    return Case(
        {"pk": made.pk},
        data={"POST": lambda w: {"credit-idempotency_key": _key()}},
        enterprise=made.enterprise,
    )


def _adjust(w):
    made = w.billing_bill()
    return Case(
        {"pk": made.pk},
        data={
            "POST": {"adjust-kind": "credit", "adjust-amount": "80.00", "adjust-reason": "停电一天"}
        },
        enterprise=made.enterprise,
    )


def _runs(w):
    w.billing_run()
    return Case(marker=w.park.name)


def _run(w):
    run = w.billing_run()
    return Case({"pk": run.pk})


def _run_start(w):
    billing_agreement(w)
    month = timezone.localdate().strftime("%Y-%m")
    return Case(data={"POST": lambda w: {"park": w.park.pk, "month": month}})


def _issue(w):
    agreement = billing_agreement(w)
    rent = agreement.fees.get(kind="rent")
    second = _start() + relativedelta(months=1)
    return Case(
        {"pk": agreement.pk},
        data={"POST": {"charge": f"{rent.pk}:{second.isoformat()}"}},
        enterprise=agreement.enterprise,
    )


# portal


def _portal_list(w):
    made = w.billing_bill()
    return Case(marker=MARKER, enterprise=made.enterprise, actor=_owner(w))


def _portal_detail(w):
    made = w.billing_bill()
    return Case({"pk": made.pk}, enterprise=made.enterprise, actor=_owner(w))


def _portal_payments(w):
    made = w.billing_overpaid()
    return Case(marker="租赁押金", enterprise=made.enterprise, actor=_owner(w))


def _portal_balance(w):
    made = w.billing_overpaid()
    return Case(marker="租赁押金", enterprise=made.enterprise, actor=_owner(w))


# API


def _api_payments(w):
    w.billing_overpaid()
    made = w.billing_bill()

    def create(w):
        return {
            "bill": made.pk,
            "amount": "1500.00",
            "method": "wechat",
            "paid_on": timezone.localdate().isoformat(),
            "reference": "WX2026",
            "idempotency_key": _key(),
        }

    return Case(marker="甲园标记流水", data={"POST": create}, enterprise=made.enterprise)


def _api_payment(w):
    made = w.billing_overpaid()
    return Case({"pk": made.payments.get().pk}, enterprise=made.enterprise)


def _api_credit(w):
    w.billing_overpaid()
    made = w.billing_bill()
    return Case(
        {"pk": made.pk},
        data={"POST": lambda w: {"idempotency_key": _key()}},
        enterprise=made.enterprise,
    )


def _api_adjustments(w):
    made = w.billing_bill()
    from .. import services

    services.adjustment_make(
        actor=billing_finance(w), bill=made, kind="debit", amount="10", reason="甲园标记调增"
    )
    return Case(
        marker="甲园标记调增",
        data={"POST": {"bill": made.pk, "kind": "credit", "amount": "80.00", "reason": "停电"}},
        enterprise=made.enterprise,
    )


def _api_runs(w):
    w.billing_done_run()
    month = timezone.localdate().strftime("%Y-%m")
    return Case(marker=w.park.name, data={"POST": lambda w: {"park": w.park.pk, "month": month}})


FINANCE = R.FINANCE_STAFF
ROUTES = {
    # --- staff pages -----------------------------------------------------------------------
    "billing:bills": Route(STAFF, {"GET": 200}, "bill.view", R.AUDITOR, _list, other_park=HIDDEN),
    "billing:bill_export": Route(
        STAFF, {"GET": 200}, "bill.view", R.AUDITOR, _list, other_park=HIDDEN
    ),
    "billing:bill": Route(STAFF, {"GET": 200}, "bill.view", R.AUDITOR, _detail),
    "billing:bill_pay": Route(STAFF, {"POST": 302}, "payment.record", FINANCE, _pay),
    "billing:bill_credit": Route(STAFF, {"POST": 302}, "payment.record", FINANCE, _credit),
    "billing:bill_adjust": Route(STAFF, {"POST": 302}, "bill.adjust", FINANCE, _adjust),
    "billing:payments": Route(
        STAFF, {"GET": 200}, "bill.view", R.AUDITOR, _payments, other_park=HIDDEN
    ),
    "billing:payment_export": Route(
        STAFF, {"GET": 200}, "bill.view", R.AUDITOR, _payments, other_park=HIDDEN
    ),
    "billing:runs": Route(STAFF, {"GET": 200}, "bill.view", R.AUDITOR, _runs, other_park=HIDDEN),
    "billing:run_start": Route(
        STAFF, {"POST": 302}, "bill.issue", FINANCE, _run_start, other_park=REFUSED
    ),
    "billing:run": Route(STAFF, {"GET": 200}, "bill.view", R.AUDITOR, _run),
    "billing:agreement_issue": Route(STAFF, {"POST": 302}, "bill.issue", FINANCE, _issue),
    # --- the portal ------------------------------------------------------------------------
    "portal:bills": Route(PORTAL, {"GET": 200}, "bill.view", make=_portal_list),
    "portal:bill": Route(PORTAL, {"GET": 200}, "bill.view", make=_portal_detail),
    "portal:bill_payments": Route(PORTAL, {"GET": 200}, "bill.view", make=_portal_payments),
    "portal:bill_balance": Route(PORTAL, {"GET": 200}, "bill.view", make=_portal_balance),
    # --- the API ---------------------------------------------------------------------------
    "api:bill-list": Route(API, {"GET": 200}, "bill.view", R.AUDITOR, _list, other_park=HIDDEN),
    "api:bill-detail": Route(API, {"GET": 200}, "bill.view", R.AUDITOR, _detail),
    "api:bill-credit-apply": Route(API, {"POST": 201}, "payment.record", FINANCE, _api_credit),
    "api:payment-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "bill.view", "POST": "payment.record"},
        FINANCE,
        _api_payments,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:payment-detail": Route(API, {"GET": 200}, "bill.view", R.AUDITOR, _api_payment),
    "api:adjustment-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "bill.view", "POST": "bill.adjust"},
        FINANCE,
        _api_adjustments,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:bill-run-list": Route(
        API,
        {"GET": 200, "POST": 202},
        {"GET": "bill.view", "POST": "bill.issue"},
        FINANCE,
        _api_runs,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:bill-run-detail": Route(API, {"GET": 200}, "bill.view", R.AUDITOR, _run),
}
