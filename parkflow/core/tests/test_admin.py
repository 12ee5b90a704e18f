"""The Django admin is for system administrators and is no back door: domain records are
read-only, the audit trail cannot be touched, workflow actions go through the services and so
through the gates (R-CPL-1, R-PLT-1, R-EXT-2)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from parkflow.core.models import AuditEvent, CalendarDay
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus, Industry
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import make_credit_code
from parkflow.intake import services as intake_services
from parkflow.intake.tests.factories import upload_licence
from parkflow.org.choices import AuthorityKind, Role, UnitKind
from parkflow.org.models import AuthorityLimit, RoleAssignment, User
from parkflow.org.tests.factories import OrgUnitFactory, staff


@pytest.fixture
def hq(db):
    return OrgUnitFactory(name="运营公司总部", kind=UnitKind.COMPANY)


@pytest.fixture
def admin_user(hq):
    """A system administrator who also works in the special management office, so the
    enterprise workflow permissions allow the step and only the gate can stop it."""
    user = staff(Role.SYSTEM_ADMIN, hq, username="sysadmin", is_staff=True, is_superuser=True)
    RoleAssignment.objects.create(user=user, role=Role.OFFICE_STAFF, unit=hq)
    return user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _enterprise(park, status):
    creator = staff(Role.BUSINESS_STAFF, park)
    # Reviewers are drawn at random from the eligible pool (R-ENT-3): make it big enough.
    for _ in range(2):
        staff(Role.RISK_OFFICER, park)
    enterprise = services.enterprise_create(
        actor=creator,
        park=park,
        name="苏州纳微光电科技有限公司",
        credit_code=make_credit_code(7),
        legal_representative="林涛",
        registered_capital=Decimal("800"),
        industry=Industry.IT,
        contact_name="林涛",
        contact_phone="13912345678",
    )
    if status in (EnterpriseStatus.APPLYING, EnterpriseStatus.UNDER_REVIEW):
        upload_licence(enterprise, creator)
        enterprise = services.enterprise_apply(actor=creator, enterprise=enterprise)
    if status == EnterpriseStatus.UNDER_REVIEW:
        enterprise = intake_services.enterprise_submit_for_review(
            actor=creator, enterprise=enterprise
        )
    return enterprise


def _changelist_action(client, model, action, pks):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(
        url, {"action": action, "_selected_action": [str(pk) for pk in pks]}, follow=True
    )


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_admin_approve_action_without_an_approved_review_shows_the_gate_error_and_changes_nothing(
    admin_client, park
):
    enterprise = _enterprise(park, EnterpriseStatus.UNDER_REVIEW)
    events_before = AuditEvent.objects.count()

    response = _changelist_action(admin_client, Enterprise, "approve_admission", [enterprise.pk])

    assert response.status_code == 200
    messages = _messages(response)
    assert any("未经“企业准入资质审核”审查不得实施" in m for m in messages), messages
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    assert AuditEvent.objects.count() == events_before


def test_admin_submit_for_review_action_goes_through_the_service(admin_client, park):
    enterprise = _enterprise(park, EnterpriseStatus.APPLYING)

    response = _changelist_action(admin_client, Enterprise, "submit_for_review", [enterprise.pk])

    assert any("已提交 1 家企业" in m for m in _messages(response))
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW
    assert AuditEvent.objects.filter(
        action="enterprise.start_review", object_id=str(enterprise.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="review.request", object_id=str(enterprise.pk)).exists()


def test_admin_action_refused_by_the_service_permission_shows_the_error(client, hq, park):
    """A pure system administrator has no business role: the service says no, in the admin too."""
    admin = staff(Role.SYSTEM_ADMIN, hq, is_staff=True, is_superuser=True)
    client.force_login(admin)
    enterprise = _enterprise(park, EnterpriseStatus.APPLYING)

    response = _changelist_action(client, Enterprise, "submit_for_review", [enterprise.pk])

    assert any("没有执行此操作的权限" in m for m in _messages(response))
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPLYING


def test_enterprise_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, park):
    enterprise = _enterprise(park, EnterpriseStatus.PROSPECT)
    change_url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])

    page = admin_client.get(change_url)
    assert page.status_code == 200  # viewable ...
    assert b'name="_save"' not in page.content  # ... but read-only
    assert admin_client.post(change_url, {"name": "改名有限公司"}).status_code == 403
    assert admin_client.get(reverse("admin:enterprises_enterprise_add")).status_code == 403
    delete_url = reverse("admin:enterprises_enterprise_delete", args=[enterprise.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = _changelist_action(admin_client, Enterprise, "delete_selected", [enterprise.pk])
    assert Enterprise.objects.filter(pk=enterprise.pk, name="苏州纳微光电科技有限公司").exists()
    changelist = admin_client.get(reverse("admin:enterprises_enterprise_changelist"))
    assert b"delete_selected" not in changelist.content
    assert response.status_code == 200


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, park):
    _enterprise(park, EnterpriseStatus.PROSPECT)
    event = AuditEvent.objects.order_by("id").first()
    count = AuditEvent.objects.count()

    assert admin_client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    assert b'name="_save"' not in admin_client.get(change_url).content
    assert admin_client.post(change_url, {"reason": "改写"}).status_code == 403
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    _changelist_action(admin_client, AuditEvent, "delete_selected", [event.pk])

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
    for name in ("审计事件", "企业", "授权矩阵", "节假日与调休", "用户"):
        assert name in page.content.decode()


# Lists administrators maintain by design (changes audited); users are edited but never deleted.
MAINTAINED_IN_ADMIN = {"core.CalendarDay", "org.AuthorityLimit", "intake.ProtectedBrand"}


def test_every_domain_model_in_the_admin_is_read_only_except_the_maintained_lists(rf, admin_user):
    """Deny by default: a model registered later is read-only unless added to the list above."""
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = admin_user
    domain = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"core", "org", "enterprises", "intake"}
    ]
    assert len(domain) >= 12
    for model, model_admin in domain:
        label = model._meta.label
        if label in MAINTAINED_IN_ADMIN:
            continue
        assert not model_admin.has_delete_permission(request), label
        if label == "org.User":
            continue
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert model_admin.has_view_permission(request), label


@pytest.mark.django_db
def test_every_admin_list_and_detail_page_renders_on_the_demo_park(client):
    from django.contrib import admin
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="admin"))
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, model._meta.label
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            response = client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert response.status_code == 200, model._meta.label


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

    assert any("不能为本人授予角色" in m for m in _messages(response))
    admin_user.refresh_from_db()
    assert admin_user.display_name != "改了名字"
    assert set(admin_user.role_assignments.values_list("role", "unit")) == roles_before
    assert AuditEvent.objects.count() == events_before


def test_a_park_administrator_sees_no_other_parks_rows_in_the_admin(client, park, other_park):
    """Admin querysets are scoped like the pages and the API (core.access.scope)."""
    from django.contrib.auth.models import Permission

    theirs = _enterprise(park, EnterpriseStatus.APPLYING)
    park_b_admin = staff(Role.SYSTEM_ADMIN, other_park, username="park_b_admin", is_staff=True)
    park_b_admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_enterprise", "view_alert"])
    )
    client.force_login(park_b_admin)

    listing = client.get(reverse("admin:enterprises_enterprise_changelist"))
    assert listing.status_code == 200
    assert theirs.name not in listing.content.decode()
    response = client.get(reverse("admin:enterprises_enterprise_change", args=[theirs.pk]))
    assert response.status_code == 302  # "does not exist" for a row outside the scope

    client.force_login(User.objects.create_superuser("root", "root@park.example", "x"))
    everything = client.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()
    assert theirs.name in everything
