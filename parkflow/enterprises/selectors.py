"""Reads of the enterprise domain, always scoped to the actor (R-ORG-3)."""

from django.db.models import Q

from parkflow.core import access

from .models import ConflictDeclaration, Enterprise


def enterprise_list(
    *, actor, search: str = "", status: str = "", grade: str = "", park=None, industry: str = ""
):
    qs = access.scope(actor, Enterprise.objects.select_related("park", "account_manager"))
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(credit_code__icontains=search)
            | Q(contact_name__icontains=search)
            | Q(legal_representative__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if industry:
        qs = qs.filter(industry=industry)
    if park:
        qs = qs.filter(park=park)
    return qs


def enterprise_get_for_user(*, actor, pk) -> Enterprise:
    return access.get_for_user(
        actor, Enterprise.objects.select_related("park", "account_manager", "created_by"), pk=pk
    )


def has_active_conflict(user, enterprise) -> bool:
    return ConflictDeclaration.objects.filter(
        person=user, enterprise=enterprise, withdrawn_at__isnull=True
    ).exists()
