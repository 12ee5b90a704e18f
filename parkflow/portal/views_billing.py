"""账单 in the portal (R-BIL-4, R-BIL-5, R-PLT-3): an enterprise user follows, from a phone, its
bills — what is still to pay first, the overdue in red —, each bill with its payments and
adjustments, the money it paid, and its prepaid balance (预收余额) with every movement. Only the
enterprise's own rows exist here: another's bill is a 404 (R-ORG-3). Nothing here writes:
payments are recorded by the park's finance office when the money arrives."""

from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parkflow.billing import selectors
from parkflow.billing.choices import OUTSTANDING
from parkflow.billing.models import Bill, CreditEntry, Payment
from parkflow.billing.views_bills import decorate_overdue
from parkflow.core import access, clock
from parkflow.core.errors import NotFound
from parkflow.core.views import LIST_PAGE_SIZE, paginate

from .views import portal_page


def _context(enterprise, tab, **values) -> dict:
    return {"enterprise": enterprise, "portal_tab": "billing", "billing_tab": tab, **values}


@require_GET
@portal_page
def bill_list(request, enterprise):
    """我的账单: what is still to pay first (the soonest due, the overdue at the top), then the
    paid ones, newest first; the totals above them."""
    user = request.user
    bills = access.scope(user, Bill.objects.all()).annotate(
        settled=Case(
            When(status__in=OUTSTANDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    ordered = bills.annotate(
        owing_due=Case(When(status__in=OUTSTANDING, then=F("due_date")), default=None)
    ).order_by("settled", "owing_due", "-period_start", "-id")
    page = paginate(request, ordered, LIST_PAGE_SIZE)
    decorate_overdue(page.object_list)
    return render(
        request,
        "portal/billing_bills.html",
        _context(
            enterprise,
            "bills",
            bills=page.object_list,
            page_obj=page,
            summary=selectors.summary_of(access.scope(user, Bill.objects.all())),
            balance=selectors.credit_balance_of(user, enterprise),
        ),
    )


@require_GET
@portal_page
def bill_detail(request, enterprise, pk):
    try:
        bill = access.get_for_user(
            request.user, Bill.objects.select_related("agreement", "park"), pk=pk
        )
    except NotFound:
        raise Http404 from None
    decorate_overdue([bill])
    return render(
        request,
        "portal/billing_bill.html",
        _context(
            enterprise,
            "bills",
            bill=bill,
            payments=list(selectors.payments_of(bill)),
            adjustments=list(selectors.adjustments_of(bill)),
        ),
    )


@require_GET
@portal_page
def payment_list(request, enterprise):
    """缴费记录: the money the park recorded as received, newest first."""
    qs = access.scope(request.user, Payment.objects.select_related("bill")).order_by(
        "-paid_on", "-id"
    )
    page = paginate(request, qs, LIST_PAGE_SIZE)
    return render(
        request,
        "portal/billing_payments.html",
        _context(enterprise, "payments", payments=page.object_list, page_obj=page),
    )


@require_GET
@portal_page
def balance(request, enterprise):
    """预收余额: the balance and every movement — in from an overpayment or a credit
    adjustment, out to a bill or a refund; never a silent change (R-BIL-4)."""
    qs = access.scope(
        request.user,
        CreditEntry.objects.select_related("payment__bill", "adjustment__bill"),
    ).order_by("-created_at", "-id")
    page = paginate(request, qs, LIST_PAGE_SIZE)
    entries = selectors.with_source_bill(page.object_list)
    return render(
        request,
        "portal/billing_balance.html",
        _context(
            enterprise,
            "balance",
            entries=entries,
            page_obj=page,
            balance=selectors.credit_balance_of(request.user, enterprise),
            today=clock.today(),
        ),
    )
