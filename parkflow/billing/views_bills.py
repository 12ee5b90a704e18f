"""Staff pages of bills and payments (R-BIL-1 … R-BIL-6): the bill list with what is still owed
and what is overdue, its Excel export; the bill's page — the charge as the agreement prices it,
its payments and adjustments, the enterprise's prepaid balance, the timeline — with the steps
the user may take now as confirming modals (登记收款, 预收余额抵扣, 调账); 出具单期账单 from an
agreement's fee line; the payment list and its export.

Every lookup goes through a scoped selector, so another park's bill is a 404 (R-ORG-3); every
step is a service, whose refusal is shown on its form with nothing written. A payment form
carries an idempotency key made when it was rendered: a double submit or a browser retry of
the same form records one payment, and says so (R-BIL-4). Nothing here edits or deletes a bill:
a correction is an adjustment line (R-BIL-5)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parkflow.agreements.choices import AgreementStatus
from parkflow.agreements.models import Agreement, FeeLine
from parkflow.core import access, clock, generic_views
from parkflow.core.errors import DomainError, NotFound, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import charges, selectors, services
from . import exports_bills as exports
from .choices import OUTSTANDING, BillStatus
from .forms_bills import (
    AdjustmentForm,
    BillFilterForm,
    CreditApplyForm,
    IssueForm,
    PaymentFilterForm,
    PaymentForm,
)
from .templatetags.billing import period_text

# ---------------------------------------------------------------------------------------------
# The lists and their exports


def _filtered(filters) -> bool:
    return any(v not in ("", None, False) for v in filters.values())


def decorate_overdue(bills, today=None) -> None:
    """``bill.overdue_days``: days past its due date of a bill not fully paid (0 otherwise),
    computed from the row (no query)."""
    today = today or clock.today()
    for bill in bills:
        late = (today - bill.due_date).days if bill.status in OUTSTANDING else 0
        bill.overdue_days = max(late, 0)


@require_GET
@staff_page("bill.view")
def bill_list(request):
    form = BillFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.bill_list(actor=request.user, **filters),
        template="billing/bills/bill_list.html",
        partial="billing/bills/partials/_bill_table.html",
        target="bill-table",
        per_page=LIST_PAGE_SIZE,
        name="bills",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "export_query": generic_views.query_without_page(request),
        },
        decorate=decorate_overdue,
    )


@require_GET
@staff_page("bill.view")
def bill_export(request):
    form = BillFilterForm(request.GET or None, user=request.user)
    return generic_views.file_download(
        request,
        build=lambda: exports.bill_export(actor=request.user, filters=form.filters()),
        filename=exports.filename(_("账单清单")),
        back=reverse("billing:bills"),
    )


@require_GET
@staff_page("bill.view")
def payment_list(request):
    form = PaymentFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.payment_list(actor=request.user, **filters),
        template="billing/bills/payment_list.html",
        partial="billing/bills/partials/_payment_table.html",
        target="payment-table",
        per_page=LIST_PAGE_SIZE,
        name="payments",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "export_query": generic_views.query_without_page(request),
        },
    )


@require_GET
@staff_page("bill.view")
def payment_export(request):
    form = PaymentFilterForm(request.GET or None, user=request.user)
    return generic_views.file_download(
        request,
        build=lambda: exports.payment_export(actor=request.user, filters=form.filters()),
        filename=exports.filename(_("收款清单")),
        back=reverse("billing:payments"),
    )


# ---------------------------------------------------------------------------------------------
# The bill's page


def _get(request, pk):
    return get_or_404(selectors.bill_get_for_user, actor=request.user, pk=pk)


def _price_note(bill) -> str:
    """How the unit price compares with what was agreed (R-BIL-3), in words."""
    line = bill.fee_line
    if line is not None and bill.price_ceiling != line.unit_price:
        return _("协议约定单价 %(base)s 元，按约定逐年调整后本期为 %(ceiling)s 元") % {
            "base": f"{line.unit_price:,.2f}",
            "ceiling": f"{bill.price_ceiling:,.2f}",
        }
    return ""


def render_bill(request, bill, *, bound=None, open_step="", error=None, status=200):
    """The bill's page as it is now; ``bound`` the refused step's form (shown open with the
    reason), everything else blank."""
    user = request.user
    bound = bound or {}
    balance = selectors.credit_balance_of(user, bill.enterprise)
    may_pay = access.may(user, "payment.record", bill)
    owing = bill.outstanding > 0
    decorate_overdue([bill])
    events, older = selectors.bill_timeline(bill)
    steps = {
        "pay": may_pay and owing,
        "credit": may_pay and owing and balance > 0,
        "adjust": access.may(user, "bill.adjust", bill),
    }
    context = {
        "bill": bill,
        "payments": list(selectors.payments_of(bill)),
        "adjustments": list(selectors.adjustments_of(bill)),
        "balance": balance,
        "credit_entries": selectors.credit_entries_of(bill.enterprise, limit=8),
        "credit_usable": min(balance, bill.outstanding) if balance > 0 else 0,
        "price_note": _price_note(bill),
        "steps": steps,
        "pay_form": bound.get("pay") or PaymentForm(prefix="pay", bill=bill),
        "credit_form": bound.get("credit") or CreditApplyForm(prefix="credit"),
        "adjust_form": bound.get("adjust") or AdjustmentForm(prefix="adjust"),
        "open_step": open_step,
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        # No "subject": a payment's event is labelled by the payment's fields, not the bill's.
        "subject": None,
        "paid_status": BillStatus.PAID,
    }
    return render(request, "billing/bills/bill_detail.html", context, status=status)


@require_GET
@staff_page("bill.view")
def bill_detail(request, pk):
    return render_bill(request, _get(request, pk))


def _refused(request, pk, name, form, error):
    """The page again, as it is now (nothing was written), the step's form open with the
    reason."""
    if hasattr(form, "with_new_key"):
        form.with_new_key()
    return render_bill(
        request,
        _get(request, pk),
        bound={name: form},
        open_step=name,
        error=error,
        status=error.status_code,
    )


def _step(request, pk, name, form, call, bill=None):
    """Parse the step's form, call its service, or show the page with the refusal."""
    bill = bill or _get(request, pk)
    if not form.is_valid():
        error = ValidationFailed({k: list(v) for k, v in form.errors.items()})
        return None, _refused(request, pk, name, form, error)
    try:
        return call(bill, form.cleaned_data), None
    except DomainError as exc:
        add_domain_error(form, exc)
        return None, _refused(request, pk, name, form, exc)


def _yuan(value) -> str:
    return f"¥{value:,.2f}"


def _recorded_message(recorded) -> str:
    payment = recorded.payment
    if recorded.replayed:
        return _(
            "该收款已登记（%(when)s 登记的 %(amount)s，到账日期 %(date)s），本次提交未重复记录。"
        ) % {
            "when": f"{payment.recorded_at:%Y年%m月%d日 %H:%M}",
            "amount": _yuan(payment.amount),
            "date": f"{payment.paid_on.year}年{payment.paid_on.month}月{payment.paid_on.day}日",
        }
    text = _("已登记收款 %(amount)s，冲抵本账单 %(applied)s。") % {
        "amount": _yuan(payment.amount),
        "applied": _yuan(payment.applied),
    }
    if payment.credited:
        text += _("多缴的 %(credited)s 已转入企业预收余额。") % {
            "credited": _yuan(payment.credited)
        }
    return text


@require_POST
@staff_page("payment.record")
def bill_pay(request, pk):
    """登记收款 (R-BIL-4), idempotent by the form's key."""
    bill = _get(request, pk)
    form = PaymentForm(request.POST, prefix="pay", bill=bill)
    recorded, refused = _step(
        request,
        pk,
        "pay",
        form,
        lambda bill, values: services.payment_record(actor=request.user, bill=bill, **values),
        bill=bill,
    )
    if refused is not None:
        return refused
    if recorded.replayed:
        messages.info(request, _recorded_message(recorded))
    else:
        messages.success(request, _recorded_message(recorded))
    return redirect(reverse("billing:bill", args=[pk]))


@require_POST
@staff_page("payment.record")
def bill_credit(request, pk):
    """预收余额抵扣: pay the bill from the enterprise's prepaid balance, as far as it goes."""
    form = CreditApplyForm(request.POST, prefix="credit")
    recorded, refused = _step(
        request,
        pk,
        "credit",
        form,
        lambda bill, values: services.credit_apply(
            actor=request.user, bill=bill, idempotency_key=values["idempotency_key"]
        ),
    )
    if refused is not None:
        return refused
    amount = _yuan(recorded.payment.amount)
    if recorded.replayed:
        messages.info(
            request, _("该抵扣已登记（%(amount)s），本次提交未重复抵扣。") % {"amount": amount}
        )
    else:
        messages.success(request, _("已用预收余额抵扣 %(amount)s。") % {"amount": amount})
    return redirect(reverse("billing:bill", args=[pk]))


@require_POST
@staff_page("bill.adjust")
def bill_adjust(request, pk):
    """调账 (R-BIL-5): a credit or a debit line with its reason."""
    form = AdjustmentForm(request.POST, prefix="adjust")
    made, refused = _step(
        request,
        pk,
        "adjust",
        form,
        lambda bill, values: services.adjustment_make(actor=request.user, bill=bill, **values),
    )
    if refused is not None:
        return refused
    messages.success(
        request,
        _("已%(kind)s %(amount)s，原账单金额不变，调账记录可追溯。")
        % {"kind": made.get_kind_display(), "amount": _yuan(made.amount)},
    )
    return redirect(reverse("billing:bill", args=[pk]))


# ---------------------------------------------------------------------------------------------
# 出具单期账单: one period of a signed agreement's fee line (R-BIL-1, R-BIL-2)


def agreement_for_issue(actor, pk) -> Agreement:
    try:
        return access.get_for_user(actor, Agreement.objects.select_related("enterprise"), pk=pk)
    except NotFound:
        raise Http404 from None


def issue_choices(agreement, *, through=None) -> list[tuple[str, str]]:
    """ "line:period start" → "办公用房租金 2026年11月1日—11月30日" for every charge of the
    agreement's schedule up to next month (the bills a run would issue)."""
    if agreement.status != AgreementStatus.SIGNED:
        return []
    # A run's limit: bills are issued in advance, at most for next month.
    through = through or selectors.month_bounds(clock.today() + relativedelta(months=1))[1]
    found = []
    for line in FeeLine.objects.filter(agreement=agreement).order_by("position"):
        for charge in charges.charges_of(line):
            if charge.period_start > through:
                break
            found.append(
                (
                    f"{line.pk}:{charge.period_start:%Y-%m-%d}",
                    f"{line.label} {period_text(charge.period_start, charge.period_end)}"
                    f"（{_yuan(charge.amount)}）",
                )
            )
    return found


@require_POST
@staff_page("bill.issue")
def agreement_issue(request, pk):
    """出具单期账单 from the agreement's page: a period already billed is refused with the
    reason and the refusal is recorded (R-BIL-2)."""
    agreement = agreement_for_issue(request.user, pk)
    back = reverse("agreements:detail", args=[agreement.pk])
    form = IssueForm(request.POST, charges=issue_choices(agreement))
    if not form.is_valid():
        messages.error(request, _("请选择要出账的费用和计费期间。"))
        return redirect(back)
    line_pk, start = form.chosen()
    fee_line = FeeLine.objects.filter(agreement=agreement, pk=line_pk).first()
    if fee_line is None:
        raise Http404
    try:
        issued = services.bill_issue(
            actor=request.user,
            fee_line=fee_line,
            period_start=datetime.date.fromisoformat(start),
        )
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect(back)
    if not issued.created:
        messages.error(request, charges.duplicate_message(issued.bill))
        return redirect(back)
    messages.success(
        request,
        _("已出具账单 %(number)s（%(amount)s）。")
        % {"number": issued.bill.number, "amount": _yuan(issued.bill.amount)},
    )
    return redirect(reverse("billing:bill", args=[issued.bill.pk]))
