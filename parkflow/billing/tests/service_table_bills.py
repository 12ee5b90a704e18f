"""The bill pages' entries of billing's part of the service table: the exports of the bill and
payment lists (scoped, audited, refused to who sees no bills and to an enterprise user, who
follows its own bills in the portal)."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = ["parkflow.billing.exports_bills"]


def _buffer():
    import io

    return io.BytesIO()


X = "parkflow.billing.exports_bills."

SERVICES = {
    X + "bill_export": Service(
        "bill.export",
        lambda w: {"filters": {}},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_nobody(w), w.enterprise_user()],
    ),
    X + "payment_export": Service(
        "payment.export",
        lambda w: {"filters": {}},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_nobody(w), w.enterprise_user()],
    ),
    X + "bill_workbook": Service(
        None, lambda w: {"bills": [], "target": _buffer()}, system=True, after=False
    ),
    X + "payment_workbook": Service(
        None, lambda w: {"payments": [], "target": _buffer()}, system=True, after=False
    ),
    X + "filename": Service(None, lambda w: {"title": "账单清单"}, system=True, after=False),
}
