"""Who may do what to an errand (R-ORG-3), next to the model: roles per action, the path to the
park, the path to the enterprise with the portal's grants, the assignee's grant and one
per-object rule no path expresses."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.access import Permissions
from parkflow.org.choices import Role as R

VIEWERS = frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF, R.AUDITOR})


def not_ones_own(user, errand):
    """Segregation of duties (R-ORG-4): who raised an errand does not sign it off."""
    if errand.created_by_id == user.pk:
        return _("不得办结本人登记的事项。")
    return None


PERMISSIONS = [
    Permissions(
        model="testdomain.Errand",
        park="park",
        enterprise="enterprise",
        view="errand.view",
        actions={
            "errand.view": VIEWERS,
            "errand.create": frozenset({R.BUSINESS_STAFF}),
            "errand.submit": frozenset({R.BUSINESS_STAFF}),
            "errand.edit": frozenset({R.BUSINESS_STAFF}),
            # Whoever may sign one of its gates declares a conflict before signing.
            "errand.declare_conflict": frozenset(
                {R.RISK_OFFICER, R.FINANCE_STAFF, R.DEPUTY, R.LEAD_STAFF, R.BUSINESS_STAFF}
            ),
            "errand.complete": frozenset({R.LEAD_STAFF}),
            "errand.send_back": frozenset({R.LEAD_STAFF}),
            # Waiting for the enterprise's documents pauses the response clock (issue 8 §2).
            "errand.wait": frozenset({R.BUSINESS_STAFF, R.LEAD_STAFF}),
        },
        # An enterprise user sees and submits the errands of its own enterprise.
        portal={"errand.view", "errand.submit"},
        # The assignee may sign it off without the role.
        grants={"errand.complete": "assignee"},
        checks={"errand.complete": (not_ones_own,)},
    ),
]
