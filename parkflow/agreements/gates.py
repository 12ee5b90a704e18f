"""The review gates of agreements (R-AGR-1, R-AGR-4, R-AGR-5), in their order:

* ``TEMPLATE_REVIEW`` — a template version is usable only after a compliance review by a legal
  officer who did not draft it;
* ``LEGAL_REVIEW`` — an agreement is signed only after a legal officer who did not draft it
  approved its content as stored: parties, term, clauses, service lines and fee schedule (the
  content hash: any change afterwards voids the approval);
* ``PRICE_EXCEPTION`` — after the legal review, when a fee line is priced above the tariff in
  force or discounted beyond the drafter's authority (R-ORG-7): the leader the drafter names.

What a decision means is this app's service, the gate's ``consequence``: a rejection returns the
agreement to draft with the opinion, an approval moves it on (services.py)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.gates import ASSIGNED, POOLED, Gate, register
from parkflow.org.choices import Role

LEADERS = (Role.PRINCIPAL, Role.DEPUTY)


def template_content(version) -> dict:
    return {
        "template": version.template_id,
        "kind": version.template.kind,
        "clauses": [
            [c.position, c.kind, c.title, c.text, c.venue_kind, c.venue_name]
            for c in version.clauses.order_by("position")
        ],
    }


def reviewed_content(agreement) -> dict:
    """What the legal review approves: a change to any of it voids the approval (R-AGR-4)."""
    return {
        "park": agreement.park_id,
        "enterprise": agreement.enterprise_id,
        "kind": agreement.kind,
        "title": agreement.title,
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat(),
        "clauses": [
            [c.position, c.kind, c.title, c.text, c.venue_kind, c.venue_name]
            for c in agreement.clauses.order_by("position")
        ],
        "lines": [
            [line.item_id, line.basis, line.confirmed_at is not None]
            for line in agreement.lines.order_by("item_id")
        ],
        "fees": [
            [
                f.position,
                f.kind,
                f.service_item_id,
                f.label,
                str(f.quantity),
                str(f.unit_price),
                f.tariff_id,
                f.period,
                f.start_date.isoformat(),
                f.end_date.isoformat(),
                str(f.escalation_percent),
            ]
            for f in agreement.fees.order_by("position")
        ],
    }


def _template_decided(*, actor, review):
    from .services import template_review_outcome

    template_review_outcome(actor=actor, review=review)


def _agreement_decided(*, actor, review):
    from .services import agreement_review_outcome

    agreement_review_outcome(actor=actor, review=review)


def _needs_price_approval(agreement, params) -> bool:
    from .pricing import price_exceptions

    return bool(price_exceptions(agreement))


TEMPLATE_REVIEW = register(
    Gate(
        code="agreements.template_review",
        label=_("协议模板合规审查"),
        model="agreements.TemplateVersion",
        reviewer_roles=(Role.LEGAL_OFFICER,),
        article="Art.11",
        requirement="R-AGR-1",
        content=template_content,
        mode=POOLED,
        park=lambda version: version.template.park,
        consequence=_template_decided,
    )
)

LEGAL_REVIEW = register(
    Gate(
        code="agreements.legal_review",
        label=_("协议法律审查"),
        model="agreements.Agreement",
        reviewer_roles=(Role.LEGAL_OFFICER,),
        article="Art.11",
        requirement="R-AGR-4",
        content=reviewed_content,
        mode=POOLED,
        consequence=_agreement_decided,
    )
)

PRICE_EXCEPTION = register(
    Gate(
        code="agreements.price_exception",
        label=_("价格例外领导审批"),
        model="agreements.Agreement",
        reviewer_roles=LEADERS,
        article="Art.9(三)",
        requirement="R-AGR-5",
        content=reviewed_content,
        mode=ASSIGNED,
        after=(LEGAL_REVIEW,),
        applies=_needs_price_approval,
        condition=_("有费用高于收费标准，或折扣超出起草人授权"),
        consequence=_agreement_decided,
    )
)

# In the order they are passed; signing requires each that applies.
CHAIN = (LEGAL_REVIEW, PRICE_EXCEPTION)
