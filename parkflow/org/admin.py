"""Admin for the organisation: users and their roles (through the audited services), the
authority matrix (editable, audited); the rest read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit, hooks
from parkflow.core.admin import AuditedAdmin, ReadOnlyAdmin, ServiceAdmin

from . import services as org_services
from .models import (
    ApiToken,
    AuthorityLimit,
    ComplianceRecord,
    EmergencyContact,
    OrgUnit,
    RoleAssignment,
    User,
)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "unit", "granted_at")
    readonly_fields = ("granted_at",)
    autocomplete_fields = ("unit",)


@admin.register(User)
class UserAdmin(ServiceAdmin, DjangoUserAdmin):
    """Staff and portal users. Django's own groups and permissions are not used: access follows
    the ParkFlow roles below (core.access). Users are deactivated, never deleted, so the trail
    and every record that names them stay intact. Saves and role changes go through the org
    services; a refusal (e.g. granting oneself a role) is a message and writes nothing."""

    inlines = [RoleAssignmentInline]
    list_display = ("username", "display_name", "email", "is_active", "is_staff", "roles")
    list_filter = ("is_active", "is_staff", "is_superuser", "role_assignments__role")
    search_fields = ("username", "display_name", "email", "employee_no", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "email", "phone", "employee_no", "hired_on")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        """Like every other interface, the admin lists only the people of the parks the
        administrator covers: staff with a role there and the portal users of its enterprises."""
        qs = super().get_queryset(request).prefetch_related("role_assignments")
        parks = access.visible_park_ids(request.user)
        if parks is None:
            return qs
        # Portal users belong to a park through their enterprise: its app says how (D30).
        portal_users = hooks.call("portal_users_in_parks", parks, default=Q(pk__in=[]))
        return qs.filter(Q(role_assignments__unit__park_id__in=parks) | portal_users).distinct()

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or admin-site staff: nobody raises his own rights.
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ("is_staff", "is_superuser")
        return fields

    @admin.display(description=_("角色"))
    def roles(self, obj):
        return "、".join(sorted({a.get_role_display() for a in obj.role_assignments.all()}))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and access.may_somewhere(
            request.user, "org.manage"
        )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and access.may_somewhere(
            request.user, "org.manage"
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        org_services.user_save(actor=request.user, person=obj, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        # Role changes go through the audited services (R-ORG-2).
        instances = formset.save(commit=False)
        for assignment in formset.deleted_objects:
            org_services.role_revoke(actor=request.user, assignment=assignment)
        for assignment in instances:
            if assignment.pk:
                old = RoleAssignment.objects.get(pk=assignment.pk)
                org_services.role_revoke(actor=request.user, assignment=old)
            org_services.role_assign(
                actor=request.user, person=form.instance, role=assignment.role, unit=assignment.unit
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit.record(request.user, "user.password_reset", user, reason="admin")
        return response


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "code",
        "kind",
        "department_kind",
        "parent",
        "park",
        "hosts_special_office",
    )
    list_filter = ("kind", "department_kind")
    search_fields = ("name", "code")
    list_select_related = ("parent", "park")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role", "unit")
    search_fields = ("user__username", "user__display_name")
    list_select_related = ("user", "unit")


@admin.register(ComplianceRecord)
class ComplianceRecordAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "completed_on", "valid_until", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__display_name")
    list_select_related = ("user", "recorded_by")


@admin.register(EmergencyContact)
class EmergencyContactAdmin(ReadOnlyAdmin):
    list_display = ("unit", "name", "title", "phone", "confirmed_at", "is_active")
    list_filter = ("is_active", "park")
    search_fields = ("name", "phone")
    list_select_related = ("unit",)


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(AuditedAdmin):
    """The authority matrix is maintained by administrators (R-ORG-7); each change is audited."""

    audit_label = "authority_limit"
    list_display = ("role", "kind", "limit", "approver_role", "note")
    list_filter = ("role", "kind")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Who holds which API tokens, for incident response (D23). Keys are never stored, so never
    shown; a token is ended by its owner, or by a password change or deactivation here."""

    list_display = (
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
    )
    list_filter = ("revoked_reason",)
    search_fields = ("user__username", "user__display_name", "name", "prefix")
    list_select_related = ("user",)
    exclude = ("key_hash",)
