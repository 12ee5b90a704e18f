"""Review gates (R-CPL-1, R-ORG-4, R-BIL-4, Art.20): one mechanism for every "须经…审核/审批".

A domain declares each gate once, as an object in its app's ``gates.py``, and imports the object
wherever the guarded step is::

    LEGAL_REVIEW = register(Gate(code="agreements.legal_review", model="agreements.Agreement",
                                 reviewer_roles=(Role.LEGAL_OFFICER,), ...))
    DUAL_SIGNATURE = register(Gate(
        code="billing.refund_dual_signature", ..., quorum=2, mode=POOLED, after=(LEGAL_REVIEW,),
        params={"threshold": Param(int, 50000, min=0, label=_("大额阈值（元）"))},
        applies=lambda refund, params: refund.amount >= params["threshold"],
    ))

    LEGAL_REVIEW.request(actor=drafter, obj=agreement)  # a round (core.reviews.review_request)
    LEGAL_REVIEW.require(agreement)     # the guard a gated step calls: GateNotPassed
    LEGAL_REVIEW.is_passed(agreement)

What a gate declares:

* **who** — ``reviewer_roles`` in the object's park; ``initiators`` (paths on the object: its
  creator, whoever started the step) and the round's requester never sign; ``excluded(user)``
  lists the objects a person may not review and why (a declared conflict of interest); every
  registered reviewer check runs too (org: a lapsed compliance status, R-ORG-5);
* **how many** — ``quorum``: the round passes with that many *distinct* approvers;
* **how they are found** — ``mode``: ``ASSIGNED`` (the requester names or draws the reviewers,
  as intake's double-random draw does) or ``POOLED`` (the round opens ``quorum`` unclaimed
  signatures — 待认领 — and any eligible person takes and signs one);
* **in what order** — ``after``: gates that must have passed for the current content before this
  one can be requested or signed (legal → finance → leadership); a prerequisite that does not
  apply to the object counts as passed;
* **when** — ``applies(obj, params)``: whether the object needs the gate at all (an amount at or
  above the configurable large-amount threshold → the two-signature gate), with ``params``
  typed like rule parameters and editable by an administrator on the gates page (audited);
* **what** — ``content(obj)``: the reviewed facts; approvals are bound to their SHA-256, so an
  edit voids them (per gate, per round); a re-submission opens a new round.

The kernel only records decisions (``core.reviews``). What a decision *means* for the domain —
intake admits the enterprise, the errand may be completed — is the domain's own service: a
transition guarded by the gate, or the gate's declared ``consequence``, which the review page and
API call *after* the decision has committed, in a transaction of its own (D41).
"""

import contextlib
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from . import access
from .audit import canonical
from .choices import GateStatus, ReviewDecision
from .errors import DomainError, GateNotPassed, PermissionDenied
from .models import GateSetting, Review
from .regulation import article_label
from .rules import Param

ASSIGNED = "assigned"
POOLED = "pooled"
MODE_LABELS = {ASSIGNED: _("指定审查"), POOLED: _("共同签署（待认领）")}


@dataclass(frozen=True)
class Exclusion:
    """Objects of a gate's model a person may not review, and why (e.g. the enterprises they
    declared a conflict of interest with). A queryset, so the inbox filters them in the database
    and a single decision asks ``objects.filter(pk=…).exists()``."""

    objects: models.QuerySet
    message: str
    requirement: str = "R-ORG-4"


@dataclass(frozen=True, eq=False)
class Gate:
    code: str  # stored in Review.gate; never shown
    label: str  # lazily translated: shown in the reader's language
    model: str  # "app_label.Model": what is reviewed
    reviewer_roles: tuple[str, ...]
    article: str
    requirement: str
    content: Callable[[models.Model], dict]
    quorum: int = 1
    mode: str = POOLED
    after: tuple["Gate", ...] = ()
    applies: Callable[[models.Model, dict], bool] | None = None
    condition: str = ""  # ``applies`` in words, for the gates page ("金额不低于大额阈值")
    params: dict[str, Param] = field(default_factory=dict)
    # Paths on the object to the people who created it or started the step under review.
    initiators: tuple[str, ...] = ("created_by",)
    park: Callable[[models.Model], object] = lambda obj: getattr(obj, "park", None)
    excluded: Callable[[object], Iterable[Exclusion]] | None = None
    # The access action a person needs on the object to request the review; None: only the
    # domain's own services request it (they checked).
    request_action: str | None = None
    # The domain's service applying a decided round (``consequence(actor=, review=)``): called
    # by the review page and API after the decision committed, never inside it.
    consequence: Callable | None = None

    def __post_init__(self):
        if self.mode not in (ASSIGNED, POOLED):
            raise ValueError(f"gate {self.code}: mode must be ASSIGNED or POOLED")
        if self.quorum < 1:
            raise ValueError(f"gate {self.code}: quorum must be at least 1")
        if any(not isinstance(g, Gate) for g in self.after):
            raise TypeError(f"gate {self.code}: after= takes Gate objects")

    def __repr__(self):
        return f"<Gate {self.code}>"

    # --- declaration helpers ------------------------------------------------------------------

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def param_specs(self) -> dict[str, Param]:
        return self.params

    @property
    def param_labels(self) -> dict[str, str]:
        return {name: spec.label or name for name, spec in self.params.items()}

    @property
    def defaults(self) -> dict:
        return {name: spec.default for name, spec in self.params.items()}

    @property
    def mode_label(self) -> str:
        return MODE_LABELS[self.mode]

    def param_values(self) -> dict:
        """The parameters in force: stored values checked against their declaration (a value
        that fails falls back to the default), one query — none for a gate without params."""
        if not self.params:
            return {}
        stored = GateSetting.objects.filter(code=self.code).values_list("params", flat=True)
        return effective_params(self, next(iter(stored), {}))

    def param(self, name: str):
        return self.param_values()[name]

    def applies_to(self, obj) -> bool:
        return self.applies is None or bool(self.applies(obj, self.param_values()))

    # --- the guard ----------------------------------------------------------------------------

    def require(self, obj) -> list[Review]:
        """The guard every gated step calls (未经审查不得实施): the approvals of the latest round
        (empty when the gate does not apply), or ``GateNotPassed`` naming what is missing. The
        condition and the content are judged on the row as stored, never on a caller's copy."""
        row = stored(obj)
        if not self.applies_to(row):
            return []
        state = _round_state(row, self, memo={})
        problem = state.problem()
        if problem:
            raise problem
        return state.approvals

    def is_passed(self, obj) -> bool:
        return _problem(stored(obj), self, {}) is None

    def open_prerequisites(self, obj) -> list["Gate"]:
        """The ``after`` gates not passed for the object's current content, in order."""
        row, memo = stored(obj), {}
        return [gate for gate in self.after if _problem(row, gate, memo) is not None]

    def state(self, obj, number: int | None = None) -> "RoundState":
        """The latest round (or round ``number``) of this gate on the object."""
        return round_state(obj, self, number)

    def status(self, obj) -> str:
        """A ``GateStatus`` for display: passed, open, refused, void or not applicable."""
        obj = stored(obj)
        if not self.applies_to(obj):
            return GateStatus.NOT_APPLICABLE
        return _round_state(obj, self).status

    # --- the services (core.reviews) ----------------------------------------------------------

    def request(self, *, actor, obj, reviewers: Iterable = ()) -> list[Review]:
        """Open a round on the object's current content (``reviewers`` for an assigned gate)."""
        from .reviews import review_request

        return review_request(actor=actor, obj=obj, gate=self, reviewers=reviewers)

    def initiator_ids(self, obj) -> set[int]:
        """The people of ``initiators`` (``"created_by"``, ``"enterprise__account_manager"``)."""
        found = set()
        for path in self.initiators:
            value = obj
            *hops, last = path.split("__")
            for hop in hops:
                value = getattr(value, hop, None)
            # ``created_by_id`` rather than ``created_by``: no query for the person.
            value = getattr(value, f"{last}_id", None) if value is not None else None
            if value is not None:
                found.add(value)
        return found


GATES: dict[str, Gate] = {}


def register(gate: Gate) -> Gate:
    """Declare a gate (in an app's ``gates.py``, autodiscovered). Its prerequisites must be
    declared first — they are objects, so the order of the chain cannot loop."""
    known = GATES.get(gate.code)
    if known is not None and known is not gate:
        raise ValueError(f"gate {gate.code!r} declared twice")
    GATES[gate.code] = gate
    return gate


def get_gate(code: str) -> Gate:
    try:
        return GATES[code]
    except KeyError:
        raise DomainError("unknown_gate", _("未知审查节点。")) from None


def effective_params(gate: Gate, stored: dict) -> dict:
    params = dict(gate.defaults)
    for name, spec in gate.params.items():
        if name in stored:
            with contextlib.suppress(ValueError):  # out of its declared range: the default
                params[name] = spec.clean(stored[name], name)
    return params


# ---------------------------------------------------------------------------------------------
# Content and rounds


def stored(obj):
    """The object as stored: re-read from the database, so an unsaved, stale or not yet
    normalised in-memory value (``"2000"`` vs ``Decimal("2000.00")``) never decides a gate."""
    return type(obj)._default_manager.get(pk=obj.pk)


def _digest(row, gate: Gate) -> str:
    return hashlib.sha256(canonical(gate.content(row)).encode("utf-8")).hexdigest()


def content_hash(obj, gate: Gate) -> str:
    """Hash of the reviewed content as stored."""
    return _digest(stored(obj), gate)


def reviews_of(obj, gate: Gate | None = None):
    qs = Review.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("reviewer", "requested_by", "assigned_to")
    return qs.filter(gate=gate.code) if gate else qs


def latest_decision(obj, gate: Gate) -> Review | None:
    return (
        reviews_of(obj, gate)
        .exclude(decision__in=[ReviewDecision.PENDING, ReviewDecision.WITHDRAWN])
        .order_by("-decided_at", "-id")
        .first()
    )


def latest_round(obj, gate: Gate) -> list[Review]:
    """The reviews of the most recent round (withdrawn ones included), in request order."""
    reviews = list(reviews_of(obj, gate).order_by("round", "id"))
    if not reviews:
        return []
    last = reviews[-1].round
    return [r for r in reviews if r.round == last]


def round_outcome(reviews: list[Review], quorum: int = 1) -> str:
    """A round's outcome from its reviews: the first refusal decides it; a withdrawn review voids
    it (WITHDRAWN); it is PENDING while a review is open or fewer than ``quorum`` distinct people
    approved; APPROVE only when every review approved and the approvers make the quorum."""
    refusals = [r for r in reviews if r.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN)]
    if refusals:
        return min(refusals, key=lambda r: (r.decided_at, r.pk)).decision
    if any(r.decision == ReviewDecision.WITHDRAWN for r in reviews):
        return ReviewDecision.WITHDRAWN
    if not reviews or any(r.is_pending for r in reviews):
        return ReviewDecision.PENDING
    if len({r.reviewer_id for r in reviews}) < quorum:
        return ReviewDecision.PENDING
    return ReviewDecision.APPROVE


@dataclass
class RoundState:
    """The latest round of one gate on one object, as the guard, the review page and the API
    see it: progress towards the quorum (已签 1/2), who signed, the pool, open prerequisites."""

    gate: Gate
    obj: models.Model
    reviews: list[Review]
    current_hash: str
    open_prerequisites: list[Gate]
    latest_number: int | None = None

    @property
    def number(self) -> int | None:
        return self.reviews[0].round if self.reviews else None

    @property
    def outcome(self) -> str | None:
        return round_outcome(self.reviews, self.gate.quorum) if self.reviews else None

    @property
    def approvals(self) -> list[Review]:
        return [r for r in self.reviews if r.decision == ReviewDecision.APPROVE]

    @property
    def current_approvals(self) -> list[Review]:
        """Approvals of the content as it is now (an edit voids the others)."""
        return [r for r in self.approvals if r.content_hash == self.current_hash]

    @property
    def signed(self) -> int:
        return len({r.reviewer_id for r in self.current_approvals})

    @property
    def signers(self) -> list:
        return [r.reviewer for r in self.current_approvals]

    @property
    def pending(self) -> list[Review]:
        return [r for r in self.reviews if r.is_pending]

    @property
    def pool(self) -> list[Review]:
        """Open signatures nobody has taken yet (待认领)."""
        return [r for r in self.pending if r.assigned_to_id is None]

    @property
    def claimed(self) -> list[Review]:
        return [r for r in self.pending if r.assigned_to_id is not None]

    @property
    def stale(self) -> bool:
        """Open reviews of content that has changed since the request: they cannot be decided."""
        return any(r.content_hash != self.current_hash for r in self.pending)

    @property
    def voided(self) -> bool:
        """Approved, but the content changed since (审查失效)."""
        return len(self.current_approvals) < len(self.approvals)

    @property
    def passed(self) -> bool:
        return self.problem() is None

    @property
    def is_latest(self) -> bool:
        return self.number is None or self.number == self.latest_number

    @property
    def status(self) -> str:
        problem = self.problem()
        if problem is None:
            return GateStatus.PASSED
        return {"gate_rejected": GateStatus.REFUSED, "gate_stale": GateStatus.VOID}.get(
            problem.code, GateStatus.OPEN
        )

    def problem(self) -> GateNotPassed | None:
        gate = self.gate
        if self.open_prerequisites:
            return prerequisite_open(gate, self.open_prerequisites[0])
        outcome = self.outcome
        if outcome in (ReviewDecision.REJECT, ReviewDecision.RETURN):
            return GateNotPassed(
                "gate_rejected",
                _("“%(gate)s”审查结论为“%(decision)s”，事项暂缓推进。")
                % {"gate": gate.label, "decision": ReviewDecision(outcome).label},
                requirement=gate.requirement,
            )
        if self.voided:
            return GateNotPassed(
                "gate_stale",
                _("审查通过后内容已被修改，“%(gate)s”审查失效，请重新提交审查。")
                % {"gate": gate.label},
                requirement=gate.requirement,
            )
        if outcome != ReviewDecision.APPROVE or self.signed < gate.quorum:
            message = _("未经“%(gate)s”审查不得实施（%(article)s）。") % {
                "gate": gate.label,
                "article": article_label(gate.article),
            }
            if gate.quorum > 1:
                message = _("%(message)s须 %(quorum)s 名不同人员签署，已签 %(signed)s 人。") % {
                    "message": message,
                    "quorum": gate.quorum,
                    "signed": self.signed if outcome == ReviewDecision.PENDING else 0,
                }
            return GateNotPassed("gate_not_passed", message, requirement=gate.requirement)
        return None


def round_state(obj, gate: Gate, number: int | None = None) -> RoundState:
    """The latest round (or round ``number``) of ``gate`` on the object as stored."""
    return _round_state(stored(obj), gate, number)


def _problem(row, gate: Gate, memo: dict) -> GateNotPassed | None:
    """Why ``gate`` has not passed on the stored ``row`` (None: passed or not applicable). Each
    gate of a chain is judged once per question (``memo``), however many gates come after it."""
    if gate.code not in memo:
        if not gate.applies_to(row):
            memo[gate.code] = None
        else:
            memo[gate.code] = _round_state(row, gate, memo=memo).problem()
    return memo[gate.code]


def _round_state(obj, gate: Gate, number: int | None = None, memo=None) -> RoundState:
    memo = {} if memo is None else memo
    everything = list(reviews_of(obj, gate).order_by("round", "id"))
    latest = everything[-1].round if everything else None
    number = latest if number is None else number
    return RoundState(
        gate=gate,
        obj=obj,
        reviews=[r for r in everything if r.round == number],
        current_hash=_digest(obj, gate),
        open_prerequisites=[b for b in gate.after if _problem(obj, b, memo) is not None],
        latest_number=latest,
    )


def prerequisite_open(gate: Gate, before: Gate) -> GateNotPassed:
    return GateNotPassed(
        "gate_prerequisite_open",
        _("“%(gate)s”须在“%(before)s”通过后进行：请先完成“%(before)s”。")
        % {"gate": gate.label, "before": before.label},
        requirement=gate.requirement,
    )


def applicable(obj, gates: Iterable[Gate]) -> list[Gate]:
    """The gates of ``gates`` the object as stored needs now (their ``applies`` holds)."""
    row = stored(obj)
    return [gate for gate in gates if gate.applies_to(row)]


# ---------------------------------------------------------------------------------------------
# Who may sign (R-ORG-4, R-ORG-5)

# Reviewer eligibility checks other apps add: ``check(user, obj, gate, held_roles)`` returns
# (code, message, requirement) to refuse, or None. org registers the compliance check (D30).
# ``obj`` is None when the inbox asks which gates a person may sign at all.
REVIEWER_CHECKS: list = []


def register_reviewer_check(check) -> None:
    if check not in REVIEWER_CHECKS:
        REVIEWER_CHECKS.append(check)


def _refuse(code, message, requirement="R-ORG-4") -> PermissionDenied:
    return PermissionDenied(code, message, requirement=requirement)


def _excluded(user, obj, gate: Gate) -> Exclusion | None:
    if gate.excluded is None:
        return None
    for exclusion in gate.excluded(user):
        if exclusion.objects.filter(pk=obj.pk).exists():
            return exclusion
    return None


def reviewer_refusal(
    user, obj, gate: Gate, review: Review | None = None
) -> PermissionDenied | None:
    """Why ``user`` may not review ``obj`` at ``gate`` (as an error to raise), or None if they may:
    the reviewer role in the object's park; not the requester of the round, nor an initiator
    (creator) of the object; no exclusion (a declared conflict); then the registered checks (a
    lapsed compliance status, R-ORG-5); and, for a review of a round, not someone who already
    decided or took a signature in that round."""
    park = gate.park(obj)
    held = [role for role in gate.reviewer_roles if access.has_role(user, role, park)]
    if not held:
        return _refuse("reviewer_role", _("您不具备该审查节点要求的审查角色。"), gate.requirement)
    if (review is not None and review.requested_by_id == user.pk) or (
        user.pk in gate.initiator_ids(obj)
    ):
        return _refuse("self_review", _("不得审查本人创建或提交的事项（职责分离）。"))
    exclusion = _excluded(user, obj, gate)
    if exclusion:
        return _refuse("reviewer_excluded", exclusion.message, exclusion.requirement)
    for check in REVIEWER_CHECKS:
        refusal = check(user, obj, gate, held)
        if refusal:
            code, message, requirement = refusal
            return _refuse(code, message, requirement)
    if review is not None and _took_part(user, review):
        return _refuse(
            "already_signed",
            _("您已签署或认领本轮审查，同一轮中不得重复签署（两个签名须为两个不同的人）。"),
        )
    return None


def _took_part(user, review: Review) -> bool:
    """Did ``user`` decide, or take another signature of, the review's round?"""
    return (
        Review.objects.filter(
            content_type_id=review.content_type_id,
            object_id=review.object_id,
            gate=review.gate,
            round=review.round,
        )
        .exclude(pk=review.pk)
        .filter(
            models.Q(reviewer=user) | models.Q(assigned_to=user, decision=ReviewDecision.PENDING)
        )
        .exists()
    )


def decision_refusal(user, review: Review, obj=None) -> DomainError | None:
    """Why ``user`` may not decide this review now (the review page asks before showing the
    form; ``core.reviews.review_decide`` raises it): an ineligible reviewer (who they are comes
    first), a review assigned to or claimed by someone else, or a prerequisite gate still
    open."""
    gate = get_gate(review.gate)
    obj = obj if obj is not None else review.subject
    refusal = reviewer_refusal(user, obj, gate, review)
    if refusal:
        return refusal
    if review.assigned_to_id and review.assigned_to_id != user.pk:
        if gate.mode == POOLED:
            return _refuse("signature_claimed", _("该签署已由他人认领。"), gate.requirement)
        return _refuse("not_assigned", _("该审查已指定给其他审查人。"), gate.requirement)
    open_before = gate.open_prerequisites(obj)
    if open_before:
        return prerequisite_open(gate, open_before[0])
    return None


# ---------------------------------------------------------------------------------------------
# The inbox


def _pk_strings(qs: models.QuerySet) -> models.QuerySet:
    """``object_id`` is text (any model's key): compare it with the objects' keys as text."""
    return qs.order_by().annotate(_pk_text=Cast("pk", models.CharField())).values("_pk_text")


def _signable_roles(user, gate: Gate) -> tuple[str, ...]:
    """The gate's reviewer roles the person holds and may act in (registered checks, asked
    once per role, not per row)."""
    roles = []
    for role in gate.reviewer_roles:
        if access.parks_with_roles(user, (role,)) == set():
            continue
        if any(check(user, None, gate, [role]) for check in REVIEWER_CHECKS):
            continue
        roles.append(role)
    return tuple(roles)


def pending_for(user):
    """Reviews waiting for this user — with a number of queries that does not grow with rows:
    those assigned to them or claimed by them, and one open signature of each pooled round they
    may sign (the gate's role in the park, a current compliance status; not the requester, not
    an initiator of the object, not excluded by a declared conflict, not someone who already
    signed or took a signature in that round)."""
    pooled = models.Q(pk__in=[])
    barred = models.Q(pk__in=[])
    for code, gate in GATES.items():
        roles = _signable_roles(user, gate)
        if not roles:
            continue
        parks = access.parks_with_roles(user, roles)
        mine = models.Q(gate=code) if parks is None else models.Q(gate=code, park__in=parks)
        pooled |= mine
        model = gate.model_class
        ct = ContentType.objects.get_for_model(model)
        for path in gate.initiators:
            barred |= models.Q(
                gate=code,
                content_type=ct,
                object_id__in=_pk_strings(model._default_manager.filter(**{path: user})),
            )
        for exclusion in gate.excluded(user) if gate.excluded else ():
            barred |= models.Q(
                gate=code, content_type=ct, object_id__in=_pk_strings(exclusion.objects)
            )
    same_round = Review.objects.filter(
        content_type=models.OuterRef("content_type"),
        object_id=models.OuterRef("object_id"),
        gate=models.OuterRef("gate"),
        round=models.OuterRef("round"),
    )
    took_part = models.Exists(
        same_round.filter(
            models.Q(reviewer=user) | models.Q(assigned_to=user, decision=ReviewDecision.PENDING)
        )
    )
    # One row per pooled round: its first open signature.
    earlier_open = models.Exists(
        same_round.filter(
            decision=ReviewDecision.PENDING,
            assigned_to__isnull=True,
            pk__lt=models.OuterRef("pk"),
        )
    )
    open_to_me = models.Q(assigned_to__isnull=True) & pooled & ~barred & ~took_part & ~earlier_open
    qs = Review.objects.filter(decision=ReviewDecision.PENDING).select_related(
        "requested_by", "assigned_to", "content_type", "park"
    )
    return (
        access.scope(user, qs)
        .filter(models.Q(assigned_to=user) | open_to_me)
        .exclude(requested_by=user)
    )
