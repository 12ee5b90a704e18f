"""Reads of licence readings (issue 13), each starting from the permission engine: a reading of
another park, or of another enterprise, is "not found" like a missing one (R-ORG-3)."""

from parkflow.core import access
from parkflow.core.errors import NotFound
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit

from . import mapping
from .choices import ReadingPurpose
from .models import LicenceReading
from .reading import LicenceResult

RECENT = 8  # the upload page's "my recent readings"


def _readings():
    return LicenceReading.objects.select_related("park", "enterprise", "used_for", "requested_by")


def reading_get_for_user(*, actor, token: str) -> LicenceReading:
    """One reading the actor may see, by its token; missing and not-yours are the same 404."""
    return access.get_for_user(actor, _readings(), token=str(token))


def reading_get_for_owner(*, owner_hash: str, token: str) -> LicenceReading:
    """An anonymous applicant's own reading (门户入驻申请), by its token and the session's hash."""
    reading = (
        LicenceReading.objects.filter(
            purpose=ReadingPurpose.APPLICATION, owner_key=owner_hash, token=str(token)
        ).first()
        if owner_hash
        else None
    )
    if reading is None:
        raise NotFound()
    return reading


def reading_list_mine(*, actor, limit: int = RECENT):
    """The actor's latest readings for new registrations (the upload page lists them)."""
    return list(
        access.scope(actor, _readings())
        .filter(requested_by=actor, purpose=ReadingPurpose.NEW_ENTERPRISE)
        .order_by("-created_at", "-id")[:limit]
    )


def latest_renewal(*, actor, enterprise) -> LicenceReading | None:
    """The latest reading of a renewed licence of the enterprise the actor may see."""
    return (
        access.scope(actor, LicenceReading.objects.select_related("document", "used_for"))
        .filter(enterprise=enterprise, purpose=ReadingPurpose.RENEWAL)
        .order_by("-created_at", "-id")
        .first()
    )


def result_of(reading: LicenceReading) -> LicenceResult | None:
    return LicenceResult.from_json(reading.result) if reading.result else None


def register_differences(reading: LicenceReading, enterprise) -> list[mapping.Difference]:
    """What a finished reading says differently from the register (normalised comparison):
    rows of (field label, register value, licence value)."""
    result = result_of(reading)
    return mapping.differences(result, enterprise) if result else []


def parks_for_upload(actor):
    """The parks where the actor may read a licence to register an enterprise."""
    parks = access.parks_with_roles(actor, access.roles_for("licence_reading.submit"))
    qs = OrgUnit.objects.filter(kind=UnitKind.PARK).order_by("sort_order", "id")
    if parks is None:
        return qs if access.may_somewhere(actor, "licence_reading.submit") else qs.none()
    return qs.filter(pk__in=parks)
