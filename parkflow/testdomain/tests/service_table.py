"""The errand domain's part of the service table (see ``parkflow.core.tests.service_table``;
``test_service_permissions`` discovers this module in every installed app)."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = [
    "parkflow.testdomain.services",
]


SERVICES: dict[str, Service] = {
    "parkflow.testdomain.services.errand_create": Service(
        "errand.create",
        lambda w: {"park": w.park, "title": "服务表事项"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.enterprise_user(),
        ],
    ),
    "parkflow.testdomain.services.errand_assign": Service(
        "errand.assign",
        lambda w: {"errand": w.errand(), "assignee": _s(w, Role.BUSINESS_STAFF)},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
        before=True,
    ),
    "parkflow.testdomain.services.errand_update": Service(
        "errand.update",
        lambda w: {"errand": w.errand(), "amount": "60000"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
        before=True,
    ),
    "parkflow.testdomain.services.errand_declare_conflict": Service(
        "errand.declare_conflict",
        lambda w: {"errand": w.errand(), "reason": "亲属在该企业任职"},
        allowed=lambda w: _s(w, Role.FINANCE_STAFF),
        refused=lambda w: [
            _s(w, Role.FINANCE_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
}
