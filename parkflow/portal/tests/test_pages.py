"""The enterprise portal (R-PLT-3, R-ORG-3): an enterprise user sees their own enterprise only."""

import pytest
from django.urls import reverse

from parkflow.enterprises import services
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.intake import services as intake_services
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import staff


@pytest.fixture
def mine(park):
    return EnterpriseFactory(park=park, name="苏州云帆智能科技有限公司", contact_name="周敏")


@pytest.fixture
def neighbour(park):
    return EnterpriseFactory(park=park, name="苏州邻居科技有限公司")


@pytest.fixture
def user(mine):
    account = enterprise_user(mine, display_name="云帆·周敏")
    account.save()  # the factory does not save the password when compliant=False
    return account


def test_enterprise_user_sees_their_own_enterprise_status_grade_contacts_and_park(
    client, user, mine, park
):
    response = login(client, user).get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.name in html
    assert mine.credit_code in html
    assert "周敏" in html
    assert park.name in html
    assert "意向" in html


def test_enterprise_user_sees_nothing_of_another_enterprise(client, user, neighbour):
    html = login(client, user).get(reverse("portal:home")).content.decode()
    assert neighbour.name not in html
    assert neighbour.credit_code not in html


def test_portal_shows_the_steps_of_the_case_but_no_internal_audit_details(client, park, user, mine):
    clerk = staff(Role.BUSINESS_STAFF, park, display_name="王晓明")
    services.enterprise_apply(actor=clerk, enterprise=mine, reason="内部备注：客户经理已面谈")
    intake_services.conflict_declare(actor=clerk, enterprise=mine, reason="亲属在该企业任职")
    html = login(client, user).get(reverse("portal:home")).content.decode()
    assert "提交入驻申请" in html
    assert "内部备注" not in html
    assert "亲属在该企业任职" not in html
    assert "申报利益冲突" not in html
    assert "王晓明" not in html


def test_staff_have_no_portal(client, park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    assert login(client, clerk).get(reverse("portal:home")).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_portal_uses_its_own_phone_friendly_layout(client, user):
    html = login(client, user).get(reverse("portal:home")).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'class="portal"' in html
    assert 'id="sidebar"' not in html
    assert f'action="{reverse("logout")}"' in html


def test_login_of_an_enterprise_user_lands_on_the_portal(client, user):
    response = client.post(
        reverse("login"), {"username": user.username, "password": "Park-2026!"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")


def test_enterprise_user_uploads_a_licence_from_the_portal(client, user, mine):
    from parkflow.enterprises.tests.factories import pdf_upload

    response = login(client, user).post(
        reverse("portal:document_upload"),
        {"doc_type": "business_licence", "valid_until": "2034-12-31", "file": pdf_upload()},
    )
    assert response.status_code == 302
    document = mine.documents.get()
    assert document.uploaded_by == user
    assert "营业执照" in client.get(reverse("portal:home")).content.decode()


def test_bad_upload_in_the_portal_shows_the_error_and_stores_nothing(client, user, mine):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("执照.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = login(client, user).post(
        reverse("portal:document_upload"),
        {"doc_type": "business_licence", "valid_until": "2034-12-31", "file": fake},
    )
    assert response.status_code == 400
    assert "只接受 PDF、JPG、PNG" in response.content.decode()
    assert not mine.documents.exists()


def test_enterprise_user_cannot_download_another_enterprises_document(
    client, park, user, neighbour
):
    from parkflow.intake.tests.factories import upload_licence

    clerk = staff(Role.BUSINESS_STAFF, park)
    document = upload_licence(neighbour, clerk)
    assert (
        login(client, user).get(reverse("portal:document_download", args=[document.pk])).status_code
        == 404
    )


def test_submitting_without_a_licence_is_refused_with_the_reason(client, park, user, mine):
    from parkflow.enterprises.choices import EnterpriseStatus

    clerk = staff(Role.BUSINESS_STAFF, park)
    services.enterprise_apply(actor=clerk, enterprise=mine)
    login(client, user)
    assert "提交资质审核" in client.get(reverse("portal:home")).content.decode()
    response = client.post(reverse("portal:transition", args=["start_review"]))
    assert response.status_code == 409
    assert "未上传营业执照" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == EnterpriseStatus.APPLYING


def test_enterprise_submits_its_application_for_review_from_the_portal(client, park, user, mine):
    from parkflow.core.models import Review
    from parkflow.enterprises.choices import EnterpriseStatus
    from parkflow.intake.tests.factories import upload_licence

    clerk = staff(Role.BUSINESS_STAFF, park)
    staff(Role.RISK_OFFICER, park)
    staff(Role.LEAD_STAFF, park)
    services.enterprise_apply(actor=clerk, enterprise=mine)
    upload_licence(mine, user)
    response = login(client, user).post(reverse("portal:transition", args=["start_review"]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == EnterpriseStatus.UNDER_REVIEW
    assert Review.objects.filter(object_id=str(mine.pk), decision="pending").count() == 2


def test_staff_cannot_use_the_portal_actions(client, park, mine):
    clerk = staff(Role.BUSINESS_STAFF, park)
    login(client, clerk)
    assert client.post(reverse("portal:transition", args=["start_review"])).status_code == 404
    assert client.post(reverse("portal:document_upload")).status_code == 404
