"""Kernel pages: login, layout, workbench, alert inbox, review decisions, audit chain (R-ORG-3,
R-MON-1, R-CPL-1, R-PLT-1, R-PLT-4)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from parkflow.core import audit, rules
from parkflow.core.choices import AlertStatus, ReviewDecision
from parkflow.core.models import Alert, AuditEvent, AuditVerification, Review
from parkflow.org.choices import Role
from parkflow.org.models import EmergencyContact
from parkflow.org.tests.factories import (
    EmergencyContactFactory,
    OrgUnitFactory,
    grant_also,
    staff,
)
from parkflow.testdomain import services
from parkflow.testdomain.gates import SIGNOFF
from parkflow.testdomain.tests.factories import submitted

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


@pytest.fixture
def reviewer(park):
    return staff(Role.RISK_OFFICER, park, display_name="陈静")


@pytest.fixture
def headquarters(db):
    return OrgUnitFactory(name="园区运营公司")


@pytest.fixture
def auditor(headquarters):
    return staff(Role.AUDITOR, headquarters, display_name="刘审计")


@pytest.fixture
def stale_alert(park):
    EmergencyContactFactory(
        unit=park, name="李安全", confirmed_at=timezone.now() - datetime.timedelta(days=120)
    )
    rules.sweep_rule("org.emergency_contact_stale")
    return Alert.objects.get(rule_code="org.emergency_contact_stale")


ERRAND = "园区消防通道检查"


@pytest.fixture
def pending_review(park, clerk):
    """The clerk's errand waiting for the sign-off review of any risk officer of the park."""
    made = submitted(park, clerk, title=ERRAND)
    (review,) = SIGNOFF.request(actor=clerk, obj=made)
    return review


def login(client, user):
    client.force_login(user)
    return client


# ---------------------------------------------------------------------------------------------
# Access


STAFF_PAGES = [
    ("workbench:home", []),
    ("core:alert_list", []),
    ("core:audit", []),
    ("testdomain:list", []),
    ("org:contacts", []),
    ("org:contact_create", []),
    ("org:people", []),
    ("portal:home", []),
    ("core:alert_detail", [1]),
    ("core:review_detail", [1]),
    ("testdomain:detail", [1]),
]


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_anonymous_visitor_is_sent_to_login_from_every_page(client, db, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_shows_the_product_name_and_logs_a_user_in(client, clerk):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "产业园企业服务全流程管理系统" in page.content.decode()
    response = client.post(reverse("login"), {"username": clerk.username, "password": "Park-2026!"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")


def test_wrong_password_shows_an_error_and_logs_nobody_in(client, clerk):
    response = client.post(reverse("login"), {"username": clerk.username, "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lockout_page_renders_with_the_failure_limit(rf, db):
    from django.template.loader import render_to_string

    html = render_to_string(
        "registration/locked_out.html",
        {"failure_limit": 5, "cooloff_timedelta": datetime.timedelta(minutes=30)},
        request=rf.get("/"),
    )
    assert "5" in html and "30" in html


def test_logout_is_a_post_that_ends_the_session(client, clerk):
    login(client, clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("workbench:home")).status_code == 302


@pytest.mark.parametrize(
    "name", ["core:alert_list", "core:audit", "testdomain:list", "org:contacts", "org:people"]
)
def test_enterprise_user_gets_404_on_staff_pages(client, portal_user, name):
    assert login(client, portal_user).get(reverse(name)).status_code == 404


def test_enterprise_user_gets_404_on_a_review_page(client, portal_user, pending_review):
    assert (
        login(client, portal_user)
        .get(reverse("core:review_detail", args=[pending_review.pk]))
        .status_code
        == 404
    )


def test_staff_without_the_audit_role_are_refused_the_audit_page(client, clerk):
    assert login(client, clerk).get(reverse("core:audit")).status_code == 403


def test_user_without_any_role_sees_an_empty_workbench_and_no_modules(client, db):
    from parkflow.org.tests.factories import UserFactory

    nobody = UserFactory()
    response = login(client, nobody).get(reverse("workbench:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("testdomain:list") not in html
    assert reverse("core:alert_list") not in html
    assert login(client, nobody).get(reverse("testdomain:list")).status_code == 403


# ---------------------------------------------------------------------------------------------
# Layout


def test_sidebar_shows_only_the_modules_the_user_may_use(client, park, clerk, auditor):
    html = login(client, clerk).get(reverse("workbench:home")).content.decode()
    assert reverse("testdomain:list") in html
    assert reverse("core:audit") not in html
    assert reverse("admin:index") not in html
    assert reverse("api-docs") in html
    html = login(client, auditor).get(reverse("workbench:home")).content.decode()
    assert reverse("core:audit") in html
    assert reverse("testdomain:list") in html  # errand.view is an auditor's too
    html = login(client, staff(Role.FINANCE_STAFF, park)).get("/").content.decode()
    assert reverse("testdomain:list") not in html


def test_system_admin_sees_the_admin_link(client, headquarters):
    admin = staff(Role.SYSTEM_ADMIN, headquarters, is_staff=True)
    html = login(client, admin).get(reverse("workbench:home")).content.decode()
    assert reverse("admin:index") in html


def test_top_bar_shows_the_user_name_roles_language_switch_and_logout_form(client, clerk):
    html = login(client, clerk).get(reverse("workbench:home")).content.decode()
    assert "王晓明" in html
    assert str(Role.BUSINESS_STAFF.label) in html
    assert f'action="{reverse("set_language")}"' in html
    assert f'action="{reverse("logout")}"' in html
    assert 'class="breadcrumb"' in html


def test_language_switch_turns_the_page_english(client, clerk):
    login(client, clerk)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("workbench:home")).content.decode()
    assert '<html lang="en">' in html


def test_chinese_is_the_default_language_and_dates_read_chinese(client, clerk, stale_alert):
    html = login(client, clerk).get(reverse("core:alert_list")).content.decode()
    assert '<html lang="zh-hans">' in html
    opened = timezone.localtime(stale_alert.opened_at)
    assert f"{opened.year}年{opened.month}月{opened.day}日" in html


def test_messages_are_shown_as_toasts(client, clerk, stale_alert):
    login(client, clerk)
    response = client.post(reverse("core:alert_acknowledge", args=[stale_alert.pk]), follow=True)
    assert "预警已确认" in response.content.decode()
    assert "toast" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Workbench


def test_workbench_lists_reviews_waiting_for_me_and_my_alerts(
    client, reviewer, pending_review, stale_alert
):
    response = login(client, reviewer).get(reverse("workbench:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ERRAND in html
    assert reverse("core:review_detail", args=[pending_review.pk]) in html
    assert "应急联系人超期未确认" in html
    assert response.context["pending_count"] == 1
    assert response.context["my_alert_count"] == 1
    assert 'data-chart="chart-severity"' in html
    assert "vendor/echarts/echarts.min.js" in html


def test_workbench_does_not_offer_the_requester_their_own_review(client, clerk, pending_review):
    response = login(client, clerk).get(reverse("workbench:home"))
    assert response.context["pending_count"] == 0


def test_workbench_tells_a_lapsed_person_why_they_cannot_act(client, park):
    from parkflow.org.models import RoleAssignment
    from parkflow.org.tests.factories import UserFactory

    newcomer = UserFactory(compliant=False)
    newcomer.save()
    RoleAssignment.objects.create(user=newcomer, role=Role.BUSINESS_STAFF, unit=park)
    html = login(client, newcomer).get(reverse("workbench:home")).content.decode()
    assert "合规履职状态已失效" in html


# ---------------------------------------------------------------------------------------------
# Alert inbox (R-MON-1)


def test_alert_inbox_lists_active_alerts_with_severity_tag_object_link_and_park(
    client, clerk, stale_alert, park
):
    html = login(client, clerk).get(reverse("core:alert_list")).content.decode()
    assert "应急联系人超期未确认" in html
    assert "tag-warning" in html
    assert park.name in html
    assert reverse("org:contacts") in html


def test_park_staff_do_not_see_or_open_alerts_of_another_park(client, stale_alert, other_park):
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    login(client, outsider)
    assert "李安全" not in client.get(reverse("core:alert_list")).content.decode()
    assert client.get(reverse("core:alert_detail", args=[stale_alert.pk])).status_code == 404
    assert client.post(reverse("core:alert_acknowledge", args=[stale_alert.pk])).status_code == 404
    stale_alert.refresh_from_db()
    assert stale_alert.status == AlertStatus.OPEN


def test_alert_inbox_filters_by_status_severity_and_rule(client, clerk, stale_alert):
    login(client, clerk)

    def listed(**query):
        return "李安全" in client.get(reverse("core:alert_list"), query).content.decode()

    assert listed()
    assert listed(severity="warning")
    assert not listed(severity="critical")
    assert not listed(rule="org.emergency_contact_missing")
    assert listed(rule="org.emergency_contact_stale")
    assert not listed(status="resolved")
    assert listed(status="all")


def test_htmx_filter_returns_only_the_table_partial(client, clerk, stale_alert):
    response = login(client, clerk).get(
        reverse("core:alert_list"), {"status": "all"}, **HTMX, HTTP_HX_TARGET="alert-table"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="alert-table">')
    assert "<html" not in html


def test_acknowledging_an_alert_by_htmx_swaps_its_row_and_is_audited(client, clerk, stale_alert):
    response = login(client, clerk).post(
        reverse("core:alert_acknowledge", args=[stale_alert.pk]), **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="alert-{stale_alert.pk}"')
    assert "已确认" in html
    stale_alert.refresh_from_db()
    assert stale_alert.status == AlertStatus.ACKNOWLEDGED
    assert stale_alert.assignee == clerk
    assert AuditEvent.objects.filter(action="alert.acknowledge", actor=clerk).count() == 1


def test_acknowledging_twice_shows_the_refusal_inline_in_the_row(client, clerk, stale_alert):
    login(client, clerk)
    client.post(reverse("core:alert_acknowledge", args=[stale_alert.pk]), **HTMX)
    response = client.post(reverse("core:alert_acknowledge", args=[stale_alert.pk]), **HTMX)
    assert response.status_code == 200
    assert "只能确认待处理的预警" in response.content.decode()
    assert AuditEvent.objects.filter(action="alert.acknowledge").count() == 1


def test_assigning_an_alert_by_htmx_offers_people_of_the_park_and_saves_the_choice(
    client, clerk, stale_alert, park, other_park
):
    colleague = staff(Role.LEAD_STAFF, park, display_name="赵牵头")
    outsider = staff(Role.LEAD_STAFF, other_park, display_name="外园区人员")
    login(client, clerk)
    form = client.get(reverse("core:alert_assign", args=[stale_alert.pk]), **HTMX).content.decode()
    assert "赵牵头" in form and "外园区人员" not in form
    response = client.post(
        reverse("core:alert_assign", args=[stale_alert.pk]), {"assignee": colleague.pk}, **HTMX
    )
    assert "赵牵头" in response.content.decode()
    stale_alert.refresh_from_db()
    assert stale_alert.assignee == colleague
    refused = client.post(
        reverse("core:alert_assign", args=[stale_alert.pk]), {"assignee": outsider.pk}, **HTMX
    )
    assert "请选择处理人" in refused.content.decode()
    stale_alert.refresh_from_db()
    assert stale_alert.assignee == colleague


def test_alert_that_clears_by_itself_cannot_be_resolved_by_hand_and_says_why(
    client, clerk, stale_alert
):
    login(client, clerk)
    html = client.get(reverse("core:alert_list")).content.decode()
    assert reverse("core:alert_resolve", args=[stale_alert.pk]) not in html
    response = client.post(
        reverse("core:alert_resolve", args=[stale_alert.pk]), {"note": "已处理"}, **HTMX
    )
    assert "由系统自动解除" in response.content.decode()
    stale_alert.refresh_from_db()
    assert stale_alert.status == AlertStatus.OPEN


def test_resolvable_alert_needs_a_note_and_then_resolves(client, clerk, stale_alert, monkeypatch):
    import dataclasses

    rule = rules.REGISTRY[stale_alert.rule_code]
    monkeypatch.setitem(
        rules.REGISTRY, rule.code, dataclasses.replace(rule, resolvable_by_hand=True)
    )
    login(client, clerk)
    assert (
        reverse("core:alert_resolve", args=[stale_alert.pk])
        in client.get(reverse("core:alert_list")).content.decode()
    )
    empty = client.post(reverse("core:alert_resolve", args=[stale_alert.pk]), {"note": ""}, **HTMX)
    assert "请填写处理说明" in empty.content.decode()
    stale_alert.refresh_from_db()
    assert stale_alert.status == AlertStatus.OPEN
    client.post(
        reverse("core:alert_resolve", args=[stale_alert.pk]), {"note": "已电话核实"}, **HTMX
    )
    stale_alert.refresh_from_db()
    assert stale_alert.status == AlertStatus.RESOLVED
    assert stale_alert.resolution == "已电话核实"


def test_auditor_sees_alerts_but_gets_no_handling_buttons(client, auditor, stale_alert):
    html = login(client, auditor).get(reverse("core:alert_list")).content.decode()
    assert "应急联系人超期未确认" in html
    assert reverse("core:alert_acknowledge", args=[stale_alert.pk]) not in html


def test_alert_detail_shows_rule_article_parameters_and_history(client, clerk, stale_alert):
    html = (
        login(client, clerk)
        .get(reverse("core:alert_detail", args=[stale_alert.pk]))
        .content.decode()
    )
    assert "第二十一条" in html and "R-ORG-6" in html
    assert "确认周期（天）" in html
    assert "触发预警" in html


def _bulk_alerts(park, count):
    ct = ContentType.objects.get_for_model(EmergencyContact)
    now = timezone.now()
    Alert.objects.bulk_create(
        Alert(
            rule_code="org.emergency_contact_stale",
            severity="warning",
            title="应急联系人超期未确认",
            message="……",
            content_type=ct,
            object_id=str(100000 + i),
            object_repr=f"联系人{i}",
            park=park,
            opened_at=now,
            last_seen_at=now,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("rows", [10, 200])
def test_alert_inbox_runs_a_constant_number_of_queries(
    client, clerk, park, rows, django_assert_max_num_queries
):
    _bulk_alerts(park, rows)
    login(client, clerk)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("core:alert_list"))
    assert response.status_code == 200
    assert len(response.context["alerts"]) == min(rows, 20)


# ---------------------------------------------------------------------------------------------
# Reviews (R-CPL-1)


def test_review_page_shows_the_object_gate_article_requester_and_content_hash(
    client, reviewer, pending_review
):
    response = login(client, reviewer).get(reverse("core:review_detail", args=[pending_review.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "园区事项办结审查" in html
    assert "第二十条" in html
    assert "王晓明" in html
    assert pending_review.content_hash in html
    assert ERRAND in html
    assert 'name="decision"' in html


def test_reviewer_approves_through_the_form_and_the_decision_is_recorded(
    client, reviewer, pending_review
):
    response = login(client, reviewer).post(
        reverse("core:review_detail", args=[pending_review.pk]),
        {"decision": "approve", "opinion": "资料齐全"},
    )
    assert response.status_code == 302
    pending_review.refresh_from_db()
    assert pending_review.decision == ReviewDecision.APPROVE
    assert pending_review.reviewer == reviewer
    assert AuditEvent.objects.filter(action="review.approve", actor=reviewer).exists()


def test_rejection_without_an_opinion_is_an_inline_error_on_the_opinion_field_and_nothing_is_written(
    client, reviewer, pending_review
):
    events = AuditEvent.objects.count()
    response = login(client, reviewer).post(
        reverse("core:review_detail", args=[pending_review.pk]),
        {"decision": "reject", "opinion": ""},
    )
    assert response.status_code == 200
    assert "必须填写书面审查意见" in response.content.decode()
    assert response.context["form"].errors["opinion"]
    pending_review.refresh_from_db()
    assert pending_review.is_pending
    assert AuditEvent.objects.count() == events


def test_requester_cannot_review_their_own_request_and_is_told_why(
    client, clerk, park, pending_review
):
    grant_also(clerk, Role.RISK_OFFICER, park)  # the reviewer's role does not help (R-ORG-4)
    login(client, clerk)
    html = client.get(reverse("core:review_detail", args=[pending_review.pk])).content.decode()
    assert 'name="decision"' not in html
    assert "不能审查" in html and "不得审查本人创建或提交的事项" in html
    response = client.post(
        reverse("core:review_detail", args=[pending_review.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    pending_review.refresh_from_db()
    assert pending_review.is_pending


def test_content_changed_after_request_is_refused_inline(client, reviewer, clerk, pending_review):
    Review.objects.filter(pk=pending_review.pk).update(content_hash="0" * 64)
    response = login(client, reviewer).post(
        reverse("core:review_detail", args=[pending_review.pk]),
        {"decision": "approve", "opinion": ""},
    )
    assert response.status_code == 200
    assert "内容已被修改" in response.content.decode()
    pending_review.refresh_from_db()
    assert pending_review.is_pending


def test_review_of_another_park_is_404(client, other_park, pending_review):
    outsider = staff(Role.RISK_OFFICER, other_park)
    assert (
        login(client, outsider)
        .get(reverse("core:review_detail", args=[pending_review.pk]))
        .status_code
        == 404
    )


# ---------------------------------------------------------------------------------------------
# Audit chain (R-PLT-1)


def test_auditor_reads_the_audit_trail_filtered_by_action(client, auditor, clerk, park):
    services.errand_create(actor=clerk, park=park, title="园区电梯年检", assignee=clerk)
    login(client, auditor)
    html = client.get(reverse("core:audit")).content.decode()
    assert "园区电梯年检" in html
    assert "验证哈希链" in html
    filtered = client.get(reverse("core:audit"), {"action": "alert."}).content.decode()
    assert "园区电梯年检" not in filtered


def test_verifying_the_chain_shows_ok_and_is_itself_audited(
    client, auditor, clerk, stale_alert, django_capture_on_commit_callbacks
):
    login(client, auditor)
    with django_capture_on_commit_callbacks(execute=True):  # the worker, after the commit
        response = client.post(reverse("core:audit_verify"), **HTMX)
    assert 'hx-trigger="every 1s"' in response.content.decode()  # progress, polled
    run = AuditVerification.objects.get()
    response = client.get(reverse("core:audit_verification", args=[run.pk]), **HTMX)
    html = response.content.decode()
    assert "哈希链完整" in html
    event = AuditEvent.objects.get(action="audit.verify")
    assert event.actor == auditor
    assert event.after["ok"] is True
    assert audit.verify_chain().ok


def test_a_broken_chain_is_reported_with_the_first_broken_event(
    client, auditor, park, django_capture_on_commit_callbacks
):
    events = [audit.record(None, "errand.note", park, after={"i": i}) for i in range(3)]
    with connection.cursor() as cursor:  # what only a DBA could do; rolled back with the test
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
        cursor.execute(
            "UPDATE core_auditevent SET reason = 'tampered' WHERE id = %s", [events[1].pk]
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, auditor).post(reverse("core:audit_verify"))
    html = client.get(response["Location"]).content.decode()  # the verification's own page
    assert f"#{events[1].pk}" in html
    assert "事件被篡改" in html
    verified = AuditEvent.objects.get(action="audit.verify")
    assert verified.after["broken_event_id"] == events[1].pk
    assert verified.after["findings"] == ["chain_broken"]


def test_only_holders_of_audit_verify_may_run_the_check(client, headquarters):
    office = staff(Role.OFFICE_STAFF, headquarters)
    login(client, office)
    assert client.get(reverse("core:audit")).status_code == 200
    assert reverse("core:audit_verify") not in client.get(reverse("core:audit")).content.decode()
    assert client.post(reverse("core:audit_verify")).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.verify").exists()


def test_missing_object_page_is_the_404_template(client, clerk):
    response = login(client, clerk).get(reverse("core:alert_detail", args=[999999]))
    assert response.status_code == 404
    assert "页面不存在或无权访问" in response.content.decode()


def test_every_kernel_page_renders_for_a_permitted_user(
    client, headquarters, stale_alert, pending_review
):
    auditor = staff(Role.AUDITOR, headquarters)
    login(client, auditor)
    for url in [
        reverse("workbench:home"),
        reverse("core:alert_list"),
        reverse("core:alert_detail", args=[stale_alert.pk]),
        reverse("core:review_detail", args=[pending_review.pk]),
        reverse("core:audit"),
    ]:
        assert client.get(url).status_code == 200, url
