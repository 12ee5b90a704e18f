"""Customer-intake pages at a glance (R-ORG-3): the material a reviewer sees on the review page,
404 for staff out of scope and for enterprise users, the login redirect for anonymous visitors,
every page rendering for a permitted user and the sidebar offering only what each may open."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import gates
from parkflow.core.models import Review
from parkflow.enterprises.tests.factories import (
    enterprise_user,
    make_credit_code,
    pdf_upload,
    prospect_create,
)
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION, BRAND_AUTHORISATION
from parkflow.intake.models import (
    AdmissionFee,
    ConflictDeclaration,
    ProtectedBrand,
    ReviewDraw,
    SpotCheckCampaign,
)
from parkflow.intake.tests.factories import approve_round
from parkflow.intake.tests.intake_pages import make_enterprise
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import OrgUnitFactory, staff

TODAY = timezone.localdate


# ---------------------------------------------------------------------------------------------
# Review page material (core review_detail)


def test_brand_authorisation_review_shows_the_document_its_hash_and_a_download_link(
    client, park, clerk, panel, huawei
):
    enterprise = prospect_create(
        actor=clerk, park=park, name="苏州华为智能科技有限公司", credit_code=make_credit_code(994)
    )
    document = intake_services.document_upload(
        actor=clerk,
        enterprise=enterprise,
        doc_type="brand_authorisation",
        upload=pdf_upload("华为授权书.pdf"),
        valid_until=TODAY() + datetime.timedelta(days=365),
    )
    review = Review.objects.get(gate=BRAND_AUTHORISATION.code)
    html = (
        login(client, panel[0])
        .get(reverse("core:review_detail", args=[review.pk]))
        .content.decode()
    )
    assert "华为授权书.pdf" in html
    assert document.sha256 in html
    assert reverse("intake:document_download", args=[enterprise.pk, document.pk]) in html
    assert "华为技术有限公司" in html  # the brand owner the reviewer checks against


def test_admission_review_shows_the_current_documents_and_brand_flags(client, clerk, application):
    review = gates.latest_round(application, ADMISSION)[0]
    licence = application.documents.get()
    response = login(client, review.assigned_to).get(
        reverse("core:review_detail", args=[review.pk])
    )
    html = response.content.decode()
    assert "企业现行资质材料" in html
    assert reverse("intake:document_download", args=[application.pk, licence.pk]) in html
    assert "未发现品牌冒用嫌疑" in html
    assert ReviewDraw.objects.get(enterprise=application).seed in html


# ---------------------------------------------------------------------------------------------
# Access (R-ORG-3): out of scope is 404, enterprise users get 404 on staff pages


def test_out_of_scope_staff_get_404_on_every_action_with_an_object(
    client, clerk, application, outsider, declared
):
    approve_round(application)
    draw = ReviewDraw.objects.get(enterprise=application)
    login(client, outsider)
    for url in (
        reverse("enterprises:detail", args=[application.pk]),
        reverse("intake:draw_rerun", args=[application.pk, draw.pk]),
        reverse("intake:fee_charge", args=[application.pk]),
        reverse("intake:conflict_withdraw", args=[declared.pk]),
    ):
        method = client.get if url.endswith(f"/{application.pk}/") else client.post
        assert method(url).status_code == 404, url
    # A draw of one enterprise is not reachable through another enterprise's URL either.
    mine = make_enterprise(outsider.role_assignments.get().unit)
    url = reverse("intake:draw_rerun", args=[mine.pk, draw.pk])
    assert client.post(url).status_code == 404
    assert not AdmissionFee.objects.exists()
    assert ConflictDeclaration.objects.get(pk=declared.pk).withdrawn_at is None


STAFF_GET_PAGES = [
    "intake:applications",
    "intake:results",
    "intake:spot_checks",
    "intake:brands",
    "intake:tariffs",
    "intake:conflicts",
]


@pytest.mark.parametrize("name", STAFF_GET_PAGES)
def test_enterprise_user_gets_404_on_every_intake_staff_page(client, park, name):
    user = enterprise_user(make_enterprise(park))
    user.save()
    assert login(client, user).get(reverse(name)).status_code == 404


def test_enterprise_user_gets_404_on_every_intake_staff_action(client, clerk, application):
    user = enterprise_user(application)
    user.save()
    draw = ReviewDraw.objects.get(enterprise=application)
    declaration = intake_services.conflict_declare(
        actor=clerk, enterprise=application, reason="亲属"
    )
    login(client, user)
    for url in (
        reverse("intake:draw_rerun", args=[application.pk, draw.pk]),
        reverse("intake:fee_charge", args=[application.pk]),
        reverse("intake:conflict_withdraw", args=[declaration.pk]),
        reverse("intake:spot_check_run"),
        reverse("intake:brands"),
        reverse("intake:tariffs"),
    ):
        assert client.post(url, {"reason": "x", "name": "x"}).status_code == 404, url
    assert not SpotCheckCampaign.objects.exists()
    assert ProtectedBrand.objects.filter(name="x").exists() is False


@pytest.mark.parametrize("name", STAFF_GET_PAGES)
def test_anonymous_visitor_is_sent_to_login_from_every_intake_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", STAFF_GET_PAGES)
def test_every_intake_page_renders_for_a_permitted_user(client, park, name):
    hq = OrgUnitFactory(name="园区运营公司")
    admin = staff(Role.OFFICE_STAFF, hq)
    from parkflow.org.models import RoleAssignment

    RoleAssignment.objects.create(user=admin, role=Role.BUSINESS_STAFF, unit=hq)
    assert login(client, admin).get(reverse(name)).status_code == 200


def test_sidebar_lists_the_intake_pages_each_user_may_open(client, clerk, park):
    html = login(client, clerk).get(reverse("workbench:home")).content.decode()
    for name in (
        "applications",
        "results",
        "spot_checks",
        "tariffs",
        "conflicts",
    ):
        assert reverse(f"intake:{name}") in html, name
    assert reverse("intake:brands") not in html
    auditor = staff(Role.AUDITOR, park)
    html = login(client, auditor).get(reverse("workbench:home")).content.decode()
    assert reverse("intake:results") in html
    assert reverse("intake:conflicts") not in html
    risk = staff(Role.RISK_OFFICER, park)
    html = login(client, risk).get(reverse("workbench:home")).content.decode()
    assert reverse("intake:brands") in html
