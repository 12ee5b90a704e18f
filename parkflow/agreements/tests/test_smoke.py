import pytest

from parkflow.core import audit
from parkflow.core.models import AuditEvent

from ..choices import AgreementStatus
from .factories import legally_approved, sign

pytestmark = pytest.mark.django_db


def test_the_whole_journey_signs_an_agreement(org):
    agreement = legally_approved(org)
    assert agreement.status == AgreementStatus.APPROVED
    signed = sign(org, agreement)
    assert signed.status == AgreementStatus.SIGNED
    assert AuditEvent.objects.filter(action="agreement.sign").exists()
    assert audit.verify_chain().ok
