"""Who may do what with licence readings (R-ORG-3, issue 13).

* Reading a licence to register an enterprise is the work of those who keep the register and
  file its documents (the roles of both ``enterprise.create`` and ``document.upload``) in the
  park; the reading is then its uploader's to use:
  nobody else registers an enterprise from it (``owners``), so a colleague's half-confirmed
  upload is never taken over.
* Staff of the park see its readings (as they see its enterprises), and the uploader always
  sees their own (``grants``); an enterprise user sees the readings of its own enterprise's
  renewed licences, and may start one.
* Applying a renewed licence's changes to the register is an edit of the register: the roles of
  ``enterprise.edit``, in the enterprise's park."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.access import Permissions
from parkflow.enterprises.permissions import FRONT_OFFICE, RECORD_KEEPERS
from parkflow.org.permissions import ALL_STAFF

# Registering from a licence creates the enterprise (enterprise.create: the record keepers) and
# files the licence as its first document (document.upload: the front office): both roles.
REGISTRARS = RECORD_KEEPERS & FRONT_OFFICE

PERMISSIONS = [
    Permissions(
        model="licences.LicenceReading",
        park="park",
        enterprise="enterprise",
        view="licence_reading.view",
        actions={
            "licence_reading.view": ALL_STAFF,
            "licence_reading.submit": REGISTRARS,
            "licence_reading.register": REGISTRARS,
            "licence_reading.renew": RECORD_KEEPERS,
        },
        owners={
            "licence_reading.register": (
                "requested_by",
                _("只能使用本人上传的营业执照识别结果建档。"),
            ),
        },
        grants={"licence_reading.view": "requested_by"},
        portal={"licence_reading.view", "licence_reading.submit"},
    ),
]
