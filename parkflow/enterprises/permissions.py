"""Who may do what to the enterprise domain's rows (R-ORG-3), next to the models: the roles per
action, the path to the owning park and to the enterprise (the portal's scope), what enterprise
users may do on their own enterprise. Intake's models declare theirs in intake/permissions.py."""

from parkflow.core.access import Permissions
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF

FRONT_OFFICE = frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF, R.OFFICE_STAFF})
RECORD_KEEPERS = FRONT_OFFICE | {R.SYSTEM_ADMIN}

PERMISSIONS = [
    Permissions(
        model="enterprises.Enterprise",
        park="park",
        enterprise="pk",
        actions={
            "enterprise.view": ALL_STAFF,
            "enterprise.export": ALL_STAFF,
            "enterprise.create": RECORD_KEEPERS,
            "enterprise.edit": RECORD_KEEPERS,
            "enterprise.transition": FRONT_OFFICE,
            "enterprise.import": frozenset({R.LEAD_STAFF, R.OFFICE_STAFF, R.SYSTEM_ADMIN}),
            "enterprise.submit": FRONT_OFFICE,
            # An object's audit timeline, for staff who see the object (the portal shows none).
            "enterprise.timeline": ALL_STAFF,
        },
        portal={"enterprise.view", "enterprise.submit"},
    ),
    Permissions(
        model="enterprises.PortalAccount", park="enterprise__park", enterprise="enterprise"
    ),
    Permissions(
        model="enterprises.PortalInvitation",
        park="enterprise__park",
        actions={"portal.invite": RECORD_KEEPERS},
    ),
    Permissions(model="enterprises.LegacyAdmission", park="enterprise__park"),
]
