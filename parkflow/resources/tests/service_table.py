"""The resources part of the service table (see ``parkflow.core.tests.service_table``;
``test_service_permissions`` discovers this module in every installed app): each public function
of ``resources.services``, the actor who may call it on park A's objects and those who may not
(park B's holder of the role, a role without the action, a person with no role, an enterprise
user) — refused with nothing written, allowed with one audit event of its action. The helpers a
step calls inside its transaction are the module's ``SYSTEM_OPERATIONS``."""

import datetime

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = [
    "parkflow.resources.services",
]


def _org(w):
    return w.resource_people()


def _front(w):
    return _s(w, Role.BUSINESS_STAFF)


def _keeper(w):
    return _s(w, Role.LEAD_STAFF)


def _keeping_refused(w):
    """Who may not keep park A's catalogue and entitlements."""
    return [
        _s(w, Role.LEAD_STAFF, w.other_park),
        _s(w, Role.BUSINESS_STAFF),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.enterprise_user(w.tenant()),
    ]


def _front_refused(w, *, portal_too=False):
    """Who may not act for park A's enterprises (and, unless the portal may, its own user)."""
    refused = [
        _s(w, Role.BUSINESS_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _s(w, Role.RISK_OFFICER),
        _nobody(w),
        w.stranger_enterprise_user(),
    ]
    if portal_too:
        refused.append(w.enterprise_user(w.tenant()))
    return refused


def _slot():
    from .factories import at

    start = at(2, 14)
    return start, start + datetime.timedelta(hours=1)


def _risk_approval(w):
    """The risk review of park A's pending unit request approved, its consequence not yet
    applied (as ``core.reviews.decide`` leaves it just before it calls the consequence)."""
    from pytest import MonkeyPatch

    from parkflow.core import reviews

    from ..gates import RISK_REVIEW
    from .factories import decide_all

    made = w.pending_request()
    with MonkeyPatch.context() as patch:
        patch.setattr(reviews, "apply_consequence", lambda **kwargs: None)
        decide_all(made, RISK_REVIEW, _org(w).risk)
    return RISK_REVIEW.state(made).reviews[-1]


P = "parkflow.resources.services."

SERVICES: dict[str, Service] = {
    # --- the catalogue and entitlements (R-RES-1, R-RES-2) -------------------------------------
    P + "resource_save": Service(
        "resource.save",
        lambda w: {"park": w.park, "kind": "meeting_room", "code": "M-S1", "name": "服务表会议室"},
        allowed=_keeper,
        refused=_keeping_refused,
    ),
    P + "entitlement_save": Service(
        "entitlement.save",
        lambda w: {"park": w.park, "grade": "a", "kind": "parking", "max_count": 2},
        allowed=_keeper,
        refused=_keeping_refused,
    ),
    # --- requests (R-RES-3, R-RES-4, R-RES-5) --------------------------------------------------
    P + "request_create": Service(
        "resource_request.create",
        lambda w: {
            "enterprise": w.tenant(),
            "resource": w.room(),
            "starts_at": _slot()[0],
            "ends_at": _slot()[1],
            "purpose": "客户接待",
        },
        allowed=_front,
        refused=_front_refused,
    ),
    # The allocate step's effect, called by the transition the gates authorised.
    P + "allocate": Service(
        "allocation.create",
        lambda w: {"actor": _org(w).risk, "request": w.pending_request()},
        system=True,
    ),
    # The gates' consequence: the risk review approved, the (not major) request is allocated.
    P + "request_review_outcome": Service(
        "resourcerequest.allocate",
        lambda w: {"actor": _org(w).risk, "review": _risk_approval(w)},
        system=True,
    ),
    P + "allocation_release": Service(
        "allocation.release",
        lambda w: {"allocation": w.booking().allocation, "reason": "会议取消"},
        allowed=_front,
        refused=lambda w: _front_refused(w, portal_too=True),
        before=True,
    ),
    # --- deviations (R-RES-6) ------------------------------------------------------------------
    P + "deviation_report": Service(
        "deviation.report",
        lambda w: {
            "allocation": w.booking().allocation,
            "kind": "late",
            "description": "会议室未按时开放",
        },
        allowed=_front,
        refused=_front_refused,
    ),
    P + "deviation_resolve": Service(
        "deviation.resolve",
        lambda w: {"deviation": w.deviation(), "resolution": "已更换投影仪"},
        allowed=_front,
        refused=lambda w: _front_refused(w, portal_too=True),
    ),
    # --- reads and wording the services use inside their transaction --------------------------
    P + "when": Service(None, lambda w: {"moment": _slot()[0]}, system=True, after=False),
    P + "period_text": Service(
        None,
        lambda w: {"starts_at": _slot()[0], "ends_at": _slot()[1]},
        system=True,
        after=False,
    ),
    P + "holder": Service(
        None,
        lambda w: {
            "resource": w.booking().resource,
            "starts_at": w.booking().starts_at,
            "ends_at": w.booking().ends_at,
        },
        system=True,
        after=False,
    ),
    P + "slot_taken": Service(
        None,
        lambda w: {"actor": _org(w).clerk, "held": w.booking().allocation},
        system=True,
        after=False,
    ),
}


# The unit ledger import's entries (parkflow.resources.imports), kept beside its routes.
from .service_table_imports import SERVICE_MODULES as _IMPORT_MODULES  # noqa: E402
from .service_table_imports import SERVICES as _IMPORT_SERVICES  # noqa: E402

SERVICE_MODULES += _IMPORT_MODULES
SERVICES |= _IMPORT_SERVICES
