"""Review gates (R-CPL-1, Art.20): one mechanism for every "须经…审核" of the regulation.

A domain registers a ``Gate`` (who reviews, what content is reviewed, who asked, which article it
enforces). A service that performs the guarded step calls ``require_approved(obj, gate_code)``;
without a current approval it raises ``GateNotPassed`` naming the missing review — so pages, the
API, the admin and imports are all stopped the same way. Approval is bound to a SHA-256 of the
reviewed content: change the content and the approval no longer counts.

Segregation of duties (R-ORG-4): the requester and the object's creator cannot review; a gate may
exclude more people (e.g. a declared conflict of interest); a reviewer whose compliance status has
lapsed cannot act (R-ORG-5).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import access, audit, clock, signals
from .audit import canonical
from .choices import ReviewDecision
from .db import service
from .errors import Conflict, DomainError, GateNotPassed, PermissionDenied, ValidationFailed
from .models import Review
from .regulation import article_label
from .validation import REASON_MAX_LENGTH, check_length


@dataclass(frozen=True)
class Gate:
    code: str
    label: str  # lazily translated: shown in the reader's language
    reviewer_roles: tuple[str, ...]
    article: str
    requirement: str
    content: Callable[[models.Model], dict]
    requester: Callable[[models.Model], object] = lambda obj: getattr(obj, "created_by", None)
    park: Callable[[models.Model], object] = lambda obj: getattr(obj, "park", None)
    # Extra exclusions: (message, requirement) saying why the user may not review, or None.
    excluded: Callable[[object, models.Model], tuple[str, str] | None] | None = None
    # The domain's consequence of a decision, run in the same transaction (e.g. an approved
    # admission review admits the enterprise; a rejected one suspends it, Art.20(二)).
    on_decided: Callable[[object, Review], None] | None = None


GATES: dict[str, Gate] = {}


def register(gate: Gate) -> Gate:
    GATES[gate.code] = gate
    return gate


def get_gate(code: str) -> Gate:
    try:
        return GATES[code]
    except KeyError:
        raise DomainError("unknown_gate", _("未知审查节点：%(code)s") % {"code": code}) from None


def content_hash(obj, gate: Gate) -> str:
    """Hash of the content as stored: re-read from the database, so an unsaved or not yet
    normalised in-memory value (``"2000"`` vs ``Decimal("2000.00")``) never changes the hash."""
    stored = type(obj)._default_manager.get(pk=obj.pk)
    return hashlib.sha256(canonical(gate.content(stored)).encode("utf-8")).hexdigest()


def reviews_of(obj, gate_code: str | None = None):
    qs = Review.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("reviewer", "requested_by", "assigned_to")
    return qs.filter(gate=gate_code) if gate_code else qs


def latest_decision(obj, gate_code: str) -> Review | None:
    return (
        reviews_of(obj, gate_code)
        .exclude(decision__in=[ReviewDecision.PENDING, ReviewDecision.WITHDRAWN])
        .order_by("-decided_at", "-id")
        .first()
    )


def latest_round(obj, gate_code: str) -> list[Review]:
    """The reviews of the most recent round, in request order."""
    reviews = list(
        reviews_of(obj, gate_code)
        .exclude(decision=ReviewDecision.WITHDRAWN)
        .order_by("round", "id")
    )
    if not reviews:
        return []
    last = reviews[-1].round
    return [r for r in reviews if r.round == last]


def round_outcome(reviews: list[Review]) -> str:
    """PENDING while anyone has yet to decide, unless someone already refused; APPROVE only when
    every review of the round approves."""
    refusals = [r for r in reviews if r.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN)]
    if refusals:
        return refusals[0].decision
    if not reviews or any(r.is_pending for r in reviews):
        return ReviewDecision.PENDING
    return ReviewDecision.APPROVE


def is_approved(obj, gate_code: str) -> bool:
    try:
        require_approved(obj, gate_code)
    except GateNotPassed:
        return False
    return True


def require_approved(obj, gate_code: str) -> list[Review]:
    """The guard every gated step calls (未经审查不得实施)."""
    gate = get_gate(gate_code)
    reviews = latest_round(obj, gate_code)
    outcome = round_outcome(reviews)
    if not reviews or outcome == ReviewDecision.PENDING:
        raise GateNotPassed(
            "gate_not_passed",
            _("未经“%(gate)s”审查不得实施（%(article)s）。")
            % {"gate": gate.label, "article": article_label(gate.article)},
            requirement=gate.requirement,
        )
    if outcome != ReviewDecision.APPROVE:
        raise GateNotPassed(
            "gate_rejected",
            _("“%(gate)s”审查结论为“%(decision)s”，事项暂缓推进。")
            % {"gate": gate.label, "decision": ReviewDecision(outcome).label},
            requirement=gate.requirement,
        )
    current = content_hash(obj, gate)
    if any(r.content_hash != current for r in reviews):
        raise GateNotPassed(
            "gate_stale",
            _("审查通过后内容已被修改，“%(gate)s”审查失效，请重新提交审查。")
            % {"gate": gate.label},
            requirement=gate.requirement,
        )
    return reviews


# Reviewer eligibility checks other apps add: ``check(user, obj, gate, held_roles)`` returns
# (code, message, requirement) to refuse, or None. org registers the compliance check (D30).
REVIEWER_CHECKS: list = []


def register_reviewer_check(check) -> None:
    if check not in REVIEWER_CHECKS:
        REVIEWER_CHECKS.append(check)


def reviewer_refusal(
    user, obj, gate: Gate, review: Review | None = None
) -> PermissionDenied | None:
    """Why ``user`` may not review ``obj`` at ``gate`` (as an error to raise), or None if they may.
    After the kernel's own checks, the registered reviewer eligibility checks run (org's
    compliance status, R-ORG-5)."""

    def refuse(code, message, requirement="R-ORG-4"):
        return PermissionDenied(code, message, requirement=requirement)

    park = gate.park(obj)
    held = [role for role in gate.reviewer_roles if access.has_role(user, role, park)]
    if not held:
        return refuse("reviewer_role", _("您不具备该审查节点要求的审查角色。"), gate.requirement)
    requester = gate.requester(obj)
    if (requester is not None and requester == user) or (
        review is not None and review.requested_by_id == user.pk
    ):
        return refuse("self_review", _("不得审查本人创建或提交的事项（职责分离）。"))
    if gate.excluded:
        excluded = gate.excluded(user, obj)
        if excluded:
            message, requirement = excluded
            return refuse("reviewer_excluded", message, requirement)
    for check in REVIEWER_CHECKS:
        refusal = check(user, obj, gate, held)
        if refusal:
            code, message, requirement = refusal
            return refuse(code, message, requirement)
    return None


@service
def review_request(
    *, actor, obj, gate_code: str, assigned_to=None, round: int | None = None
) -> Review:
    """Ask for a review of the object's current content. Reviews requested with the same
    ``round`` must all approve; by default each request opens a new round."""
    gate = get_gate(gate_code)
    ct = ContentType.objects.get_for_model(obj)
    pending = Review.objects.filter(
        content_type=ct, object_id=str(obj.pk), gate=gate_code, decision=ReviewDecision.PENDING
    )
    if assigned_to is not None:
        refusal = reviewer_refusal(assigned_to, obj, gate)
        if refusal:
            raise ValidationFailed(
                {"assigned_to": [refusal.message]}, requirement=refusal.requirement
            )
        pending = pending.filter(assigned_to=assigned_to)
    if pending.exists():
        raise Conflict(
            "review_pending", _("该事项已有待处理的审查。"), requirement=gate.requirement
        )
    park = gate.park(obj)
    if round is None:
        last = Review.objects.filter(
            content_type=ct, object_id=str(obj.pk), gate=gate_code
        ).aggregate(last=models.Max("round"))["last"]
        round = (last or 0) + 1
    review = Review.objects.create(
        content_type=ct,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        gate=gate_code,
        round=round,
        park_id=getattr(park, "pk", park),
        requested_by=actor,
        requested_at=clock.now(),
        assigned_to=assigned_to,
        content_hash=content_hash(obj, gate),
    )
    audit.record(
        actor,
        "review.request",
        obj,
        after={
            "gate": gate_code,
            "review": review.pk,
            "round": round,
            "assigned_to": getattr(assigned_to, "pk", None),
        },
    )
    signals.review_requested.send(sender=Review, review=review)
    return review


@service
def review_decide(*, actor, review: Review, decision: str, opinion: str = "") -> Review:
    """Record a reviewer's decision with a written opinion (R-CPL-1)."""
    review = Review.objects.select_for_update(of=("self",), no_key=True).get(pk=review.pk)
    gate = get_gate(review.gate)
    obj = review.subject
    if not review.is_pending:
        raise Conflict(
            "review_decided", _("该审查已有结论，不能重复审查。"), requirement=gate.requirement
        )
    if decision not in {ReviewDecision.APPROVE, ReviewDecision.REJECT, ReviewDecision.RETURN}:
        raise ValidationFailed(
            {"decision": [_("请选择通过、不通过或退回修改。")]}, requirement="R-CPL-1"
        )
    if decision != ReviewDecision.APPROVE and not (opinion or "").strip():
        raise ValidationFailed(
            {"opinion": [_("不通过或退回时必须填写书面审查意见。")]}, requirement="R-CPL-1"
        )
    check_length("opinion", opinion, REASON_MAX_LENGTH, label=_("审查意见"), requirement="R-CPL-1")
    if review.assigned_to_id and review.assigned_to_id != actor.pk:
        raise PermissionDenied(
            "not_assigned", _("该审查已指定给其他审查人。"), requirement="R-ENT-3"
        )
    refusal = reviewer_refusal(actor, obj, gate, review)
    if refusal:
        raise refusal
    current_hash = content_hash(obj, gate)
    if current_hash != review.content_hash:
        raise Conflict(
            "review_content_changed",
            _("提交审查后内容已被修改，请重新提交审查。"),
            requirement=gate.requirement,
        )
    review.decision = decision
    review.opinion = opinion.strip()
    review.reviewer = actor
    review.decided_at = clock.now()
    review.save()
    audit.record(
        actor,
        f"review.{decision}",
        obj,
        after={
            "gate": review.gate,
            "review": review.pk,
            "decision": decision,
            "hash": current_hash,
        },
        reason=review.opinion,
    )
    if review.decision != ReviewDecision.APPROVE:
        _withdraw_rest_of_round(review)
    signals.review_decided.send(sender=Review, review=review)
    if gate.on_decided:
        gate.on_decided(actor, review)
    return review


def _withdraw_rest_of_round(review: Review) -> None:
    """One refusal decides the round: the others' pending reviews are withdrawn."""
    rest = Review.objects.filter(
        content_type_id=review.content_type_id,
        object_id=review.object_id,
        gate=review.gate,
        round=review.round,
        decision=ReviewDecision.PENDING,
    )
    for other in rest:
        audit.record(
            None,
            "review.withdraw",
            review.subject,
            after={"review": other.pk},
            reason="同轮审查已有否定结论",
        )
    rest.update(
        decision=ReviewDecision.WITHDRAWN,
        decided_at=clock.now(),
        opinion="同轮审查已有否定结论，自动撤销",
    )


def pending_for(user):
    """Reviews waiting for this user: assigned to them, or open to holders of the gate's reviewer
    roles in the parks where the user holds such a role."""

    open_to_me = models.Q(pk__in=[])
    for code, gate in GATES.items():
        parks = access.parks_with_roles(user, gate.reviewer_roles)
        if parks is None:
            open_to_me |= models.Q(gate=code)
        elif parks:
            open_to_me |= models.Q(gate=code, park__in=parks)
    qs = Review.objects.filter(decision=ReviewDecision.PENDING).select_related(
        "requested_by", "assigned_to", "content_type", "park"
    )
    return (
        access.scope(user, qs)
        .filter(models.Q(assigned_to=user) | (models.Q(assigned_to__isnull=True) & open_to_me))
        .exclude(requested_by=user)
    )
