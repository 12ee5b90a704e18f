"""Admin for agreements: a window, not a back door. Agreements, their clauses, service lines and
fee schedule, templates, tariffs, the catalogue and the allowed venues are read-only here: every
change goes through ``agreements.services`` (permission, the no-bundling rule, the legal review
voided by an edit, the audit trail — R-AGR-3, R-AGR-4), on the pages and the API. The signed scans
and confirmation notes are never linked: they are downloaded only through the audited view."""

from django.contrib import admin

from parkflow.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Agreement,
    AgreementClause,
    FeeLine,
    ServiceItem,
    ServiceLine,
    Tariff,
    Template,
    TemplateClause,
    TemplateReReview,
    TemplateVersion,
    Venue,
)


class AgreementClauseInline(ReadOnlyInline):
    model = AgreementClause
    fields = ("position", "kind", "title", "text", "venue_kind", "venue_name")


class ServiceLineInline(ReadOnlyInline):
    model = ServiceLine
    fields = ("item", "basis", "confirmed_via", "confirmed_at", "confirmed_by", "note")


class FeeLineInline(ReadOnlyInline):
    model = FeeLine
    fields = (
        "position",
        "kind",
        "label",
        "quantity",
        "unit_price",
        "tariff_price",
        "period",
        "start_date",
        "end_date",
        "escalation_percent",
    )


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("number", "version", "title", "enterprise", "kind", "status", "end_date")
    list_filter = ("status", "kind")
    search_fields = ("number", "title", "enterprise__name")
    list_select_related = ("enterprise",)
    exclude = ("signed_scan",)
    inlines = (AgreementClauseInline, ServiceLineInline, FeeLineInline)


@admin.register(AgreementClause)
class AgreementClauseAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "position", "kind", "title")
    list_filter = ("kind",)
    list_select_related = ("agreement",)


@admin.register(ServiceLine)
class ServiceLineAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "item", "basis", "confirmed_via", "confirmed_at")
    list_filter = ("basis",)
    list_select_related = ("agreement", "item")
    exclude = ("signed_note",)


@admin.register(FeeLine)
class FeeLineAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "position", "label", "kind", "unit_price", "tariff_price")
    list_filter = ("kind", "period")
    list_select_related = ("agreement",)


class TemplateClauseInline(ReadOnlyInline):
    model = TemplateClause
    fields = ("position", "kind", "title", "text", "venue_kind", "venue_name")


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ("template", "number", "status", "approved_at", "last_reviewed_on")
    list_filter = ("status",)
    list_select_related = ("template",)
    inlines = (TemplateClauseInline,)


@admin.register(Template)
class TemplateAdmin(ReadOnlyAdmin):
    list_display = ("name", "park", "kind", "owner_unit", "created_at")
    list_filter = ("kind",)
    list_select_related = ("park", "owner_unit")


@admin.register(Tariff)
class TariffAdmin(ReadOnlyAdmin):
    list_display = ("park", "fee_kind", "service_item", "unit", "price", "effective_from")
    list_filter = ("fee_kind",)
    list_select_related = ("park", "service_item")


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    """Kept on the catalogue page and the API (service_item_save): the kinds that require a
    service decide what may be bundled (R-AGR-3)."""

    list_display = ("code", "name", "park", "required_for", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("park",)


@admin.register(Venue)
class VenueAdmin(ReadOnlyAdmin):
    """Kept by headquarters legal through venue_save (audited)."""

    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")


admin.site.register(TemplateReReview, ReadOnlyAdmin)
