"""Portal intake pages (R-PLT-3, R-ENT-2, R-ENT-3, R-ENT-6): applying without an account, the
checklist of what is missing, brand authorisations, and the public results list ("一公开") —
which never shows reviewers, draw pools or internal opinions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import gates, reviews
from parkflow.core.models import Review
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    enterprise_user,
    make_credit_code,
    pdf_upload,
)
from parkflow.intake.gates import ADMISSION, BRAND_AUTHORISATION
from parkflow.intake.models import ProtectedBrand, PublishedResult, ReviewDraw
from parkflow.intake.tests.factories import application_under_review, review_panel, upload_licence
from parkflow.org.choices import Role
from parkflow.org.models import User
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import OrgUnitFactory, staff

TODAY = timezone.localdate


def portal_user(enterprise, **kwargs):
    user = enterprise_user(enterprise, **kwargs)
    user.save()  # the factory does not save the password when compliant=False
    return user


def application_values(park, **overrides):
    return {
        "park": park.pk,
        "name": "苏州星澜光电科技有限公司",
        "credit_code": make_credit_code(31337),
        "legal_representative": "沈毅",
        "registered_capital": "800",
        "industry": "it",
        "contact_name": "沈毅",
        "contact_phone": "13912345678",
        "contact_email": "",
        "address": "",
        "username": "xinglan",
        "password": "Xinglan@2026park",
        "password_confirm": "Xinglan@2026park",
        "email": "apply@xinglan.example",
        **overrides,
    }


# ---------------------------------------------------------------------------------------------
# 申请入驻 (public)


def test_the_apply_page_is_public_and_offers_only_parks(client, park):
    OrgUnitFactory(name="园区运营公司")  # a company, not a park
    response = client.get(reverse("portal:apply"))
    assert response.status_code == 200
    parks = list(response.context["form"].fields["park"].queryset)
    assert parks == [park]
    html = response.content.decode()
    assert "园区运营公司" not in html
    assert 'name="password_confirm"' in html
    assert 'name="viewport"' in html


def test_the_login_page_links_to_the_application(client, db):
    html = client.get(reverse("login")).content.decode()
    assert reverse("portal:apply") in html
    assert "企业申请入驻" in html


def test_applying_creates_the_account_and_the_application_and_logs_the_applicant_in(client, park):
    response = client.post(reverse("portal:apply"), application_values(park))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:home"))
    enterprise = Enterprise.objects.get(name="苏州星澜光电科技有限公司")
    user = User.objects.get(username="xinglan")
    assert enterprise.status == EnterpriseStatus.APPLYING
    assert PortalAccount.objects.get(user=user).enterprise == enterprise
    home = client.get(response["Location"])
    assert home.status_code == 200  # logged in as the new account
    html = home.content.decode()
    assert enterprise.name in html
    assert "上传营业执照" in html  # the message and the checklist say what to do next
    assert home.context["document_form"].initial == {"doc_type": "business_licence"}


def test_an_applicant_cannot_choose_grade_or_account_manager(client, park):
    manager = staff(Role.BUSINESS_STAFF, park)
    values = application_values(park, grade="key", account_manager=manager.pk)
    client.post(reverse("portal:apply"), values)
    enterprise = Enterprise.objects.get()
    assert enterprise.grade == "b"
    assert enterprise.account_manager is None


def test_a_bad_credit_code_shows_the_field_error_and_creates_nothing(client, park):
    users, enterprises = User.objects.count(), Enterprise.objects.count()
    response = client.post(
        reverse("portal:apply"), application_values(park, credit_code="91310115MA1K3ABC0E")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "credit_code" in errors
    html = response.content.decode()
    assert "校验位" in html
    assert "未创建任何账号或记录" in html
    assert User.objects.count() == users
    assert Enterprise.objects.count() == enterprises
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password_confirm": "Different@2026"}, "password_confirm"),
        ({"password": "12345678", "password_confirm": "12345678"}, "password"),
        ({"contact_phone": "12345"}, "contact_phone"),
    ],
)
def test_bad_account_or_contact_input_is_shown_on_its_field(client, park, overrides, field):
    response = client.post(reverse("portal:apply"), application_values(park, **overrides))
    assert field in response.context["form"].errors
    assert not Enterprise.objects.exists()
    assert not User.objects.filter(username="xinglan").exists()


def test_a_taken_username_is_refused_on_the_username_field(client, park):
    staff(Role.BUSINESS_STAFF, park, username="xinglan")
    response = client.post(reverse("portal:apply"), application_values(park))
    assert "username" in response.context["form"].errors
    assert not Enterprise.objects.exists()


def test_signed_in_people_are_sent_away_from_the_apply_page(client, park):
    user = portal_user(EnterpriseFactory(park=park))
    response = login(client, user).get(reverse("portal:apply"))
    assert response["Location"] == reverse("portal:home")
    clerk = staff(Role.BUSINESS_STAFF, park)
    response = login(client, clerk).get(reverse("portal:apply"))
    assert response["Location"] == reverse("workbench:home")


# ---------------------------------------------------------------------------------------------
# Portal home: checklist, brand authorisation


@pytest.fixture
def applicant(client, park):
    client.post(reverse("portal:apply"), application_values(park))
    return User.objects.get(username="xinglan")


def test_the_checklist_says_the_licence_is_missing_and_submission_waits(client, applicant):
    response = client.get(reverse("portal:home"))
    items = {item["title"]: item for item in response.context["checklist"]}
    assert items["上传有效的营业执照"]["done"] is False
    assert items["上传有效的营业执照"]["hint"] == "未上传营业执照"
    assert items["提交资质审核"]["done"] is False
    assert "上传品牌授权书" not in items
    # No brand flag: a brand authorisation is not offered.
    choices = dict(response.context["document_form"].fields["doc_type"].choices)
    assert "brand_authorisation" not in choices
    assert "business_licence" in choices


def test_a_flagged_name_asks_for_a_brand_authorisation_and_offers_its_upload(client, park):
    ProtectedBrand.objects.create(name="华为", aliases="HUAWEI", owner="华为技术有限公司")
    client.post(reverse("portal:apply"), application_values(park, name="苏州华为智能科技有限公司"))
    response = client.get(reverse("portal:home"))
    items = {item["title"]: item for item in response.context["checklist"]}
    assert items["上传品牌授权书"]["done"] is False
    assert "华为" in items["上传品牌授权书"]["hint"]
    html = response.content.decode()
    assert "?upload=brand_authorisation" in html
    assert "brand_authorisation" in dict(
        response.context["document_form"].fields["doc_type"].choices
    )
    upload = client.post(
        reverse("portal:document_upload"),
        {
            "doc_type": "brand_authorisation",
            "valid_until": (TODAY() + datetime.timedelta(days=365)).isoformat(),
            "file": pdf_upload("授权书.pdf"),
        },
    )
    assert upload.status_code == 302
    assert Review.objects.filter(gate=BRAND_AUTHORISATION.code, decision="pending").count() == 1
    items = {i["title"]: i for i in client.get(reverse("portal:home")).context["checklist"]}
    assert items["上传品牌授权书"]["pending"] is True
    assert items["上传品牌授权书"]["hint"] == "品牌授权书已上传，正在审查。"


def test_a_brand_authorisation_cannot_be_uploaded_without_a_flag(client, applicant):
    response = client.post(
        reverse("portal:document_upload"),
        {"doc_type": "brand_authorisation", "file": pdf_upload("授权书.pdf")},
    )
    assert response.status_code == 400
    assert "doc_type" in response.context["document_form"].errors
    assert not Enterprise.objects.get().documents.exists()


# ---------------------------------------------------------------------------------------------
# 审查结果公示 and what the portal never shows


@pytest.fixture
def reviewers(park):
    return review_panel(park, names=("冯审查", "郑审查", "吴审查"))


@pytest.fixture
def decided(park, reviewers):
    """Another enterprise whose admission was refused with an internal opinion."""
    clerk = staff(Role.BUSINESS_STAFF, park, display_name="王经理")
    enterprise = application_under_review(park, clerk, name="苏州邻家科技有限公司")
    review = gates.latest_round(enterprise, ADMISSION)[0]
    reviews.decide(
        actor=review.assigned_to,
        review=review,
        decision="reject",
        opinion="内部意见：实际控制人涉诉",
    )
    return enterprise


def test_portal_results_show_other_enterprises_public_results_but_no_opinion(client, park, decided):
    mine = EnterpriseFactory(park=park, name="苏州本家科技有限公司")
    user = portal_user(mine)
    response = login(client, user).get(reverse("portal:results"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "苏州邻家科技有限公司" in html
    assert "不通过" in html
    assert "准入审核" in html
    assert "实际控制人涉诉" not in html
    assert reverse("enterprises:detail", args=[decided.pk]) not in html


def test_portal_results_filter_by_decision(client, park, decided):
    user = portal_user(EnterpriseFactory(park=park))
    PublishedResult.objects.create(
        enterprise=decided,
        enterprise_name="苏州通过科技有限公司",
        purpose="spot_check",
        decision="approve",
        decided_on=TODAY(),
        published_at=timezone.now(),
    )
    response = login(client, user).get(reverse("portal:results"), {"decision": "approve"})
    assert [r.enterprise_name for r in response.context["results"]] == ["苏州通过科技有限公司"]


def test_portal_never_shows_reviewer_names_draw_pools_or_opinions(client, park, reviewers):
    clerk = staff(Role.BUSINESS_STAFF, park, display_name="王经理")
    enterprise = application_under_review(park, clerk)
    user = portal_user(enterprise)
    first = gates.latest_round(enterprise, ADMISSION)[0]
    reviews.decide(
        actor=first.assigned_to, review=first, decision="approve", opinion="内部意见：同意"
    )
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    login(client, user)
    for name in ("portal:home", "portal:results"):
        html = client.get(reverse(name)).content.decode()
        for reviewer in reviewers:
            assert reviewer.display_name not in html, (name, reviewer.display_name)
        assert draw.seed not in html
        assert "内部意见" not in html
        assert "合格审查人" not in html


def test_staff_and_anonymous_visitors_have_no_portal_results(client, park):
    response = client.get(reverse("portal:results"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    clerk = staff(Role.BUSINESS_STAFF, park)
    assert login(client, clerk).get(reverse("portal:results")).status_code == 404


def test_portal_pages_have_tabs_for_my_enterprise_and_the_results(client, park):
    user = portal_user(EnterpriseFactory(park=park))
    html = login(client, user).get(reverse("portal:home")).content.decode()
    assert 'class="portal-tabs"' in html
    assert reverse("portal:results") in html


def test_an_approved_enterprise_sees_its_own_result_and_a_completed_checklist(
    client, park, reviewers
):
    clerk = staff(Role.BUSINESS_STAFF, park)
    enterprise = application_under_review(park, clerk)
    for review in gates.latest_round(enterprise, ADMISSION):
        reviews.decide(actor=review.assigned_to, review=review, decision="approve")
    user = portal_user(enterprise)
    response = login(client, user).get(reverse("portal:home"))
    assert all(item["done"] for item in response.context["checklist"])
    assert "本企业审查结果" in response.content.decode()


def test_the_licence_item_names_an_expired_licence(client, park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    enterprise = EnterpriseFactory(park=park)
    upload_licence(
        enterprise,
        clerk,
        valid_from=TODAY() - datetime.timedelta(days=800),
        valid_until=TODAY() - datetime.timedelta(days=1),
    )
    user = portal_user(enterprise)
    items = {
        i["title"]: i for i in login(client, user).get(reverse("portal:home")).context["checklist"]
    }
    assert "已于" in items["上传有效的营业执照"]["hint"]
    assert items["上传有效的营业执照"]["done"] is False


def test_the_public_application_form_is_throttled_per_address(client, park, settings):
    settings.PARKFLOW_PORTAL_APPLY_PER_HOUR = 2
    for attempt in range(2):
        client.post(
            reverse("portal:apply"), application_values(park, username=f"try{attempt}", name="")
        )
    users = User.objects.count()
    response = client.post(reverse("portal:apply"), application_values(park))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert User.objects.count() == users
    assert not Enterprise.objects.exists()
