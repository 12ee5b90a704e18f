"""Who may do what with resources (R-ORG-3). The front office keeps the catalogue and requests
for enterprises; the enterprise requests, books within entitlement, sees its own allocations and
reports deviations in the portal; the analysis of above-entitlement grants is for the office,
risk control, the leaders and the auditors (R-RES-5)."""

from parkflow.core.access import Permissions, Public
from parkflow.enterprises.permissions import FRONT_OFFICE
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF, LEADERS

KEEPERS = frozenset({R.LEAD_STAFF, R.OFFICE_STAFF, R.SYSTEM_ADMIN})
ANALYSTS = frozenset({R.OFFICE_STAFF, R.RISK_OFFICER, R.AUDITOR}) | LEADERS

PERMISSIONS = [
    Permissions(
        model="resources.Resource",
        park="park",
        view="resource.view",
        actions={
            "resource.view": ALL_STAFF,
            "resource.manage": KEEPERS,
            "resource.analyse": ANALYSTS,
            # The portal's booking page reads the park's meeting rooms and their free/busy
            # slots (never who holds them); the view narrows to the user's own park.
            "resource.book": frozenset(),
        },
        public={"resource.book": Public(portal=True)},
    ),
    Permissions(
        model="resources.Entitlement",
        park="park",
        actions={"entitlement.manage": KEEPERS},
    ),
    Permissions(
        model="resources.ResourceRequest",
        park="park",
        enterprise="enterprise",
        view="resource_request.view",
        actions={
            "resource_request.view": ALL_STAFF,
            "resource_request.create": FRONT_OFFICE,
            "resource_request.cancel": FRONT_OFFICE,
        },
        portal={
            "resource_request.view",
            "resource_request.create",
            "resource_request.cancel",
        },
    ),
    Permissions(
        model="resources.Allocation",
        park="park",
        enterprise="enterprise",
        view="allocation.view",
        actions={
            "allocation.view": ALL_STAFF,
            "allocation.release": FRONT_OFFICE,
        },
        portal={"allocation.view"},
    ),
    Permissions(
        model="resources.Deviation",
        park="park",
        enterprise="enterprise",
        view="deviation.view",
        actions={
            "deviation.view": ALL_STAFF,
            "deviation.report": FRONT_OFFICE,
            "deviation.resolve": FRONT_OFFICE,
        },
        portal={"deviation.view", "deviation.report"},
    ),
]
