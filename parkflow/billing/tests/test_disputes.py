"""R-BIL-5: the enterprise disputes a line of its statement in the portal; a dispute is a workflow
(待处理 → 核查中 → 已解决（调账）/ 已驳回) with an SLA, settled by an adjustment — a new line, never
an edit of the bill — or a written reason; staff cannot dispute on the enterprise's behalf;
another enterprise neither sees nor disputes; pages, portal and API go through the same
services; lists cost the same number of queries for 3 rows as for 30."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.billing import services, services_statements
from parkflow.billing.choices import AdjustmentKind
from parkflow.billing.choices_statements import DisputeStatus
from parkflow.billing.clocks import DISPUTE_RESOLUTION, DISPUTE_RESPONSE
from parkflow.billing.models import Adjustment, Bill
from parkflow.billing.models_statements import Statement, StatementDispute
from parkflow.core import rules
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import Alert, AuditEvent, SlaClock
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .factories import finance, resident, signed_agreement
from .factories_statements import FEB, Worked, yuan

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 11, 23, 10, tzinfo=SH)
OVERDUE = "billing.dispute_overdue"


class Case:
    """The worked example's February statement, issued; the enterprise's portal user."""

    def __init__(self):
        self.worked = Worked()
        self.clerk = self.worked.clerk
        self.enterprise = self.worked.enterprise
        self.tenant = enterprise_user(self.enterprise)
        self.statement = services_statements.statement_issue(
            actor=self.clerk, enterprise=self.enterprise, period_start=FEB
        )
        self.rent_line = self.statement.lines.get(position=1)  # February's rent, 9,600

    def raise_(self, line=None, reason="二月实际使用面积为 112.5 平方米，应为 9,000 元。"):
        return services_statements.dispute_raise(
            actor=self.tenant, line=line or self.rent_line, reason=reason
        )


@pytest.fixture
def case():
    with time_machine.travel(MONDAY, tick=False):
        return Case()


def clock_state(dispute, declared):
    return SlaClock.objects.get(object_id=dispute.pk, code=declared.code).state


# ---------------------------------------------------------------------------------------------
# The workflow through the services


def test_a_dispute_upheld_is_settled_by_a_new_adjustment_never_an_edit_of_the_bill(case):
    bill = Bill.objects.get(pk=case.rent_line.bill_id)
    with time_machine.travel(MONDAY, tick=False):
        dispute = case.raise_()
        assert dispute.status == DisputeStatus.OPEN
        assert clock_state(dispute, DISPUTE_RESPONSE) == "running"
        services_statements.dispute_take(actor=case.clerk, dispute=dispute)
        resolved = services_statements.dispute_resolve(
            actor=case.clerk,
            dispute=dispute,
            kind=AdjustmentKind.CREDIT,
            amount="600",
            outcome="按实测面积 112.5 平方米核减 600 元。",
        )

    assert resolved.status == DisputeStatus.RESOLVED
    adjustment = resolved.adjustment
    assert (adjustment.bill_id, adjustment.kind, adjustment.amount) == (
        bill.pk,
        AdjustmentKind.CREDIT,
        Decimal("600.00"),
    )
    assert f"对账争议 #{dispute.pk}" in adjustment.reason
    after = Bill.objects.get(pk=bill.pk)
    assert after.amount == bill.amount == Decimal("9600.00")  # the bill itself is not edited
    assert after.adjusted == bill.adjusted - Decimal("600")
    assert clock_state(dispute, DISPUTE_RESPONSE) == "met"
    assert clock_state(dispute, DISPUTE_RESOLUTION) == "met"
    actions = list(
        AuditEvent.objects.filter(object_id=str(dispute.pk), action__startswith="dispute.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["dispute.raise", "dispute.take", "dispute.resolve"]
    # The statement as issued is unchanged: the correction shows on the next statement.
    case.statement.refresh_from_db()
    assert case.statement.closing == yuan("-1000")


def test_a_dispute_rejected_says_why_in_writing_and_changes_nothing_on_the_bill(case):
    with time_machine.travel(MONDAY, tick=False):
        dispute = case.raise_()
        services_statements.dispute_take(actor=case.clerk, dispute=dispute)
        with pytest.raises(ValidationFailed) as refused:
            services_statements.dispute_reject(actor=case.clerk, dispute=dispute, reason="  ")
        assert "reason" in refused.value.errors
        rejected = services_statements.dispute_reject(
            actor=case.clerk, dispute=dispute, reason="面积以入驻时的测绘报告为准（120 平方米）。"
        )
    assert rejected.status == DisputeStatus.REJECTED
    assert "测绘报告" in rejected.outcome
    assert not Adjustment.objects.filter(disputes=rejected).exists()
    assert not Adjustment.objects.filter(reason__contains="对账争议").exists()


def test_one_open_dispute_per_line(case):
    with time_machine.travel(MONDAY, tick=False):
        first = case.raise_()
        with pytest.raises(Conflict) as refused:
            case.raise_(reason="再提一次")
        assert refused.value.code == "dispute_open"
        # Another line may be disputed at the same time.
        case.raise_(line=case.statement.lines.get(position=2), reason="这笔收款是 4,800 元")
        services_statements.dispute_take(actor=case.clerk, dispute=first)
        services_statements.dispute_reject(actor=case.clerk, dispute=first, reason="金额无误")
        # Once settled, the line may be disputed again.
        again = case.raise_(reason="补充了合同附件")
    assert StatementDispute.objects.filter(line=case.rent_line).count() == 2
    assert again.status == DisputeStatus.OPEN


def test_steps_out_of_order_are_refused_and_write_nothing(case):
    with time_machine.travel(MONDAY, tick=False):
        dispute = case.raise_()
        before = AuditEvent.objects.count()
        with pytest.raises(Conflict):
            services_statements.dispute_resolve(
                actor=case.clerk, dispute=dispute, kind="credit", amount="1", outcome="核减"
            )
        with pytest.raises(Conflict):
            services_statements.dispute_reject(actor=case.clerk, dispute=dispute, reason="无误")
        assert AuditEvent.objects.count() == before
        services_statements.dispute_take(actor=case.clerk, dispute=dispute)
        taken = AuditEvent.objects.count()
        with pytest.raises(Conflict):
            services_statements.dispute_take(actor=case.clerk, dispute=dispute)
        assert AuditEvent.objects.count() == taken
    assert not Adjustment.objects.filter(reason__contains="对账争议").exists()


def test_staff_cannot_raise_a_dispute_on_the_enterprises_behalf(case):
    for person in (
        case.clerk,
        staff(Role.BUSINESS_STAFF, case.enterprise.park),
        staff(Role.PRINCIPAL, case.enterprise.park),
    ):
        with pytest.raises(PermissionDenied):
            services_statements.dispute_raise(actor=person, line=case.rent_line, reason="代提")
    assert not StatementDispute.objects.exists()


def test_another_enterprise_cannot_dispute_a_line(case):
    stranger = enterprise_user(resident(case.enterprise.park))
    with pytest.raises(PermissionDenied):
        services_statements.dispute_raise(actor=stranger, line=case.rent_line, reason="代提")
    assert not StatementDispute.objects.exists()


def test_a_statement_with_an_open_dispute_is_not_superseded(case):
    with time_machine.travel(MONDAY, tick=False):
        case.raise_()
        with pytest.raises(Conflict) as refused:
            services_statements.statement_supersede(
                actor=case.clerk, statement=case.statement, reason="重出"
            )
    assert refused.value.code == "statement_disputed"


# ---------------------------------------------------------------------------------------------
# The SLA and the escalating rule


def _alerts(dispute):
    return Alert.objects.filter(
        rule_code=OVERDUE, object_id=str(dispute.pk), status__in=("open", "acknowledged")
    )


def test_a_dispute_not_taken_within_two_working_days_raises_one_alert_cleared_when_taken(case):
    with time_machine.travel(MONDAY, tick=False):
        dispute = case.raise_()
    due = SlaClock.objects.get(object_id=dispute.pk, code=DISPUTE_RESPONSE.code).due_at
    assert due.astimezone(SH).date() == datetime.date(2026, 11, 25)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 17, tzinfo=SH), tick=False):
        rules.sweep_rule(OVERDUE)
        assert not _alerts(dispute).exists()
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=SH), tick=False):
        rules.sweep_rule(OVERDUE)
        rules.sweep_rule(OVERDUE)
        assert _alerts(dispute).count() == 1
        assert _alerts(dispute).get().severity == "warning"
        services_statements.dispute_take(actor=case.clerk, dispute=dispute)
        rules.sweep_rule(OVERDUE)
        assert not _alerts(dispute).exists()
    assert clock_state(dispute, DISPUTE_RESPONSE) == "breached"


def test_a_dispute_left_twice_its_window_escalates_to_high(case):
    with time_machine.travel(MONDAY, tick=False):
        dispute = case.raise_()
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=SH), tick=False):
        rules.sweep_rule(OVERDUE)
        rules.sweep_rule(OVERDUE)
    (alert,) = _alerts(dispute)
    assert alert.severity == "high"


# ---------------------------------------------------------------------------------------------
# Pages, portal and API: the same flow


def test_the_dispute_flow_end_to_end_through_the_portal_the_pages_and_the_api(case, client):
    bill = Bill.objects.get(pk=case.rent_line.bill_id)
    with time_machine.travel(MONDAY, tick=True):
        # The enterprise disputes February's rent in the portal.
        client.force_login(case.tenant)
        page = client.get(reverse("portal:statement", args=[case.statement.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "人民币负壹仟元整" in html and "¥9,600.00" in html
        form = reverse("portal:statement_dispute", args=[case.statement.pk, case.rent_line.pk])
        assert form in html
        response = client.post(
            form, {"line": case.rent_line.pk, "reason": "面积有误，应为 9,000 元"}
        )
        dispute = StatementDispute.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:dispute", args=[dispute.pk])

        # Finance takes it on the staff page (a confirming modal posts the step).
        client.force_login(case.clerk)
        detail = client.get(reverse("billing:dispute", args=[dispute.pk])).content.decode()
        assert 'data-bs-target="#step-take"' in detail and "面积有误" in detail
        assert "default" not in detail  # the clocks' grade is named on the timeline
        step = reverse("billing:dispute_step", args=[dispute.pk, "take"])
        assert client.post(step).status_code == 302
        detail = client.get(reverse("billing:dispute", args=[dispute.pk])).content.decode()
        assert "#step-resolve" in detail and "#step-reject" in detail

        # A refused step shows the reason with nothing written.
        bad = client.post(
            reverse("billing:dispute_step", args=[dispute.pk, "resolve"]),
            {"resolve-kind": "credit", "resolve-amount": "99999", "resolve-outcome": "核减"},
        )
        assert bad.status_code == 400 and "调减金额不能超过" in bad.content.decode()
        assert not Adjustment.objects.filter(bill=bill).exclude(pk=case.worked.credit.pk).exists()

        # Resolved through the API by the same service.
        api = APIClient()
        api.force_authenticate(case.clerk)
        answer = api.post(
            reverse("api:statement-dispute-resolve", args=[dispute.pk]),
            {"kind": "credit", "amount": "600.00", "outcome": "按实测面积核减 600 元。"},
            format="json",
        )
        assert answer.status_code == 200, answer.content
        assert answer.json()["status"] == "resolved"

        # The enterprise reads the outcome in the portal.
        client.force_login(case.tenant)
        outcome = client.get(reverse("portal:dispute", args=[dispute.pk])).content.decode()
        assert "争议成立，已调账" in outcome and "按实测面积核减 600 元" in outcome
        mine = client.get(reverse("portal:disputes")).content.decode()
        assert "已解决（调账）" in mine


def test_staff_cannot_use_the_portal_or_the_api_to_raise_a_dispute(case, client):
    form = reverse("portal:statement_dispute", args=[case.statement.pk, case.rent_line.pk])
    client.force_login(case.clerk)
    assert client.post(form, {"line": case.rent_line.pk, "reason": "代企业提"}).status_code == 404
    api = APIClient()
    api.force_authenticate(case.clerk)
    answer = api.post(
        reverse("api:statement-dispute-list"),
        {"line": case.rent_line.pk, "reason": "代企业提"},
        format="json",
    )
    assert answer.status_code == 403
    assert not StatementDispute.objects.exists()


def test_another_enterprise_sees_and_disputes_nothing_on_any_route(case, client):
    with time_machine.travel(MONDAY, tick=False):
        dispute = case.raise_()
    stranger = enterprise_user(resident(case.enterprise.park, name="隔壁企业"))
    client.force_login(stranger)
    pk, line = case.statement.pk, case.rent_line.pk
    for url in (
        reverse("portal:statement", args=[pk]),
        reverse("portal:statement_download", args=[pk, "pdf"]),
        reverse("portal:statement_download", args=[pk, "xlsx"]),
        reverse("portal:statement_dispute", args=[pk, line]),
        reverse("portal:dispute", args=[dispute.pk]),
    ):
        assert client.get(url).status_code == 404, url
    posted = client.post(
        reverse("portal:statement_dispute", args=[pk, line]), {"line": line, "reason": "x"}
    )
    assert posted.status_code == 404
    assert case.enterprise.name not in client.get(reverse("portal:statements")).content.decode()
    assert "二月实际使用面积" not in client.get(reverse("portal:disputes")).content.decode()

    api = APIClient()
    api.force_authenticate(stranger)
    for url in (
        reverse("api:statement-detail", args=[pk]),
        reverse("api:statement-pdf", args=[pk]),
        reverse("api:statement-xlsx", args=[pk]),
        reverse("api:statement-dispute-detail", args=[dispute.pk]),
    ):
        assert api.get(url).status_code == 404, url
    assert api.get(reverse("api:statement-list")).json()["results"] == []
    assert api.get(reverse("api:statement-dispute-list")).json()["results"] == []
    created = api.post(
        reverse("api:statement-dispute-list"),
        {"line": case.statement.lines.get(position=2).pk, "reason": "x"},
        format="json",
    )
    assert created.status_code == 400  # the line does not exist for them
    assert StatementDispute.objects.count() == 1
    assert not AuditEvent.objects.filter(action="statement.download").exists()


def test_downloads_are_scoped_and_audited(case, client):
    other_park_finance = finance(resident().park)
    client.force_login(other_park_finance)
    url = reverse("billing:statement_download", args=[case.statement.pk, "xlsx"])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="statement.download").exists()

    client.force_login(staff(Role.AUDITOR, case.enterprise.park))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="statement.download").count() == 1

    client.force_login(case.tenant)
    portal = client.get(reverse("portal:statement_download", args=[case.statement.pk, "pdf"]))
    assert portal.status_code == 200 and portal.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="statement.download").count() == 2


def test_the_staff_statement_page_shows_lines_totals_and_the_closing_in_capitals(case, client):
    client.force_login(staff(Role.AUDITOR, case.enterprise.park))
    html = client.get(reverse("billing:statement", args=[case.statement.pk])).content.decode()
    for text in ("本期往来明细", "¥4,600.00", "-¥1,000.00", "人民币负壹仟元整", "面积核减"):
        assert text in html, text
    assert "Art." not in html
    assert "作废重出" not in html  # an auditor reads, finance supersedes


def test_finance_issues_a_statement_on_the_page(client):
    worked = Worked()
    client.force_login(worked.clerk)
    response = client.post(
        reverse("billing:statement_issue"), {"enterprise": worked.enterprise.pk, "month": "2026-02"}
    )
    made = Statement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:statement", args=[made.pk])
    again = client.post(
        reverse("billing:statement_issue"), {"enterprise": worked.enterprise.pk, "month": "2026-02"}
    )
    assert again.status_code == 400 and "不能重复出具" in again.content.decode()
    assert Statement.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Lists: the same number of queries for 3 rows as for 30


def _long_statement(lines: int):
    """An enterprise with ``lines`` monthly bills from 2023 and one statement of them all."""
    enterprise = resident()
    agreement = signed_agreement(
        enterprise,
        start=datetime.date(2023, 1, 1),
        months=lines,
        lines=[{"kind": "rent", "label": "租金", "quantity": "10", "unit_price": "100"}],
    )
    clerk = finance(enterprise.park)
    rent = agreement.fees.get()
    for charge in services.charges_of(rent):
        services.bill_issue(actor=clerk, fee_line=rent, period_start=charge.period_start)
    end = datetime.date(2023, 1, 1) + datetime.timedelta(days=31 * lines)
    statement = services_statements.statement_issue(
        actor=clerk, enterprise=enterprise, period_start=datetime.date(2023, 1, 1),
        period_end=end.replace(day=1) - datetime.timedelta(days=1),
    )  # fmt: skip
    return clerk, enterprise, statement


def _with_disputes(n: int):
    clerk, enterprise, statement = _long_statement(n)
    tenant = enterprise_user(enterprise)
    with time_machine.travel(MONDAY, tick=True):
        for line in statement.lines.order_by("position")[:n]:
            services_statements.dispute_raise(actor=tenant, line=line, reason="金额有误")
    return clerk, enterprise, tenant


def _statements(n: int):
    clerk, enterprise, _statement = _long_statement(1)
    first = datetime.date(2020, 1, 1)
    for index in range(n - 1):
        month = datetime.date(first.year + (index // 12), index % 12 + 1, 1)
        services_statements.statement_issue(actor=clerk, enterprise=enterprise, period_start=month)
    return clerk, enterprise, enterprise_user(enterprise)


@pytest.mark.parametrize("size", [3, 30])
def test_the_statement_lists_cost_the_same_queries_for_3_and_30(
    size, client, django_assert_max_num_queries
):
    clerk, enterprise, tenant = _statements(size)
    assert Statement.objects.filter(enterprise=enterprise).count() == size
    client.force_login(clerk)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("billing:statements")).status_code == 200
    client.force_login(tenant)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:statements")).status_code == 200
    api = APIClient()
    api.force_authenticate(clerk)
    with django_assert_max_num_queries(8):
        assert api.get(reverse("api:statement-list")).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_dispute_lists_cost_the_same_queries_for_3_and_30(
    size, client, django_assert_max_num_queries
):
    clerk, enterprise, tenant = _with_disputes(size)
    assert StatementDispute.objects.count() == size
    client.force_login(clerk)
    with django_assert_max_num_queries(16):
        html = client.get(reverse("billing:disputes")).content.decode()
    assert html.count("data-sla>") == min(size, 20)
    client.force_login(tenant)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:disputes")).status_code == 200
    api = APIClient()
    api.force_authenticate(clerk)
    with django_assert_max_num_queries(8):
        assert api.get(reverse("api:statement-dispute-list")).status_code == 200


def test_an_overdue_dispute_is_in_red_on_the_list(case, client):
    with time_machine.travel(MONDAY, tick=False):
        case.raise_()
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, tzinfo=SH), tick=False):
        client.force_login(case.clerk)
        html = client.get(reverse("billing:disputes")).content.decode()
        only_overdue = client.get(reverse("billing:disputes") + "?overdue_only=on").content
    assert 'class="row-flag"' in html and "已超时" in html
    assert "二月实际使用面积" in only_overdue.decode()


def test_a_dispute_waits_for_finance_in_the_todo_centre_until_settled(case, client):
    from parkflow.core import todo

    with time_machine.travel(MONDAY, tick=False):
        dispute = case.raise_()
    other_park_finance = finance(resident().park)
    assert todo.pending_count(case.clerk) >= 1
    assert todo.pending_count(other_park_finance) == 0
    client.force_login(case.clerk)
    html = client.get(reverse("workbench:todo")).content.decode()
    assert reverse("billing:dispute", args=[dispute.pk]) in html
    with time_machine.travel(MONDAY, tick=False):
        services_statements.dispute_take(actor=case.clerk, dispute=dispute)
        services_statements.dispute_reject(actor=case.clerk, dispute=dispute, reason="金额无误")
    html = client.get(reverse("workbench:todo")).content.decode()
    assert reverse("billing:dispute", args=[dispute.pk]) not in html
