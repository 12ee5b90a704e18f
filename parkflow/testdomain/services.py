"""Writes of the errand domain: every one a ``@service`` (one transaction, the audit lock taken
first, a bounded retry), permission checked on the object, audited. State changes are not here:
they are the declared transitions (workflows.py) performed by ``core.workflow.transition``."""

from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit
from parkflow.core.db import service
from parkflow.core.errors import ValidationFailed

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
    return errand
