"""The agreement's steps (R-AGR-4, R-AGR-6): draft → in review → approved (awaiting signature)
→ signed; a rejection returns it to draft; an amendment, once signed, supersedes the version
before it. The legal review and, where it applies, the price exception gate the signature
(gates.CHAIN): the kernel checks them on the content as stored."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.errors import Conflict
from parkflow.core.workflow import Transition, register

from .choices import AgreementStatus as S
from .gates import CHAIN
from .models import Agreement


def complete(actor, agreement, **inputs):
    """R-AGR-2/3/5: every missing clause, venue problem, unconfirmed line listed at once."""
    from .composition import submission_problems

    found = submission_problems(agreement)
    if not found:
        return []
    listed = "；".join(f"{i}. {p.message}" for i, p in enumerate(found, 1))
    return [
        Conflict(
            "agreement_incomplete",
            _("协议不能提交审查：%(problems)s") % {"problems": listed},
            requirement=found[0].requirement,
        )
    ]


def template_in_force(actor, agreement, **inputs):
    from .templates import template_problem

    problem = template_problem(agreement.template_version) if agreement.template_version else None
    return [problem] if problem else []


def approver_named(actor, agreement, **inputs):
    """A price exception names the leader who is to approve it (R-AGR-5, R-ORG-7)."""
    from .pricing import price_exceptions

    if agreement.price_approver_id or not price_exceptions(agreement):
        return []
    return [
        Conflict(
            "price_approver_required",
            _("有费用高于收费标准或超出授权折扣，请指定审批的分管领导。"),
            requirement="R-AGR-5",
        )
    ]


def in_good_standing(actor, agreement, **inputs):
    """R-ENT-5: only an enterprise in good standing signs (licence valid, admitted, no open
    brand flag)."""
    from parkflow.intake.guards import standing_problems

    problems = standing_problems(agreement.enterprise)
    if not problems:
        return []
    return [
        Conflict(
            "enterprise_not_in_good_standing",
            _("企业不符合签约条件：%(problems)s") % {"problems": "；".join(problems)},
            requirement="R-ENT-5",
        )
    ]


def has_signed_scan(actor, agreement, **inputs):
    if agreement.signed_scan and agreement.signed_on and agreement.enterprise_signatory:
        return []
    return [
        Conflict(
            "signature_incomplete",
            _("请填写签署日期、双方签署人并上传签署扫描件。"),
            requirement="R-AGR-6",
        )
    ]


def request_legal_review(actor, agreement, **inputs):
    from .gates import LEGAL_REVIEW

    LEGAL_REVIEW.request(actor=actor, obj=agreement)


def supersede_previous(actor, agreement, **inputs):
    from .services import supersede

    supersede(actor=actor, agreement=agreement)


STEP = "the agreement's workflow step"

TRANSITIONS = register(
    Transition(
        model=Agreement,
        name="submit",
        source=(S.DRAFT,),
        target=S.IN_REVIEW,
        label=_("提交法律审查"),
        permission="agreement.submit",
        guards=(complete, template_in_force, approver_named),
        stamp_time="submitted_at",
        effect=request_legal_review,
        requirement="R-AGR-4",
        audit_summary=_("{actor} 将协议“{object}”提交法律审查"),
        done=_("协议“%(name)s”已提交法律审查。"),
        style="btn-primary",
        icon="bi-send",
    ),
    Transition(
        model=Agreement,
        name="approve",
        source=(S.IN_REVIEW,),
        target=S.APPROVED,
        label=_("转为待签署"),
        permission="agreement.submit",
        gates=CHAIN,
        routes=False,
        requirement="R-AGR-4",
        audit_summary=_("协议“{object}”已通过全部审查，待签署"),
    ),
    Transition(
        model=Agreement,
        name="send_back",
        source=(S.IN_REVIEW, S.APPROVED),
        target=S.DRAFT,
        label=_("退回修改"),
        permission="agreement.submit",
        routes=False,
        requirement="R-AGR-4",
        audit_summary=_("协议“{object}”被退回修改"),
    ),
    Transition(
        model=Agreement,
        name="sign",
        source=(S.APPROVED, S.IN_REVIEW),
        target=S.SIGNED,
        label=_("登记签署"),
        permission="agreement.sign",
        gates=CHAIN,
        guards=(in_good_standing, has_signed_scan),
        effect=supersede_previous,
        routes=False,  # a form with the scan: services.agreement_sign
        requirement="R-AGR-6",
        audit_summary=_("{actor} 登记了协议“{object}”的签署"),
        irreversible=True,
    ),
)
