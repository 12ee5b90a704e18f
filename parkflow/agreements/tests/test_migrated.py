"""An agreement brought in from the park's old ledger (R-PLT-5) is signed but "历史导入，未经审查"
until a legal officer who did not import it approves it (R-AGR-4)."""

import datetime

import pytest
from django.utils import timezone

from parkflow.core.errors import Conflict, PermissionDenied
from parkflow.core.models import AuditEvent

from .. import services
from ..choices import AgreementKind, AgreementStatus
from ..gates import LEGAL_REVIEW
from ..models import Agreement
from .factories import decide_all, good_standing

pytestmark = pytest.mark.django_db


def _migrated(org):
    today = timezone.localdate()
    enterprise = good_standing(org.park, org.drafter)
    return Agreement.objects.create(
        park=org.park,
        enterprise=enterprise,
        kind=AgreementKind.RESIDENCY,
        number="JY-2024-001",
        title="入驻服务协议（历史）",
        status=AgreementStatus.SIGNED,
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=300),
        migrated=True,
        signed_on=today - datetime.timedelta(days=400),
        created_by=org.legal2,  # a legal officer imported it: not its reviewer
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )


def test_r_plt_5_a_migrated_agreement_is_reviewed_by_legal_not_its_importer(org):
    made = _migrated(org)
    services.agreement_migration_review_request(actor=org.drafter, agreement=made)
    with pytest.raises(PermissionDenied):
        decide_all(made, LEGAL_REVIEW, org.legal2)
    decide_all(made, LEGAL_REVIEW, org.legal)
    made.refresh_from_db()
    assert made.migration_reviewed_at is not None
    assert made.status == AgreementStatus.SIGNED
    assert AuditEvent.objects.filter(action="agreement.migration_reviewed").count() == 1
    with pytest.raises(Conflict):
        services.agreement_migration_review_request(actor=org.drafter, agreement=made)


def test_r_plt_5_a_rejected_migrated_agreement_keeps_the_opinion_and_stays_unreviewed(org):
    made = _migrated(org)
    services.agreement_migration_review_request(actor=org.drafter, agreement=made)
    decide_all(made, LEGAL_REVIEW, org.legal, decision="reject", opinion="缺少争议解决条款")
    made.refresh_from_db()
    assert made.migration_reviewed_at is None
    assert made.return_opinion == "缺少争议解决条款"


def test_r_plt_5_the_page_marks_a_migrated_agreement_unreviewed_and_sends_it_to_review(client, org):
    from django.urls import reverse

    made = _migrated(org)
    client.force_login(org.drafter)
    page = client.get(reverse("agreements:detail", args=[made.pk])).content.decode()
    assert "历史导入，未经审查" in page and "migration-review" in page
    listed = client.get(reverse("agreements:list")).content.decode()
    assert "历史导入，未经审查" in listed
    response = client.post(reverse("agreements:migration_review", args=[made.pk]))
    assert response.status_code == 302
    assert LEGAL_REVIEW.state(made).pending
    page = client.get(reverse("agreements:detail", args=[made.pk])).content.decode()
    assert "migration-review/" not in page  # asked once; the review is open
    decide_all(made, LEGAL_REVIEW, org.legal)
    assert "历史导入，未经审查" not in client.get(reverse("agreements:list")).content.decode()
