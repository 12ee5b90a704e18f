"""Admin for the service desk: a window, not a back door. Complaints, their appended notes,
transfers, emergency plans, referrals and the grading matrix are read-only here (no add, change
or delete): every change goes through ``services_complaints`` (permission, the first responder,
the gates, the audit trail), and a complaint or a note is never edited or deleted (R-CMP-6 —
the database refuses it too)."""

from django.contrib import admin

from parkflow.core.admin import ReadOnlyAdmin

from .models import (
    AccountabilityReferral,
    Complaint,
    ComplaintNote,
    ComplaintTransfer,
    EmergencyPlan,
    GradingCriterion,
)

# --- complaints (R-CMP-1 … R-CMP-8)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "enterprise",
        "park",
        "channel",
        "grade",
        "status",
        "received_at",
        "recorded_at",
        "transfer_count",
    )
    list_filter = ("status", "grade", "channel", "topic")
    search_fields = ("title", "enterprise__name", "complainant", "hotline_ticket")
    list_select_related = ("enterprise", "park")


@admin.register(ComplaintNote)
class ComplaintNoteAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "kind", "author", "created_at")
    list_filter = ("kind",)
    list_select_related = ("complaint", "author")


@admin.register(ComplaintTransfer)
class ComplaintTransferAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "from_owner", "to_person", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("complaint", "from_owner", "to_person")


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "park", "stage", "activated_at", "reported_at")
    list_filter = ("stage",)
    list_select_related = ("complaint", "park")


@admin.register(AccountabilityReferral)
class AccountabilityReferralAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "responsible_person", "article", "status", "referred_at")
    list_filter = ("status",)
    list_select_related = ("complaint", "responsible_person", "article")


@admin.register(GradingCriterion)
class GradingCriterionAdmin(ReadOnlyAdmin):
    list_display = ("criterion", "significant_at", "major_at", "order")
