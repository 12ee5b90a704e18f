"""Admin for enterprises: read-only records; the two workflow actions go through the services,
so the admission gate (R-CPL-1) holds here as it does in the pages and the API. Enterprise data
cannot be deleted from the admin (R-EXT-2: only the exit workflow destroys it)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from parkflow.core.admin import AuditedAdmin, ReadOnlyAdmin
from parkflow.core.errors import DomainError
from parkflow.intake import services as intake_services
from parkflow.intake.models import (
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

from . import services
from .models import Enterprise, PortalAccount


def _run_for_each(modeladmin, request, queryset, service, done_message):
    succeeded = 0
    for enterprise in queryset:
        try:
            service(actor=request.user, enterprise=enterprise)
        except DomainError as exc:
            modeladmin.message_user(request, f"{enterprise}：{exc}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done_message % {"count": succeeded}, messages.SUCCESS)


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "credit_code",
        "park",
        "status",
        "grade",
        "industry",
        "account_manager",
        "created_at",
    )
    list_filter = ("status", "park", "grade", "industry")
    search_fields = ("name", "credit_code", "legal_representative", "contact_name")
    list_select_related = ("park", "account_manager")
    actions = ["approve_admission", "submit_for_review"]

    @admin.action(description=_("审核通过（批准入驻）"))
    def approve_admission(self, request, queryset):
        _run_for_each(
            self, request, queryset, services.enterprise_approve, _("已批准 %(count)d 家企业入驻。")
        )

    @admin.action(description=_("提交资质审核"))
    def submit_for_review(self, request, queryset):
        _run_for_each(
            self,
            request,
            queryset,
            services.enterprise_submit_for_review,
            _("已提交 %(count)d 家企业的资质审核。"),
        )


@admin.register(PortalAccount)
class PortalAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "enterprise")
    search_fields = ("user__username", "enterprise__name")
    list_select_related = ("user", "enterprise")


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
            for field in intake_services.PROTECTED_BRAND_EDITABLE
            if field in form.cleaned_data
        }
        if change:
            saved = intake_services.protected_brand_update(actor=request.user, brand=obj, **values)
        else:
            active = values.pop("is_active", True)
            saved = intake_services.protected_brand_create(actor=request.user, **values)
            if not active:
                saved = intake_services.protected_brand_update(
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
