"""Who may do what with service requests (R-ORG-3): the front office takes, transfers and
resolves them; the enterprise submits its own in the portal, follows them and confirms or
reopens the result."""

from parkflow.core.access import Permissions
from parkflow.enterprises.permissions import FRONT_OFFICE
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF, LEADERS, OPERATORS

HANDLERS = FRONT_OFFICE | {R.FINANCE_STAFF}
# Complaints are handled by the front office and the departments that supervise them; a grade
# is set by whoever handles them or answers for them; accountability is referred by those who
# answer for the department (Art.22).
COMPLAINT_HANDLERS = HANDLERS | {R.DEPT_HEAD, R.OFFICE_STAFF, R.RISK_OFFICER}
SUPERVISORS = LEADERS | {R.DEPT_HEAD, R.OFFICE_STAFF, R.RISK_OFFICER}

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
    # --- complaints (R-CMP-1 … R-CMP-8)
    Permissions(
        model="servicedesk.Complaint",
        park="park",
        enterprise="enterprise",
        view="complaint.view",
        actions={
            "complaint.view": ALL_STAFF,
            "complaint.record": COMPLAINT_HANDLERS,
            "complaint.handle": COMPLAINT_HANDLERS,
            "complaint.grade": COMPLAINT_HANDLERS | LEADERS,
            "complaint.refer": SUPERVISORS,
            # The enterprise confirms or reopens the result and adds to its complaint.
            "complaint.confirm": frozenset(),
            "complaint.supplement": frozenset(),
        },
        portal={
            "complaint.view",
            "complaint.record",
            "complaint.confirm",
            "complaint.supplement",
        },
    ),
    Permissions(model="servicedesk.ComplaintTransfer", park="complaint__park"),
    Permissions(
        model="servicedesk.ComplaintNote",
        park="complaint__park",
        enterprise="complaint__enterprise",
    ),
    Permissions(
        model="servicedesk.EmergencyPlan",
        park="park",
        view="complaint.view",
        actions={},
    ),
    Permissions(model="servicedesk.TopicWatch", park="park", view="complaint.view", actions={}),
    Permissions(
        model="servicedesk.AccountabilityReferral",
        park="park",
        view="referral.view",
        actions={"referral.view": SUPERVISORS | {R.AUDITOR}},
    ),
    # The grading matrix is the group's reference data: no park.
    Permissions(
        model="servicedesk.GradingCriterion",
        actions={"grading.view": ALL_STAFF, "grading.manage": frozenset({R.SYSTEM_ADMIN})},
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
