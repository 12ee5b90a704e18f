"""Admin for enterprises: read-only records; the two workflow actions go through the declared
steps (intake declares them; the admin names them, it imports nothing of intake),
so the admission gate (R-CPL-1) holds here as it does in the pages and the API. Enterprise data
cannot be deleted from the admin (R-EXT-2: only the exit workflow destroys it)."""

from functools import partial

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from parkflow.core.admin import ReadOnlyAdmin
from parkflow.core.errors import DomainError

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
            self,
            request,
            queryset,
            partial(services.enterprise_transition, action="approve"),
            _("已批准 %(count)d 家企业入驻。"),
        )

    @admin.action(description=_("提交资质审核"))
    def submit_for_review(self, request, queryset):
        _run_for_each(
            self,
            request,
            queryset,
            partial(services.enterprise_transition, action="start_review"),
            _("已提交 %(count)d 家企业的资质审核。"),
        )


@admin.register(PortalAccount)
class PortalAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "enterprise")
    search_fields = ("user__username", "enterprise__name")
    list_select_related = ("user", "enterprise")
