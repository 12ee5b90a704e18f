"""Review gates of the enterprise domain (R-CPL-1)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.gates import Gate, register
from parkflow.org.choices import Role

ADMISSION = "enterprise.admission"


def _excluded(user, enterprise):
    from .selectors import has_active_conflict

    if enterprise.account_manager_id == user.pk:
        return _("客户经理不得审查本人负责的企业。"), "R-ENT-3"
    if has_active_conflict(user, enterprise):
        return _("您已申报与该企业存在利益冲突，不得审查或审批其事项。"), "R-ENT-4"
    return None


def _admission_decided(actor, review):
    from .services import enterprise_record_admission_outcome

    enterprise_record_admission_outcome(actor=actor, review=review)


register(
    Gate(
        code=ADMISSION,
        label=str(_("企业准入资质审核")),
        reviewer_roles=(Role.RISK_OFFICER, Role.LEAD_STAFF, Role.OFFICE_STAFF),
        article="Art.10",
        requirement="R-ENT-3",
        content=lambda e: {f: getattr(e, f) for f in e.REVIEWED_FIELDS},
        excluded=_excluded,
        on_decided=lambda actor, review: _admission_decided(actor, review),
    )
)
