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


def test_r_agr_6_the_park_signatory_is_staff_of_the_agreements_park(org, other_park):
    from parkflow.core.errors import ValidationFailed
    from parkflow.enterprises.tests.factories import enterprise_user
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import staff

    from .. import services
    from .factories import pdf_upload, today

    agreement = legally_approved(org)
    for outsider in (staff(Role.DEPUTY, other_park), enterprise_user(agreement.enterprise)):
        with pytest.raises(ValidationFailed) as refused:
            services.agreement_sign(
                actor=org.drafter,
                agreement=agreement,
                signed_on=today(),
                enterprise_signatory="法定代表人",
                scan=pdf_upload("协议签署件.pdf"),
                park_signatory=outsider,
            )
        assert "park_signatory" in refused.value.errors
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.APPROVED and not agreement.signed_scan
