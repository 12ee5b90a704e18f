"""Django admin for system administrators.

The admin is a window, not a back door: domain records are read-only here (every change goes
through a service with its permission checks, gates and audit event). The exceptions are data
an administrator maintains by design — the holiday calendar (CalendarDay) and the authority
matrix (org.AuthorityLimit) — and their changes go through ``core.maintained`` (audited).

Every admin starts its rows from ``core.access.scope`` like the pages and the API (a superuser
sees every park); a row outside the scope "does not exist" (the admin redirects with its
message). A refusal a service raises while the admin saves (``ServiceAdmin``) is shown as a
message and the whole change is rolled back.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from . import access, maintained
from .errors import DomainError
from .forms import domain_error_text
from .models import (
    Alert,
    Article,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    GateSetting,
    Regulation,
    Review,
    RuleSetting,
)

admin.site.site_header = _("ParkFlow 系统管理")
admin.site.site_title = _("ParkFlow 系统管理")
admin.site.index_title = _("系统管理（业务数据只读，变更请在业务页面办理）")


class ScopedAdminMixin:
    """Rows through ``core.access.scope`` (R-ORG-3): a park's administrator sees his parks'
    rows only; reference data that belongs to no park is not narrowed."""

    view_on_site = False  # get_absolute_url serves the audit page, not an admin button

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if access.is_scoped(qs.model):
            qs = access.scope(request.user, qs)
        return qs


class ServiceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """An editable admin whose ``save_model``/``delete_model`` call services. The admin wraps
    a change in one transaction; a ``DomainError`` from a service leaves it, so nothing of the
    change is written, and the user sees the refusal as a message on the same page."""

    def _refused(self, request, exc: DomainError):
        self.message_user(request, domain_error_text(exc), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)


class NoWritesMixin:
    """No add, no change, no delete (and so no "delete selected" action)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoWritesMixin, ScopedAdminMixin, admin.ModelAdmin):
    """View only."""


class ReadOnlyInline(NoWritesMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class AuditedAdmin(ServiceAdmin):
    """A list administrators maintain by design: every save and delete goes through
    ``core.maintained`` (permission, one transaction, audit event; R-PLT-1)."""

    audit_label = ""

    def _label(self):
        return self.audit_label or self.model._meta.model_name

    def save_model(self, request, obj, form, change):
        maintained.maintained_save(actor=request.user, obj=obj, label=self._label(), change=change)

    def delete_model(self, request, obj):
        maintained.maintained_delete(actor=request.user, obj=obj, label=self._label())

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail is append-only (R-PLT-1): the database refuses UPDATE and DELETE anyway."""

    list_display = ("id", "occurred_at", "actor_name", "action", "object_repr", "short_hash")
    list_filter = ("action",)
    # Only what an index serves at a million events (D44): the trigram indexes on the object and
    # the actor's name, the object id exactly; no date hierarchy (no index on the time: the id
    # orders the trail).
    search_fields = ("object_repr", "actor_name", "=object_id")
    list_select_related = ("content_type",)
    show_full_result_count = False

    @admin.display(description=_("摘要"))
    def short_hash(self, obj):
        return obj.hash[:12]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    audit_label = "calendar_day"
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Which years are official. A year's schedule is entered on the calendar page (preview,
    validation, one audited service call, the coverage alert re-checked): the changelist links
    there rather than offering a second, unchecked way in."""

    list_display = ("year", "source", "notice", "entered_by", "entered_at")
    list_filter = ("source",)
    change_list_template = "admin/core/calendaryear/change_list.html"


class ArticleInline(ReadOnlyInline):
    model = Article
    fields = ("ref", "chapter", "text")


@admin.register(Regulation)
class RegulationAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "version", "is_current", "effective_on")
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ("ref", "chapter", "regulation")
    list_filter = ("regulation",)
    search_fields = ("ref", "text")


@admin.register(RuleSetting)
class RuleSettingAdmin(ReadOnlyAdmin):
    """Parameters are changed on the rules page (core.rules.rule_setting_update, audited)."""

    list_display = ("code", "enabled", "params", "updated_at")


@admin.register(GateSetting)
class GateSettingAdmin(ReadOnlyAdmin):
    """Parameters are changed on the gates page (core.reviews.gate_setting_update, audited)."""

    list_display = ("__str__", "params", "updated_at")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "rule_code",
        "severity",
        "status",
        "object_repr",
        "park",
        "opened_at",
        "resolved_at",
    )
    list_filter = ("status", "severity", "rule_code", "park")
    search_fields = ("title", "object_repr")
    list_select_related = ("park",)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "gate",
        "object_repr",
        "decision",
        "requested_by",
        "reviewer",
        "requested_at",
        "decided_at",
    )
    list_filter = ("gate", "decision")
    search_fields = ("object_repr", "opinion")
    list_select_related = ("requested_by", "reviewer")
