"""增值服务 in the portal (R-VAS-1 … R-VAS-3, R-PLT-3): an enterprise user sees its park's
catalogue with the price in force and the prices announced ahead of time ("2026年12月8日起
¥1,200.00"), orders a service from the phone (confirmed by its own act), confirms or declines
an order staff entered for it — the only way such an order becomes billable (R-VAS-2) —,
follows its orders, cancels one before the service starts, and rates each completed order.
Only its own enterprise's orders exist here (another's is a 404 on every route and method);
every step is a service of ``vas.services``, whose refusal is shown inline."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access, generic_views
from parkflow.core.errors import DomainError, NotFound, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import LIST_PAGE_SIZE, paginate
from parkflow.vas import selectors, services
from parkflow.vas.choices import OrderStatus, VasCategory
from parkflow.vas.forms import DeclineForm, PortalOrderForm, RateForm, ReasonForm
from parkflow.vas.models import VasOrder

from .views import portal_page

# What the enterprise sees of its order's progress, in its own words.
PORTAL_STEPS = (
    (gettext_lazy("下单"), None),
    (gettext_lazy("确认"), OrderStatus.PENDING_CONFIRMATION),
    (gettext_lazy("服务中"), OrderStatus.CONFIRMED),
    (gettext_lazy("完成"), OrderStatus.IN_PROGRESS),
    (gettext_lazy("评价"), OrderStatus.COMPLETED),
)
_CURRENT = {
    OrderStatus.PENDING_CONFIRMATION: 1,
    OrderStatus.CONFIRMED: 2,
    OrderStatus.IN_PROGRESS: 3,
    OrderStatus.COMPLETED: 4,
}


def _context(enterprise, tab, **extra):
    return {"enterprise": enterprise, "portal_tab": "vas", "vas_tab": tab, **extra}


@require_GET
@portal_page
def catalogue(request, enterprise):
    """增值服务目录: the park's services on sale, each with its price in force and any price
    announced to take effect later (R-VAS-1 "价格须提前公示")."""
    category = request.GET.get("category", "")
    if category not in VasCategory.values:
        category = ""
    rows = list(selectors.catalogue(actor=request.user, category=category))
    return render(
        request,
        "portal/vas_catalogue.html",
        _context(
            enterprise,
            "catalogue",
            services=rows,
            categories=VasCategory.choices,
            category=category,
            can_order=access.may(request.user, "vas_order.place", enterprise),
        ),
    )


@require_http_methods(["GET", "POST"])
@portal_page
def order_create(request, enterprise):
    """下单: the service at the price in force today; the order is confirmed by the act."""
    choices = selectors.services_to_order(request.user, enterprise)
    initial = {}
    wanted = request.GET.get("service", "")
    if wanted.isdigit():
        initial["service"] = choices.filter(pk=int(wanted)).first()
    form = PortalOrderForm(request.POST or None, services=choices, initial=initial)
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.order_place(
            actor=request.user, enterprise=enterprise, **values
        ),
        template="portal/vas_order_form.html",
        success_url=lambda made: reverse("portal:vas_order", args=[made.pk]),
        success_message=_("下单成功，园区将尽快安排服务。"),
        context=_context(enterprise, "new"),
        error_status=400,
    )


@require_GET
@portal_page
def order_list(request, enterprise):
    """我的订单: what waits for the enterprise first — orders staff entered to confirm or
    decline, completed orders to rate (待评价) — then every order, newest first."""
    to_confirm, to_rate = selectors.waiting_for_enterprise(actor=request.user)
    page = paginate(request, selectors.my_orders(actor=request.user), LIST_PAGE_SIZE)
    return render(
        request,
        "portal/vas_orders.html",
        _context(
            enterprise,
            "orders",
            to_confirm=list(to_confirm[:20]),
            to_rate=list(to_rate[:20]),
            orders=page.object_list,
            page_obj=page,
        ),
    )


def _get(request, pk) -> VasOrder:
    try:
        return selectors.order_get_for_user(actor=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _steps(order):
    if order.status not in _CURRENT:
        return []
    current = _CURRENT[order.status]
    if order.status == OrderStatus.COMPLETED and order.rating is not None:
        current = len(PORTAL_STEPS)
    return [
        (label, "done" if n < current else "current" if n == current else "")
        for n, (label, _status) in enumerate(PORTAL_STEPS)
    ]


def render_order(request, enterprise, order, *, forms=None, error="", status=200):
    forms = forms or {}
    user = request.user
    pending = order.status == OrderStatus.PENDING_CONFIRMATION
    context = _context(
        enterprise,
        "orders",
        order=order,
        steps=_steps(order),
        can_confirm=pending and access.may(user, "vas_order.confirm", order),
        can_cancel=order.status == OrderStatus.CONFIRMED
        and access.may(user, "vas_order.cancel", order),
        can_rate=order.awaits_rating and access.may(user, "vas_order.rate", order),
        decline_form=forms.get("decline") or DeclineForm(prefix="decline"),
        cancel_form=forms.get("cancel") or ReasonForm(prefix="cancel"),
        rate_form=forms.get("rate") or RateForm(prefix="rate"),
        open_modal=next(iter(forms), ""),
        error=error,
    )
    return render(request, "portal/vas_order.html", context, status=status)


@require_GET
@portal_page
def order_detail(request, enterprise, pk):
    return render_order(request, enterprise, _get(request, pk))


def _step(request, enterprise, pk, name, form_class, call, done):
    """One portal step: parse, call the service, or show the page again with the refusal."""
    order = _get(request, pk)
    form = form_class(request.POST, prefix=name) if form_class else None
    try:
        if form is not None and not form.is_valid():
            raise ValidationFailed({k: list(v) for k, v in form.errors.items()})
        call(order, form.cleaned_data if form is not None else {})
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if form is not None and form.is_valid():
            add_domain_error(form, exc)
        return render_order(
            request,
            enterprise,
            _get(request, pk),
            forms={name: form} if form is not None else {},
            error=domain_error_text(exc),
            status=exc.status_code,
        )
    messages.success(request, done)
    return redirect(reverse("portal:vas_order", args=[order.pk]))


@require_POST
@portal_page
def order_confirm(request, enterprise, pk):
    return _step(
        request,
        enterprise,
        pk,
        "confirm",
        None,
        lambda order, values: services.order_confirm(actor=request.user, order=order),
        _("订单已确认，园区将按约定提供服务。"),
    )


@require_POST
@portal_page
def order_decline(request, enterprise, pk):
    return _step(
        request,
        enterprise,
        pk,
        "decline",
        DeclineForm,
        lambda order, values: services.order_decline(
            actor=request.user, order=order, reason=values["reason"]
        ),
        _("已拒绝该订单，不会提供服务，也不会收费。"),
    )


@require_POST
@portal_page
def order_cancel(request, enterprise, pk):
    return _step(
        request,
        enterprise,
        pk,
        "cancel",
        ReasonForm,
        lambda order, values: services.order_cancel(
            actor=request.user, order=order, reason=values["reason"]
        ),
        _("订单已取消。"),
    )


@require_POST
@portal_page
def order_rate(request, enterprise, pk):
    return _step(
        request,
        enterprise,
        pk,
        "rate",
        RateForm,
        lambda order, values: services.order_rate(actor=request.user, order=order, **values),
        _("感谢您的评价。"),
    )
