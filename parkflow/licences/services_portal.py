"""The portal's self-service application from a business licence (issue 13, R-PLT-3, R-ENT-1,
R-ENT-2): an applicant without an account uploads the licence (``services.reading_submit_public``),
the worker reads it, the apply page opens pre-filled, and one call registers the portal account,
the application AND the licence as the enterprise's business licence version 1 — all of it or
nothing.

The same rules as staff registering from a licence (``services.enterprise_register_from_licence``):
a reading pre-fills one registration; a credit code taken as read that the reader was unsure of,
or whose check digit failed, is refused unless the applicant confirms they compared it with the
licence; the licence is filed through intake's own upload (same checks), by the new portal user
(who holds ``document.upload`` on their own enterprise); the use is audited like the staff
path (``licence_reading.apply``)."""

import datetime

from parkflow.core.db import service
from parkflow.core.errors import NotFound, ValidationFailed
from parkflow.enterprises import services as enterprise_services

from . import services
from .choices import ReadingPurpose
from .models import LicenceReading, owner_hash
from .reading import LicenceResult

# Public functions of this module that do not call the access layer themselves, and why (D21).
SYSTEM_OPERATIONS = {
    "portal_application_from_licence": "public self-service application (R-PLT-3): the "
    "applicant has no account yet; the reading must belong to the applicant's own session "
    "(owner_key, compared hashed), the portal view throttles it, the account and application "
    "are portal_application_register's (validated, only its own enterprise) and the licence is "
    "filed by the new portal user through document_upload, which checks document.upload",
}


def _own_reading(reading, owner_key: str) -> LicenceReading:
    """The applicant's reading, locked; another session's (or no session's) is "not found"."""
    locked = services._locked(reading)
    if (
        locked.purpose != ReadingPurpose.APPLICATION
        or not owner_key
        or locked.owner_key != owner_hash(owner_key)
    ):
        raise NotFound(requirement="R-PLT-3")
    return locked


@service
def portal_application_from_licence(
    *,
    reading: LicenceReading,
    owner_key: str,
    park,
    username: str,
    password: str,
    password_confirm: str,
    email: str = "",
    credit_code_confirmed: bool = False,
    licence_valid_from: datetime.date | None = None,
    licence_valid_until: datetime.date | None = None,
    **register_values,
):
    """Register the portal account, the application (申请中) and the licence document version 1
    from the applicant's own finished reading, in one transaction. Returns (user, enterprise).

    Refused, with nothing written: a reading of another session (not found), not finished,
    already used or whose file is gone; an account or register field the application would
    refuse; a credit code taken as read that the reader was unsure of, unless
    ``credit_code_confirmed`` (the field error on ``credit_code``)."""
    reading = _own_reading(reading, owner_key)
    services._ensure_registrable(reading)
    result = LicenceResult.from_json(reading.result or {})
    confirmed = bool(credit_code_confirmed)
    problem = services._credit_code_problem(result, register_values.get("credit_code"), confirmed)
    try:
        user, enterprise = enterprise_services.portal_application_register(
            park=park,
            username=username,
            password=password,
            password_confirm=password_confirm,
            email=email,
            **register_values,
        )
    except ValidationFailed as exc:
        raise services._with_code_problem(exc, problem) from None
    if problem is not None:
        # The application would be taken with this code: the applicant has not said it is the
        # licence's. Raised inside the transaction: the account and application go with it.
        raise ValidationFailed({"credit_code": [problem]}, requirement=services.REQUIREMENT)
    valid_from, valid_until = services._validity(result, licence_valid_from, licence_valid_until)
    document = services._file_licence(user, reading, enterprise, valid_from, valid_until)
    services._record_use(user, reading, enterprise, document, result, confirmed)
    return user, enterprise
