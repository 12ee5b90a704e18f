"""Admin for intake: read-only records, changed only by the services; the protected-brand list is
maintained here through the same services as the page and the API (R-ENT-6)."""

from django.contrib import admin

from parkflow.core.admin import AuditedAdmin, ReadOnlyAdmin

from . import services
from .models import (
    AdmissionFee,
    AdmissionFeeTariff,
    BrandFlag,
    ConflictDeclaration,
    ProtectedBrand,
    PublishedResult,
    QualificationDocument,
    ReviewDraw,
    SpotCheckCampaign,
)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("person", "enterprise", "reason", "declared_at", "withdrawn_at")
    search_fields = ("person__username", "enterprise__name")
    list_select_related = ("person", "enterprise")


@admin.register(QualificationDocument)
class QualificationDocumentAdmin(ReadOnlyAdmin):
    """Files are downloaded only through the audited, scope-checked view (R-ENT-2): the admin
    shows the record, never a link to the stored file."""

    exclude = ("file",)
    list_select_related = ("enterprise",)
    search_fields = ("enterprise__name", "original_name", "sha256")


@admin.register(ProtectedBrand)
class ProtectedBrandAdmin(AuditedAdmin):
    """The protected-brand list is maintained by administrators (R-ENT-6); every change is
    audited. Brands are deactivated, not deleted: past flags refer to them."""

    audit_label = "protected_brand"
    list_display = ("name", "reading", "aliases", "distinct_words", "owner", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "aliases", "owner")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Through the service (D20): the same reading check, permission and audit as the page
        and the API (the form has already run the model's reading check)."""
        values = {
            field: form.cleaned_data[field]
            for field in services.PROTECTED_BRAND_EDITABLE
            if field in form.cleaned_data
        }
        if change:
            saved = services.protected_brand_update(actor=request.user, brand=obj, **values)
        else:
            active = values.pop("is_active", True)
            saved = services.protected_brand_create(actor=request.user, **values)
            if not active:
                saved = services.protected_brand_update(
                    actor=request.user, brand=saved, is_active=False
                )
        obj.pk, obj.reading = saved.pk, saved.reading


# Records of the intake workflow: visible to administrators, changed only by the services.
for _model in (
    ReviewDraw,
    SpotCheckCampaign,
    PublishedResult,
    BrandFlag,
    AdmissionFeeTariff,
    AdmissionFee,
):
    admin.site.register(_model, ReadOnlyAdmin)
