"""Review gates of intake (R-CPL-1). The codes keep their ``enterprise.`` prefix: reviews store
them. The reviewers of the admission review and the spot check are drawn at random (双随机,
R-ENT-3), so those gates are ``ASSIGNED``; any eligible reviewer may take a brand authorisation.

What a decision means is intake's own service, declared as the gate's ``consequence``: the kernel
calls it after the decision committed (the admission outcome performs the lifecycle's
approve/reject steps declared in intake/workflows.py)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.gates import ASSIGNED, POOLED, Exclusion, Gate, register
from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import Role

from .models import ConflictDeclaration, QualificationDocument

REVIEWER_ROLES = (Role.RISK_OFFICER, Role.LEAD_STAFF, Role.OFFICE_STAFF)

ACCOUNT_MANAGER = _("客户经理不得审查本人负责的企业。")
CONFLICT = _("您已申报与该企业存在利益冲突，不得审查或审批其事项。")


def _conflicted(user):
    return ConflictDeclaration.objects.filter(person=user, withdrawn_at__isnull=True).values(
        "enterprise"
    )


def _enterprise_exclusions(user):
    """The account manager (R-ENT-3) and anyone who declared a conflict (R-ENT-4)."""
    return [
        Exclusion(Enterprise.objects.filter(account_manager=user), ACCOUNT_MANAGER, "R-ENT-3"),
        Exclusion(Enterprise.objects.filter(pk__in=_conflicted(user)), CONFLICT, "R-ENT-4"),
    ]


def _document_exclusions(user):
    return [
        Exclusion(
            QualificationDocument.objects.filter(enterprise__account_manager=user),
            ACCOUNT_MANAGER,
            "R-ENT-3",
        ),
        Exclusion(
            QualificationDocument.objects.filter(enterprise__in=_conflicted(user)),
            CONFLICT,
            "R-ENT-4",
        ),
    ]


def _reviewed_content(enterprise):
    # The registration facts. Documents are not part of the hash: a resident renewing its
    # licence must not lose its admission; licence validity is checked by guards on every step.
    return {f: getattr(enterprise, f) for f in enterprise.REVIEWED_FIELDS}


def _admission_decided(*, actor, review):
    from .services import enterprise_record_admission_outcome

    enterprise_record_admission_outcome(actor=actor, review=review)


def _spot_check_decided(*, actor, review):
    from .services import spot_check_record_outcome

    spot_check_record_outcome(actor=actor, review=review)


def _brand_authorisation_decided(*, actor, review):
    from .services import brand_authorisation_record_outcome

    brand_authorisation_record_outcome(actor=actor, review=review)


# The two reviews of an enterprise's registration facts (admission, and the quarterly re-check
# of an admitted one) differ only in what their decision does, and who started them.
ENTERPRISE_REVIEW = {
    "model": "enterprises.Enterprise",
    "reviewer_roles": REVIEWER_ROLES,
    "article": "Art.10",
    "requirement": "R-ENT-3",
    "content": _reviewed_content,
    "mode": ASSIGNED,
    "excluded": _enterprise_exclusions,
}

ADMISSION = register(
    Gate(
        **ENTERPRISE_REVIEW,
        code="enterprise.admission",
        label=_("企业准入资质审核"),
        consequence=_admission_decided,
    )
)
SPOT_CHECK = register(
    Gate(
        **ENTERPRISE_REVIEW,
        code="enterprise.spot_check",
        label=_("季度资质抽查"),
        # The campaign is the system's: whoever registered the enterprise long ago may re-check it.
        initiators=(),
        consequence=_spot_check_decided,
    )
)
BRAND_AUTHORISATION = register(
    Gate(
        code="enterprise.brand_authorisation",
        label=_("品牌授权书审查"),
        model="intake.QualificationDocument",
        reviewer_roles=REVIEWER_ROLES,
        article="Art.10",
        requirement="R-ENT-6",
        content=lambda doc: {
            "sha256": doc.sha256,
            "enterprise": doc.enterprise_id,
            "doc_type": doc.doc_type,
        },
        mode=POOLED,
        initiators=("uploaded_by",),
        park=lambda doc: doc.enterprise.park,
        excluded=_document_exclusions,
        consequence=_brand_authorisation_decided,
    )
)
