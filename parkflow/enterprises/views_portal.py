"""Staff side of "邀请开通门户" (R-PLT-3): invite, show the one-time link once, revoke."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parkflow.core import access, clock
from parkflow.core.errors import DomainError
from parkflow.core.forms import StyledForm, domain_error_text
from parkflow.core.views import get_or_404, staff_page

from . import invitations, selectors
from .models import PortalInvitation

SESSION_KEY = "parkflow_portal_invitation"


class InvitationForm(StyledForm):
    email = forms.EmailField(label=gettext_lazy("企业联系人邮箱"), required=False)
    send = forms.BooleanField(label=gettext_lazy("同时发送邀请邮件"), required=False)


def portal_state(user, enterprise) -> dict:
    """The enterprise detail page's "企业门户" card: who has an account, the pending link."""
    now = clock.now()
    pending = (
        PortalInvitation.objects.filter(
            enterprise=enterprise,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .select_related("created_by")
        .first()
    )
    return {
        "accounts": list(enterprise.portal_accounts.select_related("user").order_by("id")),
        "pending": pending,
        "can_invite": access.may(user, "portal.invite", enterprise),
        "form": InvitationForm(initial={"email": enterprise.contact_email, "send": False}),
        "days": invitations.valid_days(),
    }


def _accept_url(request):
    return lambda token: request.build_absolute_uri(
        reverse("portal:invitation_accept", args=[token])
    )


@require_POST
@staff_page("enterprise.view")
def invitation_create(request, pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("enterprises:detail", pk=enterprise.pk)
    try:
        invitation, token = invitations.portal_invitation_create(
            actor=request.user,
            enterprise=enterprise,
            email=form.cleaned_data["email"],
            send=form.cleaned_data["send"],
            accept_url=_accept_url(request),
        )
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("enterprises:detail", pk=enterprise.pk)
    # The raw link lives only in this session until the next page shows it, once.
    request.session[SESSION_KEY] = {
        "invitation": invitation.pk,
        "enterprise": enterprise.pk,
        "link": _accept_url(request)(token),
        "sent": bool(form.cleaned_data["send"]),
    }
    return redirect("enterprises:invitation_created", pk=enterprise.pk)


@staff_page("enterprise.view")
def invitation_created(request, pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    shown = request.session.pop(SESSION_KEY, None)
    if not shown or shown.get("enterprise") != enterprise.pk:
        messages.info(request, _("邀请链接只显示一次。如需再次发送，请重新邀请（旧链接将作废）。"))
        return redirect("enterprises:detail", pk=enterprise.pk)
    invitation = PortalInvitation.objects.get(pk=shown["invitation"])
    context = {
        "enterprise": enterprise,
        "invitation": invitation,
        "link": shown["link"],
        "sent": shown["sent"],
    }
    response = render(request, "enterprises/invitation_created.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@staff_page("enterprise.view")
def invitation_revoke(request, pk, invitation_pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    invitation = PortalInvitation.objects.filter(enterprise=enterprise, pk=invitation_pk).first()
    if invitation is None:
        from django.http import Http404

        raise Http404
    try:
        invitations.portal_invitation_revoke(actor=request.user, invitation=invitation)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
    else:
        messages.success(request, _("邀请链接已作废。"))
    return redirect("enterprises:detail", pk=enterprise.pk)
