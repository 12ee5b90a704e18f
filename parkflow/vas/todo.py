"""Value-added services in the to-do centre (core.todo): confirmed orders of my parks waiting to
be delivered (待服务 / 服务中), and orders I delivered that the enterprise has not rated yet
(待评价: ask the enterprise to rate them in the portal, R-VAS-3); for finance, completed
orders to bill (待计费)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkflow.core.todo import PENDING, TodoItem, TodoSource

from . import selectors


def _number(value) -> str:
    """2.00 → 2, 1.50 → 1.5 (a quantity as people write it)."""
    return str(value).rstrip("0").rstrip(".") if "." in str(value) else str(value)


def _item(order, source, at, action_label, subtitle):
    return TodoItem(
        source=source,
        title=f"{order.service.name} · {order.enterprise.name}",
        subtitle=str(subtitle),
        url=reverse("vas:order", args=[order.pk]),
        at=at,
        park=str(order.park),
        status=order.status,
        status_kind="vas_order",
        action_label=str(action_label),
    )


def _to_deliver(user, limit):
    return [
        _item(
            order,
            "vas.deliver",
            order.confirmed_at or order.placed_at,
            _("开始服务") if order.status == "confirmed" else _("完成服务"),
            _("数量 %(quantity)s%(unit)s")
            % {"quantity": order.quantity, "unit": order.service.unit},
        )
        for order in selectors.orders_to_deliver(actor=user)[:limit]
    ]


def _unrated(user, limit):
    return [
        _item(
            order,
            "vas.unrated",
            order.completed_at,
            _("请企业评价"),
            _("待评价：服务已完成，企业尚未评价服务质量"),
        )
        for order in selectors.orders_awaiting_rating(actor=user)[:limit]
    ]


def _to_bill(user, limit):
    return [
        _item(
            order,
            "vas.bill",
            order.completed_at,
            _("计费"),
            _("服务已完成，金额 ¥%(amount)s") % {"amount": f"{order.amount:,.2f}"},
        )
        for order in selectors.orders_to_bill(actor=user)[:limit]
    ]


TODO_SOURCES = [
    TodoSource(
        code="vas.deliver",
        label=_("增值服务待交付"),
        icon="bi-bag-check",
        tabs={PENDING: _to_deliver},
        count=lambda user: selectors.orders_to_deliver(actor=user).count(),
        action="vas_order.handle",
        more_url="vas:orders",
        order=60,
    ),
    TodoSource(
        code="vas.unrated",
        label=_("待评价"),
        icon="bi-star",
        tabs={PENDING: _unrated},
        count=lambda user: selectors.orders_awaiting_rating(actor=user).count(),
        action="vas_order.handle",
        more_url="vas:orders",
        order=61,
    ),
    TodoSource(
        code="vas.bill",
        label=_("增值服务待计费"),
        icon="bi-receipt",
        tabs={PENDING: _to_bill},
        count=lambda user: selectors.orders_to_bill(actor=user).count(),
        action="vas_order.bill",
        more_url="vas:orders",
        order=62,
    ),
]
