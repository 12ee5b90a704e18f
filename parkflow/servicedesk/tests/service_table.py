"""The service desk's part of the service table (see ``parkflow.core.tests.service_table``):
each public service, the actor who may call it on park A's objects and those who may not —
refused with nothing written, allowed with one audit event of its action."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = ["parkflow.servicedesk.services"]


def _refused(w):
    return [
        _s(w, Role.BUSINESS_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.enterprise_user(),
    ]


def _colleague(w):
    if "desk_colleague" not in w._cache:
        w._cache["desk_colleague"] = _s(w, Role.LEAD_STAFF)
    return w._cache["desk_colleague"]


def _offer(w):
    from .. import services

    if "desk_offer" not in w._cache:
        w._cache["desk_offer"] = services.transfer_offer(
            actor=w.clerk(), request=w.taken_request(), to_person=_colleague(w), reason="协调"
        )
    return w._cache["desk_offer"]


def _resolved(w):
    from .. import services

    return services.request_resolve(actor=w.clerk(), request=w.taken_request(), resolution="已修复")


def _callback(w):
    """This month's call-back of park A's marked enterprise (made as the monthly job makes it)."""
    from django.utils import timezone

    from ..models import CallBack

    if "callback" not in w._cache:
        enterprise = w.enterprise()
        w._cache["callback"] = CallBack.objects.create(
            park=w.park,
            enterprise=enterprise,
            period=f"{timezone.localdate():%Y-%m}",
            due_on=timezone.localdate(),
            created_at=timezone.now(),
        )
    return w._cache["callback"]


def _now():
    from django.utils import timezone

    return timezone.now()


P = "parkflow.servicedesk.services."

SERVICES = {
    P + "request_submit": Service(
        "service_request.submit",
        lambda w: {
            "enterprise": w.enterprise(),
            "category": "consultation",
            "title": "政策咨询",
            "description": "高新技术企业认定条件。",
        },
        allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
        ],
    ),
    P + "request_take": Service(
        "service_request.take",
        lambda w: {"request": w.service_request()},
        allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
        refused=_refused,
    ),
    P + "transfer_offer": Service(
        "service_request.transfer_offer",
        lambda w: {"request": w.taken_request(), "to_person": _colleague(w), "reason": "协调"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [*_refused(w), _s(w, Role.BUSINESS_STAFF)],  # not the owner
    ),
    P + "transfer_accept": Service(
        "service_request.transfer_accept",
        lambda w: {"transfer": _offer(w)},
        allowed=_colleague,
        refused=lambda w: [*_refused(w), _s(w, Role.LEAD_STAFF)],  # not the receiver
        before=True,
    ),
    P + "transfer_decline": Service(
        "service_request.transfer_decline",
        lambda w: {"transfer": _offer(w), "reason": "非本部门职责"},
        allowed=_colleague,
        refused=lambda w: [*_refused(w), _s(w, Role.LEAD_STAFF)],
        after=False,
    ),
    P + "request_resolve": Service(
        "service_request.resolve",
        lambda w: {"request": w.taken_request(), "resolution": "已修复"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [*_refused(w), _s(w, Role.BUSINESS_STAFF)],
    ),
    P + "request_confirm": Service(
        "service_request.confirm",
        lambda w: {"request": _resolved(w), "rating": 5},
        allowed=lambda w: w.enterprise_user(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF),
            w.clerk(),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    P + "callback_record": Service(
        "callback.record",
        lambda w: {"callback": _callback(w), "score": 4, "comment": "服务及时"},
        allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    P + "anomaly_report": Service(
        "anomaly.report",
        lambda w: {
            "park": w.park,
            "description": "消防通道被占用",
            "discovered_at": _now(),
        },
        allowed=lambda w: _s(w, Role.RISK_OFFICER),
        refused=lambda w: [
            _s(w, Role.RISK_OFFICER, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.enterprise_user(),
        ],
    ),
    P + "callbacks_generate": Service(None, lambda w: {}, system=True, after=False),
    P + "requests_auto_close": Service(
        None,
        lambda w: {},
        system=True,
        after=False,
    ),
}


# The service-request UI's entries (photos, the export), kept beside its routes.
from .service_table_requests import SERVICE_MODULES as _REQUEST_MODULES  # noqa: E402
from .service_table_requests import SERVICES as _REQUEST_SERVICES  # noqa: E402

SERVICE_MODULES += _REQUEST_MODULES
SERVICES |= _REQUEST_SERVICES
