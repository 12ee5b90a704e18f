"""Portal invitations (R-PLT-3): an enterprise registered by staff gets its portal account through
a one-time, expiring link ("邀请开通门户").

* Only the SHA-256 of the token is stored; the link is shown once to the inviting staff member
  (and e-mailed to the enterprise contact when asked).
* Inviting again revokes the enterprise's older pending invitations, so at most one link works.
* Accepting creates a portal user of that enterprise; the link then no longer works.
* An enterprise may have several portal users (``PortalAccount`` is one per user, many per
  enterprise): a second invitation adds a second user, it does not replace the first.
Every step is audited.
"""

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit, clock
from parkflow.core.db import service
from parkflow.core.errors import Conflict, NotFound, ValidationFailed
from parkflow.core.validation import full_clean

from .choices import EnterpriseStatus
from .models import Enterprise, PortalAccount, PortalInvitation
from .validators import portal_user_candidate

REQUIREMENT = "R-PLT-3"

# Public functions of this module that do not call the access layer themselves, and why (D21;
# ``parkflow/core/tests/test_service_permissions.py`` fails on any other).
SYSTEM_OPERATIONS = {
    "portal_invitation_accept": "anonymous by design: holding the one-time, expiring token is "
    "the authority; it creates a portal user of the invited enterprise only (R-PLT-3)",
    "invitation_for_token": "read by token for the acceptance page: only the token's holder "
    "can name the invitation",
    "valid_days": "pure helper: the configured validity",
    "token_hash": "pure helper: the SHA-256 stored instead of the token",
    "suggested_username": "pure helper for the inviting page, which checked access already",
}


def valid_days() -> int:
    return int(getattr(settings, "PARKFLOW_PORTAL_INVITATION_DAYS", 7))


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def suggested_username(enterprise: Enterprise) -> str:
    """The credit code in lower case: unique per enterprise and written on its licence."""
    User = get_user_model()
    base = re.sub(r"[^0-9a-z]", "", enterprise.credit_code.lower()) or f"ent{enterprise.pk}"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _revoke(invitation: PortalInvitation, actor, now, reason: str) -> None:
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor,
        "portal_invitation.revoke",
        invitation,
        before={"state": "pending"},
        after={"state": "revoked", "revoked_at": now},
        reason=reason,
    )


@service
def portal_invitation_create(
    *, actor, enterprise: Enterprise, email: str = "", send: bool = False, accept_url=None
) -> tuple[PortalInvitation, str]:
    """Create a one-time invitation link for ``enterprise``; returns the invitation and the raw
    token (shown once, never stored). Older pending invitations are revoked. With ``send`` the
    link goes to ``email`` after the transaction commits (``accept_url(token)`` builds it)."""
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",), no_key=True)
        .select_related("park")
        .get(pk=enterprise.pk)
    )
    access.ensure(actor, "portal.invite", enterprise, requirement=REQUIREMENT)
    if enterprise.status == EnterpriseStatus.EXITED:
        raise Conflict(
            "enterprise_closed",
            _("企业当前状态为“%(status)s”，不能邀请开通门户。")
            % {"status": enterprise.get_status_display()},
            requirement=REQUIREMENT,
        )
    email = (email or "").strip()
    if send and not email:
        raise ValidationFailed(
            {"email": [_("要发送邮件，请填写企业联系人的邮箱。")]}, requirement=REQUIREMENT
        )
    now = clock.now()
    for older in PortalInvitation.objects.select_for_update(of=("self",), no_key=True).filter(
        enterprise=enterprise, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ):
        _revoke(older, actor, now, reason="重新邀请，旧链接作废")
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation(
        enterprise=enterprise,
        token_hash=token_hash(token),
        email=email,
        created_by=actor,
        created_at=now,
        expires_at=now + datetime.timedelta(days=valid_days()),
    )
    full_clean(invitation, requirement=REQUIREMENT)
    invitation.save()
    audit.record(
        actor,
        "portal_invitation.create",
        invitation,
        after={"email": email, "sent": send, "expires_at": invitation.expires_at},
    )
    if send and accept_url is not None:
        link = accept_url(token)
        transaction.on_commit(lambda: _send(invitation, link))
    return invitation, token


def _send(invitation: PortalInvitation, link: str) -> None:
    days = valid_days()
    send_mail(
        subject=str(_("【ParkFlow】%(name)s 企业门户开通邀请") % {"name": invitation.enterprise}),
        message=str(
            _(
                "您好：\n\n%(park)s 邀请 %(name)s 开通企业门户。请在 %(days)s 天内打开以下链接，"
                "设置登录账号和密码：\n\n%(link)s\n\n链接只能使用一次。如非本企业人员，请忽略本邮件。"
            )
            % {
                "park": invitation.enterprise.park,
                "name": invitation.enterprise,
                "days": days,
                "link": link,
            }
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


@service
def portal_invitation_revoke(*, actor, invitation: PortalInvitation) -> PortalInvitation:
    invitation = (
        PortalInvitation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("enterprise__park")
        .get(pk=invitation.pk)
    )
    access.ensure(actor, "portal.invite", invitation.enterprise, requirement=REQUIREMENT)
    now = clock.now()
    if invitation.state(now) != "pending":
        raise Conflict(
            "invitation_not_pending", _("该邀请已使用、已过期或已作废。"), requirement=REQUIREMENT
        )
    _revoke(invitation, actor, now, reason="")
    return invitation


def invitation_for_token(token: str) -> PortalInvitation:
    """The invitation a link names, whatever its state; unknown tokens are NotFound."""
    invitation = (
        PortalInvitation.objects.select_related("enterprise", "enterprise__park")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise NotFound(_("邀请链接无效。"), requirement=REQUIREMENT)
    return invitation


INVALID_STATES = {
    "accepted": _("该邀请链接已经使用过，门户账号已开通。请直接登录。"),
    "revoked": _(
        "该邀请链接已作废（园区已重新发出邀请）。请使用最新的邀请链接，或联系园区工作人员。"
    ),
    "expired": _("该邀请链接已过期。请联系园区工作人员重新发送邀请。"),
}


@service
def portal_invitation_accept(*, token: str, username: str, password: str, password_confirm: str):
    """Whoever holds the link sets up a portal account of the invited enterprise: one call
    creates the user and its portal account and uses up the link, or writes nothing."""
    found = invitation_for_token(token)
    invitation = PortalInvitation.objects.select_for_update(of=("self",), no_key=True).get(
        pk=found.pk
    )
    now = clock.now()
    state = invitation.state(now)
    if state != "pending":
        raise Conflict(f"invitation_{state}", INVALID_STATES[state], requirement=REQUIREMENT)
    enterprise = invitation.enterprise
    if enterprise.status == EnterpriseStatus.EXITED:
        raise Conflict(
            "enterprise_closed",
            _("企业当前状态为“%(status)s”，不能开通门户。")
            % {"status": enterprise.get_status_display()},
            requirement=REQUIREMENT,
        )
    user, errors = portal_user_candidate(
        username=username,
        password=password,
        password_confirm=password_confirm,
        email=invitation.email,
        display_name=enterprise.contact_name,
    )
    if not errors:
        try:
            user.full_clean(exclude=["password"])
        except DjangoValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationFailed(errors, requirement=REQUIREMENT)
    user.set_password(password)
    user.save()
    account = PortalAccount.objects.create(user=user, enterprise=enterprise)
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        user,
        "portal_invitation.accept",
        invitation,
        before={"state": "pending"},
        after={"state": "accepted", "username": user.username},
    )
    audit.record(
        user,
        "portal_account.create",
        enterprise,
        after={"username": user.username, "portal_account": account.pk},
        reason="通过邀请链接开通",
    )
    return user
