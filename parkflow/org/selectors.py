"""Reads of the organisation app that span relations: scoped, prefetched querysets."""

from django.db.models import Prefetch

from parkflow.core import access

from .choices import Role
from .models import ComplianceRecord, RoleAssignment, User


def people_in_scope(*, actor):
    """Active staff holding a role in a park the actor sees (all of them for headquarters);
    people of headquarters units are seen by headquarters staff only (R-ORG-3)."""
    if not getattr(actor, "is_authenticated", False) or access.is_enterprise_user(actor):
        return User.objects.none()
    qs = User.objects.filter(is_active=True, role_assignments__isnull=False)
    parks = access.visible_park_ids(actor)
    if parks is not None:
        qs = qs.filter(role_assignments__unit__park__in=parks)
    return User.objects.filter(pk__in=qs.values("pk"))


def _role_assignments() -> Prefetch:
    return Prefetch(
        "role_assignments", queryset=RoleAssignment.objects.select_related("unit").order_by("id")
    )


def with_roles_and_compliance(people):
    """``people`` with their roles (and units) and their compliance records, as the people
    pages show them."""
    return people.prefetch_related(
        _role_assignments(),
        Prefetch("compliance_records", queryset=ComplianceRecord.objects.order_by("valid_until")),
    )


def person_get_for_user(*, actor, pk):
    from parkflow.core.errors import NotFound

    try:
        return people_in_scope(actor=actor).prefetch_related(_role_assignments()).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def compliance_records_for(*, actor, person=None):
    """Compliance records of the people the actor sees, newest first."""
    qs = ComplianceRecord.objects.filter(user__in=people_in_scope(actor=actor))
    if person is not None:
        qs = qs.filter(user=person)
    return qs.select_related("user", "recorded_by").order_by("-completed_on", "-id")


def calendar_admin():
    """Who answers for the national holiday calendar: the first headquarters system
    administrator (the kernel's calendar-coverage rule asks through a hook)."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.SYSTEM_ADMIN,
            role_assignments__unit__park__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def people_with_roles(roles, park_id):
    """Active people holding any of ``roles`` in the park (``park_id`` None: at headquarters);
    the notifications' recipient hook (D30)."""
    where = {"role_assignments__role__in": roles}
    if park_id is None:
        where["role_assignments__unit__park__isnull"] = True
    else:
        where["role_assignments__unit__park_id"] = park_id
    holders = User.objects.filter(is_active=True, **where).values("pk")
    return User.objects.filter(pk__in=holders).order_by("pk")


def roles_of_people(user_ids):
    """``{user id: {role, ...}}`` for a batch of people, in one query (notification
    subscriptions by role)."""
    roles: dict[int, set[str]] = {}
    for user_id, role in RoleAssignment.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "role"
    ):
        roles.setdefault(user_id, set()).add(role)
    return roles
