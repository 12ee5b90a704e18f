"""Who may do what with service requests (R-ORG-3): the front office takes, transfers and
resolves them; the enterprise submits its own in the portal, follows them and confirms or
reopens the result."""

from parkflow.core.access import Permissions
from parkflow.enterprises.permissions import FRONT_OFFICE
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF, OPERATORS

HANDLERS = FRONT_OFFICE | {R.FINANCE_STAFF}

PERMISSIONS = [
    Permissions(
        model="servicedesk.ServiceRequest",
        park="park",
        enterprise="enterprise",
        view="service_request.view",
        actions={
            "service_request.view": ALL_STAFF,
            "service_request.submit": FRONT_OFFICE,
            "service_request.handle": HANDLERS,
            # The enterprise confirms (and rates) or reopens the result; staff cannot.
            "service_request.confirm": frozenset(),
        },
        portal={"service_request.view", "service_request.submit", "service_request.confirm"},
    ),
    Permissions(model="servicedesk.Transfer", park="request__park"),
    Permissions(
        model="servicedesk.CallBack",
        park="park",
        enterprise="enterprise",
        view="callback.view",
        actions={
            "callback.view": ALL_STAFF,
            # By phone (staff record it) or by the enterprise in the portal.
            "callback.record": FRONT_OFFICE,
        },
        portal={"callback.view", "callback.record"},
    ),
    Permissions(
        model="servicedesk.AnomalyReport",
        park="park",
        view="anomaly.view",
        actions={"anomaly.view": ALL_STAFF, "anomaly.report": OPERATORS},
    ),
    # Photos attached to a request (models_photos.py): seen by whoever sees the request — staff
    # of its park, the enterprise's own users in the portal.
    Permissions(
        model="servicedesk.RequestPhoto",
        park="request__park",
        enterprise="request__enterprise",
        view="service_request.view",
        portal={"service_request.view"},
    ),
]
