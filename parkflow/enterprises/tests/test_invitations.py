"""R-PLT-3, issue 6 §9: an enterprise registered by staff gets its portal account through a
one-time, expiring invitation link ("邀请开通门户"); every step is audited."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from parkflow.core.errors import Conflict, PermissionDenied
from parkflow.core.models import AuditEvent
from parkflow.enterprises import invitations
from parkflow.enterprises.models import PortalAccount, PortalInvitation
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.models import User
from parkflow.org.tests.factories import OrgUnitFactory, staff

PASSWORD = "Yuanqu-2026-kaitong"


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(
        park=park,
        name="苏州云帆智能科技有限公司",
        contact_name="周敏",
        contact_email="zhoumin@yunfan.example",
    )


def _invite_by_page(client, clerk, enterprise, **data):
    client.force_login(clerk)
    response = client.post(reverse("enterprises:invite", args=[enterprise.pk]), data)
    assert response.status_code == 302, response
    page = client.get(response["Location"])
    html = page.content.decode()
    match = re.search(r"(http[^\s<\"]+/portal/invite/([^\s<\"/]+)/)", html)
    assert match, html
    client.logout()
    return html, match.group(1), match.group(2)


def _accept(client, link, **data):
    return client.post(
        link,
        {"username": "yunfan", "password": PASSWORD, "password_confirm": PASSWORD, **data},
    )


def test_staff_invite_and_the_enterprise_sets_its_password_through_the_link(
    client, clerk, enterprise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        html, link, token = _invite_by_page(
            client, clerk, enterprise, email="zhoumin@yunfan.example", send="on"
        )
    assert "复制链接" in html and "只显示这一次" in html
    invitation = PortalInvitation.objects.get(enterprise=enterprise)
    assert invitation.token_hash == invitations.token_hash(token) and token not in str(
        list(AuditEvent.objects.values_list("after", flat=True))
    )
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert mail.outbox[0].to == ["zhoumin@yunfan.example"]
    # The link is shown once: a reload gets the detail page instead.
    client.force_login(clerk)
    again = client.get(reverse("enterprises:invitation_created", args=[enterprise.pk]))
    assert again.status_code == 302 and token not in again.url
    client.logout()

    page = client.get(link).content.decode()
    assert "苏州云帆智能科技有限公司" in page
    assert f'value="{enterprise.credit_code.lower()}"' in page  # suggested username
    response = _accept(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    user = User.objects.get(username="yunfan")
    assert PortalAccount.objects.get(user=user).enterprise == enterprise
    assert user.check_password(PASSWORD) and user.email == "zhoumin@yunfan.example"
    assert client.get(reverse("portal:home")).status_code == 200  # signed in, in the portal
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == [
        "portal_invitation.create",
        "portal_invitation.accept",
        "portal_account.create",
    ]


def test_a_used_link_cannot_be_used_again(client, clerk, enterprise):
    _html, link, token = _invite_by_page(client, clerk, enterprise)
    assert _accept(client, link).status_code == 302
    client.logout()
    again = client.get(link)
    assert again.status_code == 410 and "已经使用过" in again.content.decode()
    response = _accept(client, link, username="another")
    assert response.status_code == 410
    assert not User.objects.filter(username="another").exists()
    with pytest.raises(Conflict):
        invitations.portal_invitation_accept(
            token=token, username="third", password=PASSWORD, password_confirm=PASSWORD
        )


def test_an_expired_link_gets_a_clear_page_and_creates_nothing(client, clerk, enterprise):
    _html, link, _token = _invite_by_page(client, clerk, enterprise)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        page = client.get(link)
        assert page.status_code == 410 and "已过期" in page.content.decode()
        assert _accept(client, link).status_code == 410
    assert not User.objects.filter(username="yunfan").exists()
    assert not AuditEvent.objects.filter(action="portal_invitation.accept").exists()


def test_the_validity_is_a_setting(settings, clerk, enterprise):
    settings.PARKFLOW_PORTAL_INVITATION_DAYS = 2
    invitation, _token = invitations.portal_invitation_create(actor=clerk, enterprise=enterprise)
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=2)


def test_reinviting_revokes_the_older_link(client, clerk, enterprise):
    _html, old_link, _old = _invite_by_page(client, clerk, enterprise)
    _html, new_link, _new = _invite_by_page(client, clerk, enterprise)
    old = client.get(old_link)
    assert old.status_code == 410 and "已作废" in old.content.decode()
    assert client.get(new_link).status_code == 200
    assert AuditEvent.objects.filter(action="portal_invitation.revoke").count() == 1
    assert PortalInvitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_staff_revoke_a_pending_link(client, clerk, enterprise):
    _html, link, _token = _invite_by_page(client, clerk, enterprise)
    invitation = PortalInvitation.objects.get()
    client.force_login(clerk)
    client.post(reverse("enterprises:invitation_revoke", args=[enterprise.pk, invitation.pk]))
    client.logout()
    assert client.get(link).status_code == 410
    assert AuditEvent.objects.filter(action="portal_invitation.revoke").exists()


def test_unknown_and_tampered_tokens_are_refused(client, clerk, enterprise):
    _html, link, token = _invite_by_page(client, clerk, enterprise)
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    response = client.get(tampered)
    assert response.status_code == 404 and "邀请链接无效" in response.content.decode()
    assert _accept(client, tampered).status_code == 404
    assert not User.objects.filter(username="yunfan").exists()


def test_bad_passwords_and_taken_usernames_are_refused_and_the_link_still_works(
    client, clerk, enterprise
):
    _html, link, _token = _invite_by_page(client, clerk, enterprise)
    staff(Role.BUSINESS_STAFF, enterprise.park, username="taken")
    users = User.objects.count()
    weak = _accept(client, link, password="12345678", password_confirm="12345678")
    assert weak.status_code == 200 and "账号未开通" in weak.content.decode()
    assert "password" in weak.context["form"].errors
    taken = _accept(client, link, username="taken")
    assert "已被使用" in taken.content.decode()
    mismatch = _accept(client, link, password_confirm="other-Pass-2026")
    assert "两次输入的密码不一致" in mismatch.content.decode()
    assert User.objects.count() == users
    assert _accept(client, link).status_code == 302


def test_a_second_portal_user_may_be_invited_for_the_same_enterprise(client, clerk, enterprise):
    first = enterprise_user(enterprise)
    _html, link, _token = _invite_by_page(client, clerk, enterprise)
    assert _accept(client, link).status_code == 302
    assert set(enterprise.portal_accounts.values_list("user", flat=True)) == {
        first.pk,
        User.objects.get(username="yunfan").pk,
    }


def test_the_link_makes_a_user_of_the_invited_enterprise_only(client, clerk, enterprise, park):
    other = EnterpriseFactory(park=park, name="苏州别家有限公司")
    _html, link, _token = _invite_by_page(client, clerk, enterprise)
    _accept(client, link)
    user = User.objects.get(username="yunfan")
    assert client.get(reverse("portal:home")).status_code == 200
    assert user.portal_account.enterprise == enterprise != other
    response = client.get(reverse("enterprises:detail", args=[other.pk]))
    assert response.status_code == 404


def test_who_may_invite(clerk, enterprise, other_park):
    with pytest.raises(PermissionDenied):
        invitations.portal_invitation_create(
            actor=staff(Role.BUSINESS_STAFF, other_park), enterprise=enterprise
        )
    with pytest.raises(PermissionDenied):
        invitations.portal_invitation_create(
            actor=staff(Role.AUDITOR, enterprise.park), enterprise=enterprise
        )
    with pytest.raises(PermissionDenied):
        invitations.portal_invitation_create(
            actor=enterprise_user(enterprise), enterprise=enterprise
        )
    assert not PortalInvitation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="portal_invitation").exists()


def test_staff_of_another_park_get_404_on_the_invite_routes(client, enterprise, other_park):
    client.force_login(staff(Role.BUSINESS_STAFF, other_park))
    assert client.post(reverse("enterprises:invite", args=[enterprise.pk])).status_code == 404
    assert not PortalInvitation.objects.exists()


def test_a_signed_in_user_is_asked_to_sign_out_before_accepting(client, clerk, enterprise):
    _html, link, _token = _invite_by_page(client, clerk, enterprise)
    client.force_login(clerk)
    response = _accept(client, link)
    assert response.status_code == 409 and "请先退出登录" in response.content.decode()
    assert not User.objects.filter(username="yunfan").exists()


def test_the_detail_page_offers_the_invitation_and_shows_the_pending_link(
    client, clerk, enterprise
):
    client.force_login(clerk)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "邀请开通门户" in html and "还没有门户账号" in html
    invitations.portal_invitation_create(actor=clerk, enterprise=enterprise)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "作废此链接" in html and "刚刚 发出邀请" in html


def test_the_api_invites_and_returns_the_link_once(client, clerk, enterprise, other_park):
    client.force_login(clerk)
    url = reverse("api:enterprise-portal-invitation", args=[enterprise.pk])
    response = client.post(
        url, {"email": "zhoumin@yunfan.example"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    token = body["link"].rstrip("/").rsplit("/", 1)[1]
    assert PortalInvitation.objects.get(pk=body["id"]).token_hash == invitations.token_hash(token)
    assert token not in str(
        client.get(reverse("api:enterprise-audit", args=[enterprise.pk])).json()
    )
    client.force_login(staff(Role.BUSINESS_STAFF, other_park))
    assert client.post(url, {}, content_type="application/json").status_code == 404
    client.force_login(staff(Role.AUDITOR, enterprise.park))
    assert client.post(url, {}, content_type="application/json").status_code == 403
    assert PortalInvitation.objects.count() == 1


def test_an_exited_enterprise_cannot_be_invited_and_its_pending_link_stops_working(
    client, clerk, enterprise
):
    _html, link, _token = _invite_by_page(client, clerk, enterprise)
    Enterprise = type(enterprise)
    Enterprise.objects.filter(pk=enterprise.pk).update(status="exited")
    with pytest.raises(Conflict):
        invitations.portal_invitation_create(actor=clerk, enterprise=enterprise)
    response = _accept(client, link)
    assert response.status_code == 410 and "已退出" in response.content.decode()
    assert not User.objects.filter(username="yunfan").exists()


def test_invitation_events_show_their_state_in_chinese(client, park):
    """The audit page reads the invitation's states through AUDIT_VALUES (moved from
    core/tests/test_audit_actions.py)."""
    auditor = staff(Role.AUDITOR, OrgUnitFactory(name="园区运营公司"), display_name="刘审计")
    clerk = staff(Role.BUSINESS_STAFF, park)
    enterprise = EnterpriseFactory(park=park)
    invitations.portal_invitation_create(actor=clerk, enterprise=enterprise)
    invitations.portal_invitation_create(actor=clerk, enterprise=enterprise)
    client.force_login(auditor)
    html = client.get(reverse("core:audit")).content.decode()
    assert "状态：待使用 → 已作废" in html and "已发送邮件：否" in html
    assert "pending" not in html and "revoked" not in html
