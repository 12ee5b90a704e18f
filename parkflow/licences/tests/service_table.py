"""Licence readings' part of the service table (see ``parkflow.core.tests.service_table``): each
public service, the actor who may call it on park A's readings and those who may not — refused
with nothing written, allowed with one audit event of its action. The objects are the route
table's builders (``w.licence_reading()``, ``w.licence_renewal()`` …); the reader is a fake."""

import datetime

from django.utils import timezone

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = ["parkflow.licences.services", "parkflow.licences.services_portal"]

S = "parkflow.licences.services."


def _refused(w, role=Role.BUSINESS_STAFF):
    """Who never acts on park A's readings: the role in park B, park A's auditor, a user with
    no role, another enterprise's user."""
    return [
        _s(w, role, w.other_park),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.stranger_enterprise_user(),
    ]


def _upload():
    from .factories import licence_upload

    return licence_upload()


def _queued(w):
    """A reading the clerk submitted, queued for the (fake) reader."""
    from .factories import submitted, use_reader

    use_reader(w.monkeypatch)
    return submitted(w.clerk(), w.park).pk


def _unused_old(w):
    """A reading nobody used, uploaded longer ago than the retention period."""
    from .factories import submitted

    reading = submitted(w.clerk(), w.park)
    type(reading).objects.filter(pk=reading.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    return reading


def _portal_application_args(w):
    """The applicant's own finished reading (its session key) and the pre-filled form."""
    from .. import services
    from .factories import licence_upload, register_values, use_reader

    use_reader(w.monkeypatch)
    reading = services.reading_submit_public(upload=licence_upload(), owner_key="session-key-1")
    services.reading_execute(reading_id=reading.pk)
    return {
        "reading": reading,
        "owner_key": "session-key-1",
        "username": "yunfan",
        "password": "Yunfan@2026park",
        "password_confirm": "Yunfan@2026park",
        **register_values(w.park),
    }


def _register_args(w):
    from .factories import register_values

    return {"reading": w.licence_reading(), **register_values(w.park)}


SERVICES = {
    S + "reading_submit": Service(
        "licence_reading.submit",
        lambda w: {"upload": _upload, "purpose": "new_enterprise", "park": w.park},
        allowed=lambda w: w.clerk(),
        refused=_refused,
    ),
    S + "reading_submit_public": Service(
        "licence_reading.submit",
        lambda w: {"upload": _upload, "owner_key": "anonymous-session-key"},
        system=True,
    ),
    S + "renewal_read_document": Service(
        "licence_reading.submit", lambda w: {"document": w.licence_document()}, system=True
    ),
    S + "reading_execute": Service(
        "licence_reading.finish", lambda w: {"reading_id": _queued(w)}, system=True
    ),
    S + "enterprise_register_from_licence": Service(
        "licence_reading.apply",
        _register_args,
        # Only its uploader registers from a reading, not a colleague holding the same role.
        allowed=lambda w: w.licence_reading().requested_by,
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), *_refused(w)],
    ),
    "parkflow.licences.services_portal.portal_application_from_licence": Service(
        "licence_reading.apply", _portal_application_args, system=True
    ),
    S + "renewal_apply": Service(
        "licence_reading.renew",
        lambda w: {"reading": w.licence_renewal(), "fields": ["legal_representative"]},
        allowed=lambda w: _s(w, Role.BUSINESS_STAFF),
        refused=_refused,
        before=True,
    ),
    S + "reading_file_open": Service(
        "licence_reading.file_open",
        lambda w: {"reading": w.licence_reading()},
        # Seen by a colleague of the park, not its uploader: audited.
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [
            _s(w, Role.AUDITOR, w.other_park),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    S + "readings_purge_unused": Service(
        "licence_reading.purge",
        lambda w: {"now": _unused_old(w) and timezone.now()},
        system=True,
    ),
}
