"""Reads of the enterprise domain, always scoped to the actor (R-ORG-3)."""

from parkflow.core import access
from parkflow.core.selectors import narrowed

from .choices import EnterpriseStatus
from .models import Enterprise


def enterprise_list(
    *, actor, search: str = "", status: str = "", grade: str = "", park=None, industry: str = ""
):
    qs = access.scope(actor, Enterprise.objects.select_related("park", "account_manager"))
    if search:
        qs = qs.filter(search_text__contains=search.upper())
    return narrowed(qs, status=status, grade=grade, industry=industry, park=park)


def enterprise_get_for_user(*, actor, pk) -> Enterprise:
    return access.get_for_user(
        actor, Enterprise.objects.select_related("park", "account_manager", "created_by"), pk=pk
    )


LIFECYCLE = [
    EnterpriseStatus.PROSPECT,
    EnterpriseStatus.APPLYING,
    EnterpriseStatus.UNDER_REVIEW,
    EnterpriseStatus.APPROVED,
    EnterpriseStatus.RESIDENT,
    EnterpriseStatus.EXITING,
    EnterpriseStatus.EXITED,
]


def lifecycle(status: str) -> list[tuple[str, str]]:
    """(label, done|current|todo) along the main path; a rejection shows at the review step."""
    position = LIFECYCLE.index(
        EnterpriseStatus.UNDER_REVIEW if status == EnterpriseStatus.REJECTED else status
    )
    steps = []
    for index, step in enumerate(LIFECYCLE):
        if index < position:
            steps.append((step.label, "done"))
        elif index == position:
            label = (
                EnterpriseStatus.REJECTED.label
                if status == EnterpriseStatus.REJECTED
                else step.label
            )
            steps.append(
                (label, "current rejected" if status == EnterpriseStatus.REJECTED else "current")
            )
        else:
            steps.append((step.label, "todo"))
    return steps
