"""The review gates an errand passes before it is completed (R-CPL-1, R-ORG-4, R-BIL-4): a
chain like legal → finance → leadership.

* ``SIGNOFF`` — every errand: one risk officer signs it off (pooled, any eligible one);
* ``LARGE_AMOUNT`` — an errand of at least the large-amount threshold (a gate parameter an
  administrator changes on the gates page, default ¥50,000): two different finance staff sign,
  after the sign-off (pooled, quorum 2);
* ``LEADERSHIP`` — the same large errands: the in-charge leader the requester names approves,
  after the finance signatures (assigned).
"""

from django.utils.translation import gettext_lazy as _

from parkflow.core.gates import ASSIGNED, POOLED, Exclusion, Gate, register
from parkflow.core.rules import Param
from parkflow.org.choices import Role

MODEL = "testdomain.Errand"


def _content(errand):
    return {"title": errand.title, "park": errand.park_id, "amount": errand.amount}


def _conflicts(user):
    from .models import Errand

    return [
        Exclusion(
            Errand.objects.filter(conflicted=user),
            _("您已申报与该事项存在利益冲突，不得签署。"),
            "R-ORG-4",
        )
    ]


SIGNOFF = register(
    Gate(
        code="testdomain.errand_signoff",
        label=_("园区事项办结审查"),
        model=MODEL,
        reviewer_roles=(Role.RISK_OFFICER,),
        article="Art.20",
        requirement="R-CPL-1",
        content=_content,
        mode=POOLED,
        excluded=_conflicts,
        request_action="errand.submit",
    )
)

LARGE_AMOUNT = register(
    Gate(
        code="testdomain.errand_large_amount",
        label=_("大额事项财务双签"),
        model=MODEL,
        reviewer_roles=(Role.FINANCE_STAFF,),
        article="Art.14",
        requirement="R-BIL-4",
        content=_content,
        quorum=2,
        mode=POOLED,
        after=(SIGNOFF,),
        params={
            "threshold": Param(int, 50000, min=0, max=10**11, label=_("大额阈值（元）")),
        },
        applies=lambda errand, params: errand.amount >= params["threshold"],
        condition=_("金额不低于大额阈值"),
        excluded=_conflicts,
        request_action="errand.submit",
    )
)

LEADERSHIP = register(
    Gate(
        code="testdomain.errand_leadership",
        label=_("大额事项分管领导审批"),
        model=MODEL,
        reviewer_roles=(Role.DEPUTY,),
        article="Art.9",
        requirement="R-ORG-7",
        content=_content,
        mode=ASSIGNED,
        after=(LARGE_AMOUNT,),
        applies=lambda errand, params: LARGE_AMOUNT.applies_to(errand),
        condition=_("金额不低于大额阈值"),
        excluded=_conflicts,
        request_action="errand.submit",
    )
)

# In the order they are passed (the workflow's ``complete`` requires them all, each when it
# applies).
CHAIN = (SIGNOFF, LARGE_AMOUNT, LEADERSHIP)
