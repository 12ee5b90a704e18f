"""Admin for value-added services: a window, not a back door. The catalogue, its prices and
the orders are read-only here (no add, change or delete): every change goes through
``services`` (permission, the lead time, the enterprise's own confirmation, the audit trail);
a published price and an order's terms are never rewritten (the database refuses it too), and
nobody confirms an order for the enterprise here (R-VAS-2)."""

from django.contrib import admin

from parkflow.core.admin import ReadOnlyAdmin

from .models import VasOrder, VasPrice, VasService


@admin.register(VasService)
class VasServiceAdmin(ReadOnlyAdmin):
    list_display = ("name", "park", "category", "unit", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name",)
    list_select_related = ("park",)


@admin.register(VasPrice)
class VasPriceAdmin(ReadOnlyAdmin):
    list_display = ("service", "price", "effective_from", "published_at", "published_by")
    list_select_related = ("service", "published_by")


@admin.register(VasOrder)
class VasOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "service",
        "enterprise",
        "park",
        "channel",
        "status",
        "amount",
        "placed_at",
        "confirmed_at",
        "rating",
    )
    list_filter = ("status", "channel")
    search_fields = ("service__name", "enterprise__name")
    list_select_related = ("service", "enterprise", "park")
