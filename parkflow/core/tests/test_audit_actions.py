"""Every audit action speaks the reader's language (R-PLT-1, issue 6 §9): each recorded code has a
Chinese label and a summary, and the audit page shows labels, Chinese times and field names."""

import ast
import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from parkflow.core import audit, audit_actions, workflow
from parkflow.core.admin import AuditedAdmin
from parkflow.core.choices import ReviewDecision
from parkflow.core.templatetags.parkflow import ago, cn_datetime
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff
from parkflow.testdomain.tests.factories import errand, submitted

SOURCE = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _chinese():
    # Labels are msgids in Chinese; other tests may leave another language active.
    with translation.override("zh-hans"):
        yield


def _recorded_codes() -> tuple[set[str], list[str]]:
    """Every literal action code passed to ``audit.record(actor, "<code>", …)`` in the source,
    and the places that build a code at run time (each must be enumerated below)."""
    codes, dynamic = set(), []
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            arg = node.args[1] if len(node.args) > 1 else None
            if arg is None:
                continue
            if isinstance(arg, ast.JoinedStr):
                dynamic.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
                continue
            for sub in ast.walk(arg):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    codes.add(sub.value)
    return codes, dynamic


def _run_time_codes() -> set[str]:
    """The codes built at run time: transitions, review decisions and the audited admin."""
    codes = {declared.code for declared in workflow.REGISTRY.values()}
    codes |= {
        f"review.{d}"
        for d in ReviewDecision.values
        if d not in (ReviewDecision.PENDING, ReviewDecision.WITHDRAWN)
    }
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, AuditedAdmin):
            codes |= {f"{model_admin._label()}.{verb}" for verb in ("create", "update", "delete")}
    return codes


def test_every_recorded_audit_action_has_a_chinese_label_and_summary():
    literal, dynamic = _recorded_codes()
    assert "enterprise.create" in literal and "alert.open" in literal  # the walk finds them
    # Run-time codes are built in exactly these places; a new one must be enumerated above.
    assert {place.split(":")[0] for place in dynamic} <= {
        "enterprises/services.py",
        "core/gates.py",
        "core/admin.py",
        "core/maintained.py",  # the audited admin's codes, enumerated in _run_time_codes
    }, dynamic
    missing = sorted(
        code for code in literal | _run_time_codes() if code not in audit_actions.REGISTRY
    )
    assert not missing, f"audit actions without a label: {missing}"
    for code, action in audit_actions.REGISTRY.items():
        assert re.search(r"[\u4e00-\u9fff]", str(action.label)), code
        assert re.search(r"[\u4e00-\u9fff]", str(action.summary)), code
        str(action.summary).format(actor="甲", object="乙")  # no stray placeholders


def test_an_unlabelled_action_code_fails_the_label_check(monkeypatch):
    monkeypatch.delitem(audit_actions.REGISTRY, "enterprise.move_in")
    with pytest.raises(AssertionError, match="enterprise.move_in"):
        test_every_recorded_audit_action_has_a_chinese_label_and_summary()


def test_the_kernel_declares_no_enterprise_action():
    assert not any(code.startswith("enterprise.") for code in audit_actions.AUDIT_ACTIONS)


def test_audit_filter_accepts_a_chinese_label_and_a_code():
    assert audit_actions.codes_for("办理入驻") == ["enterprise.move_in"]
    assert "enterprise.apply" in audit_actions.codes_for("入驻申请")
    assert audit_actions.codes_for("alert.open") == ["alert.open"]
    assert audit_actions.codes_for("enterprise.") == []  # a prefix: the page filters by prefix


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
