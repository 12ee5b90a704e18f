"""Statements and disputes in the route policy table (see ``parkflow.core.tests.routes``): the
staff pages, the portal and the API on real objects of park A, built through the services —
``w.statement()`` October 2026's statement of park A's marked enterprise (its rent bill and a
part payment: two lines), ``w.statement_dispute()`` its tenant's open dispute of line 1,
``w.taken_statement_dispute()`` the same taken by park A's finance clerk."""

import datetime

from parkflow.core.tests.routes import (
    ALLOWED,
    API,
    HIDDEN,
    PORTAL,
    REFUSED,
    STAFF,
    Case,
    Route,
)
from parkflow.org.choices import Role as R

OCTOBER = datetime.date(2026, 10, 1)

# --- builders ---------------------------------------------------------------------------------


def statement_finance(w):
    """Park A's finance clerk (issues statements, settles disputes)."""
    if "statement_finance" not in w._cache:
        w._cache["statement_finance"] = w.staff(R.FINANCE_STAFF)
    return w._cache["statement_finance"]


def statement_tenant(w):
    """A portal user of park A's marked enterprise."""
    if "statement_tenant" not in w._cache:
        w._cache["statement_tenant"] = w.enterprise_user(w.enterprise())
    return w._cache["statement_tenant"]


def statement(w):
    """October 2026's statement of park A's marked enterprise: its rent (9,600) and 5,000 paid."""
    from parkflow.agreements.choices import FeeKind

    from .. import services, services_statements
    from .factories import signed_agreement

    if "statement" not in w._cache:
        clerk = statement_finance(w)
        agreement = signed_agreement(w.enterprise())
        rent = agreement.fees.get(kind=FeeKind.RENT)
        bill = services.bill_issue(actor=clerk, fee_line=rent, period_start=OCTOBER).bill
        services.payment_record(
            actor=clerk,
            bill=bill,
            amount="5000",
            method="bank_transfer",
            paid_on=datetime.date(2026, 10, 15),
            idempotency_key=f"route-{bill.pk}",
        )
        w._cache["statement"] = services_statements.statement_issue(
            actor=clerk, enterprise=w.enterprise(), period_start=OCTOBER
        )
    return w._cache["statement"]


def statement_line(w, position=1):
    return statement(w).lines.get(position=position)


def statement_dispute(w):
    from .. import services_statements

    if "statement_dispute" not in w._cache:
        w._cache["statement_dispute"] = services_statements.dispute_raise(
            actor=statement_tenant(w), line=statement_line(w), reason="面积按合同应为 110 平方米。"
        )
    return w._cache["statement_dispute"]


def taken_statement_dispute(w):
    from .. import services_statements

    if "taken_statement_dispute" not in w._cache:
        w._cache["taken_statement_dispute"] = services_statements.dispute_take(
            actor=statement_finance(w), dispute=statement_dispute(w)
        )
    return w._cache["taken_statement_dispute"]


BUILDERS = {
    "statement_finance": statement_finance,
    "statement_tenant": statement_tenant,
    "statement": statement,
    "statement_dispute": statement_dispute,
    "taken_statement_dispute": taken_statement_dispute,
}


# --- cases -----------------------------------------------------------------------------------


def _list(w):
    made = statement(w)
    return Case(marker=made.enterprise.name, enterprise=made.enterprise)


def _issue(w):
    enterprise = w.enterprise()
    return Case(data={"POST": {"enterprise": enterprise.pk, "month": "2026-09"}})


def _detail(w):
    made = statement(w)
    return Case({"pk": made.pk, "fmt": "xlsx"}, enterprise=made.enterprise)


def _supersede(w):
    made = statement(w)
    return Case(
        {"pk": made.pk},
        data={"POST": {"supersede-reason": "十月收款补录，重新出具。"}},
        enterprise=made.enterprise,
    )


def _disputes(w):
    made = statement_dispute(w)
    return Case(marker=made.enterprise.name, enterprise=made.enterprise)


def _dispute(w):
    made = statement_dispute(w)
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _take(w):
    made = statement_dispute(w)
    return Case({"pk": made.pk, "step": "take"}, data={"POST": {}}, enterprise=made.enterprise)


# the portal


def _portal_list(w):
    made = statement(w)
    return Case(marker=made.number, enterprise=made.enterprise, actor=statement_tenant(w))


def _portal_detail(w):
    made = statement(w)
    return Case(
        {"pk": made.pk, "fmt": "xlsx"}, enterprise=made.enterprise, actor=statement_tenant(w)
    )


def _portal_dispute(w):
    made = statement(w)
    line = statement_line(w, 2)
    return Case(
        {"pk": made.pk, "line_pk": line.pk},
        data={"POST": {"line": line.pk, "reason": "这笔收款实际为 5,200 元。"}},
        enterprise=made.enterprise,
        actor=statement_tenant(w),
    )


def _portal_disputes(w):
    made = statement_dispute(w)
    return Case(marker=made.line.description, enterprise=made.enterprise, actor=statement_tenant(w))


def _portal_dispute_detail(w):
    made = statement_dispute(w)
    return Case({"pk": made.pk}, enterprise=made.enterprise, actor=statement_tenant(w))


# the API


def _api_list(w):
    made = statement(w)
    return Case(
        marker=made.enterprise.name,
        data={"POST": lambda w: {"enterprise": made.enterprise_id, "period_start": "2026-09-01"}},
        enterprise=made.enterprise,
    )


def _api_supersede(w):
    made = statement(w)
    return Case(
        {"pk": made.pk}, data={"POST": {"reason": "十月收款补录"}}, enterprise=made.enterprise
    )


def _api_disputes(w):
    made = statement_dispute(w)
    return Case(
        marker=made.enterprise.name,
        data={"POST": lambda w: {"line": statement_line(w, 2).pk, "reason": "收款金额不符。"}},
        enterprise=made.enterprise,
        actor=statement_tenant(w),
    )


def _api_dispute_step(builder, data=None):
    def make(w):
        made = builder(w)
        return Case({"pk": made.pk}, data={"POST": data or {}}, enterprise=made.enterprise)

    return make


VIEW, ISSUE = "statement.view", "statement.issue"

ROUTES: dict = {
    "billing:statements": Route(STAFF, {"GET": 200}, VIEW, R.AUDITOR, _list, other_park=HIDDEN),
    "billing:statement_issue": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        ISSUE,
        R.FINANCE_STAFF,
        _issue,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "billing:statement": Route(STAFF, {"GET": 200}, VIEW, R.AUDITOR, _detail),
    "billing:statement_download": Route(STAFF, {"GET": 200}, VIEW, R.AUDITOR, _detail),
    "billing:statement_supersede": Route(STAFF, {"POST": 302}, ISSUE, R.FINANCE_STAFF, _supersede),
    "billing:disputes": Route(
        STAFF, {"GET": 200}, "dispute.view", R.AUDITOR, _disputes, other_park=HIDDEN
    ),
    "billing:dispute": Route(STAFF, {"GET": 200}, "dispute.view", R.AUDITOR, _dispute),
    "billing:dispute_step": Route(STAFF, {"POST": 302}, "dispute.handle", R.FINANCE_STAFF, _take),
    # --- the portal ----------------------------------------------------------------------------
    "portal:statements": Route(PORTAL, {"GET": 200}, VIEW, make=_portal_list),
    "portal:statement": Route(PORTAL, {"GET": 200}, VIEW, make=_portal_detail),
    "portal:statement_download": Route(PORTAL, {"GET": 200}, VIEW, make=_portal_detail),
    "portal:statement_dispute": Route(
        PORTAL,
        {"GET": 200, "POST": 302},
        {"GET": VIEW, "POST": "dispute.raise"},
        make=_portal_dispute,
    ),
    "portal:disputes": Route(PORTAL, {"GET": 200}, "dispute.view", make=_portal_disputes),
    "portal:dispute": Route(PORTAL, {"GET": 200}, "dispute.view", make=_portal_dispute_detail),
    # --- the API -------------------------------------------------------------------------------
    "api:statement-list": Route(API, {"GET": 200}, VIEW, R.AUDITOR, _list, other_park=HIDDEN),
    "api:statement-issue": Route(
        API, {"POST": 201}, ISSUE, R.FINANCE_STAFF, _api_list, other_park=REFUSED
    ),
    "api:statement-detail": Route(API, {"GET": 200}, VIEW, R.AUDITOR, _detail),
    "api:statement-supersede": Route(API, {"POST": 200}, ISSUE, R.FINANCE_STAFF, _api_supersede),
    "api:statement-xlsx": Route(API, {"GET": 200}, VIEW, R.AUDITOR, _detail),
    "api:statement-pdf": Route(API, {"GET": 200}, VIEW, R.AUDITOR, _detail),
    "api:statement-dispute-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "dispute.view", "POST": "dispute.raise"},
        R.AUDITOR,
        _api_disputes,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:statement-dispute-detail": Route(API, {"GET": 200}, "dispute.view", R.AUDITOR, _dispute),
    "api:statement-dispute-take": Route(
        API,
        {"POST": 200},
        "dispute.handle",
        R.FINANCE_STAFF,
        _api_dispute_step(statement_dispute),
    ),
    "api:statement-dispute-resolve": Route(
        API,
        {"POST": 200},
        "dispute.handle",
        R.FINANCE_STAFF,
        _api_dispute_step(
            taken_statement_dispute,
            {"kind": "credit", "amount": "800.00", "outcome": "面积核减 10 平方米。"},
        ),
    ),
    "api:statement-dispute-reject": Route(
        API,
        {"POST": 200},
        "dispute.handle",
        R.FINANCE_STAFF,
        _api_dispute_step(taken_statement_dispute, {"reason": "面积以测绘报告为准。"}),
    ),
}
