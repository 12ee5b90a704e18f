"""Authority matrix (R-ORG-7, Art.9(三) "不得私自承诺超出权限的服务内容，重大事项必须请示领导")."""

from decimal import Decimal

from parkflow.core import access

from .choices import Role
from .models import AuthorityLimit


def approver_needed(user, kind: str, value) -> str | None:
    """The role that must approve ``value`` of ``kind`` granted by ``user``, or None if it is within
    the user's own authority. No matrix entry for any of the user's roles means no authority."""
    value = Decimal(str(value))
    limits = list(AuthorityLimit.objects.filter(kind=kind, role__in=access.roles_of(user)))
    if any(value <= limit.limit for limit in limits):
        return None
    if limits:
        return max(limits, key=lambda limit: limit.limit).approver_role
    return Role.DEPUTY
