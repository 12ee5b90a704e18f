"""Writes of the errand domain: every one a ``@service`` (one transaction, the audit lock taken
first, a bounded retry), permission checked on the object, audited. State changes are not here:
they are the declared transitions (workflows.py) performed by ``core.workflow.transition``."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit
from parkflow.core.db import service
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.validation import check_length, full_clean
from parkflow.notifications import publish

from .choices import ErrandStatus
from .models import Errand


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except (InvalidOperation, ValueError):
        raise ValidationFailed({"amount": [_("请填写金额。")]}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed({"amount": [_("金额不能为负数。")]})
    return amount


@service
def errand_create(*, actor, park, title: str, enterprise=None, assignee=None, amount=0) -> Errand:
    access.ensure(actor, "errand.create", park=park, requirement="R-ORG-3")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed({"title": [_("请填写事项名称。")]})
    errand = Errand(
        park=park,
        enterprise=enterprise,
        title=title,
        assignee=assignee,
        created_by=actor,
        amount=_amount(amount),
    )
    full_clean(errand)
    errand.save()
    audit.record(actor, "errand.create", errand, after={"title": title})
    return errand


@service
def errand_update(*, actor, errand: Errand, **changes) -> Errand:
    """Change the title or the amount. A change to what a gate reviewed voids its approvals
    (the content hash, R-CPL-1); the amount decides which gates apply (R-BIL-4)."""
    errand = Errand.objects.select_for_update(of=("self",), no_key=True).get(pk=errand.pk)
    access.ensure(actor, "errand.edit", errand, requirement="R-ORG-3")
    unknown = sorted(set(changes) - {"title", "amount"})
    if unknown or not changes:
        raise ValidationFailed({name: [_("该字段不能修改。")] for name in unknown or ["title"]})
    if errand.status == ErrandStatus.DONE:
        raise Conflict("errand_done", _("已办结的事项不能修改。"), requirement="R-CPL-1")
    before = audit.snapshot(errand, fields=list(changes))
    if "title" in changes:
        errand.title = (changes["title"] or "").strip()
        if not errand.title:
            raise ValidationFailed({"title": [_("请填写事项名称。")]})
    if "amount" in changes:
        errand.amount = _amount(changes["amount"])
    full_clean(errand)
    errand.save(update_fields=[*changes, "updated_at"])
    errand.refresh_from_db(fields=list(changes))
    audit.record(
        actor,
        "errand.update",
        errand,
        before=before,
        after=audit.snapshot(errand, fields=list(changes)),
    )
    return errand


@service
def errand_assign(*, actor, errand: Errand, assignee) -> Errand:
    # Lock the row for this change only (D17: no key share, this row and not its joins).
    errand = Errand.objects.select_for_update(of=("self",), no_key=True).get(pk=errand.pk)
    access.ensure(actor, "errand.submit", errand, requirement="R-ORG-3")
    before = {"assignee": errand.assignee_id}
    errand.assignee = assignee
    errand.save(update_fields=["assignee", "updated_at"])
    audit.record(actor, "errand.assign", errand, before=before, after={"assignee": assignee.pk})
    # The assignee learns of it (R-MON-2): written with the change, sent after commit.
    publish(
        "testdomain.errand_assigned",
        obj=errand,
        recipients=[assignee],
        exclude=[actor],
        title=_("事项指派给您：%(title)s") % {"title": errand.title},
        body=_("%(actor)s 指定您为事项“%(title)s”的经办人。")
        % {"actor": actor, "title": errand.title},
    )
    return errand


@service
def errand_declare_conflict(*, actor, errand: Errand, reason: str) -> Errand:
    """Declare a conflict of interest with an errand: the declarer never signs its gates
    (R-ORG-4, the gates' ``excluded`` hook)."""
    errand = Errand.objects.select_for_update(of=("self",), no_key=True).get(pk=errand.pk)
    access.ensure(actor, "errand.declare_conflict", errand, requirement="R-ORG-4")
    reason = check_length("reason", reason, 200, label=_("利益关系说明")).strip()
    if not reason:
        raise ValidationFailed({"reason": [_("请说明利益关系。")]}, requirement="R-ORG-4")
    errand.conflicted.add(actor)
    audit.record(
        actor, "errand.declare_conflict", errand, after={"person": actor.pk}, reason=reason
    )
    return errand
