"""Templates (R-AGR-1), tariffs (R-AGR-5), service items (R-AGR-3) and venues (R-AGR-2) pages:
scoped, validated by the services, refusals shown with nothing written."""

import datetime

import pytest
from django.urls import reverse

from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import services
from ..choices import TemplateStatus
from ..models import ServiceItem, Tariff, Template, TemplateVersion, Venue
from .factories import ARBITRATION, Org, approved_template, complete_clauses, today, venues
from .routes_pages import clause_post

pytestmark = pytest.mark.django_db


def test_the_template_list_marks_a_lapsed_template_overdue(client, org, other_park):
    current = approved_template(org)
    lapsed = approved_template(org, kind="property", name="物业服务协议模板")
    lapsed.last_reviewed_on = today() - datetime.timedelta(days=200)
    lapsed.save(update_fields=["last_reviewed_on"])
    other = Org(other_park)
    approved_template(other, name="乙园模板")
    html = login(client, org.drafter).get(reverse("agreements:templates")).content.decode()
    assert current.template.name in html and "物业服务协议模板" in html
    assert "乙园模板" not in html
    assert html.count("逾期") >= 1 and "已启用" in html


def test_a_template_is_created_with_its_clauses(client, org):
    venues()
    login(client, org.lead)
    response = client.post(
        reverse("agreements:template_create"),
        {"park": org.park.pk, "name": "增值服务协议模板", "kind": "value_added", "note": ""}
        | clause_post(complete_clauses()),
    )
    version = TemplateVersion.objects.get(template__name="增值服务协议模板")
    assert response["Location"] == version.get_absolute_url()
    assert version.status == TemplateStatus.DRAFT and version.clauses.count() == 6


def test_a_template_without_its_dispute_venue_cannot_be_submitted(client, org):
    venues()
    clauses = complete_clauses()
    clauses[4]["venue_name"] = "不在名单的仲裁机构"
    version = services.template_create(
        actor=org.lead, park=org.park, name="入驻模板", kind="residency", clauses=clauses
    )
    login(client, org.lead)
    response = client.post(reverse("agreements:template_submit", args=[version.pk]))
    assert response.status_code == 409
    assert "不在允许的争议解决机构名单内" in response.content.decode()
    version.refresh_from_db()
    assert version.status == TemplateStatus.DRAFT


def test_legal_rereviews_a_template_on_its_page(client, org):
    version = approved_template(org)
    version.last_reviewed_on = today() - datetime.timedelta(days=200)
    version.save(update_fields=["last_reviewed_on"])
    login(client, org.legal2)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "复核逾期" in page and 'id="rereview-form"' in page
    response = client.post(
        reverse("agreements:template_rereview", args=[version.pk]),
        {"opinion": "核心条款符合现行规定。"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.last_reviewed_on == today()
    assert "核心条款符合现行规定" in client.get(version.get_absolute_url()).content.decode()


def test_the_drafter_of_a_template_sees_no_rereview_form(client, org):
    version = approved_template(org)
    html = login(client, org.lead).get(version.get_absolute_url()).content.decode()
    assert 'id="rereview-form"' not in html
    assert "新建版本" in html  # the lead may start the next version


def test_a_retroactive_tariff_is_refused_on_its_field(client, org):
    login(client, org.lead)
    response = client.post(
        reverse("agreements:tariffs"),
        {
            "park": org.park.pk,
            "fee_kind": "rent",
            "unit": "sqm_month",
            "price": "80",
            "effective_from": (today() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "收费标准不得追溯生效" in response.content.decode()
    assert not Tariff.objects.exists()


def test_tariffs_are_listed_per_kind_with_their_versions(client, org, other_park):
    for price, days in (("80", 0), ("85", 30)):
        services.tariff_publish(
            actor=org.lead,
            park=org.park,
            fee_kind="rent",
            unit="sqm_month",
            price=price,
            effective_from=today() + datetime.timedelta(days=days),
        )
    other = Org(other_park)
    services.tariff_publish(
        actor=other.lead,
        park=other_park,
        fee_kind="rent",
        unit="sqm_month",
        price="66.60",
        effective_from=today(),
    )
    html = login(client, org.drafter).get(reverse("agreements:tariffs")).content.decode()
    assert "¥80.00" in html and "¥85.00" in html and "现行" in html and "待生效" in html
    assert "¥66.60" not in html
    assert "publish-modal" not in html  # a drafter does not publish


def test_a_service_item_is_saved_with_the_kinds_that_require_it(client, org):
    login(client, org.lead)
    response = client.post(
        reverse("agreements:service_items"),
        {
            "park": org.park.pk,
            "code": "WY01",
            "name": "物业管理",
            "required_for": ["residency", "property"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    item = ServiceItem.objects.get(code="WY01")
    assert item.required_for == ["residency", "property"]
    html = client.get(reverse("agreements:service_items")).content.decode()
    assert "入驻服务协议" in html and "物业服务协议" in html


def test_park_staff_read_the_venues_and_only_headquarters_legal_keeps_them(client, org):
    venues()
    login(client, org.legal)  # a park's legal officer
    html = client.get(reverse("agreements:venues")).content.decode()
    assert ARBITRATION in html and "venue-modal" not in html
    refused = client.post(reverse("agreements:venues"), {"name": "某仲裁委", "kind": "arbitration"})
    assert refused.status_code == 403
    assert not Venue.objects.filter(name="某仲裁委").exists()
    hq_legal = staff(Role.LEGAL_OFFICER, OrgUnitFactory(name="集团总部"))
    login(client, hq_legal)
    response = client.post(
        reverse("agreements:venues"),
        {"name": "上海国际仲裁中心", "kind": "arbitration", "is_active": "on"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="venue.save").count() == 1


def test_the_sidebar_lists_the_agreement_pages(client, org):
    html = login(client, org.drafter).get(reverse("agreements:list")).content.decode()
    for label in ("服务协议", "协议台账", "协议模板", "收费标准", "服务项目", "争议解决机构"):
        assert label in html
    assert Template.objects.count() == 0
