"""Billing's rules (R-MON-1 registry).

Statements (R-BIL-5, Art.14): an enterprise's dispute of its statement left past its deadline —
not taken up within the response time, or not settled within the resolution time — raises an
alert to the finance clerk handling it and the department head; past twice the window it goes up
to the in-charge leader (an escalating rule, D42)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import Severity
from parkflow.core.rules import ASSIGNEE, Level, rule
from parkflow.org.choices import Role

# --- statements and disputes (R-BIL-5) --------------------------------------------------------


def _disputes():
    from .models_statements import StatementDispute

    return StatementDispute.objects.all()


def _critical(params, now):
    from parkflow.core import sla

    disputes = _disputes()
    late = sla.critical(disputes, "billing.dispute_response", now=now) | sla.critical(
        disputes, "billing.dispute_resolution", now=now
    )
    return Q(pk__in=late.values("pk"))


@rule(
    "billing.dispute_overdue",
    title=_("对账争议处理超期"),
    articles=("Art.14",),
    requirement="R-BIL-5",
    model="billing.StatementDispute",
    severity=Severity.WARNING,
    levels=(
        Level(
            Severity.HIGH,
            when=_critical,
            label=_("超过处理时限一倍仍未办结"),
            notify=(ASSIGNEE, Role.DEPT_HEAD, Role.DEPUTY),
        ),
    ),
    message=lambda dispute, params: (
        _("%(enterprise)s 对 %(period)s 对账单提出的争议已超过处理时限，请财务尽快核查答复。")
        % {"enterprise": dispute.enterprise, "period": dispute.statement.period_label}
    ),
    assignee=lambda dispute: dispute.handler,
)
def dispute_overdue(params, now):
    from parkflow.core import sla

    disputes = _disputes()
    return sla.overdue(disputes, "billing.dispute_response", now=now) | sla.overdue(
        disputes, "billing.dispute_resolution", now=now
    )
