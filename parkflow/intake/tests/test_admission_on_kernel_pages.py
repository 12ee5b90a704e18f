"""The admission steps and gate as the kernel's generic pages show them: a declared conflict of
interest on the review page (R-ENT-4) and the step's own words on the transition page — moved
from core/tests/test_pages.py and core/tests/test_wording.py (the behaviour is intake's)."""

from django.urls import reverse

from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION
from parkflow.intake.tests.factories import upload_licence
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff


def test_declared_conflict_excludes_the_reviewer_on_the_review_page(client, park):
    clerk = staff(Role.BUSINESS_STAFF, park, display_name="王晓明")
    reviewer = staff(Role.RISK_OFFICER, park, display_name="陈静")
    enterprise = EnterpriseFactory(park=park, name="苏州启明新材料有限公司", created_by=clerk)
    (review,) = ADMISSION.request(actor=clerk, obj=enterprise, reviewers=[reviewer])
    intake_services.conflict_declare(
        actor=reviewer, enterprise=review.subject, reason="亲属在该企业任职"
    )
    client.force_login(reviewer)
    html = client.get(reverse("core:review_detail", args=[review.pk])).content.decode()
    assert 'name="decision"' not in html
    assert "利益冲突" in html


def test_a_transition_is_confirmed_in_natural_words(client, park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    enterprise = EnterpriseFactory(park=park, name="苏州纳微光电科技有限公司")
    upload_licence(enterprise, clerk)
    client.force_login(clerk)
    response = client.post(
        reverse("enterprises:transition", args=[enterprise.pk, "apply"]), follow=True
    )
    html = response.content.decode()
    assert "已提交“苏州纳微光电科技有限公司”的入驻申请。" in html
    assert "已办理" not in html
