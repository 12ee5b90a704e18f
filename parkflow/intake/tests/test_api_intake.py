"""Admission fees, good standing and quarterly spot checks through the API (R-ENT-5,
R-ENT-3), and every intake route's rights at a glance (R-ORG-3, deny by default)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.intake import services as intake_services
from parkflow.intake.models import (
    AdmissionFee,
    AdmissionFeeTariff,
    ConflictDeclaration,
    QualificationDocument,
    ReviewDraw,
    SpotCheckCampaign,
)
from parkflow.intake.tests.factories import application_under_review, publish_tariff, upload_licence
from parkflow.intake.tests.intake_api import API, enterprise_url, writes
from parkflow.org.choices import Role
from parkflow.org.models import RoleAssignment
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import staff

TODAY = timezone.localdate


# --- admission fees (R-ENT-5) ----------------------------------------------------------------


def publish(client, park, amount="20000.00", effective_from=None):
    return client.post(
        f"{API}/admission-tariffs/",
        {
            "park": park.pk,
            "amount": amount,
            "effective_from": (effective_from or TODAY()).isoformat(),
        },
        format="json",
    )


def test_lead_staff_publish_a_tariff_and_staff_see_only_their_parks(park, other_park):
    response = publish(client_for(staff(Role.LEAD_STAFF, park)), park)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["park"], body["amount"], body["in_force"]) == (park.pk, "20000.00", True)
    publish_tariff(other_park, "5000")
    rows = client_for(staff(Role.FINANCE_STAFF, park)).get(f"{API}/admission-tariffs/").json()
    assert [r["park"] for r in rows["results"]] == [park.pk]


def test_a_later_tariff_replaces_the_one_in_force_only_from_its_date(park):
    client = client_for(staff(Role.LEAD_STAFF, park))
    publish(client, park, "20000.00")
    publish(client, park, "25000.00", TODAY() + datetime.timedelta(days=30))
    rows = client.get(f"{API}/admission-tariffs/").json()["results"]
    assert [(r["amount"], r["in_force"]) for r in rows] == [("25000.00", False), ("20000.00", True)]


def test_a_retroactive_tariff_is_400_naming_the_date(park):
    response = publish(
        client_for(staff(Role.LEAD_STAFF, park)),
        park,
        effective_from=TODAY() - datetime.timedelta(days=1),
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["effective_from"]
    assert not AdmissionFeeTariff.objects.exists()


def test_business_staff_cannot_publish_a_tariff_nor_for_another_park(park, other_park, clerk):
    assert publish(client_for(clerk), park).status_code == 403
    elsewhere = publish(client_for(staff(Role.LEAD_STAFF, park)), other_park)
    assert elsewhere.status_code == 400
    assert list(elsewhere.json()["errors"]) == ["park"]
    assert not AdmissionFeeTariff.objects.exists()


def test_charging_an_admission_fee_with_an_amount_is_400_naming_it(park, approved):
    publish_tariff(park, "20000")
    events = AuditEvent.objects.count()
    response = client_for(staff(Role.FINANCE_STAFF, park)).post(
        enterprise_url(approved, "charge-admission-fee"), {"amount": "1"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "amount"
    assert list(body["errors"]) == ["amount"]
    assert "已公布的收费标准" in body["errors"]["amount"][0]
    assert body["requirement"] == "R-ENT-5"
    assert not AdmissionFee.objects.exists()
    assert AuditEvent.objects.count() == events


def test_charging_an_admission_fee_takes_the_tariff_in_force(park, approved):
    publish_tariff(park, "20000")
    client = client_for(staff(Role.FINANCE_STAFF, park))
    response = client.post(enterprise_url(approved, "charge-admission-fee"))
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "20000.00"
    assert AdmissionFee.objects.get(enterprise=approved).amount == Decimal("20000.00")
    again = client.post(enterprise_url(approved, "charge-admission-fee"))
    assert again.status_code == 409
    assert AdmissionFee.objects.count() == 1


def test_charging_an_enterprise_not_in_good_standing_is_409(park, clerk, enterprise):
    publish_tariff(park, "20000")
    response = client_for(clerk).post(enterprise_url(enterprise, "charge-admission-fee"))
    assert response.status_code == 409
    assert response.json()["code"] == "enterprise_not_in_good_standing"
    assert not AdmissionFee.objects.exists()


# --- good standing (R-ENT-5) -----------------------------------------------------------------


def test_an_expired_licence_shows_in_the_standing_naming_the_document(park, clerk, approved):
    client = client_for(clerk)
    assert client.get(enterprise_url(approved, "standing")).json() == {
        "in_good_standing": True,
        "problems": [],
    }
    upload_licence(
        approved,
        clerk,
        valid_from=TODAY() - datetime.timedelta(days=400),
        valid_until=TODAY() - datetime.timedelta(days=1),
    )
    body = client.get(enterprise_url(approved, "standing")).json()
    assert body["in_good_standing"] is False
    assert any("营业执照（第2版）已于" in p and "过期" in p for p in body["problems"])
    own = client_for(enterprise_user(approved)).get(enterprise_url(approved, "standing"))
    assert own.json() == body


def test_standing_of_another_enterprise_is_404_for_enterprise_users(park, approved, enterprise):
    client = client_for(enterprise_user(enterprise))
    assert client.get(enterprise_url(approved, "standing")).status_code == 404
    assert client.get(enterprise_url(enterprise, "standing")).json()["in_good_standing"] is False


# --- quarterly spot checks (R-ENT-3) ---------------------------------------------------------


def test_office_staff_run_the_quarterly_spot_check_and_staff_list_it(park, other_park, approved):
    office = staff(Role.OFFICE_STAFF, park)
    client = client_for(office)
    response = client.post(f"{API}/spot-checks/run/", {"quarter": "2026Q4"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    campaign = SpotCheckCampaign.objects.get(quarter="2026Q4")
    assert (body["quarter"], body["seed"], body["population_size"]) == ("2026Q4", campaign.seed, 1)
    assert body["sample"] == [{"id": approved.pk, "name": approved.name}]
    again = client.post(f"{API}/spot-checks/run/", {"quarter": "2026Q4"}, format="json")
    assert again.json()["id"] == body["id"]  # one draw per quarter
    assert SpotCheckCampaign.objects.count() == 1
    listed = client.get(f"{API}/spot-checks/").json()["results"]
    assert [c["quarter"] for c in listed] == ["2026Q4"]
    # Staff of another park see the draw, but not the names of enterprises outside their scope.
    (outside,) = (
        client_for(staff(Role.AUDITOR, other_park)).get(f"{API}/spot-checks/").json()["results"]
    )
    assert (outside["sample_size"], outside["sample"]) == (1, [])


def test_spot_check_run_needs_the_right_and_a_well_formed_quarter(park, clerk, enterprise):
    assert client_for(clerk).post(f"{API}/spot-checks/run/", {}, format="json").status_code == 403
    office = client_for(staff(Role.OFFICE_STAFF, park))
    response = office.post(f"{API}/spot-checks/run/", {"quarter": "2026Q5"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["quarter"]
    assert client_for(enterprise_user(enterprise)).get(f"{API}/spot-checks/").status_code == 403
    assert not SpotCheckCampaign.objects.exists()


# --- routes and rights at a glance (R-ORG-3, deny by default) ---------------------------------


ROUTES = [
    ("get", "enterprises/{e}/documents/"),
    ("post", "enterprises/{e}/documents/"),
    ("get", "documents/{d}/"),
    ("get", "documents/{d}/download/"),
    ("get", "enterprises/{e}/draws/"),
    ("get", "draws/{r}/"),
    ("post", "draws/{r}/rerun/"),
    ("get", "published-results/"),
    ("get", "enterprises/{e}/brand-flags/"),
    ("get", "protected-brands/"),
    ("post", "protected-brands/"),
    ("get", "conflicts/"),
    ("post", "conflicts/{c}/withdraw/"),
    ("get", "admission-tariffs/"),
    ("post", "admission-tariffs/"),
    ("post", "enterprises/{e}/charge-admission-fee/"),
    ("get", "enterprises/{e}/standing/"),
    ("get", "spot-checks/"),
    ("post", "spot-checks/run/"),
]


@pytest.fixture
def intake_objects(park, clerk, reviewers):
    enterprise = application_under_review(park, clerk)
    return {
        "e": enterprise.pk,
        "d": QualificationDocument.objects.get(enterprise=enterprise).pk,
        "r": ReviewDraw.objects.get(enterprise=enterprise).pk,
        "c": intake_services.conflict_declare(
            actor=clerk, enterprise=enterprise, reason="亲属持股"
        ).pk,
    }


@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
def test_every_intake_route_is_401_for_anonymous_requests(intake_objects, method, route):
    before = writes()
    response = getattr(APIClient(), method)(f"{API}/{route.format(**intake_objects)}")
    assert response.status_code == 401
    assert writes() == before


OBJECT_ROUTES = [(m, r) for m, r in ROUTES if "{" in r]


@pytest.mark.parametrize(
    ("method", "route"), OBJECT_ROUTES, ids=[f"{m} {r}" for m, r in OBJECT_ROUTES]
)
def test_every_intake_route_on_another_parks_object_is_404_and_writes_nothing(
    other_park, intake_objects, method, route
):
    outsider = staff(Role.OFFICE_STAFF, other_park)
    for role in (Role.FINANCE_STAFF, Role.BUSINESS_STAFF, Role.LEAD_STAFF):
        RoleAssignment.objects.create(user=outsider, role=role, unit=other_park)
    before = writes(), ConflictDeclaration.objects.filter(withdrawn_at__isnull=True).count()
    response = getattr(client_for(outsider), method)(
        f"{API}/{route.format(**intake_objects)}", {}, format="json"
    )
    assert response.status_code == 404, response.content
    assert (
        writes(),
        ConflictDeclaration.objects.filter(withdrawn_at__isnull=True).count(),
    ) == before
