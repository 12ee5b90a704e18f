"""Templates (R-AGR-1), tariffs (R-AGR-5), the service catalogue (R-AGR-3) and the allowed
venues (R-AGR-2) through the API: each write is the service, refused in the one error shape."""

import datetime

import pytest

from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from ..choices import TemplateStatus
from ..gates import TEMPLATE_REVIEW
from ..models import Tariff, TemplateVersion, Venue
from .factories import approved_template, complete_clauses, today, venues
from .interfaces import API, api

pytestmark = pytest.mark.django_db


def test_a_template_is_drafted_reviewed_by_legal_and_versioned(org):
    venues()
    lead = api(org.lead)
    created = lead.post(
        f"{API}/agreement-templates/",
        {
            "park": org.park.pk,
            "name": "入驻模板",
            "kind": "residency",
            "clauses": complete_clauses(),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    version = created.json()
    assert version["status"] == TemplateStatus.DRAFT and version["number"] == 1
    versions = f"{API}/template-versions/{version['id']}/"
    clauses = complete_clauses(venue_kind="court", venue_name="苏州工业园区人民法院")
    assert lead.put(versions + "clauses/", {"clauses": clauses}, "json").status_code == 200
    submitted = lead.post(versions + "submit/", {}, "json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "in_review"
    # Legal decides through the kernel's review API; the template then is in force.
    (review,) = TEMPLATE_REVIEW.state(TemplateVersion.objects.get(pk=version["id"])).pending
    legal = api(org.legal)
    assert legal.post(f"{API}/reviews/{review.pk}/claim/", {}, "json").status_code == 200
    decided = legal.post(
        f"{API}/reviews/{review.pk}/decide/", {"decision": "approve", "opinion": "合规"}, "json"
    )
    assert decided.status_code == 200, decided.content
    detail = lead.get(versions).json()
    assert detail["status"] == TemplateStatus.APPROVED
    assert detail["gates"][0]["status"] == "passed"
    assert [c["venue_kind"] for c in detail["clauses"] if c["venue_kind"]] == ["court"]
    # A new draft version starts from the text in force; editing the approved one is refused.
    new = lead.post(f"{API}/agreement-templates/{version['template']}/versions/", {}, "json")
    assert new.status_code == 201 and new.json()["number"] == 2
    assert len(new.json()["clauses"]) == len(clauses)
    frozen = lead.put(versions + "clauses/", {"clauses": clauses}, "json")
    assert frozen.status_code == 409 and frozen.json()["code"] == "template_not_draft"
    # Legal's quarterly written opinion on the version in force.
    rereview = api(org.legal2).post(versions + "rereview/", {"opinion": "核心条款合规。"}, "json")
    assert rereview.status_code == 201, rereview.content
    assert rereview.json()["reviewer"]["id"] == org.legal2.pk


def test_an_incomplete_template_cannot_go_to_the_compliance_review(org):
    venues()
    clauses = [c for c in complete_clauses() if c["kind"] != "confidentiality"]
    created = api(org.lead).post(
        f"{API}/agreement-templates/",
        {"park": org.park.pk, "name": "缺条款模板", "kind": "residency", "clauses": clauses},
        format="json",
    )
    events = AuditEvent.objects.count()
    refused = api(org.lead).post(
        f"{API}/template-versions/{created.json()['id']}/submit/", {}, "json"
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "template_incomplete"
    assert "缺少必备条款：保密条款" in refused.json()["detail"]
    assert AuditEvent.objects.count() == events


def test_the_drafter_of_a_template_cannot_rereview_it(org):
    version = approved_template(org)
    from parkflow.org.tests.factories import grant_also

    grant_also(org.lead, Role.LEGAL_OFFICER, org.park)
    response = api(org.lead).post(
        f"{API}/template-versions/{version.pk}/rereview/", {"opinion": "自己复核"}, "json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "own_template"


def test_a_tariff_is_published_for_today_or_later_never_retroactively(org):
    client = api(org.lead)
    body = {"park": org.park.pk, "fee_kind": "rent", "unit": "sqm_month", "price": "85.00"}
    past = client.post(
        f"{API}/tariffs/",
        {**body, "effective_from": (today() - datetime.timedelta(days=1)).isoformat()},
        "json",
    )
    assert past.status_code == 400
    assert past.json()["requirement"] == "R-AGR-5"
    assert past.json()["field"] == "effective_from"
    assert not Tariff.objects.exists()
    published = client.post(
        f"{API}/tariffs/", {**body, "effective_from": today().isoformat()}, "json"
    )
    assert published.status_code == 201, published.content
    assert published.json()["unit_label"] == "元/平方米·月"
    listed = api(staff(Role.AUDITOR, org.park)).get(f"{API}/tariffs/", {"fee_kind": "rent"})
    assert [row["price"] for row in listed.json()["results"]] == ["85.00"]


def test_the_service_catalogue_is_kept_through_the_service(org):
    client = api(org.lead)
    created = client.post(
        f"{API}/service-items/",
        {"park": org.park.pk, "code": "SEC", "name": "安保服务", "required_for": ["residency"]},
        "json",
    )
    assert created.status_code == 201, created.content
    item = created.json()
    changed = client.patch(
        f"{API}/service-items/{item['id']}/", {"required_for": [], "name": "安保巡逻"}, "json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["required_for"] == [] and changed.json()["code"] == "SEC"
    duplicate = client.post(
        f"{API}/service-items/", {"park": org.park.pk, "code": "SEC", "name": "再来"}, "json"
    )
    assert duplicate.status_code == 400 and duplicate.json()["field"] == "code"
    assert AuditEvent.objects.filter(action="service_item.save").count() == 2


def test_the_allowed_venues_are_kept_by_headquarters_legal(org):
    venues()
    hq_legal = staff(Role.LEGAL_OFFICER, OrgUnitFactory(name="集团总部"))
    created = api(hq_legal).post(
        f"{API}/venues/", {"name": "上海国际仲裁中心", "kind": "arbitration"}, "json"
    )
    assert created.status_code == 201, created.content
    venue = created.json()
    # A park's legal officer reads the list but does not change it.
    park_legal = api(org.legal)
    names = {row["name"] for row in park_legal.get(f"{API}/venues/").json()["results"]}
    assert "上海国际仲裁中心" in names
    refused = park_legal.patch(f"{API}/venues/{venue['id']}/", {"is_active": False}, "json")
    assert refused.status_code == 403
    off = api(hq_legal).patch(f"{API}/venues/{venue['id']}/", {"is_active": False}, "json")
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert Venue.objects.get(pk=venue["id"]).is_active is False
