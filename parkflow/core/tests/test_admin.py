"""The Django admin is for system administrators and is no back door: domain records are
read-only, the audit trail cannot be touched, maintained lists and people are changed through
the audited services, and rows are scoped like every other interface (R-ORG-3, R-PLT-1). The
enterprise admin's workflow actions are tested with intake (intake/tests/test_admin_actions.py);
that every model of every app is read-only or maintained, and that every admin page renders on
the demo park, with the whole system (workbench/tests/test_admin_pages.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.models import Alert, AuditEvent, CalendarDay
from parkflow.core.tests.admin_client import changelist_action, shown_messages
from parkflow.org.choices import AuthorityKind, Role, UnitKind
from parkflow.org.models import AuthorityLimit, EmergencyContact, User
from parkflow.org.tests.factories import EmergencyContactFactory, OrgUnitFactory, staff
from parkflow.testdomain.tests.factories import errand


@pytest.fixture
def hq(db):
    return OrgUnitFactory(name="运营公司总部", kind=UnitKind.COMPANY)


@pytest.fixture
def admin_user(hq):
    """A system administrator with every Django permission (a superuser)."""
    return staff(Role.SYSTEM_ADMIN, hq, username="sysadmin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_record_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, park):
    contact = EmergencyContactFactory(unit=park, name="李安全")
    change_url = reverse("admin:org_emergencycontact_change", args=[contact.pk])

    page = admin_client.get(change_url)
    assert page.status_code == 200  # viewable ...
    assert b'name="_save"' not in page.content  # ... but read-only
    assert admin_client.post(change_url, {"name": "改名"}).status_code == 403
    assert admin_client.get(reverse("admin:org_emergencycontact_add")).status_code == 403
    delete_url = reverse("admin:org_emergencycontact_delete", args=[contact.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = changelist_action(admin_client, EmergencyContact, "delete_selected", [contact.pk])
    assert EmergencyContact.objects.filter(pk=contact.pk, name="李安全").exists()
    changelist = admin_client.get(reverse("admin:org_emergencycontact_changelist"))
    assert b"delete_selected" not in changelist.content
    assert response.status_code == 200


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, park):
    errand(park)
    event = AuditEvent.objects.order_by("id").first()
    count = AuditEvent.objects.count()

    assert admin_client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    assert b'name="_save"' not in admin_client.get(change_url).content
    assert admin_client.post(change_url, {"reason": "改写"}).status_code == 403
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist_action(admin_client, AuditEvent, "delete_selected", [event.pk])

    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash


def test_authority_limit_is_editable_in_the_admin_and_every_change_is_audited(admin_client):
    add_url = reverse("admin:org_authoritylimit_add")
    response = admin_client.post(
        add_url,
        {
            "role": Role.BUSINESS_STAFF,
            "kind": AuthorityKind.DISCOUNT_PERCENT,
            "limit": "5",
            "approver_role": Role.DEPUTY,
            "note": "",
        },
    )
    assert response.status_code == 302
    row = AuthorityLimit.objects.get(role=Role.BUSINESS_STAFF, kind=AuthorityKind.DISCOUNT_PERCENT)
    created = AuditEvent.objects.get(action="authority_limit.create", object_id=str(row.pk))
    assert created.actor.username == "sysadmin"

    change_url = reverse("admin:org_authoritylimit_change", args=[row.pk])
    admin_client.post(
        change_url,
        {
            "role": row.role,
            "kind": row.kind,
            "limit": "8",
            "approver_role": Role.DEPUTY,
            "note": "上调",
        },
    )
    updated = AuditEvent.objects.get(action="authority_limit.update", object_id=str(row.pk))
    assert updated.before["limit"] == "5.00" and updated.after["limit"] == "8.00"


def test_calendar_day_is_editable_in_the_admin_and_audited(admin_client):
    response = admin_client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2031-10-08", "is_working_day": "", "name": "国庆节"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=datetime.date(2031, 10, 8))
    assert not day.is_working_day
    assert AuditEvent.objects.filter(action="calendar_day.create", object_id=str(day.pk)).exists()


def test_role_change_in_the_user_admin_goes_through_the_audited_service(admin_client, park):
    person = staff(Role.BUSINESS_STAFF, park, username="wanglei", display_name="王磊")
    assignment = person.role_assignments.get()
    url = reverse("admin:org_user_change", args=[person.pk])
    data = {
        "username": "wanglei",
        "display_name": "王磊",
        "email": "wanglei@park.example",
        "phone": "",
        "employee_no": "",
        "hired_on": "",
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": "2",
        "role_assignments-INITIAL_FORMS": "1",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-id": str(assignment.pk),
        "role_assignments-0-user": str(person.pk),
        "role_assignments-0-role": Role.BUSINESS_STAFF,
        "role_assignments-0-unit": str(park.pk),
        "role_assignments-0-DELETE": "on",
        "role_assignments-1-user": str(person.pk),
        "role_assignments-1-role": Role.RISK_OFFICER,
        "role_assignments-1-unit": str(park.pk),
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(person.role_assignments.values_list("role", flat=True)) == [Role.RISK_OFFICER]
    actions = list(
        AuditEvent.objects.filter(object_id=str(person.pk)).values_list("action", flat=True)
    )
    assert "role.revoke" in actions and "role.assign" in actions


def test_users_cannot_be_deleted_in_the_admin(admin_client, park):
    person = staff(Role.BUSINESS_STAFF, park)
    url = reverse("admin:org_user_delete", args=[person.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert type(person).objects.filter(pk=person.pk).exists()


def test_admin_index_lists_the_models_for_a_system_admin(admin_client):
    page = admin_client.get(reverse("admin:index"))
    assert page.status_code == 200
    for name in ("审计事件", "应急联系人", "授权矩阵", "节假日与调休", "用户"):
        assert name in page.content.decode()


def test_a_park_administrator_sees_and_edits_only_his_parks_people_in_the_admin(
    client, park, other_park
):
    """Admin querysets are scoped like every other interface (R-ORG-3)."""
    from django.contrib.auth.models import Permission

    from parkflow.org.models import User

    park_admin = staff(Role.SYSTEM_ADMIN, park, username="park_admin", is_staff=True)
    park_admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    mine = staff(Role.BUSINESS_STAFF, park, username="mine")
    theirs = staff(Role.BUSINESS_STAFF, other_park, username="theirs")
    client.force_login(park_admin)

    listing = client.get("/admin/org/user/").content.decode()
    assert "mine" in listing and "theirs" not in listing
    response = client.get(f"/admin/org/user/{theirs.pk}/change/")
    assert response.status_code == 302  # "does not exist" for an object outside the queryset
    form = client.get(f"/admin/org/user/{mine.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in form
    before = AuditEvent.objects.count()
    client.post(
        f"/admin/org/user/{theirs.pk}/change/",
        {"username": "theirs", "is_active": "", "display_name": "x"},
    )
    assert User.objects.get(pk=theirs.pk).is_active
    assert AuditEvent.objects.count() == before


def test_an_admin_change_refused_by_a_service_is_a_message_and_writes_nothing(
    admin_client, admin_user, park
):
    """Admin writes go through the services (issue 7 §7): granting oneself a role is refused by
    ``role_assign`` (D21); the message is shown and neither the role nor the name change nor
    any audit event is written."""
    url = reverse("admin:org_user_change", args=[admin_user.pk])
    roles_before = set(admin_user.role_assignments.values_list("role", "unit"))
    events_before = AuditEvent.objects.count()
    data = {
        "username": admin_user.username,
        "display_name": "改了名字",
        "email": "",
        "phone": "",
        "employee_no": "",
        "hired_on": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-user": str(admin_user.pk),
        "role_assignments-0-role": Role.RISK_OFFICER,
        "role_assignments-0-unit": str(park.pk),
    }

    response = admin_client.post(url, data, follow=True)

    assert any("不能为本人授予角色" in m for m in shown_messages(response))
    admin_user.refresh_from_db()
    assert admin_user.display_name != "改了名字"
    assert set(admin_user.role_assignments.values_list("role", "unit")) == roles_before
    assert AuditEvent.objects.count() == events_before


def test_a_park_administrator_sees_no_other_parks_rows_in_the_admin(client, park, other_park):
    """Admin querysets are scoped like the pages and the API (core.access.scope); a superuser
    sees every park."""
    from django.contrib.auth.models import Permission

    EmergencyContactFactory(
        unit=park, name="李安全", confirmed_at=timezone.now() - datetime.timedelta(days=120)
    )
    rules.sweep_rule("org.emergency_contact_stale")
    theirs = Alert.objects.get(park=park)
    park_b_admin = staff(Role.SYSTEM_ADMIN, other_park, username="park_b_admin", is_staff=True)
    park_b_admin.user_permissions.add(*Permission.objects.filter(codename="view_alert"))
    client.force_login(park_b_admin)

    listing = client.get(reverse("admin:core_alert_changelist"))
    assert listing.status_code == 200
    assert "李安全" not in listing.content.decode()
    response = client.get(reverse("admin:core_alert_change", args=[theirs.pk]))
    assert response.status_code == 302  # "does not exist" for a row outside the scope

    client.force_login(User.objects.create_superuser("root", "root@park.example", "x"))
    everything = client.get(reverse("admin:core_alert_changelist")).content.decode()
    assert "李安全" in everything
