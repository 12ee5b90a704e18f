"""Admin for licence readings: a window, not a back door. Readings are read-only here: they are
made by uploads and the worker, used once by the registration service, and their files removed
by the daily purge — never edited by hand."""

from django.contrib import admin

from parkflow.core.admin import ReadOnlyAdmin

from .models import LicenceReading


@admin.register(LicenceReading)
class LicenceReadingAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "purpose",
        "park",
        "enterprise",
        "status",
        "progress",
        "requested_by",
        "created_at",
        "used_for",
    )
    list_filter = ("purpose", "status")
    search_fields = ("original_name", "enterprise__name", "used_for__name")
    list_select_related = ("park", "enterprise", "requested_by", "used_for")
    exclude = ("owner_key",)
