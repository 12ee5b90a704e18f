"""Who may do what to intake's rows (R-ORG-3), next to the models, with intake's exceptions:
published results are public ("一公开", R-ENT-3) and a conflict declaration is its declarer's own
(R-ENT-4). Action names keep their original prefixes (``enterprise.declare_conflict``,
``document.upload``): they are stored in role grants and tests, not derived from the app."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.access import Permissions, Public
from parkflow.enterprises.permissions import FRONT_OFFICE
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF, OPERATORS

PERMISSIONS = [
    Permissions(
        model="intake.ConflictDeclaration",
        park="enterprise__park",
        actions={"enterprise.declare_conflict": OPERATORS},
        # Each person lists and withdraws only their own declarations.
        owners={
            "enterprise.declare_conflict": ("person", _("只能撤回本人的利益冲突申报。")),
        },
    ),
    Permissions(
        model="intake.QualificationDocument",
        park="enterprise__park",
        enterprise="enterprise",
        actions={"document.upload": FRONT_OFFICE, "document.download": ALL_STAFF},
        portal={"document.upload", "document.download"},
    ),
    Permissions(model="intake.ReviewDraw", park="enterprise__park"),
    # Quarterly campaigns cover every park: headquarters business.
    Permissions(
        model="intake.SpotCheckCampaign",
        actions={
            "spot_check.run": frozenset({R.OFFICE_STAFF, R.SYSTEM_ADMIN}),
            "spot_check.view": ALL_STAFF,
        },
    ),
    # "一公开": every staff member and every enterprise user reads every published outcome, across
    # parks. The rows hold only name, matter, decision and date.
    Permissions(
        model="intake.PublishedResult",
        park="enterprise__park",
        enterprise="enterprise",
        view="result.view",
        actions={"result.view": ALL_STAFF},
        public={"result.view": Public(staff=True, portal=True)},
    ),
    # The protected-brand list is reference data of the group: no park.
    Permissions(
        model="intake.ProtectedBrand",
        actions={
            "brand.manage": frozenset(
                {R.LEAD_STAFF, R.OFFICE_STAFF, R.RISK_OFFICER, R.SYSTEM_ADMIN}
            )
        },
    ),
    Permissions(model="intake.BrandFlag", park="enterprise__park", enterprise="enterprise"),
    Permissions(
        model="intake.AdmissionFeeTariff",
        park="park",
        actions={
            "tariff.view": ALL_STAFF,
            "tariff.publish": frozenset({R.LEAD_STAFF, R.OFFICE_STAFF}),
        },
    ),
    Permissions(
        model="intake.AdmissionFee",
        park="enterprise__park",
        enterprise="enterprise",
        actions={"fee.charge": frozenset({R.FINANCE_STAFF, R.BUSINESS_STAFF})},
    ),
]
