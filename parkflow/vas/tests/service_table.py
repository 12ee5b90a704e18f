"""Value-added services' part of the service table (see ``parkflow.core.tests.service_table``):
each public service, the actor who may call it on park A's objects and those who may not —
refused with nothing written, allowed with one audit event of its action. The objects are the
route table's builders (``routes.BUILDERS``: ``w.vas_service()``, ``w.vas_staff_order()`` …)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = ["parkflow.vas.services", "parkflow.vas.exports"]

S = "parkflow.vas.services."
X = "parkflow.vas.exports."


def _staff_refused(w, role=Role.BUSINESS_STAFF):
    """Who never acts on park A's catalogue or orders: the role in park B, park A's auditor, a
    user with no role, an enterprise user."""
    return [
        _s(w, role, w.other_park),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.stranger_enterprise_user(),
    ]


def _portal_refused(w):
    """The enterprise's own word: no staff member (not even the clerk who entered the order or
    a catalogue keeper), nobody without a role, no other enterprise."""
    return [
        w.clerk(),
        w.vas_keeper(),
        _s(w, Role.OFFICE_STAFF),
        _nobody(w),
        w.stranger_enterprise_user(),
    ]


def _later():
    return timezone.localdate() + datetime.timedelta(days=7)


SERVICES = {
    S + "service_create": Service(
        "vas_service.create",
        lambda w: {"park": w.park, "name": "政策申报辅导", "category": "policy", "unit": "次"},
        allowed=lambda w: _s(w, Role.LEAD_STAFF),
        refused=lambda w: [*_staff_refused(w, Role.LEAD_STAFF), _s(w, Role.BUSINESS_STAFF)],
    ),
    S + "service_update": Service(
        "vas_service.update",
        lambda w: {
            "service": w.vas_service(),
            "name": "工商代办（加急）",
            "category": "agency",
            "unit": "项",
        },
        allowed=lambda w: w.vas_keeper(),
        refused=lambda w: [*_staff_refused(w, Role.LEAD_STAFF), _s(w, Role.BUSINESS_STAFF)],
        before=True,
    ),
    S + "price_publish": Service(
        "vas_price.publish",
        lambda w: {"service": w.vas_service(), "price": Decimal("880"), "effective_from": _later()},
        allowed=lambda w: w.vas_keeper(),
        refused=lambda w: [*_staff_refused(w, Role.LEAD_STAFF), _s(w, Role.BUSINESS_STAFF)],
        before=True,
    ),
    S + "order_place": Service(
        "vas_order.place",
        lambda w: {"enterprise": w.vas_tenant(), "service": w.vas_service(), "quantity": 1},
        allowed=lambda w: w.clerk(),
        refused=_staff_refused,
    ),
    S + "order_confirm": Service(
        "vas_order.confirm",
        lambda w: {"order": w.vas_staff_order()},
        allowed=lambda w: w.vas_tenant_user(),
        refused=_portal_refused,
        before=True,
    ),
    S + "order_decline": Service(
        "vas_order.decline",
        lambda w: {"order": w.vas_staff_order(), "reason": "暂不需要"},
        allowed=lambda w: w.vas_tenant_user(),
        refused=_portal_refused,
        before=True,
    ),
    S + "order_start": Service(
        "vas_order.start",
        lambda w: {"order": w.vas_portal_order()},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [*_staff_refused(w), w.vas_tenant_user(), _s(w, Role.FINANCE_STAFF)],
        before=True,
    ),
    S + "order_complete": Service(
        "vas_order.complete",
        lambda w: {"order": w.vas_running_order(), "delivery_note": "已交付"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [*_staff_refused(w), w.vas_tenant_user()],
        before=True,
    ),
    S + "order_bill": Service(
        "vas_order.bill",
        lambda w: {"order": w.vas_completed_order()},
        allowed=lambda w: w.vas_finance(),
        refused=lambda w: [
            *_staff_refused(w, Role.FINANCE_STAFF),
            w.clerk(),
            w.vas_tenant_user(),
        ],
    ),
    S + "order_cancel": Service(
        "vas_order.cancel",
        lambda w: {"order": w.vas_staff_order(), "reason": "录入有误"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [*_staff_refused(w), _s(w, Role.FINANCE_STAFF)],
        before=True,
    ),
    S + "order_rate": Service(
        "vas_order.rate",
        lambda w: {"order": w.vas_completed_order(), "rating": 4, "comment": "及时"},
        allowed=lambda w: w.vas_tenant_user(),
        refused=lambda w: [w.clerk(), _nobody(w), w.stranger_enterprise_user()],
    ),
    # --- the order ledger's export --------------------------------------------------------------
    X + "order_export": Service(
        "vas_order.export",
        lambda w: {"filters": {}},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_nobody(w), w.enterprise_user()],
    ),
    X + "order_workbook": Service(
        None, lambda w: {"orders": [], "target": _buffer()}, system=True, after=False
    ),
    X + "filename": Service(None, lambda w: {"title": "增值服务订单"}, system=True, after=False),
}


def _buffer():
    import io

    return io.BytesIO()
