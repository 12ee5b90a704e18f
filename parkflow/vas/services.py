"""Writes of value-added services (R-VAS-1 … R-VAS-3). Each is a ``@service``: one transaction,
permission checked on the object, audited.

Lock order: the catalogue entry (a price is published under its service's lock, so two
publications are taken one after the other), then the order.

An order moves along one table (``STEPS``): 待企业确认 → 已确认待服务 → 服务中 → 已完成, or
企业已拒绝 / 已取消. A staff-entered order reaches 已确认 only by the enterprise's own step in the
portal; nothing is delivered or billed before (R-VAS-2)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkflow.agreements.models import yuan
from parkflow.core import access, audit, clock, rules
from parkflow.core.db import service
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.validation import check_length

from . import selectors
from .choices import OrderChannel, OrderStatus, VasCategory
from .models import VasOrder, VasPrice, VasService

MAX_PRICE = Decimal("100000000")  # ¥100,000,000: anything above is a typing error
MAX_QUANTITY = Decimal("100000")

# (from, to) -> the step's name: the only moves an order makes.
STEPS = {
    (OrderStatus.PENDING_CONFIRMATION, OrderStatus.CONFIRMED): "confirm",
    (OrderStatus.PENDING_CONFIRMATION, OrderStatus.DECLINED): "decline",
    (OrderStatus.PENDING_CONFIRMATION, OrderStatus.CANCELLED): "cancel",
    (OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS): "start",
    (OrderStatus.CONFIRMED, OrderStatus.CANCELLED): "cancel",
    (OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED): "complete",
}


def _text(field, value, max_length, label, *, required=True, requirement="R-VAS-2") -> str:
    text = check_length(field, value, max_length, label=label, requirement=requirement).strip()
    if required and not text:
        raise ValidationFailed(
            {field: [_("请填写%(label)s。") % {"label": label}]}, requirement=requirement
        )
    return text


def _decimal(field, value, *, label, maximum, requirement) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if (
        isinstance(value, bool)
        or number is None
        or not number.is_finite()
        or number <= 0
        or number >= maximum
        or number != number.quantize(Decimal("0.01"))
    ):
        raise ValidationFailed(
            {
                field: [
                    _("%(label)s应为大于 0、小于 %(max)s、最多两位小数的数。")
                    % {"label": label, "max": f"{maximum:,.0f}"}
                ]
            },
            requirement=requirement,
        )
    return yuan(number)


def _cn(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


# ---------------------------------------------------------------------------------------------
# The catalogue (R-VAS-1)


def _service_fields(name, category, unit, description) -> dict:
    if category not in VasCategory.values:
        raise ValidationFailed({"category": [_("请选择服务类别。")]}, requirement="R-VAS-1")
    return {
        "name": _text("name", name, 60, _("服务名称"), requirement="R-VAS-1"),
        "category": category,
        "unit": _text("unit", unit, 8, _("计价单位"), requirement="R-VAS-1"),
        "description": _text(
            "description", description, 5000, _("服务说明"), required=False, requirement="R-VAS-1"
        ),
    }


def _name_taken(park_id, name, exclude=None) -> bool:
    qs = VasService.objects.filter(park_id=park_id, name=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def _name_refused():
    return ValidationFailed(
        {"name": [_("本园区的服务目录中已有同名服务。")]}, requirement="R-VAS-1"
    )


@service
def service_create(
    *, actor, park, name: str, category: str, unit: str, description: str = ""
) -> VasService:
    """Add a service to the park's catalogue (R-VAS-1). It can be ordered once a price is
    published and in force."""
    access.ensure(actor, "vas_service.manage", park=park.pk, requirement="R-VAS-1")
    fields = _service_fields(name, category, unit, description)
    if _name_taken(park.pk, fields["name"]):
        raise _name_refused()
    now = clock.now()
    made = VasService.objects.create(
        park=park, created_by=actor, created_at=now, updated_at=now, **fields
    )
    audit.record(
        actor,
        "vas_service.create",
        made,
        after={"name": made.name, "category": made.category, "unit": made.unit},
    )
    return made


def _locked_service(entry) -> VasService:
    return VasService.objects.select_for_update(of=("self",), no_key=True).get(pk=entry.pk)


@service
def service_update(
    *,
    actor,
    service: VasService,
    name: str,
    category: str,
    unit: str,
    description: str = "",
    is_active: bool = True,
) -> VasService:
    """Change a catalogue entry's wording or take it off sale. Its prices are versions and are
    not changed here (``price_publish``); orders already placed keep their snapshot."""
    entry = _locked_service(service)
    access.ensure(actor, "vas_service.manage", entry, requirement="R-VAS-1")
    fields = {**_service_fields(name, category, unit, description), "is_active": bool(is_active)}
    if fields["name"] != entry.name and _name_taken(entry.park_id, fields["name"], entry):
        raise _name_refused()
    before = {k: getattr(entry, k) for k, v in fields.items() if getattr(entry, k) != v}
    if not before:
        return entry
    for key, value in fields.items():
        setattr(entry, key, value)
    entry.updated_at = clock.now()
    entry.save(update_fields=[*fields, "updated_at"])
    audit.record(
        actor,
        "vas_service.update",
        entry,
        before=before,
        after={k: getattr(entry, k) for k in before},
    )
    return entry


@service
def price_publish(
    *, actor, service: VasService, price, effective_from: datetime.date, note: str = ""
) -> VasPrice:
    """Publish a new price of a service (R-VAS-1, Art.16 "价格须提前公示"): it takes effect at
    least N days after today (N: the lead time an administrator sets, default 7), so every
    enterprise sees it in the portal before it applies. A published price is never edited or
    deleted; this new version supersedes the older ones from its effective date."""
    entry = _locked_service(service)
    access.ensure(actor, "vas_service.manage", entry, requirement="R-VAS-1")
    amount = _decimal("price", price, label=_("单价"), maximum=MAX_PRICE, requirement="R-VAS-1")
    if not isinstance(effective_from, datetime.date) or isinstance(
        effective_from, datetime.datetime
    ):
        raise ValidationFailed({"effective_from": [_("请填写执行日期。")]}, requirement="R-VAS-1")
    now = clock.now()
    today = clock.localtime(now).date()
    days = selectors.lead_days()
    earliest = today + datetime.timedelta(days=days)
    if effective_from < earliest:
        raise ValidationFailed(
            {
                "effective_from": [
                    _("价格须至少提前 %(days)s 天公示：今天公示的价格最早于 %(date)s 起执行。")
                    % {"days": days, "date": _cn(earliest)}
                ]
            },
            requirement="R-VAS-1",
        )
    version = VasPrice.objects.create(
        service=entry,
        price=amount,
        effective_from=effective_from,
        published_at=now,
        published_on=today,
        published_by=actor,
        note=_text("note", note, 200, _("调价说明"), required=False, requirement="R-VAS-1"),
    )
    current = selectors.price_in_force(entry, today)
    audit.record(
        actor,
        "vas_price.publish",
        version,
        before={"price": current.price} if current else None,
        after={"price": amount, "effective_from": effective_from, "lead_days": days},
        reason=version.note,
    )
    rules.evaluate_on_commit(version)
    return version


# ---------------------------------------------------------------------------------------------
# Orders (R-VAS-2)


def _locked(order) -> VasOrder:
    return (
        VasOrder.objects.select_for_update(of=("self",), no_key=True)
        .select_related("service", "enterprise")
        .get(pk=order.pk)
    )


def _move(order: VasOrder, to: str, **stamps) -> str:
    """The one place an order's status changes: only along ``STEPS``. Returns the status it
    left (the caller audits the step)."""
    if (order.status, to) not in STEPS:
        raise Conflict(
            "wrong_state",
            _("订单当前为“%(status)s”，不能%(step)s。")
            % {"status": order.get_status_display(), "step": _STEP_WORDS.get(to, to)},
            requirement="R-VAS-2",
        )
    before = order.status
    order.status = to
    for key, value in stamps.items():
        setattr(order, key, value)
    order.save(update_fields=["status", *stamps])
    return before


_STEP_WORDS = {
    OrderStatus.CONFIRMED: "确认",
    OrderStatus.DECLINED: "拒绝",
    OrderStatus.CANCELLED: "取消",
    OrderStatus.IN_PROGRESS: "开始服务",
    OrderStatus.COMPLETED: "完成",
}


def _require_confirmation(order) -> None:
    """R-VAS-2: nothing is delivered or billed without the enterprise's own confirmation — the
    database says the same of every billable state."""
    if order.confirmed_at is None or order.confirmed_by_id is None:
        raise Conflict(
            "not_confirmed",
            _("工作人员代录的订单须经企业在门户确认后方可提供服务和计费（严禁强制推销）。"),
            requirement="R-VAS-2",
        )


def _standing(enterprise) -> None:
    from parkflow.intake.guards import standing_problems

    problems = standing_problems(enterprise)
    if problems:
        raise Conflict(
            "enterprise_not_in_good_standing",
            _("企业不符合办理增值服务的条件：%(problems)s") % {"problems": "；".join(problems)},
            requirement="R-ENT-5",
        )


@service
def order_place(*, actor, enterprise, service: VasService, quantity, note: str = "") -> VasOrder:
    """Order a service at the price in force today (a snapshot a later price never changes).
    Placed by the enterprise in the portal, the order is confirmed by construction; entered by
    staff on the enterprise's behalf (a phone call), it waits for the enterprise to confirm it
    in the portal and is not billable until then (R-VAS-2, Art.16 "严禁强制推销增值服务")."""
    access.ensure(actor, "vas_order.place", enterprise, requirement="R-VAS-2")
    # Judged on the rows as stored, never on the caller's copies (a service just taken off
    # sale, an enterprise whose licence just lapsed).
    service = VasService.objects.filter(pk=getattr(service, "pk", None)).first()
    enterprise = type(enterprise).objects.get(pk=enterprise.pk)
    if service is None or service.park_id != enterprise.park_id or not service.is_active:
        raise ValidationFailed(
            {"service": [_("请选择本园区服务目录中在售的服务。")]}, requirement="R-VAS-1"
        )
    _standing(enterprise)
    now = clock.now()
    today = clock.localtime(now).date()
    price = selectors.price_in_force(service, today)
    if price is None:
        raise Conflict(
            "no_price_in_force",
            _("“%(service)s”尚无已生效的公示价格，暂不能下单。") % {"service": service},
            requirement="R-VAS-1",
        )
    count = _decimal(
        "quantity", quantity, label=_("数量"), maximum=MAX_QUANTITY, requirement="R-VAS-2"
    )
    portal = access.is_enterprise_user(actor)
    order = VasOrder.objects.create(
        park_id=enterprise.park_id,
        enterprise=enterprise,
        service=service,
        price=price,
        unit_price=price.price,
        quantity=count,
        amount=yuan(count * price.price),
        note=_text("note", note, 500, _("需求说明"), required=False),
        channel=OrderChannel.PORTAL if portal else OrderChannel.STAFF,
        status=OrderStatus.CONFIRMED if portal else OrderStatus.PENDING_CONFIRMATION,
        placed_by=actor,
        placed_at=now,
        placed_on=today,
        confirmed_at=now if portal else None,
        confirmed_by=actor if portal else None,
    )
    audit.record(
        actor,
        "vas_order.place",
        order,
        after={
            "channel": order.channel,
            "status": order.status,
            "quantity": order.quantity,
            "unit_price": order.unit_price,
            "amount": order.amount,
        },
    )
    return order


@service
def order_confirm(*, actor, order: VasOrder) -> VasOrder:
    """The enterprise confirms, in the portal, an order staff entered for it: from now on it may
    be delivered and billed. No staff role holds this action (R-VAS-2)."""
    order = _locked(order)
    access.ensure(actor, "vas_order.confirm", order, requirement="R-VAS-2")
    now = clock.now()
    before = _move(order, OrderStatus.CONFIRMED, confirmed_at=now, confirmed_by=actor)
    audit.record(
        actor, "vas_order.confirm", order, before={"status": before}, after={"status": order.status}
    )
    return order


@service
def order_decline(*, actor, order: VasOrder, reason: str = "") -> VasOrder:
    """The enterprise declines an order staff entered for it (portal only): it is never
    delivered nor billed."""
    order = _locked(order)
    access.ensure(actor, "vas_order.confirm", order, requirement="R-VAS-2")
    reason = _text("reason", reason, 300, _("拒绝原因"), required=False)
    before = _move(order, OrderStatus.DECLINED, declined_at=clock.now(), decline_reason=reason)
    audit.record(
        actor,
        "vas_order.decline",
        order,
        before={"status": before},
        after={"status": order.status},
        reason=reason,
    )
    return order


@service
def order_start(*, actor, order: VasOrder) -> VasOrder:
    """The front office starts delivering a confirmed order; the actor is its handler."""
    order = _locked(order)
    access.ensure(actor, "vas_order.handle", order, requirement="R-VAS-2")
    _require_confirmation(order)
    before = _move(order, OrderStatus.IN_PROGRESS, started_at=clock.now(), handler=actor)
    audit.record(
        actor, "vas_order.start", order, before={"status": before}, after={"status": order.status}
    )
    return order


@service
def order_complete(*, actor, order: VasOrder, delivery_note: str = "") -> VasOrder:
    """The service was delivered: the order is completed, waits for finance to bill it once at
    its snapshot price (``order_bill``), and the enterprise is asked to rate it (R-VAS-3)."""
    order = _locked(order)
    access.ensure(actor, "vas_order.handle", order, requirement="R-VAS-2")
    _require_confirmation(order)
    note = _text("delivery_note", delivery_note, 500, _("交付说明"), required=False)
    before = _move(order, OrderStatus.COMPLETED, completed_at=clock.now(), delivery_note=note)
    if order.handler_id is None:
        order.handler = actor
        order.save(update_fields=["handler"])
    audit.record(
        actor,
        "vas_order.complete",
        order,
        before={"status": before},
        after={"status": order.status},
        reason=note,
    )
    rules.evaluate_on_commit(order)
    return order


@service
def order_bill(*, actor, order: VasOrder) -> VasOrder:
    """Finance bills a completed order, once, at its snapshot unit price and never above the
    catalogue price in force on the order date (R-BIL-2, R-BIL-3). Refused for a staff-entered
    order the enterprise did not confirm (R-VAS-2: no forced selling) — whatever its status
    says — and for one not completed or already billed."""
    order = _locked(order)
    access.ensure(actor, "vas_order.bill", order, requirement="R-VAS-2")
    _require_confirmation(order)
    if order.status != OrderStatus.COMPLETED:
        raise Conflict("not_completed", _("服务完成后方可计费。"), requirement="R-VAS-2")
    bill = _bill_charge(actor, order)
    order.bill = bill
    order.billed_at = clock.now()
    order.save(update_fields=["bill", "billed_at"])
    audit.record(actor, "vas_order.bill", order, after={"bill": bill.number, "amount": bill.amount})
    return order


def _bill_charge(actor, order: VasOrder):
    """The one call into billing: a charge of the order at its snapshot price, capped by the
    catalogue price in force on the order date. Billing refuses a second charge of the same
    order (``duplicate_charge``, R-BIL-2) and a price above the cap (R-BIL-3)."""
    from parkflow.billing.choices import BillSource
    from parkflow.billing.services import bill_charge

    ceiling = selectors.price_in_force(order.service, order.placed_on)
    return bill_charge(
        actor=actor,
        enterprise=order.enterprise,
        source=BillSource.VAS_ORDER,
        source_key=str(order.pk),
        label=str(order.service)[:80],
        quantity=order.quantity,
        unit_price=order.unit_price,
        price_ceiling=ceiling.price if ceiling is not None else order.unit_price,
        service_date=timezone.localdate(order.completed_at),
    )


@service
def order_cancel(*, actor, order: VasOrder, reason: str) -> VasOrder:
    """Cancel an order before its service starts, with a reason: staff (an order entered in
    error, a service the park can no longer give), or the enterprise its own confirmed order."""
    order = _locked(order)
    access.ensure(actor, "vas_order.cancel", order, requirement="R-VAS-2")
    if access.is_enterprise_user(actor) and order.status == OrderStatus.PENDING_CONFIRMATION:
        raise Conflict(
            "decline_instead",
            _("工作人员代录、待您确认的订单请选择“拒绝”。"),
            requirement="R-VAS-2",
        )
    reason = _text("reason", reason, 300, _("取消原因"))
    before = _move(order, OrderStatus.CANCELLED, cancelled_at=clock.now(), cancel_reason=reason)
    audit.record(
        actor,
        "vas_order.cancel",
        order,
        before={"status": before},
        after={"status": order.status},
        reason=reason,
    )
    return order


def _rating(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed({"rating": [_("请选择 1 至 5 分。")]}, requirement="R-VAS-3")
    return value


@service
def order_rate(*, actor, order: VasOrder, rating: int, comment: str = "") -> VasOrder:
    """The enterprise rates a completed order's quality, 1–5 with an optional comment (portal
    only, once). The quality rule re-checks the service after commit (R-VAS-3)."""
    order = _locked(order)
    access.ensure(actor, "vas_order.rate", order, requirement="R-VAS-3")
    if order.status != OrderStatus.COMPLETED:
        raise Conflict("not_completed", _("服务完成后方可评价。"), requirement="R-VAS-3")
    if order.rating is not None:
        raise Conflict("already_rated", _("该订单已评价。"), requirement="R-VAS-3")
    order.rating = _rating(rating)
    order.rating_comment = _text(
        "comment", comment, 300, _("评价"), required=False, requirement="R-VAS-3"
    )
    order.rated_at = clock.now()
    order.save(update_fields=["rating", "rating_comment", "rated_at"])
    audit.record(
        actor,
        "vas_order.rate",
        order,
        after={"rating": order.rating, "rating_comment": order.rating_comment},
    )
    rules.evaluate_on_commit(order)
    return order
