"""The enterprise API as its tests drive it: URLs, a valid body, what a refusal must not write
and the park's people — shared by enterprises/tests/test_api.py and the admission steps' tests
in intake (which sits above enterprises)."""

from parkflow.core.models import AuditEvent, Review
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import enterprise_values, make_credit_code
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

URL = "/api/v1/enterprises/"


def detail(pk, action=""):
    return f"{URL}{pk}/{action + '/' if action else ''}"


def payload(park, **overrides) -> dict:
    return {
        "park": park.pk,
        **enterprise_values(credit_code=make_credit_code(101), registered_capital="800.00"),
        **overrides,
    }


def writes() -> tuple[int, int, int]:
    return Enterprise.objects.count(), AuditEvent.objects.count(), Review.objects.count()


def park_people(park) -> dict:
    """A clerk, a risk officer and a lead of ``park``: the register's and the review's roles."""
    return {
        "clerk": staff(Role.BUSINESS_STAFF, park),
        "reviewer": staff(Role.RISK_OFFICER, park),
        "lead": staff(Role.LEAD_STAFF, park),
    }
