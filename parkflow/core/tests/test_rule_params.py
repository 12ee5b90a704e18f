"""Issue 6 §6: rule parameters have declared types and bounds checked by the service (page and
API), a value stored out of range falls back to the default with an alert, and one failing rule
never stops the others' sweep — it raises its own ``core.rule_failed`` alert instead."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.choices import AlertStatus
from parkflow.core.errors import ValidationFailed
from parkflow.core.models import Alert, AuditEvent, RuleSetting
from parkflow.org.choices import Role
from parkflow.org.tests.factories import EmergencyContactFactory, OrgUnitFactory, staff
from parkflow.testdomain.models import Errand
from parkflow.testdomain.tests.factories import submitted

# The test domain's rule: "days" is an int from 1 to 90, default 7, labelled 提交后天数.
ERRAND_STALE = "testdomain.errand_stale"
# Org's two contact rules: "missing" sorts before "stale" (and both before the test domain's).
MISSING = "org.emergency_contact_missing"
STALE = "org.emergency_contact_stale"
HUGE = 10_000_000_000


@pytest.fixture
def admin(db):
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    return client


def test_every_numeric_rule_parameter_declares_bounds_that_hold_its_default():
    for rule_ in rules.REGISTRY.values():
        for name, spec in rule_.param_specs.items():
            assert rule_.param_labels[name] != name, f"{rule_.code}.{name} has no label"
            if spec.type in (int, float):
                assert spec.min is not None and spec.max is not None, f"{rule_.code}.{name}"
                assert spec.min <= spec.default <= spec.max


def test_a_param_declared_out_of_its_own_range_is_a_programming_error():
    with pytest.raises(ValueError):
        rules.Param(int, 500, min=1, max=365, label="x")


@pytest.mark.parametrize("value", [HUGE, "10000000000", 0, -1, 91, 3.5, "三十", True, None, [30]])
def test_an_out_of_range_or_mistyped_parameter_is_refused_by_the_service(admin, value):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        rules.rule_setting_update(actor=admin, code=ERRAND_STALE, params={"days": value})
    message = exc.value.errors["days"][0]
    assert "提交后天数" in message and "1 到 90" in message
    assert rules.params_for(ERRAND_STALE)["days"] == 7
    assert AuditEvent.objects.count() == before


def test_the_api_answers_400_naming_the_parameter_and_its_range_and_writes_nothing(admin):
    before = AuditEvent.objects.count()
    response = _api(admin).post(
        f"/api/v1/rules/{ERRAND_STALE}/configure/",
        {"params": {"days": HUGE}, "reason": "试试"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == "days"
    assert "1 到 90" in body["errors"]["days"][0]
    assert body["requirement"] == "R-MON-1"
    assert rules.setting_for(ERRAND_STALE).params["days"] == 7
    assert AuditEvent.objects.count() == before
    bounds = _api(admin).get(f"/api/v1/rules/{ERRAND_STALE}/").json()["param_bounds"]
    assert bounds["days"] == {"type": "int", "min": 1, "max": 90}


def test_the_page_shows_the_range_error_inline_and_writes_nothing(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("core:rule_edit", args=[ERRAND_STALE]),
        {
            "days": str(HUGE),
            "serious_days": "14",
            "critical_days": "28",
            "enabled": "on",
            "reason": "试试",
        },
    )
    assert response.status_code == 200
    assert "1 到 90" in response.context["form"].errors["days"][0]
    assert rules.params_for(ERRAND_STALE)["days"] == 7
    assert not AuditEvent.objects.filter(action="rule.configure").exists()


def test_a_value_inside_the_bounds_is_saved_as_the_declared_type(admin):
    rules.rule_setting_update(actor=admin, code=ERRAND_STALE, params={"days": "60"})
    assert rules.setting_for(ERRAND_STALE).params["days"] == 60


def _failed_alert(code):
    setting = RuleSetting.objects.get(code=code)
    return Alert.objects.filter(
        rule_code=rules.RULE_FAILED, object_id=str(setting.pk), status__in=rules.ACTIVE
    ).first()


def _submitted_days_ago(park, days):
    made = submitted(park, title="消防通道检查")
    Errand.objects.filter(pk=made.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days)
    )
    return made


def test_a_value_stored_out_of_range_before_falls_back_to_the_default_and_raises_an_alert(
    park, admin
):
    _submitted_days_ago(park, 20)
    rules.setting_for(ERRAND_STALE)
    RuleSetting.objects.filter(code=ERRAND_STALE).update(params={"days": HUGE})
    results = rules.sweep_all()  # used to raise OverflowError and stop every rule
    assert results[ERRAND_STALE] == (1, 0)  # ran with the default 7 days
    alert = _failed_alert(ERRAND_STALE)
    assert alert is not None and alert.status == AlertStatus.OPEN
    assert "园区事项久未办结" in alert.message and "提交后天数" in alert.message
    # The administrator corrects it through the service: the alert resolves itself.
    rules.rule_setting_update(actor=admin, code=ERRAND_STALE, params={"days": 45})
    rules.sweep_all()
    assert _failed_alert(ERRAND_STALE) is None
    assert Alert.objects.filter(rule_code=rules.RULE_FAILED, status=AlertStatus.RESOLVED).exists()


def test_a_rule_that_raises_does_not_stop_the_others_and_opens_its_own_alert(park, monkeypatch):
    contact = EmergencyContactFactory(
        unit=park, confirmed_at=timezone.now() - datetime.timedelta(days=120)
    )
    made = _submitted_days_ago(park, 20)
    broken = rules.REGISTRY[MISSING]

    def explode(params, now):
        raise OverflowError("date value out of range")

    monkeypatch.setitem(
        rules.REGISTRY, MISSING, rules.Rule(**{**broken.__dict__, "violations": explode})
    )
    results = rules.sweep_all()
    assert results[MISSING] is None
    # The rules after the broken one (alphabetically) still ran.
    assert Alert.objects.get(rule_code=STALE).object_id == str(contact.pk)
    assert Alert.objects.get(rule_code=ERRAND_STALE).object_id == str(made.pk)
    alert = _failed_alert(MISSING)
    assert "OverflowError" in alert.message and "园区缺少应急联系人" in alert.message
    assert alert.severity == "high"
    monkeypatch.setitem(rules.REGISTRY, MISSING, broken)
    rules.sweep_all()
    assert _failed_alert(MISSING) is None


def test_the_sweep_command_reports_a_failed_rule_and_finishes(park, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    broken = rules.REGISTRY[ERRAND_STALE]
    monkeypatch.setitem(
        rules.REGISTRY,
        ERRAND_STALE,
        rules.Rule(**{**broken.__dict__, "violations": lambda p, n: 1 / 0}),
    )
    out, err = StringIO(), StringIO()
    call_command("sweep_rules", stdout=out, stderr=err)
    assert "FAILED" in err.getvalue()
    assert "1 failed" in out.getvalue()


def test_the_failure_alert_and_the_rules_page_show_which_rule_failed(client, park, admin):
    rules.setting_for(ERRAND_STALE)
    RuleSetting.objects.filter(code=ERRAND_STALE).update(params={"days": HUGE})
    rules.sweep_all()
    alert = _failed_alert(ERRAND_STALE)
    client.force_login(admin)
    page = client.get(reverse("core:rules")).content.decode()
    assert "上次运行失败" in page and "提交后天数" in page
    assert client.get(reverse("core:alert_list")).status_code == 200
    detail = client.get(reverse("core:alert_detail", args=[alert.pk]))
    assert detail.status_code == 200
    assert "园区事项久未办结" in detail.content.decode()
    # The edit page offers the default again, not the broken stored value.
    form = client.get(reverse("core:rule_edit", args=[ERRAND_STALE])).context["form"]
    assert form.initial["days"] == 7


def test_saving_a_parameter_of_a_rule_that_then_fails_is_no_500(
    client, admin, monkeypatch, django_capture_on_commit_callbacks
):
    """The re-sweep after the change used to raise out of the request after commit: a 500 page
    for a change that had in fact been saved."""
    broken = rules.REGISTRY[ERRAND_STALE]

    def explode(params, now):
        raise OverflowError("date value out of range")

    monkeypatch.setitem(
        rules.REGISTRY, ERRAND_STALE, rules.Rule(**{**broken.__dict__, "violations": explode})
    )
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:rule_edit", args=[ERRAND_STALE]),
            {
                "days": "60",
                "serious_days": "14",
                "critical_days": "28",
                "enabled": "on",
                "reason": "领导小组决议",
            },
        )
    assert response.status_code == 302
    assert rules.params_for(ERRAND_STALE)["days"] == 60
    assert AuditEvent.objects.filter(action="rule.configure").count() == 1
    assert _failed_alert(ERRAND_STALE) is not None  # the resweep noted the failure and raised it
