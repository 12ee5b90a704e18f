"""Writes of the enterprise domain. One function per business operation; each is atomic, checks
permission, runs the gates and rules, validates, saves and writes its audit event."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from parkflow.core import audit, clock, gates
from parkflow.core.validation import full_clean
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.org import access

from .choices import EnterpriseStatus
from .gates import ADMISSION
from .models import ConflictDeclaration, Enterprise
from .validators import normalise_credit_code

TRANSITION_LABELS = {
    "apply": _("提交入驻申请"),
    "start_review": _("提交资质审核"),
    "approve": _("审核通过"),
    "reject": _("审核不通过"),
    "move_in": _("办理入驻"),
    "start_exit": _("启动退出"),
    "complete_exit": _("完成退出"),
}


def _validate(enterprise: Enterprise):
    full_clean(enterprise, requirement="R-ENT-1")


def _save_unique(enterprise: Enterprise):
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        # Lost a race with another request registering the same code (checked by full_clean).
        raise ValidationFailed(
            {"credit_code": [_("该统一社会信用代码已登记，不能重复建档。")]}, requirement="R-ENT-1"
        ) from None


def _clean_input(values: dict) -> dict:
    cleaned = {}
    for key, value in values.items():
        if key not in Enterprise.EDITABLE_FIELDS:
            raise ValidationFailed({key: [_("该字段不能在此修改。")]}, requirement="R-ENT-1")
        cleaned[key] = value.strip() if isinstance(value, str) else value
    if "credit_code" in cleaned:
        cleaned["credit_code"] = normalise_credit_code(cleaned["credit_code"] or "")
    return cleaned


@transaction.atomic
def enterprise_create(*, actor, park, **values) -> Enterprise:
    """Create an enterprise record (R-ENT-1); it starts as a prospect."""
    now = clock.now()
    enterprise = Enterprise(park=park, created_by=actor, created_at=now, updated_at=now, status_changed_at=now)
    for key, value in _clean_input(values).items():
        setattr(enterprise, key, value)
    access.ensure(actor, "enterprise.create", enterprise, requirement="R-ORG-3")
    _validate(enterprise)
    _save_unique(enterprise)
    audit.record(actor, "enterprise.create", enterprise, after=audit.snapshot(enterprise))
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, reason: str = "", **values) -> Enterprise:
    """Edit an enterprise record. Editing reviewed fields after approval voids the approval:
    the gate compares content hashes (R-CPL-1)."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    access.ensure(actor, "enterprise.edit", enterprise, requirement="R-ORG-3")
    if enterprise.status in (EnterpriseStatus.EXITED,):
        raise Conflict("enterprise_closed", _("已退出的企业档案不能修改。"), requirement="R-EXT-2")
    before = audit.snapshot(enterprise)
    for key, value in _clean_input(values).items():
        setattr(enterprise, key, value)
    enterprise.updated_at = clock.now()
    _validate(enterprise)
    _save_unique(enterprise)
    after = audit.snapshot(enterprise)
    changed = {k for k in after if before.get(k) != after.get(k)} - {"updated_at"}
    if changed:
        audit.record(
            actor,
            "enterprise.update",
            enterprise,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            reason=reason,
        )
    return enterprise


def _guards(enterprise: Enterprise, action: str, actor) -> None:
    """The regulation's conditions on each step (R-ENT-5, R-CPL-1)."""
    if action == "approve":
        gates.require_approved(enterprise, ADMISSION)
    if action == "reject":
        review = gates.latest_decision(enterprise, ADMISSION)
        if review is None or review.decision == "approve":
            raise Conflict(
                "reject_needs_review",
                _("只能依据“不通过”或“退回”的审查结论驳回申请。"),
                requirement="R-ENT-3",
            )


@transaction.atomic
def enterprise_transition(*, actor, enterprise: Enterprise, action: str, reason: str = "") -> Enterprise:
    """The one place the enterprise status changes (django-fsm-2, protected field)."""
    enterprise = Enterprise.objects.select_for_update().select_related("park").get(pk=enterprise.pk)
    access.ensure(actor, "enterprise.transition", enterprise, requirement="R-ORG-3")
    return _apply_transition(actor, enterprise, action, reason)


def _apply_transition(actor, enterprise: Enterprise, action: str, reason: str) -> Enterprise:
    method = getattr(enterprise, action, None) if action in TRANSITION_LABELS else None
    if method is None:
        raise ValidationFailed({"action": [_("未知操作。")]}, requirement="R-ENT-1")
    if not can_proceed(method):
        raise Conflict(
            "invalid_transition",
            _("企业当前状态为“%(status)s”，不能“%(action)s”。")
            % {"status": enterprise.get_status_display(), "action": TRANSITION_LABELS[action]},
            requirement="R-ENT-1",
        )
    _guards(enterprise, action, actor)
    before = {"status": enterprise.status}
    method()
    enterprise.status_changed_at = clock.now()
    enterprise.save(update_fields=["status", "status_changed_at"])
    audit.record(
        actor, f"enterprise.{action}", enterprise, before=before, after={"status": enterprise.status}, reason=reason
    )
    return enterprise


def enterprise_apply(*, actor, enterprise, reason=""):
    return enterprise_transition(actor=actor, enterprise=enterprise, action="apply", reason=reason)


@transaction.atomic
def enterprise_submit_for_review(*, actor, enterprise, assigned_to=None):
    """Move an application into review and open the admission review (Art.10)."""
    enterprise = enterprise_transition(actor=actor, enterprise=enterprise, action="start_review")
    gates.review_request(actor=actor, obj=enterprise, gate_code=ADMISSION, assigned_to=assigned_to)
    return enterprise


def enterprise_approve(*, actor, enterprise, reason=""):
    """Gated (R-CPL-1): needs a current approval of the admission review."""
    return enterprise_transition(actor=actor, enterprise=enterprise, action="approve", reason=reason)


def enterprise_reject(*, actor, enterprise, reason=""):
    return enterprise_transition(actor=actor, enterprise=enterprise, action="reject", reason=reason)


def enterprise_record_admission_outcome(*, actor, review):
    """Consequence of an admission review decision (called by the gate, in its transaction):
    approval admits the enterprise, rejection or return suspends it (Art.20(二) "暂缓推进").
    The review, not the business role, authorises this step."""
    enterprise = Enterprise.objects.select_for_update().get(pk=review.object_id)
    if enterprise.status != EnterpriseStatus.UNDER_REVIEW:
        return
    outcome = gates.round_outcome(gates.latest_round(enterprise, ADMISSION))
    if outcome == "pending":
        return  # another drawn reviewer has yet to decide
    _apply_transition(actor, enterprise, "approve" if outcome == "approve" else "reject", review.opinion)


@transaction.atomic
def conflict_declare(*, actor, enterprise: Enterprise, reason: str) -> ConflictDeclaration:
    """R-ENT-4: a declared conflict excludes the declarer from reviews of this enterprise."""
    access.ensure(actor, "enterprise.declare_conflict", enterprise, requirement="R-ENT-4")
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("请说明利益关系。")]}, requirement="R-ENT-4")
    if ConflictDeclaration.objects.filter(person=actor, enterprise=enterprise, withdrawn_at__isnull=True).exists():
        raise Conflict("conflict_exists", _("您已申报过与该企业的利益冲突。"), requirement="R-ENT-4")
    declaration = ConflictDeclaration.objects.create(
        person=actor, enterprise=enterprise, reason=reason.strip(), declared_at=clock.now()
    )
    audit.record(actor, "conflict.declare", enterprise, after={"declaration": declaration.pk, "reason": declaration.reason})
    return declaration
