"""Pages speak the reader's language (issue 6 §9): citations as the regulation writes them, one
reading of compliance status, natural messages, a Chinese login refusal, a readable API
description."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.regulation import article_label, chinese_number, chinese_numeral
from parkflow.core.templatetags.parkflow import cite
from parkflow.enterprises import services
from parkflow.enterprises.tests.factories import EnterpriseFactory, make_credit_code
from parkflow.intake.tests.factories import application_under_review, upload_licence
from parkflow.org.choices import Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import EmergencyContactFactory, OrgUnitFactory, staff

ART = re.compile(r"Art\.\d+")


@pytest.mark.parametrize("number", [1, 9, 10, 11, 17, 20, 21, 29, 99, 100, 101, 110, 119, 203])
def test_chinese_numerals_round_trip(number):
    assert chinese_number(chinese_numeral(number)) == number


def test_citations_read_as_the_regulation_writes_them():
    assert article_label("Art.10") == "第十条"
    assert article_label("Art.21(三)") == "第二十一条（三）"
    assert article_label("R-ENT-2") == "R-ENT-2"
    html = str(cite(("Art.8", "Art.10"), "R-ENT-5"))
    assert html == (
        '<span class="cite" title="R-ENT-5">第八条</span>、'
        '<span class="cite" title="R-ENT-5">第十条</span>'
    )


def test_no_staff_page_shows_article_codes(client, park, django_capture_on_commit_callbacks):
    admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="园区运营公司"))
    clerk = staff(Role.BUSINESS_STAFF, park)
    for name in ("陈静", "赵磊"):
        staff(Role.RISK_OFFICER, park, display_name=name)
    EmergencyContactFactory(unit=park, confirmed_at=timezone.now() - datetime.timedelta(days=200))
    enterprise = application_under_review(park, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        upload_licence(
            enterprise, clerk, valid_until=timezone.localdate() + datetime.timedelta(days=5)
        )
    rules.sweep_all()
    from parkflow.core.models import Alert, Review

    alert = Alert.objects.filter(rule_code="enterprises.licence_expiring").first()
    assert alert is not None
    review = Review.objects.first()
    client.force_login(admin)
    pages = [
        reverse("workbench:home"),
        reverse("core:alert_list"),
        reverse("core:alert_detail", args=[alert.pk]),
        reverse("core:rules"),
        reverse("core:rule_edit", args=["enterprises.licence_expiring"]),
        reverse("core:review_detail", args=[review.pk]),
        reverse("core:audit"),
        reverse("enterprises:detail", args=[enterprise.pk]),
        reverse("intake:applications"),
        reverse("org:contacts"),
        reverse("org:people"),
    ]
    seen_citation = False
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not ART.search(html), (url, ART.search(html).group(0))
        seen_citation |= "第十条" in html
    assert seen_citation


def test_workbench_and_compliance_page_agree_on_what_does_not_apply(client, park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    ComplianceRecord.objects.filter(user=clerk, kind="manager_training").delete()
    client.force_login(clerk)
    html = client.get(reverse("workbench:home")).content.decode()
    section = html[html.index("管理层合规履职培训") :][:300]
    assert "不适用" in section and "无记录" not in html
    people = client.get(reverse("org:people")).content.decode()
    assert "不适用" in people


def test_a_leader_without_manager_training_is_told_it_is_missing_on_the_workbench(client, park):
    leader = staff(Role.DEPUTY, park)
    ComplianceRecord.objects.filter(user=leader, kind="manager_training").delete()
    client.force_login(leader)
    html = client.get(reverse("workbench:home")).content.decode()
    section = html[html.index("管理层合规履职培训（每半年）</span>") :][:200]
    assert "未完成" in section


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


def test_a_duplicate_credit_code_names_who_registered_it_and_when(park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    first = EnterpriseFactory(
        park=park,
        name="苏州云帆智能科技有限公司",
        credit_code=make_credit_code(77),
        created_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC),
    )
    from parkflow.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(
            actor=clerk,
            park=park,
            name="另一家",
            credit_code=first.credit_code,
            legal_representative="张伟",
            registered_capital="10",
            industry="it",
            contact_name="周敏",
            contact_phone="13912345600",
        )
    assert exc.value.errors["credit_code"] == [
        "该统一社会信用代码已由“苏州云帆智能科技有限公司”于 2026年3月2日 登记，不能重复建档。"
    ]


def test_the_login_refusal_says_what_to_do(client, park):
    staff(Role.BUSINESS_STAFF, park, username="wang")
    response = client.post(reverse("login"), {"username": "wang", "password": "wrong"})
    html = response.content.decode()
    assert "用户名或密码不正确" in html and "连续输错 5 次将锁定 30 分钟" in html
    assert "请输入一个正确的" not in html


def test_the_api_description_keeps_its_placeholders(client, db):
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/v1/{resource}/{id}/{action}/" in schema
    assert "<resource>" not in schema and "<key>" not in schema


def test_requirement_codes_sit_in_tooltips_not_in_the_sentence(client, park):
    """第十条 in the text, the R-… code only in a tooltip (issue 6 §9)."""
    client.force_login(staff(Role.BUSINESS_STAFF, park))
    html = client.get(reverse("enterprises:list")).content.decode()
    assert '您管理范围内的入驻企业与意向客户<span class="req-tip" title="R-ENT-1"' in html
    assert "（R-ENT-1）" not in html
