"""Who may do what with value-added services (R-ORG-3, R-VAS-1, R-VAS-2).

* The catalogue and its prices are kept by the lead department, the special management office
  and system administrators; every staff member of the park reads them; every enterprise user
  reads the catalogue of its own park (the selectors narrow the public grant to that park).
* Orders are entered and delivered by the front office and billed by finance, who issues every
  bill; an enterprise places its own orders in the portal and sees only its own.
* Confirming or declining a staff-entered order and rating a completed one are portal-only
  actions: no staff role holds them (as ``agreement.confirm_line``), so no page, API route or
  admin action lets staff confirm for the enterprise (R-VAS-2, no forced selling)."""

from parkflow.core.access import Permissions, Public
from parkflow.enterprises.permissions import FRONT_OFFICE
from parkflow.org.choices import Role as R
from parkflow.org.permissions import ALL_STAFF

CATALOGUE_KEEPERS = frozenset({R.LEAD_STAFF, R.OFFICE_STAFF, R.SYSTEM_ADMIN})
ORDER_HANDLERS = FRONT_OFFICE
# The catalogue is published to the park's enterprises (R-VAS-1 "价格须提前公示").
_CATALOGUE_PUBLIC = {"vas_service.view": Public(staff=False, portal=True)}

PERMISSIONS = [
    Permissions(
        model="vas.VasService",
        park="park",
        view="vas_service.view",
        actions={
            "vas_service.view": ALL_STAFF,
            "vas_service.manage": CATALOGUE_KEEPERS,
        },
        public=_CATALOGUE_PUBLIC,
        # Enterprise users read the catalogue (their own park's: the selectors narrow it).
        portal={"vas_service.view"},
    ),
    Permissions(
        model="vas.VasPrice",
        park="service__park",
        view="vas_service.view",
        public=_CATALOGUE_PUBLIC,
    ),
    Permissions(
        model="vas.VasOrder",
        park="park",
        enterprise="enterprise",
        view="vas_order.view",
        actions={
            "vas_order.view": ALL_STAFF,
            # Staff enter an order on the enterprise's behalf (a phone call); the enterprise
            # places its own in the portal.
            "vas_order.place": ORDER_HANDLERS,
            "vas_order.handle": ORDER_HANDLERS,
            "vas_order.cancel": ORDER_HANDLERS,
            # Finance bills a completed order (it issues every bill, R-BIL-1).
            "vas_order.bill": frozenset({R.FINANCE_STAFF}),
            # The enterprise's own word: portal only, no staff role.
            "vas_order.confirm": frozenset(),
            "vas_order.rate": frozenset(),
        },
        portal={
            "vas_order.view",
            "vas_order.place",
            "vas_order.cancel",
            "vas_order.confirm",
            "vas_order.rate",
        },
    ),
]
