"""The API kernel (R-PLT-2): one error body, deny-by-default policy on every route, scoped
alerts and reviews, administrator-only rule parameters, the regulation's articles, token auth."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions as drf_exceptions
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory

from parkflow.core import reviews, rules
from parkflow.core.api import ActionPolicy, ScopedViewSetMixin, exception_handler
from parkflow.core.choices import AlertStatus
from parkflow.core.errors import (
    Conflict,
    GateNotPassed,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from parkflow.core.models import Alert, AuditEvent, Review, RuleSetting
from parkflow.org.choices import Role
from parkflow.org.models import ApiToken
from parkflow.org.tests.factories import EmergencyContactFactory, OrgUnitFactory, staff
from parkflow.org.tokens import digest
from parkflow.testdomain.gates import SIGNOFF
from parkflow.testdomain.models import Errand
from parkflow.testdomain.tests.factories import errand, submitted

STALE = "org.emergency_contact_stale"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(type(user).objects.get(pk=user.pk))
    return client


def _stale_contacts(unit, count=1):
    old = timezone.now() - datetime.timedelta(days=120)
    return EmergencyContactFactory.create_batch(count, unit=unit, confirmed_at=old)


def _sweep():
    rules.sweep_rule(STALE)


@pytest.fixture
def headquarters(db):
    return OrgUnitFactory(name="集团总部")


@pytest.fixture
def admin(headquarters):
    return staff(Role.SYSTEM_ADMIN, headquarters)


# --- one error body -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (PermissionDenied("forbidden", "不行", requirement="R-ORG-4"), 403),
        (NotFound(), 404),
        (Conflict("review_pending", "已有待处理的审查", requirement="R-ENT-3"), 409),
        (GateNotPassed("gate_not_passed", "未经审查不得实施", requirement="R-ENT-3"), 409),
    ],
)
def test_domain_errors_become_their_status_with_code_detail_and_requirement(error, status):
    response = exception_handler(error, {})
    assert response.status_code == status
    assert response.data == {
        "code": error.code,
        "detail": str(error.message),
        "requirement": error.requirement,
    }


def test_validation_failure_lists_the_errors_and_names_the_first_field():
    response = exception_handler(
        ValidationFailed(
            {"credit_code": ["校验位不正确"], "name": ["不能为空"]}, requirement="R-ENT-1"
        ),
        {},
    )
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["field"] == "credit_code"
    assert response.data["errors"] == {"credit_code": ["校验位不正确"], "name": ["不能为空"]}
    assert response.data["requirement"] == "R-ENT-1"


def test_framework_validation_errors_have_the_same_shape():
    exc = drf_exceptions.ValidationError({"park": ["无效主键"], "contact": {"phone": ["必填"]}})
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert set(response.data) == {"code", "detail", "requirement", "field", "errors"}
    assert response.data["code"] == "invalid"
    assert response.data["errors"] == {"park": ["无效主键"], "contact.phone": ["必填"]}
    non_field = exception_handler(drf_exceptions.ValidationError(["用户名或密码错误"]), {})
    assert non_field.data["errors"] == {"non_field_errors": ["用户名或密码错误"]}


def test_a_missing_object_gives_the_same_404_body_however_it_is_raised():
    bodies = [exception_handler(exc, {}) for exc in (Http404(), NotFound())]
    assert {r.status_code for r in bodies} == {404}
    assert bodies[0].data == bodies[1].data
    assert bodies[0].data["code"] == "not_found"
    page = exception_handler(drf_exceptions.NotFound("无效页面。"), {})
    assert page.status_code == 404
    assert page.data == {"code": "not_found", "detail": "无效页面。", "requirement": ""}


def test_unexpected_errors_are_left_to_django():
    assert exception_handler(ValueError("boom"), {}) is None


def test_error_detail_follows_the_users_language():
    chinese = APIClient().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = APIClient().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 401
    assert chinese.json()["code"] == english.json()["code"] == "not_authenticated"
    assert english.json()["detail"] == "Authentication credentials were not provided."
    assert chinese.json()["detail"] != english.json()["detail"]


# --- deny by default on every route ---------------------------------------------------------


def _operations():
    """(method, path, url) for every documented operation, with sample path values."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    samples = {"{id}": "1", "{ref}": "Art.1", "{code}": STALE, "{token}": "0" * 32}
    for path, item in schema["paths"].items():
        url = path
        for placeholder, value in samples.items():
            url = url.replace(placeholder, value)
        for method in item:
            yield method.upper(), path, url


OPERATIONS = None


def operations():
    global OPERATIONS
    if OPERATIONS is None:
        OPERATIONS = list(_operations())
    return OPERATIONS


def test_every_api_operation_is_named_in_its_views_policy():
    missing = []
    for method, path, url in operations():
        if path == "/api/v1/auth/token/":
            continue
        match = resolve(url)
        view = match.func.cls
        assert ActionPolicy in view.permission_classes, path
        actions = getattr(match.func, "actions", None)
        action = actions[method.lower()] if actions else method.lower()
        if action not in view.policy:
            missing.append(f"{method} {path} ({view.__name__}.{action})")
    assert missing == []


def test_no_api_route_deletes_anything():
    assert [op for op in operations() if op[0] == "DELETE"] == []


@pytest.mark.django_db
def test_every_api_operation_refuses_anonymous_requests_with_401():
    client = APIClient()
    answers = {}
    for method, path, url in operations():
        if path == "/api/v1/auth/token/":
            continue
        response = client.generic(method, url)
        answers[f"{method} {path}"] = (response.status_code, response.json()["code"])
    assert set(answers.values()) == {(401, "not_authenticated")}, answers


class _UndeclaredViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    queryset = Errand.objects.all()
    policy = {"list": "errand.view"}

    def list(self, request):
        return Response([])

    def retrieve(self, request, pk=None):
        return Response({})


def test_an_action_missing_from_the_policy_is_refused_even_to_a_superuser(admin):
    admin.is_superuser = True
    admin.save()
    factory = APIRequestFactory()
    request = factory.get("/x/1/")
    request.user = admin
    from rest_framework.test import force_authenticate

    force_authenticate(request, user=admin)
    listed = _UndeclaredViewSet.as_view({"get": "list"})(request)
    assert listed.status_code == 200
    fetched = _UndeclaredViewSet.as_view({"get": "retrieve"})(request, pk=1)
    assert fetched.status_code == 403
    assert fetched.data["code"] == "forbidden"


# --- alerts (R-MON-1) -------------------------------------------------------------------------


def test_alert_list_shows_only_alerts_of_my_parks(park, other_park):
    _stale_contacts(park)
    _stale_contacts(other_park)
    _sweep()
    officer = staff(Role.OFFICE_STAFF, park)
    response = client_for(officer).get("/api/v1/alerts/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["park"] for row in rows] == [park.pk]
    assert rows[0]["rule_code"] == STALE
    assert rows[0]["requirement"] == "R-ORG-6"
    assert rows[0]["articles"] == ["Art.21"]
    assert rows[0]["object_type"] == "org.emergencycontact"


def test_another_parks_alert_is_404_like_a_missing_one(park, other_park):
    _stale_contacts(other_park)
    _sweep()
    theirs = Alert.objects.get()
    client = client_for(staff(Role.OFFICE_STAFF, park))
    out_of_scope = client.get(f"/api/v1/alerts/{theirs.pk}/")
    missing = client.get("/api/v1/alerts/999999/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    assert client.post(f"/api/v1/alerts/{theirs.pk}/acknowledge/").status_code == 404
    assert Alert.objects.get().status == AlertStatus.OPEN


def test_alert_filters_status_severity_and_rule_code(park):
    _stale_contacts(park, 2)
    _sweep()
    officer = staff(Role.OFFICE_STAFF, park)
    client = client_for(officer)
    first = Alert.objects.order_by("id").first()
    client.post(f"/api/v1/alerts/{first.pk}/acknowledge/", {}, format="json")
    assert client.get("/api/v1/alerts/").json()["count"] == 2  # default: active
    assert client.get("/api/v1/alerts/", {"status": "open"}).json()["count"] == 1
    assert client.get("/api/v1/alerts/", {"status": "acknowledged"}).json()["count"] == 1
    assert client.get("/api/v1/alerts/", {"status": "resolved"}).json()["count"] == 0
    assert client.get("/api/v1/alerts/", {"status": "all"}).json()["count"] == 2
    assert client.get("/api/v1/alerts/", {"severity": "warning"}).json()["count"] == 2
    assert client.get("/api/v1/alerts/", {"severity": "critical"}).json()["count"] == 0
    assert client.get("/api/v1/alerts/", {"rule_code": "no.such_rule"}).json()["count"] == 0
    assert client.get("/api/v1/alerts/", {"mine": "true"}).json()["count"] == 1
    bad = client.get("/api/v1/alerts/", {"status": "sleeping"})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["status"]


def test_acknowledging_an_alert_assigns_it_and_is_audited_once(park):
    _stale_contacts(park)
    _sweep()
    alert = Alert.objects.get()
    officer = staff(Role.OFFICE_STAFF, park)
    client = client_for(officer)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "已电话核实"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == AlertStatus.ACKNOWLEDGED
    assert response.json()["assignee"]["id"] == officer.pk
    assert (
        AuditEvent.objects.filter(action="alert.acknowledge", object_id=str(alert.pk)).count() == 1
    )
    again = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "alert_not_open"


def test_alert_can_be_assigned_only_to_someone_who_may_handle_it(park, other_park):
    _stale_contacts(park)
    _sweep()
    alert = Alert.objects.get()
    client = client_for(staff(Role.OFFICE_STAFF, park))
    colleague = staff(Role.LEAD_STAFF, park)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/assign/", {"assignee": colleague.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == colleague.pk
    outsider = staff(Role.LEAD_STAFF, other_park)
    refused = client.post(
        f"/api/v1/alerts/{alert.pk}/assign/", {"assignee": outsider.pk}, format="json"
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["assignee"]
    assert Alert.objects.get().assignee == colleague


def test_an_alert_that_resolves_itself_cannot_be_closed_by_hand(park):
    _stale_contacts(park)
    _sweep()
    alert = Alert.objects.get()
    response = client_for(staff(Role.OFFICE_STAFF, park)).post(
        f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "已处理"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "alert_auto_only"
    assert Alert.objects.get().status == AlertStatus.OPEN


def test_auditors_read_alerts_but_cannot_handle_them(park):
    _stale_contacts(park)
    _sweep()
    alert = Alert.objects.get()
    client = client_for(staff(Role.AUDITOR, park))
    assert client.get(f"/api/v1/alerts/{alert.pk}/").status_code == 200
    assert client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 403
    assert Alert.objects.get().status == AlertStatus.OPEN


def test_enterprise_users_have_no_alert_inbox(portal_user):
    client = client_for(portal_user)
    assert client.get("/api/v1/alerts/").status_code == 403


ALERT_LIST_QUERIES = 6


@pytest.mark.parametrize("rows", [10, 200])
def test_alert_list_runs_a_constant_number_of_queries(rows, park, django_assert_max_num_queries):
    officer = staff(Role.OFFICE_STAFF, park)
    _stale_contacts(park, rows)
    _sweep()
    Alert.objects.update(assignee=officer)
    client = client_for(officer)
    with django_assert_max_num_queries(ALERT_LIST_QUERIES):
        response = client.get("/api/v1/alerts/")
    assert response.json()["count"] == rows


def test_alert_list_queries_do_not_grow_with_rows(park):
    officer = staff(Role.OFFICE_STAFF, park)
    client = client_for(officer)
    _stale_contacts(park, 10)
    _sweep()
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/alerts/")
    _stale_contacts(park, 190)
    _sweep()
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/alerts/")
    assert len(small) == len(large)


# --- reviews (R-CPL-1) ------------------------------------------------------------------------


def _awaiting_signoff(park, clerk, reviewer, title="甲园标记事项"):
    """A submitted errand whose sign-off review ``reviewer`` has taken (认领)."""
    made = submitted(park, clerk, title=title)
    (review,) = SIGNOFF.request(actor=clerk, obj=made)
    return reviews.review_claim(actor=reviewer, review=review)


def test_pending_for_me_lists_only_reviews_waiting_for_my_decision(park, other_park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    reviewer = staff(Role.RISK_OFFICER, park)
    waiting = _awaiting_signoff(park, clerk, reviewer)
    _awaiting_signoff(
        other_park, staff(Role.BUSINESS_STAFF, other_park), staff(Role.RISK_OFFICER, other_park)
    )
    reviewer_client = client_for(reviewer)
    mine = reviewer_client.get("/api/v1/reviews/", {"pending_for_me": "true"}).json()["results"]
    assert [r["object_id"] for r in mine] == [waiting.object_id]
    assert mine[0]["gate_label"] == "园区事项办结审查"
    assert mine[0]["requirement"] == "R-CPL-1"
    # The submitter sees the review in scope but it is not waiting for them.
    clerk_client = client_for(clerk)
    assert clerk_client.get("/api/v1/reviews/").json()["count"] == 1
    assert clerk_client.get("/api/v1/reviews/", {"pending_for_me": "true"}).json()["count"] == 0


def test_another_parks_review_is_404_and_cannot_be_decided(park, other_park):
    review = _awaiting_signoff(
        other_park, staff(Role.BUSINESS_STAFF, other_park), staff(Role.RISK_OFFICER, other_park)
    )
    client = client_for(staff(Role.RISK_OFFICER, park))
    assert client.get(f"/api/v1/reviews/{review.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/reviews/{review.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 404
    assert Review.objects.get(pk=review.pk).decision == "pending"


def test_rejecting_without_a_written_opinion_is_400(park):
    reviewer = staff(Role.RISK_OFFICER, park)
    review = _awaiting_signoff(park, staff(Role.BUSINESS_STAFF, park), reviewer)
    before = AuditEvent.objects.count()
    response = client_for(reviewer).post(
        f"/api/v1/reviews/{review.pk}/decide/", {"decision": "reject", "opinion": ""}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["opinion"]
    assert AuditEvent.objects.count() == before
    assert Review.objects.get(pk=review.pk).decision == "pending"


# --- rules (R-MON-1) --------------------------------------------------------------------------


def test_rules_list_cites_article_requirement_and_parameters(park):
    response = client_for(staff(Role.OFFICE_STAFF, park)).get("/api/v1/rules/")
    assert response.status_code == 200
    by_code = {row["code"]: row for row in response.json()}
    stale = by_code[STALE]
    assert stale["articles"] == ["Art.21"]
    assert stale["requirement"] == "R-ORG-6"
    assert stale["params"] == {"max_age_days": 90}
    assert stale["enabled"] is True
    assert set(by_code) == set(rules.REGISTRY)


def test_administrator_changes_a_rule_parameter_and_the_change_is_audited(admin):
    client = client_for(admin)
    response = client.post(
        f"/api/v1/rules/{STALE}/configure/",
        {"params": {"max_age_days": 60}, "reason": "园区要求每两个月核实"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["params"]["max_age_days"] == 60
    assert rules.params_for(STALE)["max_age_days"] == 60
    event = AuditEvent.objects.get(action="rule.configure")
    assert event.before["params"] == {"max_age_days": 90}
    assert event.after["params"] == {"max_age_days": 60}
    assert event.reason == "园区要求每两个月核实"
    assert event.actor_id == admin.pk
    patched = client.patch(f"/api/v1/rules/{STALE}/", {"enabled": False}, format="json")
    assert patched.status_code == 200
    assert patched.json()["enabled"] is False
    assert patched.json()["params"]["max_age_days"] == 60


def test_a_changed_parameter_takes_effect_on_the_open_alerts(
    admin, park, django_capture_on_commit_callbacks
):
    _stale_contacts(park)  # 120 days old
    _sweep()
    assert Alert.objects.get().status == AlertStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).patch(
            f"/api/v1/rules/{STALE}/", {"params": {"max_age_days": 180}}, format="json"
        )
    assert response.status_code == 200
    assert Alert.objects.get().status == AlertStatus.RESOLVED


def test_non_administrators_cannot_change_rules_and_nothing_changes(park):
    client = client_for(staff(Role.OFFICE_STAFF, park))
    before = AuditEvent.objects.count()
    response = client.post(
        f"/api/v1/rules/{STALE}/configure/", {"params": {"max_age_days": 1}}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert (
        client.patch(f"/api/v1/rules/{STALE}/", {"enabled": False}, format="json").status_code
        == 403
    )
    assert rules.params_for(STALE)["max_age_days"] == 90
    assert not RuleSetting.objects.filter(code=STALE, enabled=False).exists()
    assert AuditEvent.objects.count() == before


def test_bad_rule_parameters_are_400_and_unknown_rules_404(admin):
    client = client_for(admin)
    before = AuditEvent.objects.count()
    unknown_param = client.post(
        f"/api/v1/rules/{STALE}/configure/", {"params": {"days": 3}}, format="json"
    )
    assert unknown_param.status_code == 400
    assert list(unknown_param.json()["errors"]) == ["days"]
    negative = client.post(
        f"/api/v1/rules/{STALE}/configure/", {"params": {"max_age_days": -1}}, format="json"
    )
    assert negative.status_code == 400
    assert client.get("/api/v1/rules/no.such_rule/").status_code == 404
    assert (
        client.post("/api/v1/rules/no.such_rule/configure/", {}, format="json").status_code == 404
    )
    assert AuditEvent.objects.count() == before


# --- regulation articles (R-CPL-2) -------------------------------------------------------------


def test_articles_are_the_regulations_29_articles_by_id(park):
    client = client_for(staff(Role.BUSINESS_STAFF, park))
    response = client.get("/api/v1/articles/")
    assert response.status_code == 200
    refs = [row["ref"] for row in response.json()]
    assert refs == [f"Art.{n}" for n in range(1, 30)]
    article = client.get("/api/v1/articles/Art.17/").json()
    assert article["number"] == 17
    assert "投诉" in article["text"]
    assert client.get("/api/v1/articles/Art.99/").status_code == 404


# --- token auth -------------------------------------------------------------------------------


def test_a_token_from_username_and_password_authenticates_api_calls(park):
    clerk = staff(Role.BUSINESS_STAFF, park, username="clerk-token")
    errand(park, clerk)
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "clerk-token", "password": "Park-2026!"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=clerk).key_hash == digest(token)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "clerk-token"
    assert client.get("/api/v1/errands/").json()["count"] == 1


def test_wrong_password_gets_no_token_and_a_bad_token_is_401(park):
    staff(Role.BUSINESS_STAFF, park, username="clerk-token")
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "clerk-token", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not ApiToken.objects.exists()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    bad = client.get("/api/v1/me/")
    assert bad.status_code == 401
    assert bad.json()["code"] == "authentication_failed"


def test_the_token_endpoint_is_covered_by_the_login_lockout(park, settings):
    settings.AXES_ENABLED = True
    staff(Role.BUSINESS_STAFF, park, username="clerk-token")
    client = APIClient()

    def token_with(password):
        return client.post(
            "/api/v1/auth/token/", {"username": "clerk-token", "password": password}, format="json"
        )

    assert token_with("Park-2026!").status_code == 200
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token_with("guess").status_code == 400
    assert token_with("guess").status_code == 429  # the fifth failure locks the pair
    locked = token_with("Park-2026!")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "token" not in locked.json()
    assert ApiToken.objects.count() == 1  # the one issued before the failures
