"""R-ENT-3: a sampled enterprise for which no reviewer can be drawn is recorded in the audit
trail, so the office sees the gap (it is not silently skipped)."""

from parkflow.core.models import AuditEvent, Review
from parkflow.core.tests.routes import World
from parkflow.intake import services as intake_services
from parkflow.org.models import User


def test_a_sampled_enterprise_without_an_eligible_reviewer_is_recorded(
    park, other_park, monkeypatch
):
    enterprise = World(park, other_park, monkeypatch).approved()
    User.objects.update(is_active=False)  # nobody left to review
    campaign = intake_services.spot_check_campaign_run(quarter="2026Q4", rate="1", seed="3")
    assert enterprise.pk in campaign.sample
    event = AuditEvent.objects.get(action="spot_check.unassigned")
    assert event.object_id == str(enterprise.pk)
    assert event.reason
    assert not Review.objects.filter(gate="enterprise.spot_check").exists()
