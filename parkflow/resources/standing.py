"""Standing approvals (R-RES-3; Art.12; D47): a routine request the regulation's review would
approve every time — a meeting-room booking within the enterprise's monthly entitlement, of a few
hours — is allocated by a declared rule instead of one review each. The rule is data: its code,
title, the article it applies, what it covers; the allocation records which rule granted it and
is audited ("request.standing_approve"), so the risk officer reviews the rule (and its parameter)
once and the bookings it covered afterwards, not each booking before it takes effect. Anything the
rule does not cover — another kind of resource, above entitlement, a major allocation, longer
than the limit — goes through the review."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import ResourceKind

MAX_HOURS = 4


@dataclass(frozen=True)
class StandingApproval:
    code: str
    title: str
    articles: tuple[str, ...]
    requirement: str
    description: str
    covers: Callable


def _routine_meeting_room(request) -> bool:
    from .entitlements import within_entitlement
    from .gates import LEADING_GROUP, is_major

    return (
        request.resource.kind == ResourceKind.MEETING_ROOM
        and request.hours <= MAX_HOURS
        and not request.above_entitlement
        and within_entitlement(request)
        and not is_major(request, LEADING_GROUP.param_values())
    )


ROUTINE_MEETING_ROOM = StandingApproval(
    code="resources.routine_meeting_room",
    title=_("权益内会议室常规预订"),
    articles=("Art.12",),
    requirement="R-RES-3",
    description=_(
        "会议室单次不超过4小时、在企业客户等级的每月权益内，按常规审批规则直接分配，事后可查。"
    ),
    covers=_routine_meeting_room,
)

STANDING_APPROVALS = (ROUTINE_MEETING_ROOM,)


def covering(request) -> StandingApproval | None:
    for approval in STANDING_APPROVALS:
        if approval.covers(request):
            return approval
    return None


def get(code: str) -> StandingApproval | None:
    return next((a for a in STANDING_APPROVALS if a.code == code), None)
