"""The review side of the customer-intake API (R-ENT-3, R-ENT-4, R-ENT-6): double-random
draws anyone can re-run, published results without opinions, brand-impersonation flags and
protected brands, conflict-of-interest declarations — scoped the same way as the services."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from parkflow.core import gates, reviews
from parkflow.core.models import AuditEvent
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    enterprise_user,
    make_credit_code,
    prospect_create,
)
from parkflow.intake import services as intake_services
from parkflow.intake.choices import DrawPurpose, FlagStatus
from parkflow.intake.gates import ADMISSION
from parkflow.intake.models import BrandFlag, ProtectedBrand, ReviewDraw
from parkflow.intake.tests.factories import application_under_review, approve_round
from parkflow.intake.tests.intake_api import API, enterprise_url
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import UserFactory, grant_also, staff

TODAY = timezone.localdate


# --- double-random draws (R-ENT-3) -----------------------------------------------------------


def test_a_draw_is_listed_with_its_pool_exclusions_seed_and_result(park, clerk, reviewers):
    manager = staff(Role.LEAD_STAFF, park)  # a reviewer role, but the account manager
    grant_also(manager, Role.BUSINESS_STAFF, park)  # an account manager is business staff
    enterprise = application_under_review(park, clerk, account_manager=manager)
    response = client_for(clerk).get(enterprise_url(enterprise, "draws"))
    assert response.status_code == 200
    (draw,) = response.json()["results"]
    recorded = ReviewDraw.objects.get(enterprise=enterprise)
    assert draw["seed"] == recorded.seed
    assert (draw["purpose"], draw["purpose_label"], draw["round"]) == ("admission", "准入审核", 1)
    assert draw["pool"] == [{"id": r.pk, "name": str(r)} for r in reviewers]
    assert {p["id"] for p in draw["selected"]} == {r.pk for r in reviewers}
    assert draw["count"] == 2
    assert "客户经理" in draw["excluded"][str(manager.pk)]


def test_re_running_a_draw_through_the_api_gives_the_same_reviewers_and_writes_nothing(
    park, clerk, reviewers
):
    staff(Role.OFFICE_STAFF, park)  # three eligible: the draw really chooses
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    events = AuditEvent.objects.count()
    response = client_for(staff(Role.AUDITOR, park)).post(f"{API}/draws/{draw.pk}/rerun/")
    assert response.status_code == 200
    assert response.json() == {
        "selected": draw.selected,
        "recorded": draw.selected,
        "matches": True,
    }
    assert AuditEvent.objects.count() == events


def test_re_running_a_tampered_draw_shows_it_does_not_match(park, clerk, reviewers):
    staff(Role.OFFICE_STAFF, park)
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    honest = draw.selected
    hand_picked = [pk for pk in draw.pool if pk not in honest] + honest[:1]
    ReviewDraw.objects.filter(pk=draw.pk).update(selected=hand_picked)
    body = client_for(clerk).post(f"{API}/draws/{draw.pk}/rerun/").json()
    assert body == {"selected": honest, "recorded": hand_picked, "matches": False}


def test_enterprise_users_cannot_see_draws(park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    client = client_for(enterprise_user(enterprise))
    listed = client.get(enterprise_url(enterprise, "draws"))
    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    assert client.get(f"{API}/draws/{draw.pk}/").status_code == 404
    assert client.post(f"{API}/draws/{draw.pk}/rerun/").status_code == 404
    assert str(draw.seed) not in listed.content.decode()


def test_staff_of_another_park_get_404_for_draws(park, other_park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    client = client_for(staff(Role.RISK_OFFICER, other_park))
    assert client.get(enterprise_url(enterprise, "draws")).status_code == 404
    assert client.get(f"{API}/draws/{draw.pk}/").status_code == 404
    assert client.post(f"{API}/draws/{draw.pk}/rerun/").status_code == 404


# --- published results ("一公开", R-ENT-3) -----------------------------------------------------

RESULT_FIELDS = {
    "id",
    "enterprise_name",
    "purpose",
    "purpose_label",
    "decision",
    "decision_label",
    "decided_on",
    "published_at",
}


def test_published_results_are_visible_to_any_enterprise_user_without_opinions(
    park, other_park, clerk, reviewers
):
    opinion = "内部意见：法定代表人曾有失信被执行记录，已核实解除"
    applicant = approve_round(application_under_review(park, clerk), opinion=opinion)
    assert applicant.status == EnterpriseStatus.APPROVED
    stranger = EnterpriseFactory(park=other_park)
    for reader in (enterprise_user(stranger), enterprise_user(applicant), clerk):
        response = client_for(reader).get(f"{API}/published-results/")
        assert response.status_code == 200
        (row,) = response.json()["results"]
        assert set(row) == RESULT_FIELDS
        assert row["enterprise_name"] == applicant.name
        assert (row["purpose"], row["decision"]) == ("admission", "approve")
        assert row["decision_label"] == "通过"
        assert row["decided_on"] == TODAY().isoformat()
        text = response.content.decode()
        assert opinion not in text
        for reviewer in reviewers:
            assert str(reviewer) not in text


def test_published_results_are_public_across_parks_for_staff(park, other_park, clerk, reviewers):
    approve_round(application_under_review(park, clerk))
    response = client_for(staff(Role.AUDITOR, other_park)).get(f"{API}/published-results/")
    assert response.json()["count"] == 1


def test_published_results_filter_by_purpose_and_decision(park, clerk, reviewers):
    approve_round(application_under_review(park, clerk))
    rejected = application_under_review(
        park, clerk, name="苏州远帆物流有限公司", credit_code=make_credit_code(8)
    )
    review = gates.latest_round(rejected, ADMISSION)[0]
    reviews.decide(actor=review.assigned_to, review=review, decision="reject", opinion="材料不实")
    client = client_for(clerk)
    url = f"{API}/published-results/"
    assert client.get(url).json()["count"] == 2
    names = [
        r["enterprise_name"] for r in client.get(url, {"decision": "reject"}).json()["results"]
    ]
    assert names == ["苏州远帆物流有限公司"]
    assert client.get(url, {"purpose": "spot_check"}).json()["count"] == 0
    assert client.get(url, {"purpose": "admission"}).json()["count"] == 2
    assert client.get(url, {"decision": "maybe"}).status_code == 400


def test_published_results_need_a_signed_in_user_with_a_role_or_an_enterprise(park):
    assert APIClient().get(f"{API}/published-results/").status_code == 401
    nobody = UserFactory()  # signed in, but neither staff nor an enterprise user
    assert client_for(nobody).get(f"{API}/published-results/").status_code == 403


RESULT_LIST_QUERIES = 5


@pytest.mark.parametrize("rows", [10, 100])
def test_published_results_list_runs_a_constant_number_of_queries(
    rows, park, clerk, django_assert_max_num_queries
):
    enterprises = EnterpriseFactory.create_batch(5, park=park)
    for n in range(rows):
        # The one function the review and spot-check outcomes publish through.
        intake_services._publish(enterprises[n % 5], DrawPurpose.ADMISSION, "approve")
    client = client_for(enterprise_user(enterprises[0]))
    with django_assert_max_num_queries(RESULT_LIST_QUERIES):
        response = client.get(f"{API}/published-results/")
    assert response.status_code == 200
    assert response.json()["count"] == rows


# --- brand-impersonation check (R-ENT-6) -----------------------------------------------------


def test_an_open_brand_flag_holds_admission_back_through_the_api_naming_it(park, clerk, reviewers):
    intake_services.protected_brand_create(
        actor=staff(Role.SYSTEM_ADMIN, park),
        name="华为",
        aliases="HUAWEI",
        owner="华为技术有限公司",
        reading="hua2 wei2",
    )
    enterprise = application_under_review(park, clerk, name="苏州华维通信有限公司")
    flags = client_for(clerk).get(enterprise_url(enterprise, "brand-flags")).json()["results"]
    assert [(f["brand_name"], f["status"], f["method"]) for f in flags] == [
        ("华为", FlagStatus.OPEN, "pinyin")
    ]
    # Why it matched travels with the flag (D20).
    assert flags[0]["evidence"]["path"] == "homophone" and flags[0]["evidence"]["span"] == "华维"
    assert "华维" in flags[0]["why"] and "huá wéi" in flags[0]["why"]
    first, second = gates.latest_round(enterprise, ADMISSION)
    response = client_for(first.assigned_to).post(
        f"{API}/reviews/{first.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 200, response.json()
    response = client_for(second.assigned_to).post(
        f"{API}/reviews/{second.pk}/decide/", {"decision": "approve"}, format="json"
    )
    # The reviewer's decision is recorded; admitting the enterprise, intake's step after it, is
    # refused while the flag is open, in the one error shape beside the review.
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["decision"] == "approve"
    error = body["consequence_error"]
    assert error["code"] == "enterprise_not_admissible"
    assert error["requirement"] == "R-ENT-5"
    assert "品牌冒用嫌疑" in error["detail"] and "华为" in error["detail"]
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    again = client_for(clerk).post(enterprise_url(enterprise, "approve"), {}, format="json")
    assert again.status_code == 409
    assert "品牌冒用嫌疑" in again.json()["detail"]


def test_enterprise_user_sees_their_own_brand_flags_only(park, clerk):
    intake_services.protected_brand_create(actor=staff(Role.SYSTEM_ADMIN, park), name="华为")
    flagged = prospect_create(
        actor=clerk, park=park, name="苏州华为智能科技有限公司", credit_code=make_credit_code(11)
    )
    assert BrandFlag.objects.filter(enterprise=flagged).count() == 1
    own = client_for(enterprise_user(flagged)).get(enterprise_url(flagged, "brand-flags"))
    assert own.json()["count"] == 1
    other = client_for(enterprise_user(EnterpriseFactory(park=park)))
    assert other.get(enterprise_url(flagged, "brand-flags")).status_code == 404


def test_brand_managers_add_protected_brands_with_an_audit_event(park):
    client = client_for(staff(Role.LEAD_STAFF, park))
    response = client.post(
        f"{API}/protected-brands/",
        {
            "name": " 茅台 ",
            "aliases": "MOUTAI,贵州茅台",
            "owner": "中国贵州茅台酒厂（集团）有限责任公司",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["alias_list"], body["is_active"]) == (
        "茅台",
        ["MOUTAI", "贵州茅台"],
        True,
    )
    brand = ProtectedBrand.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(action="brand.create", object_id=str(brand.pk)).count() == 1
    assert [b["name"] for b in client.get(f"{API}/protected-brands/").json()["results"]] == ["茅台"]
    duplicate = client.post(f"{API}/protected-brands/", {"name": "茅台"}, format="json")
    assert duplicate.status_code == 400
    assert list(duplicate.json()["errors"]) == ["name"]
    blank = client.post(f"{API}/protected-brands/", {"name": "  "}, format="json")
    assert list(blank.json()["errors"]) == ["name"]
    assert ProtectedBrand.objects.count() == 1


def test_people_without_brand_manage_cannot_add_or_list_protected_brands(park, clerk, enterprise):
    for user in (clerk, enterprise_user(enterprise)):
        client = client_for(user)
        assert (
            client.post(f"{API}/protected-brands/", {"name": "海尔"}, format="json").status_code
            == 403
        )
        assert client.get(f"{API}/protected-brands/").status_code == 403
    assert not ProtectedBrand.objects.exists()


# --- conflicts of interest (R-ENT-4) ---------------------------------------------------------


def test_staff_list_and_withdraw_only_their_own_conflict_declarations(park, enterprise):
    me, colleague = staff(Role.RISK_OFFICER, park), staff(Role.RISK_OFFICER, park)
    mine = intake_services.conflict_declare(
        actor=me, enterprise=enterprise, reason="配偶在该企业任职"
    )
    theirs = intake_services.conflict_declare(
        actor=colleague, enterprise=enterprise, reason="曾任顾问"
    )
    client = client_for(me)
    listed = client.get(f"{API}/conflicts/").json()
    assert [(d["id"], d["enterprise_name"]) for d in listed["results"]] == [
        (mine.pk, enterprise.name)
    ]
    refused = client.post(f"{API}/conflicts/{theirs.pk}/withdraw/", {"reason": "x"}, format="json")
    assert refused.status_code == 404
    no_reason = client.post(f"{API}/conflicts/{mine.pk}/withdraw/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    assert list(no_reason.json()["errors"]) == ["reason"]
    response = client.post(
        f"{API}/conflicts/{mine.pk}/withdraw/", {"reason": "配偶已离职"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["withdrawn_at"]
    assert client.get(f"{API}/conflicts/", {"active": "true"}).json()["count"] == 0
    assert client.get(f"{API}/conflicts/", {"active": "false"}).json()["count"] == 1
    twice = client.post(f"{API}/conflicts/{mine.pk}/withdraw/", {"reason": "再撤"}, format="json")
    assert twice.status_code == 409
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None
    event = AuditEvent.objects.get(action="conflict.withdraw")
    assert (event.actor, event.reason) == (me, "配偶已离职")


def test_enterprise_users_have_no_conflict_declarations_route(enterprise):
    client = client_for(enterprise_user(enterprise))
    assert client.get(f"{API}/conflicts/").status_code == 403
