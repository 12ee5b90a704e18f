"""The review gate an errand passes before it is signed off (R-CPL-1)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.gates import Gate, register
from parkflow.org.choices import Role

SIGNOFF = "testdomain.errand_signoff"

register(
    Gate(
        code=SIGNOFF,
        label=_("园区事项办结审查"),
        reviewer_roles=(Role.RISK_OFFICER,),
        article="Art.20",
        requirement="R-CPL-1",
        content=lambda errand: {"title": errand.title, "park": errand.park_id},
    )
)
