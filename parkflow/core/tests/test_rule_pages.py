"""R-MON-1: rules are listed with their articles; an administrator changes a parameter on the
page, the change is audited and takes effect at once; others cannot."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.models import Alert, AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import EmergencyContactFactory, OrgUnitFactory, staff

STALE = "org.emergency_contact_stale"


@pytest.fixture
def admin_user(db):
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory())


def test_every_registered_rule_is_listed_with_its_article_and_requirement(client, park):
    client.force_login(staff(Role.OFFICE_STAFF, park))
    html = client.get(reverse("core:rules")).content.decode()
    for rule in rules.REGISTRY.values():
        assert rule.code in html and rule.requirement in html
    assert reverse("core:rule_edit", args=[STALE]) not in html  # office staff may not configure


def test_an_administrator_changes_the_ninety_days_on_the_page_and_it_takes_effect(
    client, park, admin_user, django_capture_on_commit_callbacks
):
    contact = EmergencyContactFactory(
        unit=park, confirmed_at=timezone.now() - datetime.timedelta(days=40)
    )
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:rule_edit", args=[STALE]),
            {"max_age_days": "30", "enabled": "on", "reason": "领导小组决议"},
        )
    assert response.status_code == 302
    assert rules.params_for(STALE)["max_age_days"] == 30
    assert Alert.objects.get(rule_code=STALE).object_id == str(contact.pk)
    event = AuditEvent.objects.get(action="rule.configure")
    assert event.reason == "领导小组决议" and event.actor == admin_user


def test_a_negative_parameter_is_an_inline_error_and_changes_nothing(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("core:rule_edit", args=[STALE]),
        {"max_age_days": "-3", "enabled": "on", "reason": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["max_age_days"]
    assert rules.params_for(STALE)["max_age_days"] == 90
    assert not AuditEvent.objects.filter(action="rule.configure").exists()


def test_only_administrators_reach_the_edit_page(client, park):
    client.force_login(staff(Role.OFFICE_STAFF, park))
    assert client.get(reverse("core:rule_edit", args=[STALE])).status_code == 403


def test_an_unknown_rule_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("core:rule_edit", args=["no.such.rule"])).status_code == 404
