"""API tokens (issue 6 §7, D23): stored hashed, expiring, revoked on password change and
deactivation, listed and revoked by their owner — through the service, the API and the page. Every
refusal is a clear 4xx and writes nothing."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.core import clock
from parkflow.core.errors import Conflict, NotFound, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org import tokens
from parkflow.org.choices import Role
from parkflow.org.models import ApiToken, User
from parkflow.org.tests.factories import staff

PASSWORD = "Park-2026!"


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, username="clerk")


def token_client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def obtain(username="clerk", password=PASSWORD, **extra):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


# --- issuing ----------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_digest_and_its_creation_is_audited(clerk):
    response = obtain(name="对账脚本")
    assert response.status_code == 200
    body = response.json()
    key = body["token"]
    token = ApiToken.objects.get()
    assert token.key_hash == tokens.digest(key)
    assert key not in {token.key_hash, token.prefix, token.name}
    assert key.startswith(token.prefix)
    assert body["name"] == "对账脚本"
    assert body["status"] == "active"
    assert token.expires_at - token.created_at == datetime.timedelta(days=30)
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor_id == clerk.pk
    assert key not in str(event.after)
    assert token_client(key).get("/api/v1/me/").json()["username"] == "clerk"


def test_each_call_issues_a_separate_token_per_device(clerk):
    first, second = obtain(name="笔记本").json()["token"], obtain(name="服务器").json()["token"]
    assert first != second
    assert token_client(first).get("/api/v1/me/").status_code == 200
    assert token_client(second).get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("days", [0, -1, 31, 10**12])
def test_a_lifetime_outside_one_to_the_maximum_is_refused_naming_the_field(clerk, days):
    response = obtain(days=days)
    assert response.status_code == 400
    assert response.json()["field"] == "days"
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="api_token").exists()


def test_the_service_refuses_a_lifetime_beyond_the_setting(clerk, settings):
    settings.PARKFLOW_API_TOKEN_DAYS = 7
    with pytest.raises(ValidationFailed) as refused:
        tokens.issue(actor=clerk, name="x", days=8)
    assert "days" in refused.value.errors
    assert not ApiToken.objects.exists()


def test_more_live_tokens_than_the_cap_are_refused_with_409(clerk, settings):
    settings.PARKFLOW_API_TOKEN_MAX_ACTIVE = 2
    obtain(), obtain()
    response = obtain()
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_tokens"
    assert ApiToken.objects.count() == 2
    # A revoked token frees its place.
    tokens.revoke(actor=clerk, token=ApiToken.objects.first())
    assert obtain().status_code == 200


def test_a_wrong_password_or_a_deactivated_account_gets_no_token(clerk):
    assert obtain(password="wrong").status_code == 400
    clerk.is_active = False
    clerk.save()
    response = obtain()
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.create").exists()


# --- expiry and revocation -------------------------------------------------------------------


def test_a_token_stops_working_when_it_expires(clerk):
    key = obtain(days=2).json()["token"]
    with time_machine.travel(clock.now() + datetime.timedelta(days=2, seconds=1)):
        response = token_client(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    with time_machine.travel(clock.now() + datetime.timedelta(days=1)):
        assert token_client(key).get("/api/v1/me/").status_code == 200


def test_changing_the_password_revokes_every_token_and_is_audited(clerk, client):
    keys = [obtain(name=n).json()["token"] for n in ("甲", "乙")]
    client.force_login(clerk)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-Secret-2026",
            "new_password2": "N3w-Secret-2026",
        },
    )
    assert response.status_code == 302
    for key in keys:
        assert token_client(key).get("/api/v1/me/").status_code == 401
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {"password_changed"}
    event = AuditEvent.objects.get(action="api_token.revoke_all")
    assert event.object_id == str(clerk.pk)
    assert {t["name"] for t in event.after["tokens"]} == {"甲", "乙"}


def test_set_password_anywhere_revokes_tokens_too(clerk):
    """The admin's password form, the reset form and scripts all end in set_password + save."""
    key = obtain().json()["token"]
    user = User.objects.get(pk=clerk.pk)
    user.set_password("An0ther-Secret")
    user.save()
    assert token_client(key).get("/api/v1/me/").status_code == 401


def test_deactivating_the_account_revokes_its_tokens(clerk):
    key = obtain().json()["token"]
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    assert ApiToken.objects.get().revoked_reason == "deactivated"
    clerk.is_active = True
    clerk.save()
    assert token_client(key).get("/api/v1/me/").status_code == 401  # revoked stays revoked


def test_one_accounts_password_change_leaves_everyone_elses_tokens_working(clerk, park):
    staff(Role.BUSINESS_STAFF, park, username="other")
    theirs = obtain(username="other").json()["token"]
    obtain()
    user = User.objects.get(pk=clerk.pk)
    user.set_password("An0ther-Secret")
    user.save()
    assert token_client(theirs).get("/api/v1/me/").status_code == 200
    event = AuditEvent.objects.get(action="api_token.revoke_all")
    assert len(event.after["tokens"]) == 1


def test_other_saves_of_the_user_leave_tokens_alone(clerk):
    key = obtain().json()["token"]
    clerk.display_name = "新名字"
    clerk.save()
    clerk.last_login = clock.now()
    clerk.save(update_fields=["last_login"])
    assert token_client(key).get("/api/v1/me/").status_code == 200
    assert not AuditEvent.objects.filter(action="api_token.revoke_all").exists()


def test_signing_out_of_the_browser_does_not_end_api_tokens(clerk, client):
    """Decision D23: a token belongs to a program, not to the browser session."""
    key = obtain().json()["token"]
    client.force_login(clerk)
    client.post(reverse("logout"))
    assert token_client(key).get("/api/v1/me/").status_code == 200


# --- the owner's list and revocation through the API ------------------------------------------


def test_a_user_lists_only_their_own_tokens_without_keys(clerk, park):
    obtain(name="mine")
    staff(Role.BUSINESS_STAFF, park, username="other")
    obtain(username="other", name="theirs")
    key = obtain(name="current").json()["token"]
    response = token_client(key).get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["name"] for row in rows} == {"mine", "current"}
    assert all("token" not in row and "key_hash" not in row for row in rows)


def test_revoking_ones_own_token_through_the_api(clerk):
    key = obtain(name="current").json()["token"]
    spare = ApiToken.objects.get()
    other_key = obtain(name="spare").json()["token"]
    client = token_client(other_key)
    response = client.post(f"/api/v1/auth/tokens/{spare.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revoked_reason"] == "by_user"
    assert token_client(key).get("/api/v1/me/").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.before["revoked_at"] is None and event.after["revoked_at"]


def test_revoking_someone_elses_token_is_404_and_changes_nothing(clerk, park):
    staff(Role.BUSINESS_STAFF, park, username="other")
    victim_key = obtain(username="other").json()["token"]
    victim = ApiToken.objects.get()
    key = obtain().json()["token"]
    events = AuditEvent.objects.count()
    response = token_client(key).post(f"/api/v1/auth/tokens/{victim.pk}/revoke/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert token_client(key).get(f"/api/v1/auth/tokens/{victim.pk}/").status_code == 404
    assert token_client(victim_key).get("/api/v1/me/").status_code == 200
    assert AuditEvent.objects.count() == events
    with pytest.raises(NotFound):
        tokens.revoke(actor=clerk, token=victim)


def test_revoking_twice_is_a_409_and_writes_nothing(clerk):
    obtain()
    token = ApiToken.objects.get()
    tokens.revoke(actor=clerk, token=token)
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        tokens.revoke(actor=clerk, token=token)
    assert AuditEvent.objects.count() == events


def test_an_absurd_token_id_is_a_404(clerk):
    key = obtain().json()["token"]
    assert token_client(key).post(f"/api/v1/auth/tokens/{2**70}/revoke/").status_code == 404


# --- the page "我的 API 令牌" -------------------------------------------------------------------


def test_the_page_shows_a_new_key_once_then_only_its_prefix(clerk, client):
    client.force_login(clerk)
    response = client.post(reverse("org:api_tokens"), {"name": "笔记本", "days": 10})
    assert response.status_code == 302
    token = ApiToken.objects.get()
    first = client.get(reverse("org:api_tokens")).content.decode()
    key = first.split('id="new-token-key">')[1].split("<")[0]
    assert tokens.digest(key) == token.key_hash
    again = client.get(reverse("org:api_tokens")).content.decode()
    assert key not in again
    assert token.prefix in again and "笔记本" in again
    assert token.expires_at - token.created_at == datetime.timedelta(days=10)


def test_the_page_refuses_a_bad_lifetime_naming_the_field(clerk, client):
    client.force_login(clerk)
    response = client.post(reverse("org:api_tokens"), {"name": "x", "days": 999})
    assert response.status_code == 400
    assert "30" in response.context["form"].errors["days"][0]
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page_asks_for_confirmation_first(clerk, client):
    tokens.issue(actor=clerk, name="旧电脑")
    token = ApiToken.objects.get()
    client.force_login(clerk)
    url = reverse("org:api_token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "确定吊销" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_reason == "by_user"


def test_the_page_never_reaches_another_users_token(clerk, client, park):
    other = staff(Role.BUSINESS_STAFF, park, username="other")
    tokens.issue(actor=other, name="theirs")
    token = ApiToken.objects.get()
    client.force_login(clerk)
    url = reverse("org:api_token_revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "theirs" not in client.get(reverse("org:api_tokens")).content.decode()


def test_enterprise_users_manage_their_tokens_in_the_portal_layout(client, park):
    user = enterprise_user(EnterpriseFactory(park=park))
    client.force_login(user)
    response = client.get(reverse("org:api_tokens"))
    assert response.status_code == 200
    assert "portal/base.html" in [t.name for t in response.templates]


def test_the_token_list_page_runs_a_fixed_number_of_queries(
    clerk, client, django_assert_max_num_queries
):
    for n in range(15):
        tokens.issue(actor=clerk, name=f"设备{n}")
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("org:api_tokens")).status_code == 200


def test_the_token_endpoint_throttles_one_address_across_usernames(clerk):
    """Axes locks one username at one address; spraying many usernames is capped per address."""
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    answers = [
        client.post(
            "/api/v1/auth/token/", {"username": f"guess{n}", "password": "x"}, format="json"
        ).status_code
        for n in range(31)
    ]
    assert answers[:30] == [400] * 30
    assert answers[30] == 429
    refused = client.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert not ApiToken.objects.exists()
    other = APIClient(REMOTE_ADDR="203.0.113.9")
    assert (
        other.post(
            "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json"
        ).status_code
        == 200
    )


def test_the_admin_lists_tokens_read_only_without_their_digest(clerk, client):
    from parkflow.org.tests.factories import OrgUnitFactory

    tokens.issue(actor=clerk, name="对账脚本")
    token = ApiToken.objects.get()
    admin = staff(
        Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"), is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    listing = client.get("/admin/org/apitoken/").content.decode()
    assert token.prefix in listing and "对账脚本" in listing
    detail = client.get(f"/admin/org/apitoken/{token.pk}/change/")
    assert detail.status_code == 200
    assert token.key_hash not in detail.content.decode()
    assert client.post(f"/admin/org/apitoken/{token.pk}/delete/").status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()
