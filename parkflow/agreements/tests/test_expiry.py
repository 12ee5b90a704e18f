"""R-AGR-6: an agreement ending within N days (default 60) with no renewal started alerts the
enterprise's account manager; starting the renewal (or an amendment) clears it."""

import datetime

import pytest
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.models import Alert
from parkflow.enterprises.models import Enterprise

from .factories import draft, legally_approved, sign

pytestmark = pytest.mark.django_db
RULE = "agreements.expiring_without_renewal"


def _signed_until(org, days_left, enterprise=None):
    today = timezone.localdate()
    made = legally_approved(
        org,
        **({"enterprise": enterprise} if enterprise else {}),
        start_date=today - datetime.timedelta(days=300),
        end_date=today + datetime.timedelta(days=days_left),
    )
    return sign(org, made)


def test_r_agr_6_an_agreement_ending_in_60_days_without_renewal_alerts_its_account_manager(org):
    ending = _signed_until(org, 45)
    Enterprise.objects.filter(pk=ending.enterprise_id).update(account_manager=org.drafter)
    _signed_until(org, 120)  # not yet within the window
    rules.sweep_rule(RULE)
    alert = Alert.objects.get(rule_code=RULE)
    assert alert.object_id == str(ending.pk)
    assert alert.assignee_id == org.drafter.pk
    assert "尚未起草续签协议" in alert.message


def test_r_agr_6_starting_the_renewal_clears_the_alert(org):
    ending = _signed_until(org, 30)
    rules.sweep_rule(RULE)
    assert Alert.objects.get(rule_code=RULE).status == "open"
    draft(
        org,
        ending.enterprise,
        template=ending.template_version,
        start_date=ending.end_date + datetime.timedelta(days=1),
        end_date=ending.end_date + datetime.timedelta(days=365),
    )
    rules.sweep_rule(RULE)
    assert Alert.objects.get(rule_code=RULE).status == "resolved"
