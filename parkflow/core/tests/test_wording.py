"""Pages speak the reader's language (issue 6 §9): citations as the regulation writes them, one
reading of compliance status, natural messages, a Chinese login refusal, a readable API
description. That no staff page shows an article code is checked on the pages of every app in
workbench/tests/test_page_wording.py."""

import pytest
from django.urls import reverse

from parkflow.core.regulation import article_label, chinese_number, chinese_numeral
from parkflow.core.templatetags.parkflow import cite
from parkflow.org.choices import Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import staff
from parkflow.testdomain.tests.factories import errand


@pytest.mark.parametrize("number", [1, 9, 10, 11, 17, 20, 21, 29, 99, 100, 101, 110, 119, 203])
def test_chinese_numerals_round_trip(number):
    assert chinese_number(chinese_numeral(number)) == number


def test_citations_read_as_the_regulation_writes_them():
    assert article_label("Art.10") == "第十条"
    assert article_label("Art.21(三)") == "第二十一条（三）"
    assert article_label("Art.20(一)3") == "第二十条（一）3"
    assert article_label("R-ENT-2") == "R-ENT-2"
    html = str(cite(("Art.8", "Art.10"), "R-ENT-5"))
    assert html == (
        '<span class="cite" title="R-ENT-5">第八条</span>、'
        '<span class="cite" title="R-ENT-5">第十条</span>'
    )


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
    """The page confirms a step with the words its declaration gives (``done``)."""
    clerk = staff(Role.BUSINESS_STAFF, park)
    made = errand(park, clerk, title="园区消防通道检查")
    client.force_login(clerk)
    response = client.post(
        reverse("testdomain:transition", args=[made.pk, "submit"]), {"reason": ""}, follow=True
    )
    html = response.content.decode()
    assert "事项“园区消防通道检查”已提交。" in html
    assert "%(name)s" not in html


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


def test_a_month_kept_as_year_dash_month_reads_the_chinese_way():
    from django.utils import translation

    from parkflow.core.templatetags.parkflow import cn_month

    assert cn_month("2026-11") == "2026年11月"
    with translation.override("en"):
        assert cn_month("2026-11") == "November 2026"
    assert cn_month("") == "—"
