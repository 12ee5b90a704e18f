"""Staff compliance status (R-ORG-5; Art.9(一), Art.26, Art.28(二)).

A role needs current records: every staff role the annual commitment letter and the onboarding
training; leaders additionally the semi-annual management training (Art.26(一) "考核合格后方可履职").
A lapsed person cannot act in the role and is told which record is missing.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from parkflow.core import clock
from parkflow.core.errors import PermissionDenied

from .choices import LEADER_ROLES, ComplianceKind, Role

VALIDITY = {
    ComplianceKind.COMMITMENT: relativedelta(years=1),
    ComplianceKind.ONBOARDING: relativedelta(years=1),
    ComplianceKind.MANAGER_TRAINING: relativedelta(months=6),
}


def required_for(role: str) -> tuple[str, ...]:
    if role == Role.SYSTEM_ADMIN:
        return ()
    needed = (ComplianceKind.COMMITMENT, ComplianceKind.ONBOARDING)
    if role in LEADER_ROLES:
        needed += (ComplianceKind.MANAGER_TRAINING,)
    return needed


def valid_until(kind: str, completed_on: datetime.date) -> datetime.date:
    return completed_on + VALIDITY[kind]


def current_kinds(user, day: datetime.date | None = None) -> set[str]:
    day = day or clock.today()
    cached = getattr(user, "_parkflow_compliance", None)
    if cached is None or cached[0] != day:
        kinds = set(
            user.compliance_records.filter(completed_on__lte=day, valid_until__gte=day).values_list(
                "kind", flat=True
            )
        )
        cached = (day, kinds)
        user._parkflow_compliance = cached
    return cached[1]


def lapse_reason(user, role: str) -> str | None:
    missing = [k for k in required_for(role) if k not in current_kinds(user)]
    if not missing:
        return None
    labels = "、".join(str(ComplianceKind(k).label) for k in missing)
    return str(
        _("%(name)s 的合规履职状态已失效（缺少有效的：%(labels)s），不能以“%(role)s”身份办理。")
        % {"name": user, "labels": labels, "role": Role(role).label}
    )


def ensure_may_act(user, role: str) -> None:
    """Raise if ``user``'s compliance status does not allow acting as ``role`` (R-ORG-5)."""
    reason = lapse_reason(user, role)
    if reason:
        raise PermissionDenied("compliance_lapsed", reason, requirement="R-ORG-5")


def status_rows(people, today: datetime.date) -> list[dict]:
    """Per person: roles, the latest validity of each record kind, whether the person's roles
    need it, and what lapsed — from the prefetched rows, without further queries. The one
    reading of a person's status: the compliance page and the workbench both show this."""
    rows = []
    for person in people:
        latest, valid = {}, set()
        for record in person.compliance_records.all():
            if record.completed_on <= today:
                latest[record.kind] = max(
                    latest.get(record.kind, record.valid_until), record.valid_until
                )
                if record.valid_until >= today:
                    valid.add(record.kind)
        assignments = list(person.role_assignments.all())
        needed = set()
        for assignment in assignments:
            needed.update(required_for(assignment.role))
        missing = [kind for kind in ComplianceKind.values if kind in needed and kind not in valid]
        rows.append(
            {
                "person": person,
                "assignments": assignments,
                "kinds": [
                    {
                        "label": ComplianceKind(kind).label,
                        "until": latest.get(kind),
                        "required": kind in needed,
                        "lapsed": kind in needed and kind not in valid,
                    }
                    for kind in ComplianceKind.values
                ],
                "missing": [ComplianceKind(kind).label for kind in missing],
            }
        )
    return rows


def forget(user) -> None:
    user.__dict__.pop("_parkflow_compliance", None)


def my_status(user) -> dict:
    """The user's own compliance status (R-ORG-5), read exactly as the compliance page reads it:
    what lapsed for which role, and per record kind its validity or "不适用" (the workbench)."""
    from parkflow.core import access

    lapses = [
        reason for role in sorted(access.roles_of(user)) if (reason := lapse_reason(user, role))
    ]
    row = status_rows([user], clock.today())[0]
    return {"lapses": lapses, "records": row["kinds"]}


def reviewer_lapse(user, obj, gate, held_roles):
    """Reviewer eligibility (R-ORG-5): refused when the compliance status of every reviewer role
    the user holds has lapsed. Registered with the kernel's gates by ``OrgConfig.ready``."""
    lapses = [lapse_reason(user, role) for role in held_roles]
    if lapses and all(lapses):
        return "compliance_lapsed", lapses[0], "R-ORG-5"
    return None
