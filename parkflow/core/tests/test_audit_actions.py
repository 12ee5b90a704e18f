"""Every audit action speaks the reader's language (R-PLT-1, issue 6 §9): each recorded code has a
Chinese label and a summary, and the audit page shows labels, Chinese times and field names."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from parkflow.core import audit, audit_actions
from parkflow.core.templatetags.parkflow import ago, cn_datetime
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff
from parkflow.testdomain.tests.factories import errand, submitted


@pytest.fixture(autouse=True)
def _chinese():
    # Labels are msgids in Chinese; other tests may leave another language active.
    with translation.override("zh-hans"):
        yield


def test_the_kernel_declares_no_domain_action():
    """The kernel's own codes are the kernel's (alert, review, audit, rule, calendar …); a
    domain's codes are declared in the domain's audit_actions.py."""
    from parkflow.testdomain import audit_actions as errand_actions

    assert not set(audit_actions.AUDIT_ACTIONS) & set(errand_actions.AUDIT_ACTIONS)
    assert "errand.create" in audit_actions.REGISTRY  # discovered all the same


def test_audit_filter_accepts_a_chinese_label_and_a_code():
    label = str(audit_actions.REGISTRY["errand.create"].label)
    assert "errand.create" in audit_actions.codes_for(label)
    assert audit_actions.codes_for("alert.open") == ["alert.open"]
    # A prefix: every registered code it begins, so the page filters on the (action, id) index.
    prefixed = audit_actions.codes_for("errand.")
    assert "errand.create" in prefixed and "errand.note" in prefixed
    assert all(code.startswith("errand.") for code in prefixed)
    assert audit_actions.codes_for("no.such.") == []  # nothing registered: the page's fallback


@pytest.fixture
def auditor(db):
    return staff(Role.AUDITOR, OrgUnitFactory(name="园区运营公司"), display_name="刘审计")


@time_machine.travel(datetime.datetime(2026, 11, 28, 6, 5, tzinfo=datetime.UTC), tick=False)
def test_audit_page_shows_labels_chinese_times_and_field_values_in_chinese(client, auditor, park):
    clerk = staff(Role.BUSINESS_STAFF, park, display_name="王晓明")
    made = submitted(park, clerk, title="消防通道检查")
    client.force_login(auditor)
    html = client.get(reverse("core:audit")).content.decode()
    assert "提交事项" in html
    assert "王晓明 提交了事项“消防通道检查”" in html
    assert "状态：草稿 → 已提交" in html
    assert "2026年11月28日 14:05" in html
    assert "draft" not in html and "submitted →" not in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", html)
    assert made.get_absolute_url() in html
    # The filter offers the labels and takes a label as well as a code.
    assert '<option value="errand.complete">办结事项</option>' in html
    by_label = client.get(reverse("core:audit"), {"action": "提交事项"}).content.decode()
    assert "提交了事项“消防通道检查”" in by_label
    assert "登记了事项" not in by_label
    by_code = client.get(reverse("core:audit"), {"action": "errand.create"}).content.decode()
    assert "登记了事项“消防通道检查”" in by_code and "提交事项</div>" not in by_code


def test_audit_page_shows_recorded_timestamps_as_chinese_dates(client, auditor, park):
    made = errand(park)
    audit.record(
        auditor,
        "errand.assign",
        made,
        before={"submitted_at": "2026-03-02T01:30:00+00:00", "assignee_id": None},
        after={"submitted_at": "2026-03-04T02:00:00+00:00", "assignee_id": 3},
    )
    client.force_login(auditor)
    html = client.get(reverse("core:audit")).content.decode()
    assert "提交时间：2026年3月2日 09:30 → 2026年3月4日 10:00" in html
    assert "经办人：— → 3" in html


@time_machine.travel(datetime.datetime(2026, 11, 28, 6, 5, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(
    "minutes_before, expected",
    [
        (0, "刚刚"),
        (0.5, "刚刚"),
        (5, "5 分钟前"),
        (190, "3 小时前"),
        (60 * 20, "昨天 18:05"),
        (60 * 24 * 40, "2026年10月19日"),
    ],
)
def test_relative_times_read_naturally_in_chinese(minutes_before, expected):
    moment = datetime.datetime(2026, 11, 28, 6, 5, tzinfo=datetime.UTC) - datetime.timedelta(
        minutes=minutes_before
    )
    assert str(ago(moment)) == expected


def test_chinese_datetime_is_local_time():
    moment = datetime.datetime(2026, 11, 28, 6, 5, tzinfo=datetime.UTC)
    assert cn_datetime(moment) == "2026年11月28日 14:05"


def test_a_recorded_key_naming_a_reverse_relation_is_shown_not_a_server_error():
    """An event may record a list under a key that is a reverse relation of its model (an
    agreement's "clauses"): the label falls back to the declared keys and the value is read as
    a list — never an AttributeError on the audit page or a timeline."""
    from parkflow.core.templatetags.parkflow import _field_label, shown
    from parkflow.org.models import OrgUnit

    assert _field_label(OrgUnit, "children") == "children"
    assert shown(OrgUnit, "children", [1, 2]) == "1、2"
