"""Pages of the notifications app (R-MON-2): 消息中心 (the inbox), 我的订阅, 发送记录 and
通知渠道. Thin: parse, call the service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access
from parkflow.core.errors import DomainError
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.generic_views import list_page
from parkflow.core.views import get_or_404, safe_next, staff_page

from . import channels, events, selectors, services, subscriptions
from .choices import RESENDABLE, Channel
from .forms import ChannelConfigForm, DeliveryFilterForm, ResendForm
from .models import ChannelConfig

PAGE_SIZE = 20

# ---------------------------------------------------------------------------------------------
# 消息中心


@require_GET
@staff_page()
def inbox(request):
    unread = request.GET.get("show") == "unread"
    return list_page(
        request,
        qs=selectors.inbox(actor=request.user, unread=unread),
        template="notifications/inbox.html",
        partial="notifications/partials/_inbox_table.html",
        target="inbox-table",
        per_page=PAGE_SIZE,
        name="notifications",
        context={"show_unread": unread, "unread_total": selectors.unread_badge(request.user)},
        decorate=_label_events,
    )


def _label_events(notifications):
    for notification in notifications:
        notification.event_label = events.label(notification.message.event)
    return notifications


@require_GET
@staff_page()
def unread_badge(request):
    """The bell's count, fetched by the top bar after the page loaded (and every minute): no
    page pays for it, and it stays current while the page is open. One capped query."""
    return render(
        request,
        "notifications/partials/_badge.html",
        {"unread": selectors.unread_badge(request.user)},
    )


@require_GET
@staff_page()
def notification_open(request, pk):
    """Follow a message's link, marking it read on the way."""
    notification = get_or_404(selectors.notification_get_for_user, actor=request.user, pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect(notification.message.link or reverse("notifications:inbox"))


@require_POST
@staff_page()
def notification_read(request, pk):
    notification = get_or_404(selectors.notification_get_for_user, actor=request.user, pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    if request.htmx:
        notification.event_label = events.label(notification.message.event)
        return render(
            request, "notifications/partials/_inbox_row.html", {"notification": notification}
        )
    return redirect(safe_next(request, reverse("notifications:inbox")))


@require_POST
@staff_page()
def notification_read_all(request):
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(count)s 条消息标为已读。") % {"count": count})
    return redirect(reverse("notifications:inbox"))


# ---------------------------------------------------------------------------------------------
# 我的订阅 (and, for administrators, a role's defaults)


def _posted_choices(request, rows) -> dict:
    return {
        (row["event"].code, cell["channel"]): request.POST.get(
            f"{row['event'].code}__{cell['channel']}"
        )
        == "on"
        for row in rows
        for cell in row["cells"]
    }


@require_http_methods(["GET", "POST"])
@staff_page()
def subscriptions_page(request):
    role = request.GET.get("role", "")
    may_defaults = access.may(request.user, "notification.defaults")
    roles = selectors.subscription_roles() if may_defaults else []
    if role and role not in roles:
        raise Http404
    declared = events.subscribable()
    rows = (
        subscriptions.matrix_for_role(role, declared)
        if role
        else subscriptions.matrix_for_person(request.user, declared)
    )
    error = ""
    if request.method == "POST":
        try:
            changed = services.subscriptions_save(
                actor=request.user, choices=_posted_choices(request, rows), role=role
            )
        except DomainError as exc:
            error = domain_error_text(exc)
        else:
            messages.success(
                request,
                _("订阅已保存（%(count)s 项变更）。") % {"count": len(changed)}
                if changed
                else _("订阅没有变化。"),
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "notifications/subscriptions.html",
        {
            "rows": rows,
            "channels": Channel.choices,
            "role": role,
            "role_label": access.role_label(role) if role else "",
            "roles": [(r, access.role_label(r) or r) for r in roles],
            "error": error,
        },
    )


# ---------------------------------------------------------------------------------------------
# 发送记录


def _decorate_deliveries(user):
    def decorate(deliveries):
        for delivery in deliveries:
            delivery.event_label = events.label(delivery.message.event)
            delivery.can_resend = delivery.status in RESENDABLE and access.may(
                user, "notification.resend", delivery
            )
        return deliveries

    return decorate


@require_GET
@staff_page("notification.deliveries")
def delivery_log(request):
    form = DeliveryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"status": "", "channel": "", "message": None}
    return list_page(
        request,
        qs=selectors.delivery_list(actor=request.user, **filters),
        template="notifications/delivery_list.html",
        partial="notifications/partials/_delivery_table.html",
        target="delivery-table",
        per_page=PAGE_SIZE,
        name="deliveries",
        context={"form": form, "resend_form": ResendForm()},
        decorate=_decorate_deliveries(request.user),
    )


@require_POST
@staff_page("notification.resend")
def delivery_resend(request, pk):
    delivery = get_or_404(selectors.delivery_get_for_user, actor=request.user, pk=pk)
    form = ResendForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.delivery_resend(actor=request.user, delivery=delivery, reason=reason)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
    else:
        messages.success(request, _("已重新加入发送队列，请稍后查看结果。"))
    return redirect(safe_next(request, reverse("notifications:deliveries")))


# ---------------------------------------------------------------------------------------------
# 通知渠道


def _decorate_config(config: ChannelConfig) -> ChannelConfig:
    config.masked_webhook = channels.masked_url(config.webhook_url)
    config.masked_secret = channels.masked(config.secret)
    return config


def _parks_for(user):
    """The parks whose channels the user may set (None in the list: group-wide)."""
    from django.apps import apps

    unit_model = apps.get_model("org", "OrgUnit")
    parks = access.parks_with_roles(user, access.roles_for("notification.configure"))
    qs = unit_model.objects.filter(kind="park").order_by("sort_order", "id")
    if parks is None:
        return [None, *qs]
    return list(qs.filter(pk__in=parks))


@require_GET
@staff_page("notification.configure")
def channel_list(request):
    configs = [_decorate_config(c) for c in selectors.channel_configs(actor=request.user)]
    by_key = {(c.kind, c.park_id): c for c in configs}
    rows = []
    for park in _parks_for(request.user):
        park_id = getattr(park, "pk", None)
        rows.append(
            {
                "park": park,
                "cells": [
                    {"kind": kind, "label": label, "config": by_key.get((kind, park_id))}
                    for kind, label in Channel.choices
                ],
            }
        )
    return render(request, "notifications/channel_list.html", {"rows": rows})


def _channel_form_page(request, *, kind, park, stored):
    form = ChannelConfigForm(
        request.POST or None,
        kind=kind,
        stored=stored,
        initial={"enabled": stored.enabled, "name": stored.name} if stored else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            config = services.channel_config_save(
                actor=request.user,
                kind=kind,
                park=park,
                enabled=data["enabled"],
                name=data["name"],
                webhook_url=data.get("webhook_url"),
                secret=data.get("secret"),
                clear_secret=data.get("clear_secret", False),
                reason=data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("“%(channel)s”已保存。") % {"channel": config})
            return redirect(reverse("notifications:channels"))
    return render(
        request,
        "notifications/channel_form.html",
        {
            "form": form,
            "kind_label": Channel(kind).label,
            "park": park,
            "config": stored,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_page("notification.configure")
def channel_create(request, kind):
    if kind not in Channel.values:
        raise Http404
    park = None
    if request.GET.get("park"):
        park = next(
            (p for p in _parks_for(request.user) if p and str(p.pk) == request.GET["park"]), None
        )
        if park is None:
            raise Http404
    elif not access.may(request.user, "notification.configure", park=None):
        raise PermissionDenied
    existing = ChannelConfig.objects.filter(kind=kind, park=park).first()
    if existing is not None:
        return redirect(reverse("notifications:channel_edit", args=[existing.pk]))
    return _channel_form_page(request, kind=kind, park=park, stored=None)


@require_http_methods(["GET", "POST"])
@staff_page("notification.configure")
def channel_edit(request, pk):
    config = _decorate_config(
        get_or_404(selectors.channel_config_get_for_user, actor=request.user, pk=pk)
    )
    return _channel_form_page(request, kind=config.kind, park=config.park, stored=config)


@require_POST
@staff_page("notification.configure")
def channel_test(request, pk):
    config = get_or_404(selectors.channel_config_get_for_user, actor=request.user, pk=pk)
    try:
        delivery = services.channel_test_send(actor=request.user, config=config)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect(reverse("notifications:channels"))
    messages.success(request, _("测试消息已提交发送，结果见发送记录。"))
    return redirect(reverse("notifications:deliveries") + f"?message={delivery.message_id}")
