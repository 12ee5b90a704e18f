"""R-VAS-1 (Art.16 "价格须提前公示"): a price takes effect at least N days (default 7, a parameter
an administrator changes) after it is published — the service refuses an earlier date on every
interface; a published price is never edited or deleted, a new version supersedes it; the price
in force on a date is the latest published version effective by then; the portal shows the
current price and the prices announced ahead of time."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parkflow.core import clock, rules
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import Alert, AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import selectors, services
from ..models import VasPrice, VasService
from .factories import at, days_ago, service_with_price

pytestmark = pytest.mark.django_db

LEAD_RULE = "vas.price_short_notice"


def _today():
    return timezone.localdate()


def _publish(vas, made, days, price="900.00"):
    return services.price_publish(
        actor=vas.keeper,
        service=made,
        price=Decimal(price),
        effective_from=_today() + datetime.timedelta(days=days),
    )


def _set_lead_days(days):
    admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    rules.rule_setting_update(
        actor=admin, code=LEAD_RULE, params={"lead_days": days}, reason="调整公示期"
    )


# ---------------------------------------------------------------------------------------------
# The lead time


def test_a_price_taking_effect_six_days_after_publication_is_refused_naming_the_lead_time(vas):
    made = service_with_price(vas)
    before = VasPrice.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _publish(vas, made, 6)
    assert refused.value.requirement == "R-VAS-1"
    assert list(refused.value.errors) == ["effective_from"]
    message = refused.value.errors["effective_from"][0]
    assert "至少提前 7 天公示" in message
    earliest = _today() + datetime.timedelta(days=7)
    assert f"{earliest.year}年{earliest.month}月{earliest.day}日" in message
    assert (VasPrice.objects.count(), AuditEvent.objects.count()) == before


def test_a_price_taking_effect_seven_days_after_publication_is_published_and_audited(vas):
    made = service_with_price(vas)
    version = _publish(vas, made, 7)
    assert version.effective_from == _today() + datetime.timedelta(days=7)
    assert version.published_on == _today() and version.published_by == vas.keeper
    event = AuditEvent.objects.get(action="vas_price.publish", object_id=str(version.pk))
    assert event.after["lead_days"] == 7
    assert event.before["price"] == "800.00"  # the price it will replace


def test_a_longer_lead_time_set_by_the_administrator_is_what_the_service_enforces(vas):
    made = service_with_price(vas)
    _set_lead_days(10)
    with pytest.raises(ValidationFailed) as refused:
        _publish(vas, made, 9)
    assert "至少提前 10 天公示" in refused.value.errors["effective_from"][0]
    assert _publish(vas, made, 10).effective_from == _today() + datetime.timedelta(days=10)


def test_a_shorter_lead_time_set_by_the_administrator_is_honoured_too(vas):
    made = service_with_price(vas)
    _set_lead_days(3)
    assert _publish(vas, made, 3).effective_from == _today() + datetime.timedelta(days=3)


def test_the_database_refuses_a_price_taking_effect_on_its_publication_day(vas):
    made = service_with_price(vas)
    with pytest.raises(IntegrityError), transaction.atomic():
        VasPrice.objects.create(
            service=made,
            price=Decimal("1"),
            effective_from=_today(),
            published_at=timezone.now(),
            published_on=_today(),
            published_by=vas.keeper,
        )


def test_the_price_page_explains_the_lead_time_and_refuses_an_earlier_date(client, vas):
    made = service_with_price(vas)
    client.force_login(vas.keeper)
    url = reverse("vas:price_publish", args=[made.pk])
    page = client.get(url).content.decode()
    earliest = _today() + datetime.timedelta(days=7)
    assert "至少提前 <strong>7 天</strong>公示" in page
    assert f"{earliest.year}年{earliest.month}月{earliest.day}日" in page
    response = client.post(
        url,
        {"price": "900", "effective_from": (earliest - datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "至少提前 7 天公示" in response.content.decode()
    assert not made.prices.filter(price=Decimal("900")).exists()


def test_the_api_refuses_an_early_price_with_the_field_and_the_requirement(vas):
    made = service_with_price(vas)
    api = APIClient()
    api.force_authenticate(vas.keeper)
    early = _today() + datetime.timedelta(days=6)
    response = api.post(
        reverse("api:vas-price-list"),
        {"service": made.pk, "price": "900.00", "effective_from": early.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["requirement"] == "R-VAS-1" and "effective_from" in body["errors"]
    later = early + datetime.timedelta(days=1)
    response = api.post(
        reverse("api:vas-price-list"),
        {"service": made.pk, "price": "900.00", "effective_from": later.isoformat()},
        format="json",
    )
    assert response.status_code == 201


def test_the_rule_flags_an_upcoming_price_announced_with_less_notice_than_the_lead_time(vas):
    """A price written behind the services' back (an import, the database) with three days'
    notice: the sweep flags it; a price published through the service is never flagged."""
    made = service_with_price(vas)
    good = _publish(vas, made, 7)
    short = VasPrice.objects.create(
        service=made,
        price=Decimal("990"),
        effective_from=_today() + datetime.timedelta(days=3),
        published_at=timezone.now(),
        published_on=_today(),
        published_by=vas.keeper,
    )
    rules.sweep_rule(LEAD_RULE)
    flagged = Alert.objects.filter(rule_code=LEAD_RULE, status="open")
    assert list(flagged.values_list("object_id", flat=True)) == [str(short.pk)]
    assert "公示期不足 7 天" in flagged.get().message
    assert not flagged.filter(object_id=str(good.pk)).exists()


# ---------------------------------------------------------------------------------------------
# Versions: never edited or deleted; the price in force


def test_a_published_price_is_never_edited_or_deleted(vas):
    made = service_with_price(vas)
    version = made.prices.get()
    with pytest.raises(Conflict) as refused:
        version.delete()
    assert refused.value.requirement == "R-VAS-1"
    for write in (
        lambda: VasPrice.objects.filter(pk=version.pk).update(price=Decimal("1")),
        lambda: VasPrice.objects.filter(pk=version.pk).delete(),
    ):
        with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the trigger's error
            write()
    version.refresh_from_db()
    assert version.price == Decimal("800.00")


def test_the_price_admin_and_api_offer_no_edit_and_no_delete(vas, client):
    made = service_with_price(vas)
    version = made.prices.get()
    admin_user = staff(
        Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"), is_staff=True, is_superuser=True
    )
    client.force_login(admin_user)
    change = reverse("admin:vas_vasprice_change", args=[version.pk])
    assert b'name="_save"' not in client.get(change).content
    assert client.post(change, {"price": "1"}).status_code == 403
    delete = reverse("admin:vas_vasprice_delete", args=[version.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    api = APIClient()
    api.force_authenticate(vas.keeper)
    url = reverse("api:vas-price-list") + f"{version.pk}/"
    for method in ("put", "patch", "delete"):
        assert getattr(api, method)(url, {"price": "1"}, format="json").status_code in (404, 405)
    version.refresh_from_db()
    assert version.price == Decimal("800.00")


def test_the_price_in_force_is_the_latest_published_version_effective_by_that_date(vas):
    made = service_with_price(vas, price="800.00", since_days=30)
    with at(days_ago(20)):
        services.price_publish(
            actor=vas.keeper,
            service=made,
            price=Decimal("850"),
            effective_from=clock.today() + datetime.timedelta(days=7),
        )
    upcoming = _publish(vas, made, 8, price="880.00")
    today = _today()
    assert selectors.price_in_force(made, today - datetime.timedelta(days=25)).price == 800
    assert selectors.price_in_force(made, today - datetime.timedelta(days=13)).price == 850
    assert selectors.price_in_force(made, today).price == 850
    assert selectors.price_in_force(made, upcoming.effective_from).price == 880
    assert list(selectors.upcoming(made.prices.all())) == [upcoming]
    states = [row.state for row in selectors.price_history(made)]
    assert states == ["upcoming", "current", "past"]


def test_a_later_version_supersedes_an_announced_one_from_its_own_date(vas):
    """Two versions announced: 900 from day 10, then 870 from day 8. From day 8 on the later
    publication is in force; the 900 version never is (the history says so)."""
    made = service_with_price(vas)
    first = _publish(vas, made, 10, price="900.00")
    second = _publish(vas, made, 8, price="870.00")
    assert selectors.price_in_force(made, first.effective_from).price == 870
    assert list(selectors.upcoming(made.prices.all())) == [second]
    history = {row.price.pk: row.state for row in selectors.price_history(made)}
    assert history[first.pk] == "superseded" and history[second.pk] == "upcoming"


# ---------------------------------------------------------------------------------------------
# Who keeps the catalogue


def test_only_the_catalogue_keepers_of_the_park_add_services_or_publish_prices(vas, other_park):
    made = service_with_price(vas)
    for outsider in (
        staff(Role.BUSINESS_STAFF, vas.park),
        staff(Role.FINANCE_STAFF, vas.park),
        staff(Role.LEAD_STAFF, other_park),
    ):
        with pytest.raises(PermissionDenied):
            services.service_create(
                actor=outsider, park=vas.park, name="新服务", category="agency", unit="项"
            )
        with pytest.raises(PermissionDenied):
            _publish(type("P", (), {"keeper": outsider}), made, 7)
    office = staff(Role.OFFICE_STAFF, vas.park)
    assert (
        services.service_create(
            actor=office, park=vas.park, name="新服务", category="agency", unit="项"
        ).name
        == "新服务"
    )


def test_a_service_name_is_unique_in_its_park_and_a_service_off_sale_cannot_be_ordered(
    vas, tenant, tenant_user
):
    made = service_with_price(vas)
    with pytest.raises(ValidationFailed) as refused:
        services.service_create(
            actor=vas.keeper, park=vas.park, name="工商代办", category="agency", unit="项"
        )
    assert "name" in refused.value.errors
    services.service_update(
        actor=vas.keeper,
        service=made,
        name=made.name,
        category=made.category,
        unit=made.unit,
        description=made.description,
        is_active=False,
    )
    with pytest.raises(ValidationFailed) as refused:
        services.order_place(actor=tenant_user, enterprise=tenant, service=made, quantity=1)
    assert "service" in refused.value.errors


def test_a_service_without_a_price_in_force_cannot_be_ordered_yet(vas, tenant, tenant_user):
    made = services.service_create(
        actor=vas.keeper, park=vas.park, name="人才招聘", category="hr", unit="次"
    )
    _publish(vas, made, 7)
    with pytest.raises(Conflict) as refused:
        services.order_place(actor=tenant_user, enterprise=tenant, service=made, quantity=1)
    assert refused.value.code == "no_price_in_force"


# ---------------------------------------------------------------------------------------------
# The portal shows it ahead of time


@time_machine.travel(datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC), tick=False)
def test_the_portal_shows_the_current_price_and_the_upcoming_one_ahead_of_time(
    client, vas, tenant, tenant_user, other_park
):
    made = service_with_price(vas, name="保洁深度清洁", category="facility", unit="次")
    services.price_publish(
        actor=vas.keeper,
        service=made,
        price=Decimal("1200"),
        effective_from=datetime.date(2026, 12, 8),
    )
    from .factories import Vas

    elsewhere = service_with_price(Vas(other_park), name="乙园专属服务")
    client.force_login(tenant_user)
    page = client.get(reverse("portal:vas_catalogue")).content.decode()
    assert "保洁深度清洁" in page and "¥800.00" in page
    assert "2026年12月8日起 ¥1,200.00" in page
    assert elsewhere.name not in page  # another park's catalogue is not this enterprise's
    staff_page = client.get(reverse("vas:services"))
    assert staff_page.status_code == 404


def test_the_api_catalogue_of_an_enterprise_user_is_its_own_parks_services_on_sale(
    vas, tenant_user, other_park
):
    from .factories import Vas

    made = service_with_price(vas)
    service_with_price(Vas(other_park), name="乙园专属服务")
    stopped = service_with_price(vas, name="已停售服务")
    VasService.objects.filter(pk=stopped.pk).update(is_active=False)
    api = APIClient()
    api.force_authenticate(tenant_user)
    rows = api.get(reverse("api:vas-service-list")).json()["results"]
    assert [row["name"] for row in rows] == [made.name]
    assert rows[0]["current_price"] == "800.00"
    assert (
        api.post(
            reverse("api:vas-service-list"),
            {"park": vas.park.pk, "name": "自建", "category": "agency", "unit": "项"},
            format="json",
        ).status_code
        == 403
    )
