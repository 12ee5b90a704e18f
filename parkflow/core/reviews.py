"""The review services (R-CPL-1, R-ORG-4): open a round, take a pooled signature, decide,
withdraw — and the gates' administrator-editable parameters (R-BIL-4's large-amount threshold).

The kernel records decisions and nothing else: ``review_decide`` writes the decision, its audit
event and the ``review_decided`` signal in one transaction, and never calls into a domain. What
a decision means for the domain is the domain's service, run *after* the decision committed:
``decide`` (what the review page and the API call) records the decision, then runs the gate's
declared ``consequence`` in a transaction of its own. A consequence that is refused (a licence
expired meanwhile) leaves the decision standing and is reported; it can be applied again, since
it only applies what the decided round says (D41).
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import access, audit, clock, signals
from .choices import ReviewDecision
from .db import service
from .errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from .gates import (
    ASSIGNED,
    POOLED,
    Gate,
    content_hash,
    decision_refusal,
    get_gate,
    latest_round,
    prerequisite_open,
    reviewer_refusal,
)
from .models import GateSetting, Review
from .validation import REASON_MAX_LENGTH, check_length

SYSTEM_OPERATIONS = {
    "apply_consequence": "runs the gate's declared consequence: the domain's service, which "
    "applies only what the decided round says (its authority is the reviews)",
    "withdraw_open": "a domain step's effect (the requester withdrew the reviewed object), inside "
    "the transition that checked its permission",
}


def _lock_subject(obj):
    """The reviewed object's row, locked (parent before its reviews, D17)."""
    return type(obj)._default_manager.select_for_update(of=("self",), no_key=True).get(pk=obj.pk)


def _round_of(review: Review) -> models.QuerySet:
    return Review.objects.filter(
        content_type_id=review.content_type_id,
        object_id=review.object_id,
        gate=review.gate,
        round=review.round,
    )


def _withdraw(actor, obj, reviews: list[Review], reason: str) -> None:
    """Withdraw the open reviews of a round (one audit event for them)."""
    if not reviews:
        return
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(
        decision=ReviewDecision.WITHDRAWN, decided_at=clock.now(), opinion=reason
    )
    audit.record(
        actor,
        "review.withdraw",
        obj,
        after={
            "gate": reviews[0].gate,
            "round": reviews[0].round,
            "reviews": [r.pk for r in reviews],
        },
        reason=reason,
    )


@service
def review_request(*, actor, obj, gate: Gate, reviewers=()) -> list[Review]:
    """Open a new round of ``gate`` on the object's current content (R-CPL-1): refused when the
    gate does not apply, while a prerequisite gate is open (the order: legal → finance →
    leadership), or while a round on the same content is still open. An open round on content
    that has changed since is withdrawn: re-submission starts a new round.

    An ``ASSIGNED`` gate takes the ``reviewers`` (named, or drawn by the domain — at least the
    quorum, distinct, each eligible, R-ORG-4); a ``POOLED`` gate opens ``quorum`` signatures
    that any eligible person may take (待认领)."""
    if obj._meta.label != gate.model:
        raise ValueError(f"gate {gate.code} reviews {gate.model}, not {obj._meta.label}")
    if gate.request_action and actor is not None:
        access.ensure(actor, gate.request_action, obj, requirement=gate.requirement)
    obj = _lock_subject(obj)
    if not gate.applies_to(obj):
        raise Conflict(
            "gate_not_applicable",
            _("该事项无需“%(gate)s”。") % {"gate": gate.label},
            requirement=gate.requirement,
        )
    open_before = gate.open_prerequisites(obj)
    if open_before:
        raise prerequisite_open(gate, open_before[0])
    reviewers = list(reviewers)
    if gate.mode == POOLED and reviewers:
        raise ValidationFailed(
            {"reviewers": [_("该审查节点由合格人员自行认领签署，不能指定审查人。")]},
            requirement=gate.requirement,
        )
    if gate.mode == ASSIGNED:
        _check_reviewers(actor, obj, gate, reviewers)
    current = content_hash(obj, gate)
    last = latest_round(obj, gate)
    pending = [r for r in last if r.is_pending]
    if pending:
        if all(r.content_hash == current for r in pending):
            raise Conflict(
                "review_pending", _("该事项已有待处理的审查。"), requirement=gate.requirement
            )
        _withdraw(None, obj, pending, "提交审查后内容已修改，重新提交审查")
    number = (last[0].round if last else 0) + 1
    park = gate.park(obj)
    now = clock.now()
    common = {
        "content_type": ContentType.objects.get_for_model(obj),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:255],
        "gate": gate.code,
        "round": number,
        "park_id": getattr(park, "pk", park),
        "requested_by": actor if getattr(actor, "is_authenticated", False) else None,
        "requested_at": now,
        "content_hash": current,
    }
    if gate.mode == ASSIGNED:
        created = [Review.objects.create(**common, assigned_to=person) for person in reviewers]
    else:
        created = [Review.objects.create(**common) for _slot in range(gate.quorum)]
    audit.record(
        actor,
        "review.request",
        obj,
        after={
            "gate": gate.code,
            "round": number,
            "reviews": [r.pk for r in created],
            "assigned_to": [p.pk for p in reviewers],
            "quorum": gate.quorum,
        },
    )
    # Who is asked: each named reviewer; for a pooled round, its eligible people once (the
    # round's first open signature stands for the pool, so nobody is told twice).
    for review in created if gate.mode == ASSIGNED else created[:1]:
        signals.review_requested.send(sender=Review, review=review)
    return created


def _check_reviewers(actor, obj, gate: Gate, reviewers: list) -> None:
    problems = []
    if len({p.pk for p in reviewers}) != len(reviewers):
        problems.append(_("审查人不能重复：每个签名须为不同的人。"))
    if len(reviewers) < gate.quorum:
        problems.append(
            _("“%(gate)s”须由 %(quorum)s 名不同人员审查，请指定足够的审查人。")
            % {"gate": gate.label, "quorum": gate.quorum}
        )
    for person in reviewers:
        if actor is not None and person.pk == getattr(actor, "pk", None):
            problems.append(_("不得指定本人审查本人提交的事项（职责分离）。"))
            continue
        refusal = reviewer_refusal(person, obj, gate)
        if refusal:
            problems.append(refusal.message)
    if problems:
        raise ValidationFailed({"assigned_to": problems}, requirement="R-ORG-4")


def _locked_review(review: Review) -> Review:
    return Review.objects.select_for_update(of=("self",), no_key=True).get(pk=review.pk)


def _check_current(review: Review, obj, gate: Gate) -> None:
    if content_hash(obj, gate) != review.content_hash:
        raise Conflict(
            "review_content_changed",
            _("提交审查后内容已被修改，请重新提交审查。"),
            requirement=gate.requirement,
        )


@service
def review_claim(*, actor, review: Review) -> Review:
    """Take one open signature of a pooled round (认领, R-ORG-4): only a person who may sign it
    — not the requester or an initiator, not conflicted or lapsed, not someone who already
    signed or took a signature of this round."""
    access.ensure(actor, "review.view", review, requirement="R-ORG-3")
    gate = get_gate(review.gate)
    obj = _lock_subject(review.subject)
    review = _locked_review(review)
    if gate.mode != POOLED:
        raise Conflict(
            "not_pooled", _("该审查由指定人员审查，不能认领。"), requirement=gate.requirement
        )
    if not review.is_pending:
        raise Conflict(
            "review_decided", _("该审查已有结论，不能认领。"), requirement=gate.requirement
        )
    if review.assigned_to_id:
        raise Conflict("signature_claimed", _("该签署已由他人认领。"), requirement=gate.requirement)
    refusal = decision_refusal(actor, review, obj)
    if refusal:
        raise refusal
    _check_current(review, obj, gate)
    review.assigned_to = actor
    review.save(update_fields=["assigned_to"])
    audit.record(
        actor,
        "review.claim",
        obj,
        after={"gate": gate.code, "review": review.pk, "round": review.round},
    )
    return review


@service
def review_decide(*, actor, review: Review, decision: str, opinion: str = "") -> Review:
    """Record a reviewer's decision with a written opinion (R-CPL-1) — and only that: the
    domain applies what it means afterwards (``decide``, the gate's ``consequence``). Refused
    for anyone who may not sign it (R-ORG-4, R-ORG-5), while a prerequisite gate is open, and
    when the content changed since the request. A refusal decides the round: its other open
    reviews are withdrawn."""
    access.ensure(actor, "review.view", review, requirement="R-ORG-3")
    gate = get_gate(review.gate)
    obj = _lock_subject(review.subject)
    review = _locked_review(review)
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
    refusal = decision_refusal(actor, review, obj)
    if refusal:
        raise refusal
    _check_current(review, obj, gate)
    review.decision = decision
    review.opinion = (opinion or "").strip()
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
            "hash": review.content_hash,
        },
        reason=review.opinion,
    )
    if decision != ReviewDecision.APPROVE:
        rest = list(_round_of(review).filter(decision=ReviewDecision.PENDING))
        _withdraw(None, obj, rest, "同轮审查已有否定结论，自动撤销")
    signals.review_decided.send(sender=Review, review=review)
    return review


def withdraw_open(*, actor, obj, reason: str) -> int:
    """The domain closed the reviewed object (its requester withdrew it): the open reviews of
    every gate on it are withdrawn, one audit event per round, in the caller's transaction.
    Returns how many were open."""
    open_reviews = list(
        Review.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            decision=ReviewDecision.PENDING,
        ).order_by("gate", "round", "pk")
    )
    rounds: dict[tuple[str, int], list[Review]] = {}
    for review in open_reviews:
        rounds.setdefault((review.gate, review.round), []).append(review)
    for reviews_of_round in rounds.values():
        _withdraw(actor, obj, reviews_of_round, reason)
    return len(open_reviews)


@service
def review_withdraw(*, actor, review: Review, reason: str = "") -> list[Review]:
    """The requester withdraws a round still open (撤回审查): its open reviews are withdrawn and
    the round is void — signatures already given in it no longer count; the gate needs a new
    round."""
    access.ensure(actor, "review.view", review, requirement="R-ORG-3")
    gate = get_gate(review.gate)
    obj = _lock_subject(review.subject)
    review = _locked_review(review)
    if review.requested_by_id is None or review.requested_by_id != actor.pk:
        raise PermissionDenied(
            "withdraw_not_requester", _("只有提交人可以撤回审查。"), requirement=gate.requirement
        )
    pending = list(_round_of(review).filter(decision=ReviewDecision.PENDING))
    if not pending or any(
        r.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN) for r in _round_of(review)
    ):
        raise Conflict(
            "review_round_closed",
            _("该轮审查已有结论，不能撤回。"),
            requirement=gate.requirement,
        )
    reason = check_length("reason", reason, REASON_MAX_LENGTH, label=_("撤回原因")).strip()
    Review.objects.filter(pk__in=[r.pk for r in pending]).update(
        decision=ReviewDecision.WITHDRAWN,
        decided_at=clock.now(),
        opinion=reason or "提交人撤回审查",
    )
    audit.record(
        actor,
        "review.withdraw_round",
        obj,
        after={"gate": gate.code, "round": review.round, "reviews": [r.pk for r in pending]},
        reason=reason,
    )
    return pending


# ---------------------------------------------------------------------------------------------
# The decision and its consequence, as the interfaces run them


@dataclass
class Decided:
    review: Review
    consequence_error: DomainError | None = None


def apply_consequence(*, actor, review: Review) -> None:
    """Run the gate's declared consequence (the domain's own service, its own transaction)."""
    gate = get_gate(review.gate)
    if gate.consequence is not None:
        gate.consequence(actor=actor, review=review)


def decide(*, actor, review: Review, decision: str, opinion: str = "") -> Decided:
    """What the review page and the API do: record the decision (``review_decide``, committed
    on its own), then apply its consequence (``apply_consequence``). A refused consequence does
    not undo the decision; it is returned, and the page and the API show it."""
    review = review_decide(actor=actor, review=review, decision=decision, opinion=opinion)
    try:
        apply_consequence(actor=actor, review=review)
    except DomainError as exc:
        return Decided(review, exc)
    return Decided(review)


# ---------------------------------------------------------------------------------------------
# Gate parameters (R-BIL-4's large-amount threshold)


@service
def gate_setting_update(*, actor, gate: Gate, params: dict, reason: str = "") -> GateSetting:
    """Change a gate's parameters (e.g. the amount from which the two-signature gate applies).
    Only who may configure the rules (system administrators); typed and bounded like rule
    parameters; audited with the values before and after. Takes effect at once: the next
    ``applies`` reads it."""
    if not access.may(actor, "rules.configure"):
        raise PermissionDenied(
            "forbidden", _("只有系统管理员可以修改审查节点参数。"), requirement="R-MON-1"
        )
    if not isinstance(params, dict):
        raise ValidationFailed({"params": [_("参数应为“名称: 值”的对象。")]}, requirement="R-MON-1")
    reason = check_length("reason", reason, REASON_MAX_LENGTH, label=_("修改原因")).strip()
    setting, _created = GateSetting.objects.get_or_create(code=gate.code)
    setting = GateSetting.objects.select_for_update(of=("self",), no_key=True).get(pk=setting.pk)
    errors, cleaned = {}, {}
    for key, value in params.items():
        spec = gate.params.get(key)
        if spec is None:
            errors[str(key)[:80]] = [_("审查节点没有此参数。")]
            continue
        try:
            cleaned[key] = spec.clean(value, key)
        except ValueError as exc:
            errors[key] = [str(exc)]
    if errors:
        raise ValidationFailed(errors, requirement="R-MON-1")
    before = gate.param_values()
    setting.params = {**before, **cleaned}
    setting.updated_at = clock.now()
    setting.save()
    audit.record(
        actor,
        "gate.configure",
        setting,
        before={"params": before},
        after={"params": setting.params},
        reason=reason,
    )
    return setting
