"""Kernel pages: alert inbox, review decisions, audit chain.

Views are thin: parse, call the service or selector, render. Every page asks ``core.access``;
enterprise users get 404 on staff pages and out-of-scope objects are 404 (R-ORG-3).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, audit, audit_actions, audit_digest, generic_views
from . import alerts as alert_services
from . import audit_verify as audit_verify_service
from .errors import DomainError, NotFound
from .forms import (
    AlertAssignForm,
    AlertFilterForm,
    AlertResolveForm,
    AuditFilterForm,
    add_domain_error,
    domain_error_text,
)
from .keyset import estimated_count, keyset_page
from .models import AuditEvent, AuditVerification
from .rules import REGISTRY

LIST_PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------
# Shared page helpers (used by the enterprise and org pages too)


def staff_page(action: str | None = None):
    """Login required; enterprise users get 404 (staff pages do not exist for them); staff
    without ``action`` in the policy get 403. Deny by default (R-ORG-3)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if access.is_enterprise_user(request.user):
                raise Http404
            if action and not access.may_somewhere(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_or_404(selector, **kwargs):
    """Call a ``*_get_for_user`` selector; missing and not-yours are the same 404."""
    try:
        return selector(**kwargs)
    except NotFound:
        raise Http404 from None


def paginate(request, qs, per_page: int):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return fallback


# ---------------------------------------------------------------------------------------------
# Alerts (R-MON-1)


def _decorate_alerts(alerts, user):
    """What the user may do with each row; no queries (roles are cached, rules in memory)."""
    for alert in alerts:
        rule = REGISTRY.get(alert.rule_code)
        alert.rule = rule
        alert.can_handle = alert.is_active and access.may(user, "alert.handle", alert)
        alert.can_resolve = alert.can_handle and bool(rule and rule.resolvable_by_hand)
    return alerts


def _assignee_candidates(alert):
    """People who may handle alerts of this alert's park: operators of that park or of HQ."""
    where_park = Q(role_assignments__unit__park__isnull=True)
    if alert.park_id:
        where_park |= Q(role_assignments__unit__park_id=alert.park_id)
    return (
        get_user_model()
        .objects.filter(
            Q(is_active=True)
            & Q(role_assignments__role__in=access.roles_for("alert.handle"))
            & where_park
        )
        .distinct()
        .order_by("display_name", "username")
    )


@staff_page("alert.view")
def alert_list(request):
    form = AlertFilterForm(request.GET or None)
    filters = (
        form.filters() if request.GET else {"status": "active", "severity": "", "rule_code": ""}
    )
    return generic_views.list_page(
        request,
        qs=alert_services.alert_list(actor=request.user, **filters),
        template="core/alert_list.html",
        partial="core/partials/_alert_table.html",
        target="alert-table",
        per_page=LIST_PAGE_SIZE,
        name="alerts",
        context={"form": form},
        decorate=lambda alerts: _decorate_alerts(alerts, request.user),
    )


def _alert_row(request, alert, *, mode: str = "", form=None, error: str = "", status: int = 200):
    alert = alert_services.alert_get_for_user(actor=request.user, pk=alert.pk)
    _decorate_alerts([alert], request.user)
    return render(
        request,
        "core/partials/_alert_row.html",
        {"alert": alert, "mode": mode, "form": form, "row_error": error},
        status=status,
    )


def _after_alert_action(request, alert, *, mode="", form=None, error=""):
    """HTMX: swap the row. Plain POST: back to where the user came from with a message."""
    if request.htmx:
        return _alert_row(request, alert, mode=mode, form=form, error=error)
    if error:
        messages.error(request, error)
    return redirect(safe_next(request, reverse("core:alert_detail", args=[alert.pk])))


@staff_page("alert.view")
def alert_detail(request, pk):
    alert = get_or_404(alert_services.alert_get_for_user, actor=request.user, pk=pk)
    if request.htmx and request.htmx.target == f"alert-{alert.pk}":
        return _alert_row(request, alert)  # "cancel" in an inline row form
    _decorate_alerts([alert], request.user)
    context = {
        "alert": alert,
        "rule": alert.rule,
        "rule_params": _rule_params(alert.rule),
        "events": audit.events_for(alert),
        "assign_form": AlertAssignForm(candidates=_assignee_candidates(alert))
        if alert.can_handle
        else None,
        "resolve_form": AlertResolveForm() if alert.can_resolve else None,
    }
    return render(request, "core/alert_detail.html", context)


def _rule_params(rule):
    if rule is None:
        return []
    from .rules import params_for

    params = params_for(rule.code)
    return [(rule.param_labels.get(key, key), value) for key, value in params.items()]


@require_POST
@staff_page("alert.view")
def alert_acknowledge(request, pk):
    alert = get_or_404(alert_services.alert_get_for_user, actor=request.user, pk=pk)
    try:
        alert_services.alert_acknowledge(
            actor=request.user, alert=alert, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        return _after_alert_action(request, alert, error=domain_error_text(exc))
    if not request.htmx:
        messages.success(request, _("预警已确认。"))
    return _after_alert_action(request, alert)


@require_http_methods(["GET", "POST"])
@staff_page("alert.view")
def alert_assign(request, pk):
    alert = get_or_404(alert_services.alert_get_for_user, actor=request.user, pk=pk)
    form = AlertAssignForm(request.POST or None, candidates=_assignee_candidates(alert))
    if request.method == "GET":
        return _alert_row(request, alert, mode="assign", form=form)
    if not form.is_valid():
        return _after_alert_action(
            request, alert, mode="assign", form=form, error=_("请选择处理人。")
        )
    try:
        alert_services.alert_assign(
            actor=request.user, alert=alert, assignee=form.cleaned_data["assignee"]
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _after_alert_action(
            request, alert, mode="assign", form=form, error=domain_error_text(exc)
        )
    if not request.htmx:
        messages.success(request, _("已指派处理人。"))
    return _after_alert_action(request, alert)


@require_http_methods(["GET", "POST"])
@staff_page("alert.view")
def alert_resolve(request, pk):
    alert = get_or_404(alert_services.alert_get_for_user, actor=request.user, pk=pk)
    form = AlertResolveForm(request.POST or None)
    if request.method == "GET":
        return _alert_row(request, alert, mode="resolve", form=form)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        alert_services.alert_resolve(actor=request.user, alert=alert, note=note)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _after_alert_action(
            request, alert, mode="resolve", form=form, error=domain_error_text(exc)
        )
    if not request.htmx:
        messages.success(request, _("预警已解除。"))
    return _after_alert_action(request, alert)


# ---------------------------------------------------------------------------------------------
# Audit chain (R-PLT-1)


@staff_page("audit.view")
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    # Audit events name objects of every park, so only people who see every park read them all.
    qs = access.scope(request.user, AuditEvent.objects.select_related("content_type"))
    filtered = False
    if form.is_valid():
        if action := form.cleaned_data["action"]:
            # A Chinese label ("办理入驻"), a code or a code prefix ("enterprise.").
            codes = audit_actions.codes_for(action)
            qs = qs.filter(action__in=codes) if codes else qs.filter(action__startswith=action)
        if q := form.cleaned_data["q"]:
            qs = qs.filter(Q(object_repr__icontains=q) | Q(object_id=q))
        if actor := form.cleaned_data["actor"]:
            qs = qs.filter(actor_name__icontains=actor)
        filtered = any(form.cleaned_data.values())
    # Keyset pages ("older than" an id) and an estimated total: no OFFSET and no COUNT(*) over
    # the audit table per request (issue 7 §6); a filtered page shows no total at all.
    page = keyset_page(qs, request.GET, AUDIT_PAGE_SIZE)
    if not filtered and access.visible_park_ids(request.user) is None:
        page.estimated_total = estimated_count(AuditEvent)
    context = {
        "form": form,
        "page_obj": page,
        "events": page.object_list,
        "action_choices": audit_actions.choices(),
        "sees_all": access.visible_park_ids(request.user) is None,
        "can_verify": access.may(request.user, "audit.verify"),
        "digest": audit_digest.latest_digest(),
        "running": audit_verify_service.current(),
        "last_run": audit_verify_service.latest_finished(),
    }
    return render(request, "core/audit_list.html", context)


@require_POST
@staff_page("audit.verify")
def audit_verify(request):
    """Start a verification of the chain in the background (incremental from the last
    checkpoint, or full) and show its progress; the request itself walks nothing (D44)."""
    try:
        run = audit_verify_service.start(actor=request.user, full=request.POST.get("full") == "1")
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("core:audit")
    if request.htmx:
        return render(request, "core/partials/_verify_progress.html", {"run": run})
    return redirect("core:audit_verification", pk=run.pk)


@require_GET
@staff_page("audit.verify")
def audit_verification(request, pk):
    """One verification: its progress while it runs (polled by HTMX), then its findings."""
    try:
        run = AuditVerification.objects.select_related("requested_by").get(pk=pk)
    except AuditVerification.DoesNotExist:
        raise Http404 from None
    if request.htmx:
        return render(request, "core/partials/_verify_progress.html", {"run": run})
    return render(request, "core/audit_verification.html", {"run": run})
