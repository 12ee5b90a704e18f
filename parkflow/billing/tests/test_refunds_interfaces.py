"""R-BIL-4 on every interface: a large refund with one signature, with the initiator signing, or
with the same person twice is not released through the API, the pages or the admin — nothing
written, the refund unreleased, the balance unchanged; below the threshold one signature
releases. The pages show what waits for whose signature; lists keep a constant number of
queries; the account is masked for whoever is not finance; another park's refund is a 404."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from parkflow.billing import services
from parkflow.billing.choices_refunds import RefundKind, RefundStatus
from parkflow.billing.gates import SECOND_SIGNATURE
from parkflow.billing.models_refunds import Refund
from parkflow.core.models import AuditEvent
from parkflow.core.tests.admin_client import changelist_action
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, staff

from .factories import finance, resident
from .factories_refunds import leader, open_signature, prepaid, refund, sign, submitted
from .test_refunds import LARGE, SMALL, assert_not_released

pytestmark = pytest.mark.django_db
BALANCE = Decimal("100000.00")


@pytest.fixture
def enterprise():
    made = resident(name="苏州甲园精密机械有限公司")
    return made


@pytest.fixture
def clerk(enterprise):
    return finance(enterprise.park)


@pytest.fixture
def colleague(enterprise):
    return staff(Role.FINANCE_STAFF, enterprise.park, display_name="财务同事")


@pytest.fixture
def deputy(enterprise):
    return leader(enterprise.park, Role.DEPUTY, display_name="刘分管")


@pytest.fixture
def principal(enterprise):
    return leader(enterprise.park, Role.PRINCIPAL, display_name="陈主要")


@pytest.fixture
def auditor(enterprise):
    return staff(Role.AUDITOR, enterprise.park, display_name="许审计")


@pytest.fixture
def funded(enterprise, clerk):
    prepaid(enterprise, "100000", clerk=clerk)
    return enterprise


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def login(client, user):
    client.force_login(user)
    return client


# ---------------------------------------------------------------------------------------------
# API


def _release(user, made):
    return api(user).post(f"/api/v1/refunds/{made.pk}/release/", {}, format="json")


def _decide(user, review, decision="approve", opinion=""):
    return api(user).post(
        f"/api/v1/reviews/{review.pk}/decide/",
        {"decision": decision, "opinion": opinion},
        format="json",
    )


def test_api_a_large_refund_with_one_signature_is_not_released(funded, clerk, colleague):
    made = submitted(clerk, funded, LARGE)
    assert _decide(colleague, open_signature(made)).status_code == 200

    response = _release(clerk, made)

    assert response.status_code == 409
    assert response.json()["code"] == "gate_not_passed"
    assert response.json()["requirement"] == "R-BIL-4"
    assert_not_released(made, funded, BALANCE)


def test_api_the_initiator_signing_is_refused_and_nothing_is_released(funded, clerk, deputy):
    made = submitted(clerk, funded, LARGE)

    refused = _decide(clerk, open_signature(made))
    assert refused.status_code == 403 and refused.json()["requirement"] == "R-ORG-4"
    assert _decide(deputy, open_signature(made)).status_code == 200

    assert _release(clerk, made).status_code == 409
    assert_not_released(made, funded, BALANCE)


def test_api_the_same_person_twice_is_refused_and_nothing_is_released(funded, clerk, deputy):
    made = submitted(clerk, funded, LARGE)
    assert _decide(deputy, open_signature(made)).status_code == 200

    second = open_signature(made, SECOND_SIGNATURE)
    refused = _decide(deputy, second)
    assert refused.status_code == 403 and refused.json()["requirement"] == "R-ORG-4"

    assert _release(clerk, made).status_code == 409
    assert_not_released(made, funded, BALANCE)


def test_api_below_the_threshold_one_signature_releases(funded, clerk, colleague):
    created = api(clerk).post(
        "/api/v1/refunds/",
        {
            "enterprise": funded.pk,
            "kind": "refund",
            "amount": "3560.00",
            "reason": "多缴物业费退回",
            "payee_name": funded.name,
            "payee_bank": "中国银行苏州分行",
            "payee_account": "6216 6100 0001 2345",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    submitted_ = api(clerk).post(f"/api/v1/refunds/{pk}/submit/", {}, format="json")
    assert submitted_.status_code == 200 and submitted_.json()["status"] == "pending"
    (signature,) = submitted_.json()["signatures"]
    assert signature["may_sign"] == ["财务同事"] and signature["reviews"]
    assert _decide(colleague, open_signature(Refund.objects.get(pk=pk))).status_code == 200

    released = api(clerk).post(
        f"/api/v1/refunds/{pk}/release/", {"reference": "HX77"}, format="json"
    )

    assert released.status_code == 200
    body = released.json()
    assert body["status"] == "released" and body["release_reference"] == "HX77"
    assert (body["signatures_signed"], body["signatures_required"]) == (1, 1)
    assert services.credit_balance(funded) == BALANCE - SMALL


def test_api_shows_the_account_in_full_to_finance_and_masked_to_others(
    funded, clerk, auditor, deputy
):
    made = refund(clerk, funded, SMALL, payee_account="6216 6100 0001 2345")

    def shown(user):
        listed = api(user).get("/api/v1/refunds/").json()["results"][0]["payee_account"]
        one = api(user).get(f"/api/v1/refunds/{made.pk}/").json()["payee_account"]
        return listed, one

    assert shown(clerk) == ("6216610000012345", "6216610000012345")
    assert shown(auditor) == ("6216 **** **** 2345", "6216 **** **** 2345")
    assert shown(deputy)[0] == "6216 **** **** 2345"


def test_api_has_no_delete_and_no_edit(funded, clerk):
    made = refund(clerk, funded, SMALL)
    # No route serves them: the policy names no such action (403 before "method not allowed").
    assert api(clerk).delete(f"/api/v1/refunds/{made.pk}/").status_code in (403, 405)
    assert api(clerk).patch(f"/api/v1/refunds/{made.pk}/", {"amount": "1"}).status_code in (
        403,
        405,
    )
    assert Refund.objects.filter(pk=made.pk, amount=SMALL).exists()


def test_api_another_parks_finance_and_another_enterprise_are_refused(funded, clerk, colleague):
    made = submitted(clerk, funded, SMALL)
    sign(made, colleague)
    other_finance = finance(ParkFactory())
    stranger = enterprise_user(resident(park=funded.park))

    assert api(other_finance).get(f"/api/v1/refunds/{made.pk}/").status_code == 404
    assert _release(other_finance, made).status_code == 404
    assert api(other_finance).get("/api/v1/refunds/").json()["results"] == []
    assert api(stranger).get("/api/v1/refunds/").status_code == 403
    assert _release(stranger, made).status_code == 403
    assert api(enterprise_user(funded)).get(f"/api/v1/refunds/{made.pk}/").status_code == 403
    assert_not_released(made, funded, BALANCE)


@pytest.mark.parametrize("rows", [3, 30])
def test_api_list_runs_a_constant_number_of_queries(
    funded, clerk, colleague, rows, django_assert_max_num_queries
):
    for n in range(rows):
        made = refund(clerk, funded, "10", kind=RefundKind.PAYOUT, reason=f"补贴{n}")
        if n % 2:
            services_submit_and_sign(clerk, colleague, made)
    client = api(clerk)
    client.get("/api/v1/refunds/")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/refunds/")
    assert response.json()["count"] == rows


def services_submit_and_sign(clerk, signer, made):
    from parkflow.billing import services_refunds

    services_refunds.refund_submit(actor=clerk, refund=made)
    sign(made, signer)


# ---------------------------------------------------------------------------------------------
# Pages


def test_page_release_of_a_large_refund_with_one_signature_is_refused_with_nothing_written(
    client, funded, clerk, colleague
):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    login(client, clerk)

    response = client.post(reverse("billing:refund_release", args=[made.pk]), {"reference": "X"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "操作未执行，未放款，账务未改变" in html
    assert "须 2 名不同人员签署，已签 1 人" in html
    assert_not_released(made, funded, BALANCE)


def test_page_the_detail_says_what_waits_for_whose_signature(
    client, funded, clerk, colleague, deputy, principal
):
    made = submitted(clerk, funded, LARGE)
    sign(made, deputy)
    login(client, clerk)

    html = client.get(reverse("billing:refund", args=[made.pk])).content.decode()

    assert "已签 1/2" in html
    assert "已签署：刘分管" in html
    assert "可签署人" in html and "陈主要" in html
    second = html[html.index('data-gate="billing.refund_dual_signature"') :]
    may_sign = second[second.index("data-may-sign") :]
    may_sign = may_sign[: may_sign.index("</div>")]
    assert "陈主要" in may_sign
    assert "刘分管" not in may_sign  # the first signer may not sign again
    assert "财务同事" not in may_sign and "财务<" not in may_sign  # finance is not a leader
    assert "data-release-disabled" in html and "暂不能放款" in html
    assert "¥68,000.00" in html
    assert "data-sign-here" not in html  # the initiator is never offered a signature
    login(client, principal)
    html = client.get(reverse("billing:refund", args=[made.pk])).content.decode()
    review = open_signature(made, SECOND_SIGNATURE)
    assert reverse("core:review_detail", args=[review.pk]) in html and "data-sign-here" in html
    assert "data-release" not in html  # a leader signs; finance releases


def test_page_below_the_threshold_one_signature_releases(client, funded, clerk, colleague):
    made = submitted(clerk, funded, SMALL)
    sign(made, colleague)
    login(client, clerk)
    html = client.get(reverse("billing:refund", args=[made.pk])).content.decode()
    assert "data-release " in html or "data-release>" in html

    response = client.post(
        reverse("billing:refund_release", args=[made.pk]), {"reference": "HX1"}, follow=True
    )

    assert "已放款，已记入账务" in response.content.decode()
    made.refresh_from_db()
    assert made.status == RefundStatus.RELEASED
    assert services.credit_balance(funded) == BALANCE - SMALL


def test_page_submit_and_withdraw_are_confirmed_steps(client, funded, clerk):
    made = refund(clerk, funded, SMALL)
    login(client, clerk)
    html = client.get(reverse("billing:refund", args=[made.pk])).content.decode()
    assert 'id="action-submit"' in html  # the confirm modal

    url = reverse("billing:refund_transition", args=[made.pk, "submit"])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "已提交审批，等待签署" in response.content.decode()
    url = reverse("billing:refund_transition", args=[made.pk, "withdraw"])
    client.post(url, {"reason": "企业撤回"})
    made.refresh_from_db()
    assert made.status == RefundStatus.WITHDRAWN


def test_page_the_list_shows_kind_amount_signatures_and_coloured_status(
    client, funded, clerk, colleague, auditor
):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    refund(clerk, funded, SMALL, payee_account="6216 6100 0001 2345")
    login(client, auditor)

    html = client.get(reverse("billing:refunds")).content.decode()

    assert "¥68,000.00" in html and "¥3,560.00" in html
    assert "已签 1/2" in html and "大额" in html
    assert 'class="tag tag-warning">待审批' in html
    assert "6216 **** **** 2345" in html and "6216610000012345" not in html
    filtered = client.get(reverse("billing:refunds"), {"large_only": "on"}).content.decode()
    assert "¥68,000.00" in filtered and "¥3,560.00" not in filtered


@pytest.mark.parametrize("rows", [3, 30])
def test_page_the_list_runs_a_constant_number_of_queries(
    client, funded, clerk, colleague, rows, django_assert_max_num_queries
):
    for n in range(rows):
        made = refund(clerk, funded, "10", kind=RefundKind.PAYOUT, reason=f"补贴{n}")
        if n % 2:
            services_submit_and_sign(clerk, colleague, made)
    login(client, clerk)
    url = reverse("billing:refunds")
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["refunds"]) == min(rows, 20)


def test_page_the_form_shows_each_refusal_on_its_field(client, funded, clerk):
    login(client, clerk)
    response = client.post(
        reverse("billing:refund_create"),
        {
            "enterprise": funded.pk,
            "kind": "refund",
            "amount": "100000.01",
            "reason": "退款",
            "payee_name": funded.name,
            "payee_bank": "银行",
            "payee_account": "6222-abc",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "收款账号须为 8–30 位数字" in html
    assert not Refund.objects.exists()

    response = client.post(
        reverse("billing:refund_create"),
        {
            "enterprise": funded.pk,
            "kind": "refund",
            "amount": "100000.01",
            "reason": "退款",
            "payee_name": funded.name,
            "payee_bank": "银行",
            "payee_account": "6222 0000 1111",
        },
    )
    assert response.status_code == 400
    assert "预收余额不能为负" in response.content.decode()
    assert not Refund.objects.exists()


def test_page_only_the_initiator_edits_the_draft(client, funded, clerk, colleague):
    made = refund(clerk, funded, SMALL)
    login(client, colleague)
    assert client.get(reverse("billing:refund_edit", args=[made.pk])).status_code == 403
    login(client, clerk)
    response = client.post(
        reverse("billing:refund_edit", args=[made.pk]),
        {
            "kind": "refund",
            "amount": "3000.00",
            "reason": made.reason,
            "payee_name": made.payee_name,
            "payee_bank": made.payee_bank,
            "payee_account": made.payee_account,
        },
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.amount == Decimal("3000.00")


def test_page_the_export_is_scoped_masked_and_audited(client, funded, clerk, auditor):
    refund(clerk, funded, SMALL, payee_account="6216 6100 0001 2345")
    other = resident(park=ParkFactory())
    refund(finance(other.park), other, "10", kind=RefundKind.PAYOUT, reason="乙园补贴")
    login(client, auditor)

    response = client.get(reverse("billing:refund_export"))

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == SMALL  # the header and park A's refund, a number
    assert rows[1][9] == "6216 **** **** 2345"
    # (after is a json column on PostgreSQL: compared in Python, not by a key lookup)
    exports = AuditEvent.objects.filter(action="refund.export")
    assert any(event.after.get("count") == 1 for event in exports)


def test_page_another_parks_refund_is_a_404(client, funded, clerk):
    made = refund(clerk, funded, SMALL)
    login(client, finance(ParkFactory()))
    assert client.get(reverse("billing:refund", args=[made.pk])).status_code == 404
    assert client.post(reverse("billing:refund_release", args=[made.pk])).status_code == 404


def test_the_review_page_shows_the_refund_to_its_signer(client, funded, clerk, deputy, principal):
    made = submitted(clerk, funded, LARGE, payee_account="6216 6100 0001 2345")
    sign(made, deputy)
    login(client, principal)

    review = open_signature(made, SECOND_SIGNATURE)
    html = client.get(reverse("core:review_detail", args=[review.pk])).content.decode()

    assert 'data-panel="billing.refund"' in html
    assert "苏州甲园精密机械有限公司" in html and "¥68,000.00" in html
    assert "已签 1/2" in html and "财务" in html  # the initiator, named
    assert "¥100,000.00" in html  # the prepaid balance it draws on
    assert "6216 **** **** 2345" in html and "6216610000012345" not in html


def test_a_threshold_changed_on_the_gate_page_is_honoured(client, funded, clerk, colleague):
    administrator = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    login(client, administrator)
    response = client.post(
        reverse("core:gate_edit", args=[SECOND_SIGNATURE.code]),
        {"threshold": "3000", "reason": "领导小组决议"},
    )
    assert response.status_code == 302
    made = submitted(clerk, funded, SMALL)
    sign(made, colleague)

    login(client, clerk)
    response = client.post(reverse("billing:refund_release", args=[made.pk]), {})

    assert response.status_code == 409
    assert_not_released(made, funded, BALANCE)


# ---------------------------------------------------------------------------------------------
# Admin


@pytest.fixture
def admin_client(client):
    admin_user = staff(
        Role.SYSTEM_ADMIN,
        OrgUnitFactory(name="运营公司总部"),
        is_staff=True,
        is_superuser=True,
    )
    return login(client, admin_user)


def test_admin_cannot_release_approve_or_edit_a_refund(admin_client, funded, clerk, colleague):
    made = submitted(clerk, funded, LARGE, payee_account="6216 6100 0001 2345")
    sign(made, colleague)
    change = reverse("admin:billing_refund_change", args=[made.pk])

    page = admin_client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert "6216 **** **** 2345" in page.content.decode()
    assert "6216610000012345" not in page.content.decode()
    assert admin_client.post(change, {"status": "released"}).status_code == 403
    assert admin_client.get(reverse("admin:billing_refund_add")).status_code == 403
    delete = reverse("admin:billing_refund_delete", args=[made.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    changelist_action(admin_client, Refund, "delete_selected", [made.pk])
    assert_not_released(made, funded, BALANCE)
    assert Refund.objects.filter(pk=made.pk).exists()


# ---------------------------------------------------------------------------------------------
# Where people find them: the sidebar and the to-do centre


def test_the_sidebar_offers_refunds_to_finance_leaders_and_readers_only(client, enterprise):
    url = reverse("billing:refunds")
    for role in (Role.FINANCE_STAFF, Role.DEPUTY, Role.AUDITOR, Role.RISK_OFFICER):
        login(client, staff(role, enterprise.park))
        assert url in client.get(reverse("workbench:home")).content.decode(), role
    login(client, staff(Role.BUSINESS_STAFF, enterprise.park))
    assert url not in client.get(reverse("workbench:home")).content.decode()
    assert client.get(url).status_code == 403


def test_the_initiators_to_do_has_what_waits_for_him(client, funded, clerk, colleague):
    from parkflow.core import todo

    approved = submitted(clerk, funded, SMALL)
    sign(approved, colleague)
    returned = submitted(clerk, funded, "100", reason="另一笔")
    sign(returned, colleague, "return", "请补充银行回单。")

    waiting = {item.url: item for _source, item in todo.items(clerk, todo.PENDING)}

    assert waiting[approved.get_absolute_url()].action_label == "放款"
    assert "请补充银行回单" in waiting[returned.get_absolute_url()].subtitle
    assert not any(url == approved.get_absolute_url() for url in _urls(colleague))


def _urls(user):
    from parkflow.core import todo

    return [item.url for _source, item in todo.items(user, todo.PENDING)]
