"""The gates through every interface (R-CPL-1, R-ORG-4, R-BIL-4, R-PLT-2): the review page and
the API refuse what the service refuses — the initiator, the requester, a second signature by
the same person, a lapsed or conflicted signer, a signature while a prerequisite gate is open —
and write nothing; the admin cannot edit a review. The page and the API show the quorum's
progress (已签 1/2), who signed, the pool (待认领) and the prerequisites still open; the inbox
lists what a person may sign with a number of queries that does not grow with the rows; the
gates page shows every gate and lets an administrator change the large-amount threshold."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.core import gates, reviews
from parkflow.core.models import AuditEvent, Review
from parkflow.org.choices import ComplianceKind, Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import OrgUnitFactory, grant_also, staff
from parkflow.testdomain import services
from parkflow.testdomain.gates import LARGE_AMOUNT, SIGNOFF
from parkflow.testdomain.tests.factories import submitted

pytestmark = pytest.mark.django_db

API = "/api/v1/reviews"


@pytest.fixture
def people(park):
    clerk = staff(Role.BUSINESS_STAFF, park, display_name="王晓明")
    grant_also(clerk, Role.FINANCE_STAFF, park)  # the initiator could sign, but for R-ORG-4
    return {
        "clerk": clerk,
        "risk": staff(Role.RISK_OFFICER, park, display_name="陈静"),
        "f1": staff(Role.FINANCE_STAFF, park, display_name="李会计"),
        "f2": staff(Role.FINANCE_STAFF, park, display_name="赵出纳"),
        "f3": staff(Role.FINANCE_STAFF, park, display_name="孙审核"),
    }


@pytest.fixture
def admin(db):
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(type(user).objects.get(pk=user.pk))
    return client


def _large(park, people, title="大额设备采购"):
    """A ¥80,000 errand signed off, with its two finance signatures asked for."""
    errand = submitted(park, people["clerk"], title=title, amount=Decimal("80000"))
    (signoff,) = SIGNOFF.request(actor=people["clerk"], obj=errand)
    reviews.review_decide(actor=people["risk"], review=signoff, decision="approve")
    first, second = LARGE_AMOUNT.request(actor=people["clerk"], obj=errand)
    return errand, first, second


def _writes():
    return (
        AuditEvent.objects.count(),
        list(Review.objects.values_list("decision", "reviewer_id", "assigned_to_id")),
    )


def _lapse(user):
    ComplianceRecord.objects.filter(user=user, kind=ComplianceKind.ONBOARDING).update(
        completed_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )


# --- the review page ----------------------------------------------------------------------------


def test_the_review_page_shows_the_quorums_progress_signers_pool_and_prerequisites(
    client, park, people
):
    errand, first, second = _large(park, people)
    reviews.review_decide(actor=people["f1"], review=first, decision="approve")
    client.force_login(people["f2"])
    html = client.get(reverse("core:review_detail", args=[second.pk])).content.decode()
    assert "大额事项财务双签" in html and "第十四条" in html
    assert "已签 1/2" in html and "须 2 名不同人员签署" in html
    assert "李会计" in html  # who signed
    assert "1 份待认领" in html and "共同签署（待认领）" in html
    assert "园区事项办结审查" in html and "tag-success" in html  # the prerequisite, passed
    assert 'name="decision"' in html
    assert reverse("core:review_claim", args=[second.pk]) in html
    assert "pooled" not in html and LARGE_AMOUNT.code not in html  # no raw codes


def test_the_page_says_which_prerequisite_is_open_and_offers_no_signature(client, park, people):
    errand, first, _second = _large(park, people)
    SIGNOFF.request(actor=people["clerk"], obj=errand)  # re-submitted: open again
    client.force_login(people["f1"])
    html = client.get(reverse("core:review_detail", args=[first.pk])).content.decode()
    assert "须在“园区事项办结审查”通过后进行" in html
    assert 'name="decision"' not in html and "未完成" in html
    before = _writes()
    response = client.post(reverse("core:review_detail", args=[first.pk]), {"decision": "approve"})
    assert response.status_code == 403 and _writes() == before


@pytest.mark.parametrize("who", ["initiator", "same_person_twice", "lapsed", "conflicted"])
def test_the_page_refuses_who_may_not_sign_and_writes_nothing(client, park, people, who):
    errand, first, second = _large(park, people)
    reviews.review_decide(actor=people["f1"], review=first, decision="approve")
    signer = {"initiator": people["clerk"], "same_person_twice": people["f1"]}.get(
        who, people["f2"]
    )
    if who == "lapsed":
        _lapse(signer)
    if who == "conflicted":
        services.errand_declare_conflict(actor=signer, errand=errand, reason="亲属为供应商")
    client.force_login(signer)
    url = reverse("core:review_detail", args=[second.pk])
    html = client.get(url).content.decode()
    assert 'name="decision"' not in html and "您不能审查此事项" in html
    before = _writes()
    assert client.post(url, {"decision": "approve", "opinion": ""}).status_code == 403
    response = client.post(reverse("core:review_claim", args=[second.pk]))
    assert response.status_code == 403
    assert 'data-code="' in response.content.decode()
    assert _writes() == before
    assert not LARGE_AMOUNT.is_passed(errand)


def test_claiming_and_withdrawing_through_the_page(client, park, people):
    errand, first, second = _large(park, people)
    client.force_login(people["f1"])
    response = client.post(reverse("core:review_claim", args=[first.pk]))
    assert response.status_code == 302
    assert Review.objects.get(pk=first.pk).assigned_to == people["f1"]
    client.force_login(people["clerk"])
    html = client.get(reverse("core:review_detail", args=[second.pk])).content.decode()
    assert "撤回审查" in html and 'id="withdraw-review"' in html  # confirmed in a dialog
    response = client.post(
        reverse("core:review_withdraw", args=[second.pk]), {"reason": "补充付款依据"}
    )
    assert response.status_code == 302
    assert set(
        Review.objects.filter(pk__in=[first.pk, second.pk]).values_list("decision", flat=True)
    ) == {"withdrawn"}


def test_the_admin_cannot_change_a_review(client, park, people, admin):
    errand, first, _second = _large(park, people)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:core_review_change", args=[first.pk])
    assert client.get(url).status_code == 200  # view only
    before = _writes()
    client.post(url, {"decision": "approve", "reviewer": people["f1"].pk})
    assert _writes() == before


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "code", "requirement"),
    [
        ("initiator", "self_review", "R-ORG-4"),
        ("same_person_twice", "already_signed", "R-ORG-4"),
        ("lapsed", "compliance_lapsed", "R-ORG-5"),
        ("conflicted", "reviewer_excluded", "R-ORG-4"),
    ],
)
def test_the_api_refuses_who_may_not_sign_and_writes_nothing(park, people, who, code, requirement):
    errand, first, second = _large(park, people)
    client_for(people["f1"]).post(
        f"{API}/{first.pk}/decide/", {"decision": "approve"}, format="json"
    )
    signer = {"initiator": people["clerk"], "same_person_twice": people["f1"]}.get(
        who, people["f2"]
    )
    if who == "lapsed":
        _lapse(signer)
    if who == "conflicted":
        services.errand_declare_conflict(actor=signer, errand=errand, reason="亲属为供应商")
    before = _writes()
    client = client_for(signer)
    for action, body in (("decide", {"decision": "approve"}), ("claim", {})):
        response = client.post(f"{API}/{second.pk}/{action}/", body, format="json")
        assert response.status_code == 403, response.json()
        assert response.json()["code"] == code and response.json()["requirement"] == requirement
    assert _writes() == before
    assert not LARGE_AMOUNT.is_passed(errand)


def test_the_api_refuses_a_signature_while_the_prerequisite_is_open(park, people):
    errand, first, _second = _large(park, people)
    SIGNOFF.request(actor=people["clerk"], obj=errand)
    before = _writes()
    response = client_for(people["f1"]).post(
        f"{API}/{first.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "gate_prerequisite_open" and body["requirement"] == "R-BIL-4"
    assert "须在“园区事项办结审查”通过后进行" in body["detail"]
    assert _writes() == before


def test_the_api_shows_the_round_signers_pool_and_open_prerequisites(park, people):
    errand, first, second = _large(park, people)
    reviews.review_decide(actor=people["f1"], review=first, decision="approve")
    body = client_for(people["f2"]).get(f"{API}/{second.pk}/").json()
    assert (body["mode"], body["mode_label"], body["quorum"]) == ("pooled", "共同签署（待认领）", 2)
    assert body["progress"] == "已签 1/2" and body["signed"] == 1 and body["pool"] == 1
    state = body["round_state"]
    assert state["progress"] == "已签 1/2" and state["passed"] is False
    assert [p["name"] for p in state["signers"]] == ["李会计"]
    assert state["pool"] == 1 and state["open_prerequisites"] == []
    SIGNOFF.request(actor=people["clerk"], obj=errand)
    state = client_for(people["f2"]).get(f"{API}/{second.pk}/").json()["round_state"]
    assert [(p["label"], p["status_label"]) for p in state["open_prerequisites"]] == [
        ("园区事项办结审查", "未完成")
    ]


def test_a_decision_through_the_api_and_its_gate_passing(park, people):
    errand, first, second = _large(park, people)
    for person, review in ((people["f1"], first), (people["f2"], second)):
        response = client_for(person).post(
            f"{API}/{review.pk}/decide/", {"decision": "approve"}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["consequence_error"] is None
    assert response.json()["round_state"]["progress"] == "已签 2/2"
    assert LARGE_AMOUNT.is_passed(errand)


def test_the_review_list_shows_progress_with_queries_that_do_not_grow(park, people):
    client = client_for(people["f3"])

    def listing():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}/", {"pending_for_me": "true"})
        assert response.status_code == 200
        return response.json(), len(queries)

    _large(park, people, title="大额事项一")
    listing()  # once to warm the per-process caches (content types), as any earlier test does
    small, few = listing()
    for n in range(4):
        _large(park, people, title=f"大额事项{n + 2}")
    large, many = listing()
    assert small["count"] == 1 and large["count"] == 5  # one row per pooled round
    assert {row["progress"] for row in large["results"]} == {"已签 0/2"}
    assert many == few


# --- the inbox ----------------------------------------------------------------------------------


def test_the_inbox_lists_one_open_signature_per_round_to_whoever_may_sign_it(park, people):
    errand, first, second = _large(park, people)
    assert list(gates.pending_for(people["f1"])) == [first]
    assert list(gates.pending_for(people["clerk"])) == []  # the initiator and requester
    reviews.review_decide(actor=people["f1"], review=first, decision="approve")
    assert list(gates.pending_for(people["f1"])) == []  # already signed this round
    assert list(gates.pending_for(people["f2"])) == [second]
    services.errand_declare_conflict(actor=people["f2"], errand=errand, reason="亲属为供应商")
    assert list(gates.pending_for(people["f2"])) == []  # conflicted
    _lapse(people["f3"])
    assert list(gates.pending_for(type(people["f3"]).objects.get(pk=people["f3"].pk))) == []
    claimed = staff(Role.FINANCE_STAFF, park)
    reviews.review_claim(actor=claimed, review=second)
    assert list(gates.pending_for(claimed)) == [second]
    assert list(gates.pending_for(staff(Role.FINANCE_STAFF, park))) == []  # taken


def test_the_inbox_and_the_workbench_take_the_same_queries_for_few_and_many_rows(
    client, park, people
):
    def inbox():
        reviewer = type(people["f3"]).objects.get(pk=people["f3"].pk)  # as a request reads it
        with CaptureQueriesContext(connection) as queries:
            rows = list(gates.pending_for(reviewer))
        return rows, len(queries)

    def workbench():
        client.force_login(people["f3"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("workbench:home")).status_code == 200
        return len(queries)

    _large(park, people, title="大额事项一")
    inbox(), workbench()  # the caches every request shares (content types) are warm
    few_rows, few = inbox()
    few_page = workbench()
    for n in range(6):
        _large(park, people, title=f"大额事项{n + 2}")
    many_rows, many = inbox()
    assert (len(few_rows), len(many_rows)) == (1, 7)
    assert many == few
    assert workbench() == few_page


# --- the gates page and the threshold -------------------------------------------------------


def test_the_gates_page_shows_each_gate_in_words(client, park):
    client.force_login(staff(Role.AUDITOR, park))
    html = client.get(reverse("core:gates")).content.decode()
    for text in (
        "园区事项办结审查",
        "大额事项财务双签",
        "大额事项分管领导审批",
        "须 2 名不同人员签署",
        "金额不低于大额阈值",
        "大额阈值（元）",
        "共同签署（待认领）",
        "指定审查",
        "财务人员",
    ):
        assert text in html, text
    assert reverse("core:gate_edit", args=[LARGE_AMOUNT.code]) not in html  # not an admin


def test_an_administrator_changes_the_threshold_on_the_page_audited_in_force_at_once(
    client, park, people, admin
):
    errand = submitted(park, people["clerk"], amount=Decimal("80000"))
    assert LARGE_AMOUNT.applies_to(errand)
    client.force_login(admin)
    url = reverse("core:gate_edit", args=[LARGE_AMOUNT.code])
    assert "50000" in client.get(url).content.decode()
    response = client.post(url, {"threshold": "-1", "reason": "调整"})
    assert response.status_code == 200 and "大额阈值（元）”应为" in response.content.decode()
    response = client.post(url, {"threshold": "100000", "reason": "按领导小组决议调整大额标准"})
    assert response.status_code == 302
    assert LARGE_AMOUNT.param("threshold") == 100000 and not LARGE_AMOUNT.applies_to(errand)
    event = AuditEvent.objects.get(action="gate.configure")
    assert event.reason == "按领导小组决议调整大额标准"
    html = client.get(reverse("core:audit")).content.decode()
    assert "修改了审查节点“大额事项财务双签”的参数" in html
    client.force_login(staff(Role.SYSTEM_ADMIN, park))  # a park's administrator: group business
    assert client.post(url, {"threshold": "1", "reason": "x"}).status_code == 403


def test_the_gates_api_lists_and_configures(park, admin):
    rows = {
        row["code"]: row
        for row in client_for(staff(Role.AUDITOR, park)).get("/api/v1/gates/").json()
    }
    large = rows[LARGE_AMOUNT.code]
    assert large["quorum"] == 2 and large["mode"] == "pooled" and large["after"] == [SIGNOFF.code]
    assert large["params"] == {"threshold": 50000}
    response = client_for(admin).post(
        f"/api/v1/gates/{LARGE_AMOUNT.code}/configure/",
        {"params": {"threshold": 60000}, "reason": "调整"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["params"] == {"threshold": 60000}
    response = client_for(admin).post(
        f"/api/v1/gates/{LARGE_AMOUNT.code}/configure/",
        {"params": {"threshold": -1}},
        format="json",
    )
    assert response.status_code == 400 and "threshold" in response.json()["errors"]
