"""Whether a template version may start agreements (R-AGR-1; Art.18(三)): approved by the
compliance review, and its core clauses re-reviewed by legal within the last quarter (plus the
grace the rule's parameter allows). A lapsed template starts nothing until legal re-reviews it;
the rule ``agreements.template_review_overdue`` raises the alert."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkflow.core import clock, rules
from parkflow.core.errors import Conflict

from .choices import TemplateStatus

OVERDUE_RULE = "agreements.template_review_overdue"


def review_valid_days() -> int:
    return rules.params_for(OVERDUE_RULE)["days"]


def lapsed(version, today=None) -> bool:
    today = today or clock.today()
    if version.last_reviewed_on is None:
        return True
    return version.last_reviewed_on < today - datetime.timedelta(days=review_valid_days())


def template_problem(version) -> Conflict | None:
    if version.status != TemplateStatus.APPROVED:
        return Conflict(
            "template_not_approved",
            _("模板“%(template)s”尚未通过合规审查，不能用于起草协议。") % {"template": version},
            requirement="R-AGR-1",
        )
    if lapsed(version):
        return Conflict(
            "template_review_lapsed",
            _(
                "模板“%(template)s”的季度合规复核已逾期（最近一次：%(date)s），复核前不能用于新协议。"
            )
            % {
                "template": version,
                "date": date_format(version.last_reviewed_on) if version.last_reviewed_on else "—",
            },
            requirement="R-AGR-1",
        )
    return None
