"""Billing's part of the route policy table (core/tests/routes.py). Each part of billing keeps
its routes in its own module, merged here; ``BUILDERS`` give every case maker park A's billing
objects, made through the services: ``w.billing_agreement()`` a signed agreement of park A's
marked enterprise with monthly rent and a deposit (routes_bills), ``w.bill()`` its open rent bill of the
current month, ``w.paid_bill()`` its deposit bill paid in full, ``w.bill_run()`` a finished
run of park A, ``w.billing_clerk()`` park A's finance staff member."""

from django.utils import timezone

from . import routes_bank, routes_bills, routes_refunds, routes_statements


def billing_clerk(w):
    from parkflow.org.choices import Role

    if "billing_clerk" not in w._cache:
        w._cache["billing_clerk"] = w.staff(Role.FINANCE_STAFF)
    return w._cache["billing_clerk"]


def _issue(w, kind):
    from .. import services

    line = routes_bills.billing_agreement(w).fees.get(kind=kind)
    return services.bill_issue(
        actor=billing_clerk(w), fee_line=line, period_start=line.start_date
    ).bill


def bill(w):
    """Park A's marked enterprise's open rent bill of this month (9,600 元)."""
    if "bill" not in w._cache:
        w._cache["bill"] = _issue(w, "rent")
    return w._cache["bill"]


def paid_bill(w):
    """Its deposit bill (19,200 元), paid in full by bank transfer."""
    from .. import services

    if "paid_bill" not in w._cache:
        deposit = _issue(w, "deposit")
        services.payment_record(
            actor=billing_clerk(w),
            bill=deposit,
            amount=deposit.amount,
            method="bank_transfer",
            paid_on=timezone.localdate(),
            idempotency_key="routes-paid-bill",
        )
        deposit.refresh_from_db()
        w._cache["paid_bill"] = deposit
    return w._cache["paid_bill"]


def bill_run(w):
    """A finished run of park A for this month."""
    from .. import services

    if "bill_run" not in w._cache:
        routes_bills.billing_agreement(w)
        made = services.bill_run_start(
            actor=billing_clerk(w), park=w.park, month=timezone.localdate()
        )
        w._cache["bill_run"] = services.bill_run_execute(run_id=made.pk)
    return w._cache["bill_run"]


BUILDERS = {
    **routes_bills.BUILDERS,
    **routes_refunds.BUILDERS,
    **routes_statements.BUILDERS,
    **routes_bank.BUILDERS,
    "billing_clerk": billing_clerk,
    "bill": bill,
    "paid_bill": paid_bill,
    "bill_run": bill_run,
}

# Each part's routes (pages, portal, API) are merged here.
ROUTES = {
    **routes_bills.ROUTES,
    **routes_refunds.ROUTES,
    **routes_statements.ROUTES,
    **routes_bank.ROUTES,
}
