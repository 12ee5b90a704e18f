"""Who may do what to the enterprise domain's rows (R-ORG-3), next to the models: the roles per
action, the path to the owning park and to the enterprise (the portal's scope), what enterprise
users may do on their own enterprise, and the exceptions — published results are public ("一公开",
R-ENT-3) and a conflict declaration is its declarer's own (R-ENT-4).

The intake models (documents, draws, brands, conflicts, spot checks, results, tariffs, fees) are
declared here until they move to their own app; their declarations move with them."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.access import Permissions, Public
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF, OPERATORS

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
    Permissions(
        model="enterprises.ConflictDeclaration",
        park="enterprise__park",
        actions={"enterprise.declare_conflict": OPERATORS},
        # Each person lists and withdraws only their own declarations.
        owners={
            "enterprise.declare_conflict": ("person", _("只能撤回本人的利益冲突申报。")),
        },
    ),
    Permissions(
        model="enterprises.QualificationDocument",
        park="enterprise__park",
        enterprise="enterprise",
        actions={"document.upload": FRONT_OFFICE, "document.download": ALL_STAFF},
        portal={"document.upload", "document.download"},
    ),
    Permissions(model="enterprises.ReviewDraw", park="enterprise__park"),
    # Quarterly campaigns cover every park: headquarters business.
    Permissions(
        model="enterprises.SpotCheckCampaign",
        actions={
            "spot_check.run": frozenset({R.OFFICE_STAFF, R.SYSTEM_ADMIN}),
            "spot_check.view": ALL_STAFF,
        },
    ),
    # "一公开": every staff member and every enterprise user reads every published outcome, across
    # parks. The rows hold only name, matter, decision and date.
    Permissions(
        model="enterprises.PublishedResult",
        park="enterprise__park",
        enterprise="enterprise",
        view="result.view",
        actions={"result.view": ALL_STAFF},
        public={"result.view": Public(staff=True, portal=True)},
    ),
    # The protected-brand list is reference data of the group: no park.
    Permissions(
        model="enterprises.ProtectedBrand",
        actions={
            "brand.manage": frozenset(
                {R.LEAD_STAFF, R.OFFICE_STAFF, R.RISK_OFFICER, R.SYSTEM_ADMIN}
            )
        },
    ),
    Permissions(model="enterprises.BrandFlag", park="enterprise__park", enterprise="enterprise"),
    Permissions(
        model="enterprises.AdmissionFeeTariff",
        park="park",
        actions={
            "tariff.view": ALL_STAFF,
            "tariff.publish": frozenset({R.LEAD_STAFF, R.OFFICE_STAFF}),
        },
    ),
    Permissions(
        model="enterprises.AdmissionFee",
        park="enterprise__park",
        enterprise="enterprise",
        actions={"fee.charge": frozenset({R.FINANCE_STAFF, R.BUSINESS_STAFF})},
    ),
    Permissions(model="enterprises.LegacyAdmission", park="enterprise__park"),
]
