"""Intake's list pages run a number of queries that does not grow with their rows (issue 7 §6):
tariffs, spot checks, protected brands and conflict declarations (the application list and the
published results have theirs in ``test_pages_intake``)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import EnterpriseFactory, make_credit_code
from parkflow.intake.choices import BrandMatch
from parkflow.intake.models import (
    AdmissionFeeTariff,
    BrandFlag,
    ConflictDeclaration,
    ProtectedBrand,
    SpotCheckCampaign,
)
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, staff

_codes = iter(range(30_000, 40_000))


def _enterprises(park, count):
    Enterprise.objects.bulk_create(
        EnterpriseFactory.build(park=park, credit_code=make_credit_code(next(_codes)))
        for _ in range(count)
    )
    return list(Enterprise.objects.filter(park=park).order_by("pk"))[-count:]


def _get(client, user, name, most, django_assert_max_num_queries):
    client.force_login(user)
    client.get(reverse(name))  # warm up: rule settings, content types, sessions
    with django_assert_max_num_queries(most):
        response = client.get(reverse(name))
    assert response.status_code == 200
    return response


def _tariffs(park, rows):
    """``rows`` tariffs of the park, each published by someone else, one in force."""
    today = timezone.localdate()
    AdmissionFeeTariff.objects.bulk_create(
        AdmissionFeeTariff(
            park=park,
            amount=Decimal("1000.00") + i,
            effective_from=today + datetime.timedelta(days=i - rows // 2),
            published_at=timezone.now(),
            published_by=staff(Role.OFFICE_STAFF, park),
        )
        for i in range(rows)
    )
    return staff(Role.AUDITOR, park)


def _group_tariffs(park, rows):
    """A headquarters office (every park) over ``rows`` parks, each with its tariff in force
    and one announced (the summary cards and the publish form list every park)."""
    today = timezone.localdate()
    parks = [park, *(ParkFactory() for _ in range(rows - 1))]
    AdmissionFeeTariff.objects.bulk_create(
        AdmissionFeeTariff(
            park=unit,
            amount=Decimal("1000.00") + days,
            effective_from=today + datetime.timedelta(days=days),
            published_at=timezone.now(),
            published_by=staff(Role.OFFICE_STAFF, unit),
        )
        for unit in parks
        for days in (0, 30)
    )
    return staff(Role.OFFICE_STAFF, OrgUnitFactory())


def _spot_checks(park, rows):
    enterprises = _enterprises(park, 5)
    ids = [e.pk for e in enterprises]
    SpotCheckCampaign.objects.bulk_create(
        SpotCheckCampaign(
            quarter=f"{2000 + i}Q1",
            seed=str(i),
            population=ids,
            rate=Decimal("0.5"),
            sample=ids[:3],
            drawn_at=timezone.now(),
        )
        for i in range(rows)
    )
    return staff(Role.AUDITOR, park)


def _brands(park, rows):
    enterprises = _enterprises(park, rows)
    brands = ProtectedBrand.objects.bulk_create(
        ProtectedBrand(name=f"品牌{i}", owner=f"品牌{i}有限公司") for i in range(rows)
    )
    BrandFlag.objects.bulk_create(
        BrandFlag(
            enterprise=e,
            brand=b,
            matched_name=e.name,
            method=BrandMatch.EXACT,
            score=100,
            raised_at=timezone.now(),
        )
        for e, b in zip(enterprises, brands, strict=True)
    )
    return staff(Role.RISK_OFFICER, park)


def _conflicts(park, rows):
    declarant = staff(Role.BUSINESS_STAFF, park)
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(
            person=declarant, enterprise=e, reason="亲属任职", declared_at=timezone.now()
        )
        for e in _enterprises(park, rows)
    )
    return declarant


# page -> (rows of it, the context list they show, the most queries at 2 or 20 rows). Before
# i7-intakedemo a headquarters office's tariff page ran one query per park (31 for 20 parks):
# the publish check loaded each park's park to compare its id.
PAGES = {
    "intake:tariffs": (_tariffs, "tariffs", 9),
    "intake:tariffs group": (_group_tariffs, "tariffs", 11),
    "intake:spot_checks": (_spot_checks, "campaigns", 11),
    "intake:brands": (_brands, "brands", 8),
    "intake:conflicts": (_conflicts, "declarations", 7),
}


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_intake_list_pages_run_a_constant_number_of_queries(
    client, park, page, rows, django_assert_max_num_queries
):
    make, listed, most = PAGES[page]
    user = make(park, rows)
    response = _get(client, user, page.split()[0], most, django_assert_max_num_queries)
    assert len(response.context[listed]) >= 2
