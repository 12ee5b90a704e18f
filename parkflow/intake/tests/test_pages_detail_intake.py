"""Intake's cards on the enterprise detail page (R-ENT-3 … R-ENT-6): the draw anyone can re-run,
the review rounds, brand flags and admission conditions, the admission fee and withdrawing one's
own conflict declaration — each action refused inline when it may not be taken."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from parkflow.core import gates, reviews
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import make_credit_code, prospect_create
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import AdmissionFee, ConflictDeclaration, ReviewDraw
from parkflow.intake.tests.factories import application_under_review, approve_round, publish_tariff
from parkflow.intake.tests.intake_pages import HTMX, detail, make_enterprise
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import grant_also, staff

TODAY = timezone.localdate


# ---------------------------------------------------------------------------------------------
# Double-random draw card (R-ENT-3)


def test_draw_card_shows_the_pool_by_name_the_seed_and_the_reviewers_drawn(
    client, clerk, application, panel
):
    draw = ReviewDraw.objects.get(enterprise=application)
    html = detail(login(client, clerk), application).content.decode()
    assert "双随机抽取" in html
    assert draw.seed in html
    for person in panel:
        assert person.display_name in html
    assert reverse("intake:draw_rerun", args=[application.pk, draw.pk]) in html
    assert "复现抽取结果" in html


def test_draw_card_names_the_people_excluded_and_why(client, park, clerk, panel):
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


def test_brand_flag_card_shows_brand_method_score_and_the_rule_with_an_upload_link(
    client, park, clerk, huawei
):
    enterprise = prospect_create(
        actor=clerk, park=park, name="苏州华为智能科技有限公司", credit_code=make_credit_code(991)
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
    approve_round(application)
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
    approve_round(application)
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


def test_staff_without_the_fee_role_see_no_charge_action(client, park, application, panel):
    approve_round(application)
    publish_tariff(park)
    auditor = staff(Role.AUDITOR, park)
    response = detail(login(client, auditor), application)
    assert response.context["fee"]["may_charge"] is False
    assert 'id="fee-modal"' not in response.content.decode()
    assert client.post(reverse("intake:fee_charge", args=[application.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------
# Conflicts of interest (R-ENT-4)


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
