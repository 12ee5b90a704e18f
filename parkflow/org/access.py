"""The one place that answers "which objects may this actor see" and "may this actor do this"
(R-ORG-3). Pages, the API, exports, search and file downloads all start from ``scope()``.

* Staff see the parks of their role assignments; a role held in a headquarters unit (no park)
  sees every park.
* Enterprise users see only rows of their own enterprise (``scope_enterprise_lookup``).
* Anyone else sees nothing (deny by default).

A model opts in with ``scope_park_lookup = "park"`` (a path to the owning park) and, if enterprise
users may see it, ``scope_enterprise_lookup = "enterprise"`` (a path to the enterprise id).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.errors import NotFound, PermissionDenied

from .choices import Role

R = Role
ALL_STAFF = frozenset(Role.values)
OPERATORS = ALL_STAFF - {R.AUDITOR}
LEADERS = frozenset({R.PRINCIPAL, R.DEPUTY, R.GROUP_MEMBER})

# action -> roles that may perform it (within the parks they cover). Enterprise users get only the
# actions in PORTAL_ACTIONS, and only on their own enterprise.
POLICY: dict[str, frozenset[str]] = {
    "enterprise.view": ALL_STAFF,
    "enterprise.export": ALL_STAFF,
    "enterprise.create": frozenset(
        {R.BUSINESS_STAFF, R.LEAD_STAFF, R.OFFICE_STAFF, R.SYSTEM_ADMIN}
    ),
    "enterprise.edit": frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF, R.OFFICE_STAFF, R.SYSTEM_ADMIN}),
    "enterprise.transition": frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF, R.OFFICE_STAFF}),
    "enterprise.import": frozenset({R.LEAD_STAFF, R.OFFICE_STAFF, R.SYSTEM_ADMIN}),
    "enterprise.declare_conflict": OPERATORS,
    "enterprise.submit": frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF, R.OFFICE_STAFF}),
    "portal.invite": frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF, R.OFFICE_STAFF, R.SYSTEM_ADMIN}),
    "document.upload": frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF, R.OFFICE_STAFF}),
    "document.download": ALL_STAFF,
    "brand.manage": frozenset({R.LEAD_STAFF, R.OFFICE_STAFF, R.RISK_OFFICER, R.SYSTEM_ADMIN}),
    # Published review outcomes ("一公开"); enterprise users read them too, by the API's own rule.
    "result.view": ALL_STAFF,
    "tariff.view": ALL_STAFF,
    "tariff.publish": frozenset({R.LEAD_STAFF, R.OFFICE_STAFF}),
    "fee.charge": frozenset({R.FINANCE_STAFF, R.BUSINESS_STAFF}),
    "spot_check.run": frozenset({R.OFFICE_STAFF, R.SYSTEM_ADMIN}),
    "spot_check.view": ALL_STAFF,
    "alert.view": ALL_STAFF,
    "alert.handle": OPERATORS,
    "review.view": ALL_STAFF,
    "audit.view": frozenset({R.AUDITOR, R.SYSTEM_ADMIN, R.OFFICE_STAFF, R.PRINCIPAL}),
    "audit.verify": frozenset({R.AUDITOR, R.SYSTEM_ADMIN}),
    "rules.view": ALL_STAFF,
    "rules.configure": frozenset({R.SYSTEM_ADMIN}),
    "regulation.view": ALL_STAFF,
    # An object's audit timeline, for staff who see the object (the portal shows none).
    "enterprise.timeline": ALL_STAFF,
    "org.view": ALL_STAFF,
    "org.manage": frozenset({R.SYSTEM_ADMIN}),
    "contact.manage": frozenset({R.OFFICE_STAFF, R.LEAD_STAFF, R.SYSTEM_ADMIN, R.BUSINESS_STAFF}),
    "compliance.record": frozenset({R.OFFICE_STAFF, R.LEAD_STAFF, R.SYSTEM_ADMIN}),
    # The holiday calendar is national: everyone reads it; entering a year's State Council
    # schedule needs the role at headquarters (the calendar object has no park, see D19).
    "calendar.view": ALL_STAFF,
    "calendar.manage": frozenset({R.SYSTEM_ADMIN, R.OFFICE_STAFF}),
}
PORTAL_ACTIONS = frozenset(
    {"enterprise.view", "enterprise.submit", "document.upload", "document.download"}
)


def _assignments(user) -> list[tuple[str, int | None]]:
    """(role, park id or None for headquarters) for each role the user holds; cached per object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_parkflow_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.values_list("role", "unit__park_id"))
        user._parkflow_assignments = cached
    return cached


def forget(user) -> None:
    """Drop the cached roles after they change."""
    user.__dict__.pop("_parkflow_assignments", None)


def is_enterprise_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and hasattr(user, "portal_account")


def enterprise_id_of(user) -> int | None:
    return user.portal_account.enterprise_id if is_enterprise_user(user) else None


def roles_of(user) -> set[str]:
    return {role for role, _park in _assignments(user)}


def holds_any_role(user, roles) -> bool:
    return bool(roles_of(user) & set(roles))


def has_role(user, role: str, park=None) -> bool:
    """Does the user hold ``role`` for ``park``? A headquarters assignment covers every park;
    an object with no park (headquarters business) needs a headquarters assignment."""
    park_id = getattr(park, "pk", park)
    return any(r == role and (p is None or p == park_id) for r, p in _assignments(user))


def parks_with_roles(user, roles) -> set[int] | None:
    """Parks where the user holds any of ``roles``; None means every park (headquarters)."""
    parks = set()
    for role, park_id in _assignments(user):
        if role in roles:
            if park_id is None:
                return None
            parks.add(park_id)
    return parks


def visible_park_ids(user) -> set[int] | None:
    """None means every park."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    parks = set()
    for _role, park_id in _assignments(user):
        if park_id is None:
            return None
        parks.add(park_id)
    return parks


def park_of(obj):
    lookup = getattr(type(obj), "scope_park_lookup", None)
    if lookup is None:
        return None
    value = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def scope(user, qs: models.QuerySet) -> models.QuerySet:
    """Only the rows this user may see."""
    model = qs.model
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if is_enterprise_user(user):
        lookup = getattr(model, "scope_enterprise_lookup", None)
        if lookup is None:
            return qs.none()
        return qs.filter(**{lookup: user.portal_account.enterprise_id})
    parks = visible_park_ids(user)
    if parks is None:
        return qs
    lookup = getattr(model, "scope_park_lookup", None)
    if lookup is None or not parks:
        return qs.none()
    return qs.filter(**{f"{lookup}__in": parks})


def get_for_user(user, qs: models.QuerySet, **lookup):
    """Fetch and authorise in one step; missing and not-yours give the same 404 (Zulip's access_*)."""
    try:
        return scope(user, qs).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        raise NotFound() from None


_NO_PARK = object()


def may(user, action: str, obj=None, *, park=_NO_PARK) -> bool:
    """May ``user`` do ``action`` on ``obj`` (in its park), or in ``park``?

    Without an object and without ``park=`` the question is about business that belongs to no
    park, so only a headquarters assignment answers yes: holding the role in *some* park is never
    enough (D21). Menus and coarse gates that only ask "does this person do this anywhere" use
    ``may_somewhere``; the object-level check still follows in the service."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_enterprise_user(user):
        if action not in PORTAL_ACTIONS or obj is None:
            return False
        return scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
    roles = POLICY.get(action)
    if roles is None:
        return False  # an action nobody declared is nobody's
    if obj is not None:
        target = park_of(obj)
    elif park is not _NO_PARK:
        target = park
    else:
        target = None  # headquarters business
    return any(has_role(user, role, target) for role in roles)


def may_somewhere(user, action: str) -> bool:
    """Does the user hold a role for ``action`` in at least one park (or at headquarters)?
    For menus, page gates and reference data that belongs to no park; never enough on its own
    to act on a park's object — rows still come through ``scope`` and writes through ``ensure``
    with the object or park."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_enterprise_user(user):
        return action in PORTAL_ACTIONS
    roles = POLICY.get(action)
    if roles is None:
        return False
    return holds_any_role(user, roles) or getattr(user, "is_superuser", False)


def _refuse(requirement: str):
    return PermissionDenied("forbidden", _("您没有执行此操作的权限。"), requirement=requirement)


def ensure(user, action: str, obj=None, *, park=_NO_PARK, requirement: str = "R-ORG-3") -> None:
    if not may(user, action, obj, park=park):
        raise _refuse(requirement)


def ensure_somewhere(user, action: str, *, requirement: str = "R-ORG-3") -> None:
    """Refuse unless the user holds a role for ``action`` somewhere: for actions on reference
    data that belongs to no park (the protected-brand list) and on rows that are scoped
    afterwards (the export)."""
    if not may_somewhere(user, action):
        raise _refuse(requirement)
