"""Statements and disputes in the service table (see ``parkflow.core.tests.service_table``):
each public service of ``services_statements``, the actor who may call it on park A's objects
(built by the route table's builders, ``routes_statements``) and those who may not — refused
with nothing written, allowed with one audit event of its action."""

import datetime

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = ["parkflow.billing.services_statements"]
S = "parkflow.billing.services_statements."


def _staff_refused(w):
    """Who may not issue or settle: park B's finance, park A's auditor, no role, the tenant."""
    return [
        _s(w, Role.FINANCE_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.statement_tenant(),
    ]


def _readers_refused(w):
    return [_s(w, Role.AUDITOR, w.other_park), _nobody(w), w.stranger_enterprise_user()]


def _active_last_month(w):
    """A resident enterprise of park A with a bill of October 2026 (the month before the day
    the monthly job is run for), and that day."""
    from parkflow.agreements.choices import FeeKind

    from .. import services
    from .factories import resident, signed_agreement

    agreement = signed_agreement(resident(w.park, name="月度对账测试企业"))
    rent = agreement.fees.get(kind=FeeKind.RENT)
    services.bill_issue(
        actor=w.statement_finance(), fee_line=rent, period_start=datetime.date(2026, 10, 1)
    )
    return {"today": datetime.date(2026, 11, 29)}


SERVICES = {
    S + "statement_issue": Service(
        "statement.issue",
        lambda w: {"enterprise": w.enterprise(), "period_start": datetime.date(2026, 9, 1)},
        allowed=lambda w: w.statement_finance(),
        refused=_staff_refused,
    ),
    S + "statement_supersede": Service(
        "statement.supersede",
        lambda w: {"statement": w.statement(), "reason": "十月收款补录"},
        allowed=lambda w: w.statement_finance(),
        refused=_staff_refused,
        before=True,
    ),
    S + "statements_issue_monthly": Service("statement.issue", _active_last_month, system=True),
    S + "statement_download": Service(
        "statement.download",
        lambda w: {"statement": w.statement(), "fmt": "xlsx"},
        allowed=lambda w: w.statement_tenant(),
        refused=_readers_refused,
    ),
    S + "dispute_raise": Service(
        "dispute.raise",
        lambda w: {"line": w.statement().lines.get(position=1), "reason": "面积有误"},
        allowed=lambda w: w.statement_tenant(),
        # Staff never raise a dispute on the enterprise's behalf, not even its park's finance.
        refused=lambda w: [
            w.statement_finance(),
            _s(w, Role.BUSINESS_STAFF),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    S + "dispute_take": Service(
        "dispute.take",
        lambda w: {"dispute": w.statement_dispute()},
        allowed=lambda w: w.statement_finance(),
        refused=_staff_refused,
        before=True,
    ),
    S + "dispute_resolve": Service(
        "dispute.resolve",
        lambda w: {
            "dispute": w.taken_statement_dispute(),
            "kind": "credit",
            "amount": "800",
            "outcome": "面积核减 10 平方米",
        },
        allowed=lambda w: w.statement_finance(),
        refused=_staff_refused,
        before=True,
    ),
    S + "dispute_reject": Service(
        "dispute.reject",
        lambda w: {"dispute": w.taken_statement_dispute(), "reason": "以测绘报告为准"},
        allowed=lambda w: w.statement_finance(),
        refused=_staff_refused,
        before=True,
    ),
}
