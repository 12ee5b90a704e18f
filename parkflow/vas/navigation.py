"""增值服务 in the sidebar: the catalogue, the orders and the quality of service."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection

SECTIONS = [NavSection("vas", _("增值服务"), order=55)]

NAVIGATION = [
    NavEntry(
        "vas",
        _("服务目录"),
        "vas:services",
        "bi-grid",
        action="vas_service.view",
        order=10,
        match=("vas:service", "vas:service_create", "vas:service_edit", "vas:price_publish"),
    ),
    NavEntry(
        "vas",
        _("服务订单"),
        "vas:orders",
        "bi-bag-check",
        action="vas_order.view",
        order=20,
        match=("vas:order", "vas:order_create"),
    ),
    NavEntry(
        "vas",
        _("服务质量"),
        "vas:quality",
        "bi-star-half",
        action="vas_service.view",
        order=30,
    ),
]
