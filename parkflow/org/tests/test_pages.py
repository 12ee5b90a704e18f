"""Organisation pages: emergency contacts (R-ORG-6) and staff compliance status (R-ORG-5)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.models import AuditEvent, RuleSetting
from parkflow.org.choices import Role
from parkflow.org.models import EmergencyContact, RoleAssignment
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import (
    DepartmentFactory,
    EmergencyContactFactory,
    OrgUnitFactory,
    UserFactory,
    staff,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


@pytest.fixture
def stale(park):
    return EmergencyContactFactory(
        unit=park,
        name="李安全",
        phone="13900001111",
        confirmed_at=timezone.now() - datetime.timedelta(days=120),
    )


@pytest.fixture
def fresh(park):
    return EmergencyContactFactory(unit=park, name="钱值班", phone="0512-66881234")


def test_contacts_older_than_the_rule_parameter_are_shown_in_red(client, clerk, stale, fresh):
    response = login(client, clerk).get(reverse("org:contacts"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<tr id="contact-{stale.pk}" class="row-stale">' in html
    assert f'<tr id="contact-{fresh.pk}">' in html
    assert "超期未确认" in html
    assert response.context["stale_count"] == 1


def test_the_stale_threshold_follows_the_rule_parameter(client, clerk, stale):
    rules.setting_for("org.emergency_contact_stale")
    RuleSetting.objects.filter(code="org.emergency_contact_stale").update(
        params={"max_age_days": 200}
    )
    response = login(client, clerk).get(reverse("org:contacts"))
    assert response.context["stale_count"] == 0
    assert "每 200 天" in response.content.decode()


def test_confirming_a_contact_by_htmx_swaps_the_row_and_is_audited(client, clerk, stale):
    response = login(client, clerk).post(reverse("org:contact_confirm", args=[stale.pk]), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="contact-{stale.pk}">')
    assert "row-stale" not in html
    stale.refresh_from_db()
    assert stale.confirmed_by == clerk
    assert AuditEvent.objects.filter(action="emergency_contact.confirm", actor=clerk).count() == 1


def test_park_staff_cannot_see_or_confirm_contacts_of_another_park(client, stale, other_park):
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    login(client, outsider)
    assert "李安全" not in client.get(reverse("org:contacts")).content.decode()
    assert client.post(reverse("org:contact_confirm", args=[stale.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="emergency_contact.confirm").exists()


def test_read_only_staff_get_no_confirm_button(client, park, stale):
    auditor = staff(Role.AUDITOR, park)
    html = login(client, auditor).get(reverse("org:contacts")).content.decode()
    assert reverse("org:contact_confirm", args=[stale.pk]) not in html
    assert client.get(reverse("org:contact_create")).status_code == 403


def test_park_without_contact_is_named_on_the_page(client, clerk, park):
    assert park.name in login(client, clerk).get(reverse("org:contacts")).content.decode()
    assert login(client, clerk).get(reverse("org:contacts")).context["parks_without_contact"] == [
        park
    ]


def test_creating_a_contact_through_the_form(client, clerk, park):
    department = DepartmentFactory(parent=park, name="招商服务部")
    response = login(client, clerk).post(
        reverse("org:contact_create"),
        {"unit": department.pk, "name": "吴保卫", "title": "保卫科长", "phone": "13900002222"},
    )
    assert response.status_code == 302
    contact = EmergencyContact.objects.get(name="吴保卫")
    assert contact.park == park
    assert AuditEvent.objects.filter(action="emergency_contact.create").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("phone", "12345", "手机号"), ("name", "", "必填")],
    ids=["bad-phone", "empty-name"],
)
def test_invalid_contact_shows_the_field_error_and_writes_nothing(
    client, clerk, park, field, value, message
):
    values = {"unit": park.pk, "name": "吴保卫", "title": "", "phone": "13900002222", field: value}
    response = login(client, clerk).post(reverse("org:contact_create"), values)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert not EmergencyContact.objects.exists()
    assert not AuditEvent.objects.exists()


def test_contact_form_offers_only_units_the_user_sees(client, clerk, other_park):
    html = login(client, clerk).get(reverse("org:contact_create")).content.decode()
    assert other_park.name not in html


def test_people_page_shows_roles_validity_and_lapsed_status_in_red(client, clerk, park):
    newcomer = UserFactory(display_name="孙新人", compliant=False)
    RoleAssignment.objects.create(user=newcomer, role=Role.BUSINESS_STAFF, unit=park)
    response = login(client, clerk).get(reverse("org:people"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "孙新人" in html and "王晓明" in html
    assert str(Role.BUSINESS_STAFF.label) in html
    assert "text-overdue" in html
    assert response.context["lapsed_count"] == 1
    lapsed = login(client, clerk).get(reverse("org:people"), {"lapsed": "on"})
    assert [row["person"].display_name for row in lapsed.context["rows"]] == ["孙新人"]


def test_people_page_lists_only_people_of_the_users_parks(client, clerk, other_park):
    staff(Role.BUSINESS_STAFF, other_park, display_name="外园区员工")
    html = login(client, clerk).get(reverse("org:people")).content.decode()
    assert "外园区员工" not in html


@pytest.mark.parametrize("rows", [5, 60])
def test_people_page_runs_a_constant_number_of_queries(
    client, clerk, park, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        staff(Role.LEAD_STAFF, park)
    login(client, clerk)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("org:people")).status_code == 200


@pytest.mark.parametrize("rows", [5, 60])
def test_contact_list_runs_a_constant_number_of_queries(
    client, clerk, park, rows, django_assert_max_num_queries
):
    EmergencyContactFactory.create_batch(rows, unit=park)
    login(client, clerk)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("org:contacts")).status_code == 200


def test_headquarters_staff_see_people_of_every_park(client, park, other_park):
    staff(Role.BUSINESS_STAFF, other_park, display_name="外园区员工")
    hq = staff(Role.OFFICE_STAFF, OrgUnitFactory(name="园区运营公司"))
    assert "外园区员工" in login(client, hq).get(reverse("org:people")).content.decode()


@pytest.mark.parametrize("name", ["org:contacts", "org:contact_create", "org:people"])
def test_every_org_page_renders_for_a_permitted_user(client, clerk, name):
    assert login(client, clerk).get(reverse(name)).status_code == 200
