"""The staff pages, the portal pages and the API lists of value-added services: what they show,
the steps they offer, the export (scoped, filtered, audited), and list queries that do not grow
with the number of rows (3 and 30)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services
from ..choices import OrderStatus
from ..models import VasOrder
from .factories import Vas, completed, portal_order, service_with_price, staff_order

pytestmark = pytest.mark.django_db


def _orders(vas, tenant, user, rows):
    """``rows`` orders of the tenant over three services, in mixed states."""
    made = [service_with_price(vas, name=f"服务{n}") for n in range(3)]
    for n in range(rows):
        service = made[n % 3]
        if n % 3 == 0:
            staff_order(vas, tenant, service)
        elif n % 3 == 1:
            completed(vas, portal_order(tenant, service, user=user))
        else:
            portal_order(tenant, service, user=user)
    return made


@pytest.mark.parametrize("rows", [3, 30])
def test_the_order_list_runs_a_constant_number_of_queries(
    client, vas, tenant, tenant_user, rows, django_assert_max_num_queries
):
    _orders(vas, tenant, tenant_user, rows)
    client.force_login(vas.clerk)
    url = reverse("vas:orders")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["orders"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_catalogue_runs_a_constant_number_of_queries(
    client, vas, rows, django_assert_max_num_queries
):
    for n in range(rows):
        made = service_with_price(vas, name=f"服务{n}")
        services.price_publish(
            actor=vas.keeper,
            service=made,
            price=Decimal("900"),
            effective_from=timezone.localdate() + datetime.timedelta(days=8),
        )
    client.force_login(vas.keeper)
    url = reverse("vas:services")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    services_shown = list(response.context["services"])
    assert len(services_shown) == min(rows, 20)
    assert all(len(row.upcoming_prices) == 1 for row in services_shown)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_portal_order_list_and_catalogue_run_a_constant_number_of_queries(
    client, vas, tenant, tenant_user, rows, django_assert_max_num_queries
):
    _orders(vas, tenant, tenant_user, rows)
    client.force_login(tenant_user)
    for name in ("portal:vas_orders", "portal:vas_catalogue"):
        url = reverse(name)
        client.get(url)
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_the_api_lists_run_a_constant_number_of_queries(
    vas, tenant, tenant_user, rows, django_assert_max_num_queries
):
    _orders(vas, tenant, tenant_user, rows)
    api = APIClient()
    api.force_authenticate(vas.clerk)
    for name in ("api:vas-order-list", "api:vas-service-list", "api:vas-price-list"):
        api.get(reverse(name))
        with django_assert_max_num_queries(10):
            assert api.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_the_quality_page_runs_a_constant_number_of_queries(
    client, vas, tenant, tenant_user, rows, django_assert_max_num_queries
):
    _orders(vas, tenant, tenant_user, rows)
    client.force_login(vas.keeper)
    url = reverse("vas:quality")
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_the_order_list_shows_coloured_states_and_filters(client, vas, tenant, tenant_user):
    made = service_with_price(vas)
    staff_order(vas, tenant, made, note="甲园代录")
    completed(vas, portal_order(tenant, made, user=tenant_user, note="甲园完成"))
    client.force_login(vas.clerk)
    html = client.get(reverse("vas:orders")).content.decode()
    assert "tag-warning" in html and "待企业确认" in html and "待评价" in html
    pending = client.get(reverse("vas:orders"), {"status": "pending_confirmation"})
    assert "甲园代录" in pending.content.decode() and "甲园完成" not in pending.content.decode()
    htmx = client.get(
        reverse("vas:orders"),
        {"unrated": "on"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="order-table",
    ).content.decode()
    assert "甲园完成" in htmx and "甲园代录" not in htmx and "<html" not in htmx


def test_the_export_is_scoped_filtered_and_audited(client, vas, tenant, tenant_user, other_park):
    made = service_with_price(vas)
    staff_order(vas, tenant, made, note="甲园代录")
    portal_order(tenant, made, user=tenant_user, note="甲园门户")
    elsewhere = Vas(other_park)
    portal_order(
        elsewhere_tenant := elsewhere.tenant(),
        service_with_price(elsewhere),
        user=enterprise_user(elsewhere_tenant),
        note="乙园门户",
    )
    client.force_login(vas.clerk)
    before = AuditEvent.objects.count()
    response = client.get(reverse("vas:order_export"), {"channel": "portal"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "甲园门户" in cells and "甲园代录" not in cells and "乙园门户" not in cells
    assert "企业门户下单" in cells
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "vas_order.export"


def test_the_order_page_shows_the_timeline_and_only_the_steps_the_user_may_take(
    client, vas, tenant, tenant_user
):
    order = portal_order(tenant, service_with_price(vas), user=tenant_user)
    client.force_login(vas.clerk)
    html = client.get(reverse("vas:order", args=[order.pk])).content.decode()
    assert 'data-step="start"' in html and 'data-step="cancel"' in html
    assert 'data-step="bill"' not in html and "data-confirm" in html
    assert "增值服务下单" in html  # the timeline names the step in Chinese
    client.force_login(staff(Role.AUDITOR, vas.park))
    html = client.get(reverse("vas:order", args=[order.pk])).content.decode()
    assert "data-step=" not in html


def test_a_step_refused_by_its_service_shows_the_reason_and_changes_nothing(client, vas, tenant):
    order = staff_order(vas, tenant, service_with_price(vas))
    client.force_login(vas.clerk)
    response = client.post(reverse("vas:order_step", args=[order.pk, "start"]))
    assert response.status_code == 409
    assert "须经企业在门户确认" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_CONFIRMATION


def test_staff_enter_an_order_on_the_enterprises_behalf_from_the_page(client, vas, tenant):
    made = service_with_price(vas)
    client.force_login(vas.clerk)
    page = client.get(reverse("vas:order_create")).content.decode()
    assert tenant.name in page and "¥800.00/项" in page
    response = client.post(
        reverse("vas:order_create"),
        {"enterprise": tenant.pk, "service": made.pk, "quantity": "2", "note": "来电"},
    )
    order = VasOrder.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{order.pk}/")
    assert order.status == OrderStatus.PENDING_CONFIRMATION and order.placed_by == vas.clerk


def test_the_portal_order_form_preselects_the_service_and_places_a_confirmed_order(
    client, vas, tenant, tenant_user
):
    made = service_with_price(vas)
    client.force_login(tenant_user)
    page = client.get(reverse("portal:vas_order_create"), {"service": made.pk})
    assert f'value="{made.pk}" selected' in page.content.decode()
    response = client.post(
        reverse("portal:vas_order_create"), {"service": made.pk, "quantity": "1", "note": ""}
    )
    assert response.status_code == 302
    assert VasOrder.objects.get().status == OrderStatus.CONFIRMED


def test_finance_bills_from_the_order_page(client, vas, tenant, tenant_user):
    order = completed(vas, portal_order(tenant, service_with_price(vas), user=tenant_user))
    client.force_login(vas.finance)
    assert 'data-step="bill"' in client.get(reverse("vas:order", args=[order.pk])).content.decode()
    assert client.post(reverse("vas:order_step", args=[order.pk, "bill"])).status_code == 302
    order.refresh_from_db()
    assert order.bill is not None
    html = client.get(reverse("vas:order", args=[order.pk])).content.decode()
    assert order.bill.number in html and 'data-step="bill"' not in html
