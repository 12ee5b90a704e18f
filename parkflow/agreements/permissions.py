"""Who may do what with agreements (R-ORG-3). Drafting and recording a signature are the front
office's; the legal review is the gate's (gates.py); an enterprise sees its own agreements in the
portal, downloads them and confirms the services it asked for (R-AGR-3)."""

from parkflow.core.access import Permissions
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF

DRAFTERS = frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF})
LEGAL = frozenset({R.LEGAL_OFFICER})


PERMISSIONS = [
    Permissions(
        model="agreements.Agreement",
        park="park",
        enterprise="enterprise",
        view="agreement.view",
        actions={
            "agreement.view": ALL_STAFF,
            "agreement.draft": DRAFTERS,
            "agreement.submit": DRAFTERS,
            "agreement.withdraw": DRAFTERS,
            "agreement.sign": DRAFTERS,
            "agreement.amend": DRAFTERS,
            "agreement.import": frozenset({R.LEAD_STAFF, R.SYSTEM_ADMIN}),
            "agreement.export": ALL_STAFF - {R.SYSTEM_ADMIN},
            "agreement.download": ALL_STAFF,
            # The enterprise confirms a service it asked for (R-AGR-3); staff cannot.
            "agreement.confirm_line": frozenset(),
        },
        portal={"agreement.view", "agreement.download", "agreement.confirm_line"},
    ),
    Permissions(model="agreements.AgreementClause", park="agreement__park"),
    Permissions(model="agreements.ServiceLine", park="agreement__park"),
    Permissions(model="agreements.FeeLine", park="agreement__park"),
    Permissions(
        model="agreements.Template",
        park="park",
        view="template.view",
        actions={
            "template.view": ALL_STAFF,
            "template.manage": frozenset({R.LEAD_STAFF}),
        },
    ),
    Permissions(
        model="agreements.TemplateVersion",
        park="template__park",
        actions={"template.rereview": LEGAL},
    ),
    Permissions(model="agreements.TemplateReReview", park="version__template__park"),
    Permissions(
        model="agreements.ServiceItem",
        park="park",
        actions={"service_item.manage": frozenset({R.LEAD_STAFF, R.OFFICE_STAFF})},
    ),
    Permissions(
        model="agreements.Tariff",
        park="park",
        actions={
            "price.view": ALL_STAFF,
            "price.publish": frozenset({R.LEAD_STAFF, R.OFFICE_STAFF}),
        },
    ),
    # The allowed venues are the group's reference data, kept by legal.
    Permissions(
        model="agreements.Venue",
        actions={"venue.manage": frozenset({R.LEGAL_OFFICER, R.SYSTEM_ADMIN})},
    ),
]
