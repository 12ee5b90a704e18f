"""Intake's own pages (R-ENT-3 … R-ENT-6): my conflict declarations, the application list,
published results, quarterly spot checks, protected brands and admission-fee tariffs — scoped,
refused inline, and with constant query counts on the lists."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import gates, reviews
from parkflow.core.models import AuditEvent
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    make_credit_code,
    prospect_create,
)
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import (
    AdmissionFeeTariff,
    ProtectedBrand,
    PublishedResult,
    QualificationDocument,
    SpotCheckCampaign,
)
from parkflow.intake.tests.factories import upload_licence
from parkflow.intake.tests.intake_pages import make_enterprise, next_credit_code
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import staff

TODAY = timezone.localdate


# ---------------------------------------------------------------------------------------------
# 我的利益冲突申报


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
    prospect = prospect_create(
        actor=clerk, park=park, name="蘇州華為通訊有限公司", credit_code=make_credit_code(992)
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
        EnterpriseFactory.build(park=park, credit_code=next_credit_code()) for _ in range(count)
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
        EnterpriseFactory.build(park=park, credit_code=next_credit_code()) for _ in range(rows)
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


def test_office_runs_the_quarters_spot_check_after_a_confirmation(client, office, approved):
    html = login(client, office).get(reverse("intake:spot_checks")).content.decode()
    assert 'data-bs-target="#run-modal"' in html
    assert "执行本季度抽查" in html
    assert "结果不可撤销" in html
    response = client.post(reverse("intake:spot_check_run"), follow=True)
    campaign = SpotCheckCampaign.objects.get()
    assert campaign.sample == [approved.pk]
    html = response.content.decode()
    assert campaign.quarter in html
    assert campaign.seed in html
    assert approved.name in html
    assert 'data-bs-target="#run-modal"' not in html  # once per quarter


def test_spot_check_page_names_only_enterprises_in_scope(client, office, approved, outsider):
    intake_services.spot_check_campaign_run(actor=office)
    html = login(client, outsider).get(reverse("intake:spot_checks")).content.decode()
    assert approved.name not in html
    assert "不在您的管理范围内" in html


def test_staff_without_the_run_role_cannot_run_a_spot_check(client, clerk, approved):
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
    prospect_create(
        actor=clerk, park=park, name="苏州华为智能科技有限公司", credit_code=make_credit_code(993)
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
