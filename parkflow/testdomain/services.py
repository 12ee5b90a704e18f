"""Writes of the errand domain: every one a ``@service`` (one transaction, the audit lock taken
first, a bounded retry), permission checked on the object, audited. State changes are not here:
they are the declared transitions (workflows.py) performed by ``core.workflow.transition``."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit
from parkflow.core.db import service
from parkflow.core.errors import ValidationFailed
from parkflow.notifications import publish

from .models import Errand


@service
def errand_create(*, actor, park, title: str, enterprise=None, assignee=None) -> Errand:
    access.ensure(actor, "errand.create", park=park, requirement="R-ORG-3")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed({"title": [_("请填写事项名称。")]})
    errand = Errand.objects.create(
        park=park, enterprise=enterprise, title=title, assignee=assignee, created_by=actor
    )
    audit.record(actor, "errand.create", errand, after={"title": title})
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
