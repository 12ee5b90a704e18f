"""Review gates of intake (R-CPL-1). The codes keep their ``enterprise.`` prefix: reviews store
them. Each gate's consequence is an intake service (the admission outcome performs the
lifecycle's approve/reject steps, declared in intake/workflows.py)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.gates import Gate, register
from parkflow.org.choices import Role

ADMISSION = "enterprise.admission"
SPOT_CHECK = "enterprise.spot_check"
BRAND_AUTHORISATION = "enterprise.brand_authorisation"
REVIEWER_ROLES = (Role.RISK_OFFICER, Role.LEAD_STAFF, Role.OFFICE_STAFF)


def _excluded_for(enterprise, user):
    from .selectors import has_active_conflict

    if enterprise.account_manager_id == user.pk:
        return _("客户经理不得审查本人负责的企业。"), "R-ENT-3"
    if has_active_conflict(user, enterprise):
        return _("您已申报与该企业存在利益冲突，不得审查或审批其事项。"), "R-ENT-4"
    return None


def _reviewed_content(enterprise):
    # The registration facts. Documents are not part of the hash: a resident renewing its
    # licence must not lose its admission; licence validity is checked by guards on every step.
    return {f: getattr(enterprise, f) for f in enterprise.REVIEWED_FIELDS}


def _admission_decided(actor, review):
    from .services import enterprise_record_admission_outcome

    enterprise_record_admission_outcome(actor=actor, review=review)


def _spot_check_decided(actor, review):
    from .services import spot_check_record_outcome

    spot_check_record_outcome(actor=actor, review=review)


def _brand_authorisation_decided(actor, review):
    from .services import brand_authorisation_record_outcome

    brand_authorisation_record_outcome(actor=actor, review=review)


# The two reviews of an enterprise's registration facts (admission, and the quarterly re-check
# of an admitted one) differ only in what their decision does, and who asked.
ENTERPRISE_REVIEW = {
    "reviewer_roles": REVIEWER_ROLES,
    "article": "Art.10",
    "requirement": "R-ENT-3",
    "content": _reviewed_content,
    "excluded": lambda user, enterprise: _excluded_for(enterprise, user),
}

register(
    Gate(
        **ENTERPRISE_REVIEW,
        code=ADMISSION,
        label=_("企业准入资质审核"),
        on_decided=_admission_decided,
    )
)
register(
    Gate(
        **ENTERPRISE_REVIEW,
        code=SPOT_CHECK,
        label=_("季度资质抽查"),
        requester=lambda enterprise: None,
        on_decided=_spot_check_decided,
    )
)
register(
    Gate(
        code=BRAND_AUTHORISATION,
        label=_("品牌授权书审查"),
        reviewer_roles=REVIEWER_ROLES,
        article="Art.10",
        requirement="R-ENT-6",
        content=lambda doc: {
            "sha256": doc.sha256,
            "enterprise": doc.enterprise_id,
            "doc_type": doc.doc_type,
        },
        requester=lambda doc: doc.uploaded_by,
        park=lambda doc: doc.enterprise.park,
        excluded=lambda user, doc: _excluded_for(doc.enterprise, user),
        on_decided=_brand_authorisation_decided,
    )
)
