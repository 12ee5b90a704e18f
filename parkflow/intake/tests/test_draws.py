"""R-ENT-3: double-random review — a reproducible draw from the eligible pool, published results."""

import datetime

import pytest

from parkflow.core import gates, reviews
from parkflow.core.errors import Conflict
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import make_credit_code, prospect_create
from parkflow.intake import draws
from parkflow.intake import services as intake_services
from parkflow.intake.gates import ADMISSION, SPOT_CHECK
from parkflow.intake.models import PublishedResult, ReviewDraw
from parkflow.intake.tests.factories import application_under_review
from parkflow.org.choices import ComplianceKind, DepartmentKind, Role
from parkflow.org.models import ComplianceRecord
from parkflow.org.tests.factories import DepartmentFactory, OrgUnitFactory, grant_also, staff


@pytest.fixture
def reviewers(park):
    return [staff(Role.RISK_OFFICER, park, display_name=f"审查员{i}") for i in range(6)]


def test_the_same_seed_and_pool_always_give_the_same_reviewers():
    pool = [31, 7, 12, 44, 5, 19, 23]
    assert draws.draw(pool, 2, "20261127") == draws.draw(list(reversed(pool)), 2, "20261127")
    results = {tuple(draws.draw(pool, 2, str(seed))) for seed in range(50)}
    assert len(results) > 10, "different seeds must give different draws"


def test_a_recorded_draw_re_runs_to_the_same_result(park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    assert len(draw.selected) == 2
    assert intake_services.draw_rerun(draw) == draw.selected
    assigned = set(gates.reviews_of(enterprise, ADMISSION).values_list("assigned_to", flat=True))
    assert assigned == set(draw.selected)
    assert draw.pool == sorted(r.pk for r in reviewers)


def test_the_pool_excludes_the_account_manager(park, clerk, reviewers):
    grant_also(reviewers[0], Role.BUSINESS_STAFF, park)  # also an account manager
    enterprise = application_under_review(park, clerk, account_manager=reviewers[0])
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    assert reviewers[0].pk not in draw.pool
    assert "客户经理" in draw.excluded[str(reviewers[0].pk)]


def test_the_pool_excludes_the_submitter(park, reviewers):
    # A lead-department clerk who is also an eligible reviewer submits the application.
    submitter = staff(Role.LEAD_STAFF, park)
    enterprise = application_under_review(park, submitter)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    assert submitter.pk not in draw.pool
    assert submitter.pk not in draw.selected


def test_the_pool_excludes_declared_conflicts(park, clerk, reviewers):
    from parkflow.intake.tests.factories import upload_licence

    enterprise = prospect_create(
        actor=clerk, park=park, name="苏州利益冲突测试有限公司", credit_code=make_credit_code(99)
    )
    upload_licence(enterprise, clerk)
    services.enterprise_apply(actor=clerk, enterprise=enterprise)
    intake_services.conflict_declare(
        actor=reviewers[1], enterprise=enterprise, reason="曾任该企业顾问"
    )
    intake_services.enterprise_submit_for_review(actor=clerk, enterprise=enterprise)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    assert reviewers[1].pk not in draw.pool
    assert "利益冲突" in draw.excluded[str(reviewers[1].pk)]


def test_the_pool_excludes_staff_with_lapsed_compliance_status(park, clerk, reviewers):
    ComplianceRecord.objects.filter(user=reviewers[2], kind=ComplianceKind.COMMITMENT).update(
        completed_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )
    enterprise = application_under_review(park, clerk)
    draw = ReviewDraw.objects.get(enterprise=enterprise)
    assert reviewers[2].pk not in draw.pool
    assert "合规履职状态已失效" in draw.excluded[str(reviewers[2].pk)]


def test_the_pool_holds_reviewers_of_this_park_and_headquarters_only(
    park, other_park, clerk, reviewers
):
    elsewhere = staff(Role.RISK_OFFICER, other_park)
    hq_risk = DepartmentFactory(
        parent=OrgUnitFactory(), park=None, department_kind=DepartmentKind.RISK
    )
    headquarters = staff(Role.RISK_OFFICER, hq_risk)
    frontline = staff(Role.BUSINESS_STAFF, park)
    enterprise = application_under_review(park, clerk)
    pool = ReviewDraw.objects.get(enterprise=enterprise).pool
    assert headquarters.pk in pool
    assert elsewhere.pk not in pool and frontline.pk not in pool


def test_too_small_a_pool_refuses_the_submission_and_writes_nothing(park, clerk):
    staff(Role.RISK_OFFICER, park)  # one eligible reviewer, two needed
    with pytest.raises(Conflict) as exc:
        application_under_review(park, clerk)
    assert exc.value.code == "reviewer_pool_too_small"
    assert not ReviewDraw.objects.exists()


def test_both_drawn_reviewers_approve_then_the_result_is_published_without_opinions(
    park, clerk, reviewers
):
    enterprise = application_under_review(park, clerk)
    for review in gates.latest_round(enterprise, ADMISSION):
        reviews.decide(
            actor=review.assigned_to,
            review=review,
            decision="approve",
            opinion="内部意见：资料真实",
        )
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPROVED
    result = PublishedResult.objects.get(enterprise=enterprise)
    assert (result.enterprise_name, result.decision) == (enterprise.name, "approve")
    assert not hasattr(result, "opinion")


def test_a_rejected_application_can_be_corrected_and_resubmitted_keeping_history(
    park, clerk, reviewers
):
    enterprise = application_under_review(park, clerk)
    first = gates.latest_round(enterprise, ADMISSION)[0]
    reviews.decide(
        actor=first.assigned_to, review=first, decision="return", opinion="请补充财务报表"
    )
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.REJECTED
    services.enterprise_update(actor=clerk, enterprise=enterprise, registered_capital="900")
    services.enterprise_apply(actor=clerk, enterprise=enterprise)
    intake_services.enterprise_submit_for_review(actor=clerk, enterprise=enterprise)
    assert ReviewDraw.objects.filter(enterprise=enterprise).count() == 2
    assert {r.round for r in gates.reviews_of(enterprise, ADMISSION)} == {1, 2}
    assert PublishedResult.objects.filter(enterprise=enterprise, decision="return").exists()


def test_quarterly_spot_check_samples_admitted_enterprises_reproducibly(park, clerk, reviewers):
    from parkflow.enterprises.models import Enterprise
    from parkflow.enterprises.tests.factories import EnterpriseFactory

    admitted = [EnterpriseFactory(park=park) for _ in range(12)]
    Enterprise.objects.filter(pk__in=[e.pk for e in admitted]).update(
        status=EnterpriseStatus.RESIDENT
    )
    EnterpriseFactory(park=park)  # a prospect is not in the population
    campaign = intake_services.spot_check_campaign_run(quarter="2026Q4", rate="0.2", seed="42")
    assert campaign.population == sorted(e.pk for e in admitted)
    assert len(campaign.sample) == 3  # ceil(12 × 0.2)
    assert draws.draw(campaign.population, 3, "42") == campaign.sample
    assert (
        intake_services.spot_check_campaign_run(quarter="2026Q4") == campaign
    )  # idempotent per quarter
    assert gates.latest_round(Enterprise.objects.get(pk=campaign.sample[0]), SPOT_CHECK)


def test_the_spot_check_reviewers_follow_from_the_campaign_seed_and_exclude_whoever_ran_it(
    park, reviewers
):
    from parkflow.enterprises.models import Enterprise
    from parkflow.enterprises.tests.factories import EnterpriseFactory

    office = staff(Role.OFFICE_STAFF, park)
    admitted = [EnterpriseFactory(park=park) for _ in range(4)]
    Enterprise.objects.filter(pk__in=[e.pk for e in admitted]).update(
        status=EnterpriseStatus.RESIDENT
    )
    campaign = intake_services.spot_check_campaign_run(
        actor=office, quarter="2026Q4", rate="1", seed="7"
    )
    for draw in ReviewDraw.objects.filter(campaign=campaign):
        assert draw.seed == f"7:{draw.enterprise_id}"
        assert office.pk not in draw.pool
        assert intake_services.draw_rerun(draw) == draw.selected
