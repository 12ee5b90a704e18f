"""The anti-favouritism analysis (R-RES-5, 小圈子): per staff member and period, how often they
granted above entitlement and to whom; repeated staff–enterprise pairs highlighted; the share
going to the top three enterprises; scoped to the analyst's parks; the export audited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import staff

from .. import services
from ..gates import RISK_REVIEW
from .factories import Org, admitted, at, book, decide_all, unit

pytestmark = pytest.mark.django_db


def _grant_above(org, enterprise, reviewer, code, days=5):
    """A unit request above entitlement (grade B has none), granted by ``reviewer``."""
    made = book(
        org,
        enterprise,
        unit(org, code=code),
        at(days),
        hours=24 * 30,
        purpose="扩租办公",
        justification=f"{enterprise.name}新项目扩编",
    )
    return decide_all(made, RISK_REVIEW, reviewer)


@pytest.fixture
def grants(org):
    """风控甲 grants 星河 twice and 云帆 once above entitlement; 风控乙 grants 海川 once and
    one unit within entitlement (grade A's area entitlement)."""
    services.entitlement_save(
        actor=org.keeper, park=org.park, grade="a", kind="unit", max_area="500"
    )
    xinghe = admitted(org, name="苏州星河半导体有限公司")
    yunfan = admitted(org, name="苏州云帆智能科技有限公司")
    haichuan = admitted(org, name="苏州海川生物医药有限公司")
    within = admitted(org, grade="a", name="苏州明德精密制造有限公司")
    _grant_above(org, xinghe, org.risk, "A-1")
    _grant_above(org, xinghe, org.risk, "A-2")
    _grant_above(org, yunfan, org.risk, "A-3")
    _grant_above(org, haichuan, org.risk2, "A-4")
    ok = book(org, within, unit(org, code="A-5"), at(5), hours=24 * 30, purpose="办公")
    assert not ok.above_entitlement
    decide_all(ok, RISK_REVIEW, org.risk2)
    return {"xinghe": xinghe, "yunfan": yunfan, "haichuan": haichuan}


def test_the_analysis_counts_per_staff_member_flags_repeated_pairs_and_concentration(
    client, org, grants
):
    login(client, staff(Role.AUDITOR, org.park))
    response = client.get(reverse("resources:analysis"))
    assert response.status_code == 200
    analysis = response.context["analysis"]
    assert (analysis.total, analysis.above) == (5, 4)
    rows = {row.name: row for row in analysis.staff}
    assert (rows["风控甲"].total, rows["风控甲"].above, rows["风控甲"].repeated) == (3, 3, True)
    assert (rows["风控乙"].total, rows["风控乙"].above, rows["风控乙"].repeated) == (2, 1, False)
    assert [(p["staff"], p["enterprise"], p["count"]) for p in analysis.pairs] == [
        ("风控甲", "苏州星河半导体有限公司", 2)
    ]
    assert analysis.concentration == 1.0  # three enterprises hold every above-entitlement grant
    assert response.context["concentration"] == 100
    page = response.content.decode()
    assert "pair-flag-row" in page and 'data-chart="chart-staff"' in page
    assert "苏州星河半导体有限公司新项目扩编" in page  # the written justification, for the audit


def test_the_analysis_is_for_the_period_chosen(client, org, grants):
    login(client, staff(Role.AUDITOR, org.park))
    form_choices = client.get(reverse("resources:analysis")).context["form"].fields["period"]
    last_year = form_choices.choices[1][1][-1][0]  # the oldest quarter offered
    response = client.get(reverse("resources:analysis"), {"period": last_year})
    assert response.context["analysis"].above == 0


def test_the_analysis_is_scoped_and_only_for_analysts(client, org, grants, other_park):
    login(client, staff(Role.AUDITOR, other_park))
    response = client.get(reverse("resources:analysis"))
    assert response.context["analysis"].total == 0
    assert "苏州星河半导体有限公司" not in response.content.decode()
    login(client, staff(Role.BUSINESS_STAFF, org.park))
    assert client.get(reverse("resources:analysis")).status_code == 403


def test_the_export_for_the_audit_committee_is_complete_and_audited(client, org, grants):
    login(client, staff(Role.AUDITOR, org.park))
    response = client.get(reverse("resources:analysis_export"))
    assert response.status_code == 200
    book_ = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book_.sheetnames == ["按审批人", "重复组合", "集中度", "超权益分配明细"]
    pairs = list(book_["重复组合"].iter_rows(min_row=2, values_only=True))
    assert pairs == [("风控甲", "苏州星河半导体有限公司", 2)]
    detail = list(book_["超权益分配明细"].iter_rows(min_row=2, values_only=True))
    assert len(detail) == 4 and all(row[7] for row in detail)  # each with its justification
    event = AuditEvent.objects.get(action="resource.analysis_export")
    assert event.after["count"] == 4


def test_the_reviewer_sees_the_enterprises_earlier_above_entitlement_grants(client, org, grants):
    made = book(
        org,
        grants["xinghe"],
        unit(org, code="A-9"),
        at(40),
        hours=24 * 30,
        purpose="再扩租",
        justification="第三次扩租",
    )
    from parkflow.core.models import Review

    review = Review.objects.get(object_id=made.pk, gate=RISK_REVIEW.code)
    login(client, org.risk2)
    page = client.get(reverse("core:review_detail", args=[review.pk])).content.decode()
    assert 'id="review-request-panel"' in page
    assert "风控甲（2）" in page


def test_an_other_parks_grant_is_not_counted(client, org, other_park, grants):
    other = Org(other_park)
    _grant_above(other, admitted(other, name="乙园企业"), other.risk, "X-1")
    login(client, staff(Role.AUDITOR, org.park))
    assert client.get(reverse("resources:analysis")).context["analysis"].above == 4
