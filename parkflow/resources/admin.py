"""Admin for resource allocation: a window, not a back door. The catalogue, entitlements,
requests, allocations and deviations are read-only here: every change goes through
``resources.services`` (permission, the slot checked under the resource's lock, the risk review
and the leading group before any allocation, the written justification above entitlement, the
audit trail — R-RES-1 … R-RES-6), on the pages, the portal and the API."""

from django.contrib import admin

from parkflow.core.admin import ReadOnlyAdmin

from .models import Allocation, Deviation, Entitlement, Resource, ResourceRequest


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "park", "kind", "building", "area", "capacity", "status")
    list_filter = ("kind", "status")
    search_fields = ("code", "name", "building")
    list_select_related = ("park",)


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ("park", "grade", "kind", "monthly_hours", "max_count", "max_area", "priority")
    list_filter = ("grade", "kind")
    list_select_related = ("park",)


@admin.register(ResourceRequest)
class ResourceRequestAdmin(ReadOnlyAdmin):
    list_display = (
        "enterprise",
        "resource",
        "starts_at",
        "ends_at",
        "status",
        "major",
        "above_entitlement",
        "created_at",
    )
    list_filter = ("status", "major", "above_entitlement", "channel")
    search_fields = ("enterprise__name", "resource__code", "resource__name")
    list_select_related = ("enterprise", "resource")


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ("resource", "enterprise", "starts_at", "ends_at", "status", "above_entitlement")
    list_filter = ("status", "above_entitlement")
    search_fields = ("enterprise__name", "resource__code", "resource__name")
    list_select_related = ("enterprise", "resource")


@admin.register(Deviation)
class DeviationAdmin(ReadOnlyAdmin):
    list_display = ("allocation", "enterprise", "kind", "status", "reported_at", "resolved_at")
    list_filter = ("kind", "status")
    list_select_related = ("enterprise", "allocation__resource", "allocation__enterprise")
