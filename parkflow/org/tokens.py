"""API tokens (D23): one per device or program, expiring, revocable, stored as SHA-256 only.

* ``issue`` makes a token and returns its key once; the database keeps only the digest and a
  short prefix by which the owner recognises it.
* ``revoke`` ends one of the actor's own tokens; ``revoke_all_for_user`` ends all of an
  account's tokens when its password changes or it is deactivated (``User.save``).
* ``ApiTokenAuthentication`` accepts ``Authorization: Token <key>`` while the token is live and
  its user active, and notes when it was last used.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from parkflow.core import audit, clock
from parkflow.core.db import service
from parkflow.core.errors import Conflict, NotFound, ValidationFailed
from parkflow.core.validation import full_clean

from .models import ApiToken, User

REQUIREMENT = "R-PLT-8"
KEY_PREFIX = "pf_"
# ``last_used_at`` is bookkeeping for the owner's list, not a state change: it is written at most
# once per interval per token, outside the audit chain.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)
# No function here calls the access layer: a token belongs to one user, who acts on his own
# tokens only (``user=actor`` in every query); nobody else sees or revokes them (D23, D21).
SYSTEM_OPERATIONS = {
    "issue": "the actor's own token (user=actor); anonymous or inactive actors are NotFound",
    "revoke": "the actor's own tokens only (user_id=actor.pk): another user's is NotFound",
    "revoke_all_for_user": "system operation called from User.save on a password change or "
    "deactivation; no actor",
    "for_user": "read of one user's own tokens; the callers pass request.user",
    "live": "queryset filter helper: narrows the queryset it is given",
    "digest": "pure helper: the SHA-256 stored instead of the key",
}

AUDIT_FIELDS = ["name", "prefix", "created_at", "expires_at", "revoked_at", "revoked_reason"]


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def live(qs=None):
    """Tokens that still authenticate: not revoked, not expired."""
    qs = ApiToken.objects.all() if qs is None else qs
    return qs.filter(revoked_at__isnull=True, expires_at__gt=clock.now())


def for_user(user):
    """The user's own tokens, newest first (the only tokens anyone is shown)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


@service
def issue(*, actor, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for the actor; returns ``(token, key)``. The key is never stored or shown
    again."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotFound(requirement=REQUIREMENT)
    name = (name or "").strip() or str(_("API 令牌"))
    max_days = settings.PARKFLOW_API_TOKEN_DAYS
    days = max_days if days is None else days
    if not isinstance(days, int) or not 1 <= days <= max_days:
        raise ValidationFailed(
            {"days": [_("有效天数须为 1 到 %(max)s 之间的整数。") % {"max": max_days}]},
            requirement=REQUIREMENT,
        )
    # Serialise one user's issuers so the cap below cannot be overrun by parallel requests.
    list(
        User.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=actor.pk)
        .values_list("pk", flat=True)
    )
    limit = settings.PARKFLOW_API_TOKEN_MAX_ACTIVE
    if live(for_user(actor)).count() >= limit:
        raise Conflict(
            "too_many_tokens",
            _("有效的 API 令牌已达 %(limit)s 个上限，请先吊销不再使用的令牌。") % {"limit": limit},
            requirement=REQUIREMENT,
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        user=actor,
        name=name,
        key_hash=digest(key),
        prefix=key[:10],
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    full_clean(token, requirement=REQUIREMENT, exclude=["key_hash", "prefix"])
    token.save()
    audit.record(actor, "api_token.create", token, after=audit.snapshot(token, AUDIT_FIELDS))
    return token, key


@service
def revoke(*, actor, token: ApiToken) -> ApiToken:
    """The owner ends one of their tokens. Someone else's token is "not found" (R-ORG-3)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound(requirement=REQUIREMENT)
    try:
        token = ApiToken.objects.select_for_update(of=("self",), no_key=True).get(
            pk=token.pk, user_id=actor.pk
        )
    except ApiToken.DoesNotExist:
        raise NotFound(requirement=REQUIREMENT) from None
    if token.revoked_at is not None:
        raise Conflict(
            "already_revoked", _("该令牌已被吊销，无需再次吊销。"), requirement=REQUIREMENT
        )
    before = audit.snapshot(token, AUDIT_FIELDS)
    token.revoked_at = clock.now()
    token.revoked_reason = ApiToken.RevokeReason.BY_USER
    token.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record(
        actor,
        "api_token.revoke",
        token,
        before=before,
        after=audit.snapshot(token, AUDIT_FIELDS),
    )
    return token


@service
def revoke_all_for_user(user: User, *, reason: str) -> int:
    """System operation (called from ``User.save``): end every unrevoked token of ``user``.

    Audited once for the account, naming the tokens, when there was anything to revoke."""
    tokens = list(
        ApiToken.objects.select_for_update(of=("self",), no_key=True).filter(
            user=user, revoked_at__isnull=True
        )
    )
    if not tokens:
        return 0
    now = clock.now()
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(
        revoked_at=now, revoked_reason=reason
    )
    audit.record(
        None,
        "api_token.revoke_all",
        user,
        after={
            "reason": reason,
            "tokens": [{"id": t.pk, "name": t.name, "prefix": t.prefix} for t in tokens],
        },
        reason=str(ApiToken.RevokeReason(reason).label),
    )
    return len(tokens)


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` against ``ApiToken`` (never DRF's stored plain keys)."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=digest(key), revoked_at__isnull=True)
            .first()
        )
        now = clock.now()
        if token is None or token.expires_at <= now or not token.user.is_active:
            # One answer for unknown, revoked, expired and deactivated: nothing to probe.
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被吊销。"))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token
