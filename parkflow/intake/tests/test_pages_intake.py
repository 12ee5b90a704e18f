"""Customer-intake pages (R-ENT-2 … R-ENT-6, R-ORG-3): draws that anyone can re-run, review
rounds, brand flags, admission conditions, admission fees, conflict withdrawal, the application
list, published results, spot checks, protected brands and tariffs — scoped, refused inline,
and with constant query counts on the lists."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import gates, reviews
from parkflow.core.models import AuditEvent, Review
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    enterprise_user,
    make_credit_code,
    pdf_upload,
)
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION, BRAND_AUTHORISATION
from parkflow.intake.models import (
    AdmissionFee,
    AdmissionFeeTariff,
    ConflictDeclaration,
    ProtectedBrand,
    PublishedResult,
    QualificationDocument,
    ReviewDraw,
    SpotCheckCampaign,
)
from parkflow.intake.tests.factories import application_under_review, upload_licence
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, grant_also, staff

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


@pytest.fixture
def reviewers(park):
    return [
        staff(Role.RISK_OFFICER, park, display_name="冯晓"),
        staff(Role.LEAD_STAFF, park, display_name="郑磊"),
        staff(Role.OFFICE_STAFF, park, display_name="吴静"),
    ]


@pytest.fixture
def application(park, clerk, reviewers):
    return application_under_review(park, clerk)


@pytest.fixture
def outsider(other_park):
    return staff(Role.BUSINESS_STAFF, other_park, display_name="外园区员工")


@pytest.fixture
def office(park):
    return staff(Role.OFFICE_STAFF, park, display_name="专项办")


_codes = iter(range(10_000, 20_000))


def make_enterprise(park, **values):
    """An enterprise whose credit code cannot collide with the factories' sequence."""
    return EnterpriseFactory(park=park, credit_code=make_credit_code(next(_codes)), **values)


def login(client, user):
    client.force_login(user)
    return client


def approve_all(enterprise):
    for review in gates.latest_round(enterprise, ADMISSION):
        reviews.decide(actor=review.assigned_to, review=review, decision="approve")
    enterprise.refresh_from_db()
    return enterprise


def detail(client, enterprise, **query):
    return client.get(reverse("enterprises:detail", args=[enterprise.pk]), query)


def publish_tariff(park, amount="5000"):
    lead = staff(Role.LEAD_STAFF, park)
    return intake_services.tariff_publish(
        actor=lead, park=park, amount=amount, effective_from=TODAY()
    )


# ---------------------------------------------------------------------------------------------
# Double-random draw card (R-ENT-3)


def test_draw_card_shows_the_pool_by_name_the_seed_and_the_reviewers_drawn(
    client, clerk, application, reviewers
):
    draw = ReviewDraw.objects.get(enterprise=application)
    html = detail(login(client, clerk), application).content.decode()
    assert "双随机抽取" in html
    assert draw.seed in html
    for person in reviewers:
        assert person.display_name in html
    assert reverse("intake:draw_rerun", args=[application.pk, draw.pk]) in html
    assert "复现抽取结果" in html


def test_draw_card_names_the_people_excluded_and_why(client, park, clerk, reviewers):
    manager = staff(Role.RISK_OFFICER, park, display_name="客户经理兼风控")
    grant_also(manager, Role.BUSINESS_STAFF, park)  # an account manager is business staff
    enterprise = application_under_review(park, clerk, account_manager=manager)
    html = detail(login(client, clerk), enterprise).content.decode()
    assert "客户经理兼风控" in html
    assert "客户经理不得审查本人负责的企业" in html


def test_re_running_a_draw_reports_that_it_matches_the_record_and_writes_nothing(
    client, clerk, application
):
    draw = ReviewDraw.objects.get(enterprise=application)
    events = AuditEvent.objects.count()
    response = login(client, clerk).post(
        reverse("intake:draw_rerun", args=[application.pk, draw.pk]), **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "复现结果与记录一致 ✓" in html
    assert 'data-rerun="match"' in html
    assert AuditEvent.objects.count() == events
    assert ReviewDraw.objects.get(pk=draw.pk).selected == draw.selected


def test_a_draw_whose_record_was_altered_is_reported_as_a_mismatch(client, clerk, application):
    draw = ReviewDraw.objects.get(enterprise=application)
    ReviewDraw.objects.filter(pk=draw.pk).update(selected=list(reversed(draw.selected)))
    response = login(client, clerk).post(
        reverse("intake:draw_rerun", args=[application.pk, draw.pk]), **HTMX
    )
    html = response.content.decode()
    assert 'data-rerun="mismatch"' in html
    assert "不一致" in html


def test_re_running_without_htmx_comes_back_to_the_draw_with_a_message(client, clerk, application):
    draw = ReviewDraw.objects.get(enterprise=application)
    response = login(client, clerk).post(
        reverse("intake:draw_rerun", args=[application.pk, draw.pk]), follow=True
    )
    assert "复现结果与记录一致" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Review rounds (staff only)


def test_review_rounds_show_each_drawn_reviewers_decision_time_and_opinion(
    client, clerk, application
):
    first, second = gates.latest_round(application, ADMISSION)
    reviews.decide(
        actor=first.assigned_to, review=first, decision="approve", opinion="材料齐全，同意"
    )
    response = detail(login(client, clerk), application)
    html = response.content.decode()
    assert "审查轮次与意见" in html
    assert "材料齐全，同意" in html
    assert "1/2 已审" in html
    assert first.assigned_to.display_name in html
    assert second.assigned_to.display_name in html
    rounds = response.context["review_rounds"]
    assert [(r["number"], r["decided"], r["total"]) for r in rounds] == [(1, 1, 2)]


# ---------------------------------------------------------------------------------------------
# Brand flags (R-ENT-6) and admission conditions (R-ENT-5)


@pytest.fixture
def huawei(db):
    return ProtectedBrand.objects.create(name="华为", aliases="HUAWEI", owner="华为技术有限公司")


def test_brand_flag_card_shows_brand_method_score_and_the_rule_with_an_upload_link(
    client, park, clerk, huawei
):
    enterprise = services.enterprise_create(
        actor=clerk,
        park=park,
        name="苏州华为智能科技有限公司",
        credit_code=make_credit_code(991),
        legal_representative="周明",
        registered_capital="100",
        industry="it",
        contact_name="陈静",
        contact_phone="13912345678",
    )
    response = detail(login(client, clerk), enterprise)
    html = response.content.decode()
    assert "品牌冒用核查" in html
    assert "华为" in html and "名称包含品牌" in html and "待解除" in html
    assert "需上传品牌授权书并经审查通过" in html
    link = f"{reverse('enterprises:detail', args=[enterprise.pk])}?upload=brand_authorisation"
    assert link in html
    opened = detail(client, enterprise, upload="brand_authorisation")
    assert opened.context["open_upload"] is True
    assert opened.context["document_form"].initial == {"doc_type": "brand_authorisation"}
    assert "data-open-on-load" in opened.content.decode()


def test_admission_conditions_list_the_problems_in_red(client, clerk, park):
    enterprise = make_enterprise(park)
    html = detail(login(client, clerk), enterprise).content.decode()
    assert '准入条件未满足<span class="req-tip" title="R-ENT-5"' in html
    assert "未上传营业执照" in html
    assert "card-problem" in html


def test_admission_conditions_show_a_green_check_for_an_enterprise_in_good_standing(
    client, clerk, application
):
    approve_all(application)
    response = detail(login(client, clerk), application)
    assert response.context["admission"] == {
        "admitted": True,
        "problems": [],
        "in_good_standing": True,
    }
    html = response.content.decode()
    assert "符合服务条件" in html
    assert "card-ok" in html


# ---------------------------------------------------------------------------------------------
# Admission fee (R-ENT-5)


def test_fee_is_charged_from_the_tariff_in_force_after_a_confirmation(
    client, park, clerk, application
):
    approve_all(application)
    publish_tariff(park, "5000")
    html = detail(login(client, clerk), application).content.decode()
    assert 'data-bs-target="#fee-modal"' in html
    assert 'id="fee-modal"' in html
    assert "¥5,000.00" in html
    assert "不能减免或打折" in html
    response = client.post(reverse("intake:fee_charge", args=[application.pk]))
    assert response.status_code == 302
    fee = AdmissionFee.objects.get(enterprise=application)
    assert fee.amount == Decimal("5000.00")
    assert fee.charged_by == clerk
    html = detail(client, application).content.decode()
    assert "已计收" in html
    assert 'id="fee-modal"' not in html


def test_fee_charge_button_is_absent_when_not_in_good_standing_and_the_post_is_refused(
    client, park, clerk, application
):
    publish_tariff(park)
    response = detail(login(client, clerk), application)
    assert response.context["fee"]["can_charge"] is False
    html = response.content.decode()
    assert 'id="fee-modal"' not in html
    assert 'data-bs-target="#fee-modal"' not in html
    assert "企业符合服务条件（准入审核通过、营业执照有效、无品牌冒用嫌疑）后方可计收" in html
    response = client.post(reverse("intake:fee_charge", args=[application.pk]))
    assert response.status_code == 409
    body = response.content.decode()
    assert "不符合服务条件" in body
    assert "R-ENT-5" in body
    assert not AdmissionFee.objects.exists()


def test_staff_without_the_fee_role_see_no_charge_action(client, park, application, reviewers):
    approve_all(application)
    publish_tariff(park)
    auditor = staff(Role.AUDITOR, park)
    response = detail(login(client, auditor), application)
    assert response.context["fee"]["may_charge"] is False
    assert 'id="fee-modal"' not in response.content.decode()
    assert client.post(reverse("intake:fee_charge", args=[application.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------
# Conflicts of interest (R-ENT-4)


@pytest.fixture
def declared(clerk, park):
    enterprise = make_enterprise(park, name="苏州亲属科技有限公司")
    return intake_services.conflict_declare(actor=clerk, enterprise=enterprise, reason="配偶任职")


def test_own_declaration_can_be_withdrawn_from_the_detail_page_with_a_reason(
    client, clerk, declared
):
    html = detail(login(client, clerk), declared.enterprise).content.decode()
    assert f'data-bs-target="#withdraw-{declared.pk}"' in html
    url = reverse("intake:conflict_withdraw", args=[declared.pk])
    response = client.post(
        url,
        {
            "reason": "配偶已离职",
            "origin": "detail",
            "next": reverse("enterprises:detail", args=[declared.enterprise.pk]),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[declared.enterprise.pk])
    declared.refresh_from_db()
    assert declared.withdrawn_at is not None
    assert AuditEvent.objects.get(action="conflict.withdraw").reason == "配偶已离职"


def test_withdrawing_without_a_reason_is_an_inline_error_and_changes_nothing(
    client, clerk, declared
):
    url = reverse("intake:conflict_withdraw", args=[declared.pk])
    response = login(client, clerk).post(url, {"reason": " ", "origin": "detail"})
    assert response.status_code == 400
    assert "请说明撤回原因" in response.content.decode()
    assert response.context["enterprise"] == declared.enterprise
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "请说明撤回原因" in response.content.decode()
    assert response.context["failed"] == declared
    declared.refresh_from_db()
    assert declared.withdrawn_at is None
    assert not AuditEvent.objects.filter(action="conflict.withdraw").exists()


def test_someone_elses_declaration_is_a_404_and_is_not_offered(client, park, declared):
    colleague = staff(Role.BUSINESS_STAFF, park)
    login(client, colleague)
    html = detail(client, declared.enterprise).content.decode()
    assert f'data-bs-target="#withdraw-{declared.pk}"' not in html
    response = client.post(reverse("intake:conflict_withdraw", args=[declared.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert ConflictDeclaration.objects.get(pk=declared.pk).withdrawn_at is None


def test_my_conflicts_page_lists_only_my_declarations_with_withdraw_action(
    client, park, clerk, declared
):
    colleague = staff(Role.BUSINESS_STAFF, park)
    other = make_enterprise(park, name="苏州同事关联有限公司")
    intake_services.conflict_declare(actor=colleague, enterprise=other, reason="同事的亲属")
    response = login(client, clerk).get(reverse("intake:conflicts"))
    html = response.content.decode()
    assert declared.enterprise.name in html
    assert "苏州同事关联有限公司" not in html
    assert reverse("intake:conflict_withdraw", args=[declared.pk]) in html
    client.post(reverse("intake:conflict_withdraw", args=[declared.pk]), {"reason": "已离职"})
    html = client.get(reverse("intake:conflicts")).content.decode()
    assert "已撤回" in html
    assert reverse("intake:conflict_withdraw", args=[declared.pk]) not in html


# ---------------------------------------------------------------------------------------------
# 入驻申请 list


def test_application_list_shows_applications_with_licence_flags_and_review_progress(
    client, park, clerk, application, huawei
):
    resident = make_enterprise(park, name="苏州在园企业有限公司")
    Enterprise.objects.filter(pk=resident.pk).update(status=EnterpriseStatus.RESIDENT)
    prospect = services.enterprise_create(
        actor=clerk,
        park=park,
        name="蘇州華為通訊有限公司",
        credit_code=make_credit_code(992),
        legal_representative="周明",
        registered_capital="100",
        industry="it",
        contact_name="陈静",
        contact_phone="13912345678",
    )
    response = login(client, clerk).get(reverse("intake:applications"))
    rows = {e.name: e for e in response.context["enterprises"]}
    assert set(rows) == {application.name, prospect.name}
    assert rows[application.name].licence_state == "valid"
    assert rows[application.name].progress == {
        "round": 1,
        "decided": 0,
        "total": 2,
        "outcome": "pending",
    }
    assert rows[prospect.name].licence_state == "missing"
    assert rows[prospect.name].open_flag_count == 1
    html = response.content.decode()
    assert "0/2 已审" in html
    assert "未上传" in html
    assert "苏州在园企业有限公司" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "under_review"}, {"苏州星河智能科技有限公司"}),
        ({"licence": "missing"}, {"苏州无执照科技有限公司", "苏州即将到期科技有限公司"}),
        ({"licence": "expiring"}, set()),
        ({"licence": "valid"}, {"苏州星河智能科技有限公司"}),
        ({"q": "无执照"}, {"苏州无执照科技有限公司"}),
    ],
)
def test_application_list_filters(client, park, clerk, application, query, expected):
    make_enterprise(park, name="苏州无执照科技有限公司")
    make_enterprise(park, name="苏州即将到期科技有限公司")
    response = login(client, clerk).get(reverse("intake:applications"), query)
    assert {e.name for e in response.context["enterprises"]} == expected


def test_application_list_marks_an_expiring_licence(client, park, clerk):
    enterprise = make_enterprise(park, name="苏州即将到期科技有限公司")
    upload_licence(enterprise, clerk, valid_until=TODAY() + datetime.timedelta(days=10))
    response = login(client, clerk).get(reverse("intake:applications"), {"licence": "expiring"})
    assert [e.licence_state for e in response.context["enterprises"]] == ["expiring"]


def test_application_list_only_shows_the_users_parks(client, clerk, outsider, application):
    html = login(client, outsider).get(reverse("intake:applications")).content.decode()
    assert application.name not in html


def _bulk_applications(park, clerk, count):
    Enterprise.objects.bulk_create(
        EnterpriseFactory.build(park=park, credit_code=make_credit_code(next(_codes)))
        for _ in range(count)
    )
    QualificationDocument.objects.bulk_create(
        QualificationDocument(
            enterprise=enterprise,
            doc_type="business_licence",
            version=1,
            file="documents/x.pdf",
            original_name="营业执照.pdf",
            mime_type="application/pdf",
            size=10,
            sha256="0" * 64,
            valid_until=TODAY() + datetime.timedelta(days=400),
            uploaded_by=clerk,
            uploaded_at=timezone.now(),
        )
        for enterprise in Enterprise.objects.filter(park=park, documents__isnull=True)
    )


@pytest.mark.parametrize("rows", [10, 100])
def test_application_list_runs_a_constant_number_of_queries(
    client, park, clerk, application, rows, django_assert_max_num_queries
):
    _bulk_applications(park, clerk, rows)
    login(client, clerk)
    client.get(reverse("intake:applications"))  # warm up: rule settings, content types
    with django_assert_max_num_queries(10):
        response = client.get(reverse("intake:applications"))
    assert response.status_code == 200
    assert len(response.context["enterprises"]) == min(rows + 1, 20)


# ---------------------------------------------------------------------------------------------
# 审查结果公示


def _publish(enterprise, purpose="admission", decision="approve"):
    return PublishedResult.objects.create(
        enterprise=enterprise,
        enterprise_name=enterprise.name,
        purpose=purpose,
        decision=decision,
        decided_on=TODAY(),
        published_at=timezone.now(),
    )


def test_results_page_lists_every_published_outcome_without_opinions(
    client, clerk, application, other_park
):
    first, _second = gates.latest_round(application, ADMISSION)
    reviews.decide(
        actor=first.assigned_to, review=first, decision="reject", opinion="内部意见：资金来源存疑"
    )
    elsewhere = make_enterprise(other_park, name="无锡别处科技有限公司")
    _publish(elsewhere, purpose="spot_check")
    response = login(client, clerk).get(reverse("intake:results"))
    html = response.content.decode()
    assert application.name in html
    assert "无锡别处科技有限公司" in html
    assert "不通过" in html and "季度抽查" in html
    assert "资金来源存疑" not in html
    assert first.assigned_to.display_name not in html
    # Only enterprises the user may open are links.
    assert reverse("enterprises:detail", args=[application.pk]) in html
    assert reverse("enterprises:detail", args=[elsewhere.pk]) not in html


def test_results_page_filters_by_matter_decision_and_name(client, park, clerk):
    a = make_enterprise(park, name="苏州甲科技有限公司")
    b = make_enterprise(park, name="苏州乙科技有限公司")
    _publish(a)
    _publish(b, purpose="spot_check", decision="reject")
    login(client, clerk)

    def names(**query):
        response = client.get(reverse("intake:results"), query)
        return {r.enterprise_name for r in response.context["results"]}

    assert names() == {a.name, b.name}
    assert names(purpose="spot_check") == {b.name}
    assert names(decision="approve") == {a.name}
    assert names(q="甲") == {a.name}


@pytest.mark.parametrize("rows", [10, 100])
def test_results_page_runs_a_constant_number_of_queries(
    client, park, clerk, rows, django_assert_max_num_queries
):
    Enterprise.objects.bulk_create(
        EnterpriseFactory.build(park=park, credit_code=make_credit_code(next(_codes)))
        for _ in range(rows)
    )
    PublishedResult.objects.bulk_create(
        PublishedResult(
            enterprise=e,
            enterprise_name=e.name,
            purpose="admission",
            decision="approve",
            decided_on=TODAY(),
            published_at=timezone.now(),
        )
        for e in Enterprise.objects.all()
    )
    login(client, clerk)
    client.get(reverse("intake:results"))  # warm up, as above
    with django_assert_max_num_queries(8):
        response = client.get(reverse("intake:results"))
    assert response.status_code == 200
    assert len(response.context["results"]) == min(rows, 20)


# ---------------------------------------------------------------------------------------------
# 季度抽查


@pytest.fixture
def admitted(park, clerk, reviewers):
    return approve_all(application_under_review(park, clerk))


def test_office_runs_the_quarters_spot_check_after_a_confirmation(client, office, admitted):
    html = login(client, office).get(reverse("intake:spot_checks")).content.decode()
    assert 'data-bs-target="#run-modal"' in html
    assert "执行本季度抽查" in html
    assert "结果不可撤销" in html
    response = client.post(reverse("intake:spot_check_run"), follow=True)
    campaign = SpotCheckCampaign.objects.get()
    assert campaign.sample == [admitted.pk]
    html = response.content.decode()
    assert campaign.quarter in html
    assert campaign.seed in html
    assert admitted.name in html
    assert 'data-bs-target="#run-modal"' not in html  # once per quarter


def test_spot_check_page_names_only_enterprises_in_scope(client, office, admitted, outsider):
    intake_services.spot_check_campaign_run(actor=office)
    html = login(client, outsider).get(reverse("intake:spot_checks")).content.decode()
    assert admitted.name not in html
    assert "不在您的管理范围内" in html


def test_staff_without_the_run_role_cannot_run_a_spot_check(client, clerk, admitted):
    html = login(client, clerk).get(reverse("intake:spot_checks")).content.decode()
    assert 'data-bs-target="#run-modal"' not in html
    assert client.post(reverse("intake:spot_check_run")).status_code == 403
    assert not SpotCheckCampaign.objects.exists()


# ---------------------------------------------------------------------------------------------
# 受保护品牌


def test_adding_a_protected_brand_through_the_page(client, office):
    response = login(client, office).post(
        reverse("intake:brands"),
        {"name": "蔚来", "aliases": "NIO", "owner": "上海蔚来汽车有限公司"},
    )
    assert response.status_code == 302
    brand = ProtectedBrand.objects.get(name="蔚来")
    assert brand.alias_list == ["NIO"]
    assert AuditEvent.objects.filter(action="brand.create").exists()
    assert "蔚来" in client.get(reverse("intake:brands")).content.decode()


def test_a_duplicate_brand_is_refused_on_the_name_field(client, office, huawei):
    response = login(client, office).post(reverse("intake:brands"), {"name": "华为"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert ProtectedBrand.objects.count() == 1


def test_brand_page_shows_the_open_flags_of_each_brand(client, park, clerk, office, huawei):
    services.enterprise_create(
        actor=clerk,
        park=park,
        name="苏州华为智能科技有限公司",
        credit_code=make_credit_code(993),
        legal_representative="周明",
        registered_capital="100",
        industry="it",
        contact_name="陈静",
        contact_phone="13912345678",
    )
    response = login(client, office).get(reverse("intake:brands"))
    (brand,) = response.context["brands"]
    assert [f.enterprise.name for f in brand.open_flags] == ["苏州华为智能科技有限公司"]


def test_brand_list_is_for_brand_managers_only(client, clerk):
    assert login(client, clerk).get(reverse("intake:brands")).status_code == 403


# ---------------------------------------------------------------------------------------------
# 入驻费标准


def test_publishing_a_tariff_shows_it_in_force_for_the_park(client, park):
    lead = staff(Role.LEAD_STAFF, park)
    response = login(client, lead).post(
        reverse("intake:tariffs"),
        {"park": park.pk, "amount": "6000", "effective_from": TODAY().isoformat()},
    )
    assert response.status_code == 302
    tariff = AdmissionFeeTariff.objects.get()
    assert tariff.amount == Decimal("6000.00")
    response = client.get(reverse("intake:tariffs"))
    (row,) = response.context["summary"]
    assert row["in_force"] == tariff
    assert "¥6,000.00" in response.content.decode()


def test_a_backdated_tariff_is_refused_on_the_date_field(client, park):
    lead = staff(Role.LEAD_STAFF, park)
    response = login(client, lead).post(
        reverse("intake:tariffs"),
        {
            "park": park.pk,
            "amount": "6000",
            "effective_from": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "effective_from" in response.context["form"].errors
    assert "data-open-on-load" in response.content.decode()
    assert not AdmissionFeeTariff.objects.exists()


def test_staff_who_may_only_view_tariffs_get_no_publish_form(client, park, clerk):
    response = login(client, clerk).get(reverse("intake:tariffs"))
    assert response.context["form"] is None
    assert 'id="publish-modal"' not in response.content.decode()
    response = client.post(
        reverse("intake:tariffs"),
        {"park": park.pk, "amount": "1", "effective_from": TODAY().isoformat()},
    )
    assert response.status_code == 403
    assert not AdmissionFeeTariff.objects.exists()


# ---------------------------------------------------------------------------------------------
# Review page material (core review_detail)


def test_brand_authorisation_review_shows_the_document_its_hash_and_a_download_link(
    client, park, clerk, reviewers, huawei
):
    enterprise = services.enterprise_create(
        actor=clerk,
        park=park,
        name="苏州华为智能科技有限公司",
        credit_code=make_credit_code(994),
        legal_representative="周明",
        registered_capital="100",
        industry="it",
        contact_name="陈静",
        contact_phone="13912345678",
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
        login(client, reviewers[0])
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
    approve_all(application)
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
