"""R-VAS-2 (Art.16 "严禁强制推销增值服务，杜绝以服务名义收取不当费用"): an order the enterprise
places in the portal is confirmed by construction; one staff enter is not delivered nor billable
until the enterprise confirms it in the portal — no staff member can confirm it, through the
service, a page, the API or the admin; the database refuses a billable order without its
confirmation; a completed order is billed exactly once, at its snapshot price."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parkflow.billing.models import Bill
from parkflow.core import clock
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import services
from ..choices import OrderChannel, OrderStatus
from ..models import VasOrder
from .factories import at, completed, days_ago, portal_order, service_with_price, staff_order

pytestmark = pytest.mark.django_db


def _events():
    return AuditEvent.objects.count()


# ---------------------------------------------------------------------------------------------
# Placing an order


def test_an_order_the_enterprise_places_in_the_portal_is_confirmed_by_construction(
    vas, tenant, tenant_user
):
    made = service_with_price(vas)
    order = portal_order(tenant, made, user=tenant_user, quantity="2")
    assert order.channel == OrderChannel.PORTAL and order.status == OrderStatus.CONFIRMED
    assert order.confirmed_by == tenant_user and order.confirmed_at == order.placed_at
    assert (order.unit_price, order.amount) == (Decimal("800.00"), Decimal("1600.00"))
    event = AuditEvent.objects.get(action="vas_order.place", object_id=str(order.pk))
    assert event.after["channel"] == "portal" and event.after["status"] == "confirmed"


def test_an_order_staff_enter_waits_for_the_enterprise_and_cannot_be_delivered(vas, tenant):
    order = staff_order(vas, tenant, service_with_price(vas))
    assert order.channel == OrderChannel.STAFF
    assert order.status == OrderStatus.PENDING_CONFIRMATION and order.confirmed_at is None
    before = _events()
    with pytest.raises(Conflict) as refused:
        services.order_start(actor=vas.clerk, order=order)
    assert refused.value.requirement == "R-VAS-2"
    with pytest.raises(Conflict):
        services.order_complete(actor=vas.clerk, order=order)
    assert _events() == before
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_CONFIRMATION


def test_an_unconfirmed_staff_order_is_not_billable(vas, tenant):
    order = staff_order(vas, tenant, service_with_price(vas))
    before = _events()
    with pytest.raises(Conflict) as refused:
        services.order_bill(actor=vas.finance, order=order)
    assert refused.value.code == "not_confirmed" and refused.value.requirement == "R-VAS-2"
    assert not Bill.objects.exists() and _events() == before


def test_billing_asks_for_the_confirmation_even_when_the_status_column_says_completed(
    vas, tenant, monkeypatch
):
    """Defence in depth: were the database check and the state table both bypassed, the bill
    step still refuses an order without the enterprise's confirmation."""
    order = staff_order(vas, tenant, service_with_price(vas))
    order.status = OrderStatus.COMPLETED
    monkeypatch.setattr(services, "_locked", lambda order_: order)
    with pytest.raises(Conflict) as refused:
        services.order_bill(actor=vas.finance, order=order)
    assert refused.value.code == "not_confirmed"
    assert not Bill.objects.exists()


def test_the_database_refuses_a_billable_order_without_the_enterprises_confirmation(vas, tenant):
    order = staff_order(vas, tenant, service_with_price(vas))
    for status in (OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED):
        with pytest.raises(IntegrityError), transaction.atomic():
            VasOrder.objects.filter(pk=order.pk).update(status=status)


def test_the_database_keeps_an_orders_terms_and_never_deletes_it(vas, tenant):
    """Nobody turns a staff-entered order into a "portal" one, or reprices it, behind the
    services' back."""
    order = staff_order(vas, tenant, service_with_price(vas))
    for change in ({"channel": OrderChannel.PORTAL}, {"unit_price": Decimal("1")}):
        with pytest.raises(DatabaseError), transaction.atomic():
            VasOrder.objects.filter(pk=order.pk).update(**change)
    with pytest.raises(Conflict):
        order.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        VasOrder.objects.filter(pk=order.pk).delete()
    assert VasOrder.objects.filter(pk=order.pk, channel="staff").exists()


def test_the_unit_price_is_the_snapshot_of_the_price_in_force_on_the_order_date(
    vas, tenant, tenant_user
):
    made = service_with_price(vas, price="800.00", since_days=30)
    with at(days_ago(20)):
        services.price_publish(
            actor=vas.keeper,
            service=made,
            price=Decimal("900"),
            effective_from=clock.today() + datetime.timedelta(days=7),
        )
        earlier = portal_order(tenant, made, user=tenant_user)
    later = portal_order(tenant, made, user=tenant_user)
    services.price_publish(
        actor=vas.keeper,
        service=made,
        price=Decimal("990"),
        effective_from=timezone.localdate() + datetime.timedelta(days=7),
    )
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert (earlier.unit_price, later.unit_price) == (Decimal("800.00"), Decimal("900.00"))


def test_an_enterprise_not_in_good_standing_gets_no_value_added_service(vas):
    made = service_with_price(vas)
    prospect = EnterpriseFactory(park=vas.park)
    with pytest.raises(Conflict) as refused:
        services.order_place(
            actor=enterprise_user(prospect), enterprise=prospect, service=made, quantity=1
        )
    assert refused.value.requirement == "R-ENT-5"
    assert not VasOrder.objects.exists()


def test_another_parks_service_or_a_bad_quantity_is_refused(vas, tenant, tenant_user, other_park):
    from .factories import Vas

    elsewhere = service_with_price(Vas(other_park), name="乙园服务")
    with pytest.raises(ValidationFailed) as refused:
        portal_order(tenant, elsewhere, user=tenant_user)
    assert "service" in refused.value.errors
    made = service_with_price(vas)
    for quantity in ("0", "-1", "1.234", "abc", True, None):
        with pytest.raises(ValidationFailed) as refused:
            services.order_place(
                actor=tenant_user, enterprise=tenant, service=made, quantity=quantity
            )
        assert "quantity" in refused.value.errors


# ---------------------------------------------------------------------------------------------
# The enterprise's confirmation — and every staff attempt to give it


def test_the_enterprise_confirms_a_staff_order_in_the_portal_and_it_becomes_deliverable(
    client, vas, tenant, tenant_user
):
    order = staff_order(vas, tenant, service_with_price(vas))
    client.force_login(tenant_user)
    page = client.get(reverse("portal:vas_order", args=[order.pk])).content.decode()
    assert "园区工作人员为您登记了此订单" in page and "确认需要" in page
    response = client.post(reverse("portal:vas_order_confirm", args=[order.pk]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and order.confirmed_by == tenant_user
    assert services.order_start(actor=vas.clerk, order=order).status == OrderStatus.IN_PROGRESS


def test_the_enterprise_may_decline_and_a_declined_order_is_never_delivered_nor_billed(
    vas, tenant, tenant_user
):
    order = staff_order(vas, tenant, service_with_price(vas))
    order = services.order_decline(actor=tenant_user, order=order, reason="暂不需要")
    assert order.status == OrderStatus.DECLINED and order.decline_reason == "暂不需要"
    for attempt in (
        lambda: services.order_confirm(actor=tenant_user, order=order),
        lambda: services.order_start(actor=vas.clerk, order=order),
        lambda: services.order_bill(actor=vas.finance, order=order),
    ):
        with pytest.raises(Conflict):
            attempt()


def _staff_who_might_try(vas):
    hq = OrgUnitFactory(name="集团总部")
    return [
        vas.clerk,  # who entered it
        vas.keeper,
        vas.finance,
        staff(Role.OFFICE_STAFF, vas.park),
        staff(Role.PRINCIPAL, vas.park),
        staff(Role.SYSTEM_ADMIN, hq, is_staff=True, is_superuser=True),
    ]


def test_no_staff_member_can_confirm_for_the_enterprise_through_the_service(vas, tenant):
    order = staff_order(vas, tenant, service_with_price(vas))
    before = _events()
    for person in _staff_who_might_try(vas):
        with pytest.raises(PermissionDenied) as refused:
            services.order_confirm(actor=person, order=order)
        assert refused.value.requirement == "R-VAS-2"
        with pytest.raises(PermissionDenied):
            services.order_decline(actor=person, order=order, reason="代企业拒绝")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_CONFIRMATION and _events() == before


def test_no_staff_member_can_confirm_through_a_page(client, vas, tenant):
    order = staff_order(vas, tenant, service_with_price(vas))
    before = _events()
    for person in _staff_who_might_try(vas):
        client.force_login(person)
        # The staff order page has no confirm step …
        page = client.get(reverse("vas:order", args=[order.pk])).content.decode()
        assert "vas_order_confirm" not in page and 'data-step="confirm"' not in page
        step = client.post(reverse("vas:order_step", args=[order.pk, "confirm"]))
        assert step.status_code == 404
        # … and the portal's confirm page does not exist for staff.
        portal = client.post(reverse("portal:vas_order_confirm", args=[order.pk]))
        assert portal.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_CONFIRMATION and _events() == before


def test_no_staff_member_can_confirm_through_the_api(vas, tenant):
    order = staff_order(vas, tenant, service_with_price(vas))
    before = _events()
    url = reverse("api:vas-order-confirm", args=[order.pk])
    for person in _staff_who_might_try(vas):
        api = APIClient()
        api.force_authenticate(person)
        response = api.post(url, {}, format="json")
        assert response.status_code in (403, 404), person
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_CONFIRMATION and _events() == before


def test_no_staff_member_can_confirm_through_the_admin(client, vas, tenant):
    order = staff_order(vas, tenant, service_with_price(vas))
    admin_user = staff(
        Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"), is_staff=True, is_superuser=True
    )
    client.force_login(admin_user)
    change = reverse("admin:vas_vasorder_change", args=[order.pk])
    assert b'name="_save"' not in client.get(change).content
    response = client.post(
        change,
        {"status": "confirmed", "confirmed_by": admin_user.pk, "confirmed_at_0": "2026-11-29"},
    )
    assert response.status_code == 403
    changelist = client.get(reverse("admin:vas_vasorder_changelist"))
    assert b"delete_selected" not in changelist.content
    assert client.get(reverse("admin:vas_vasorder_add")).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_CONFIRMATION and order.confirmed_at is None


# ---------------------------------------------------------------------------------------------
# Delivery and billing: once, at the snapshot price


def test_a_completed_order_is_billed_once_by_finance_at_its_snapshot_price(
    vas, tenant, tenant_user
):
    order = completed(vas, portal_order(tenant, service_with_price(vas), user=tenant_user))
    assert order.status == OrderStatus.COMPLETED and order.bill is None
    with pytest.raises(PermissionDenied):
        services.order_bill(actor=vas.clerk, order=order)  # finance bills, not the front office
    order = services.order_bill(actor=vas.finance, order=order)
    bill = Bill.objects.get()
    assert order.bill == bill and order.billed_at is not None
    assert (bill.source, bill.source_key) == ("vas_order", str(order.pk))
    assert (bill.unit_price, bill.price_ceiling, bill.amount) == (
        Decimal("800.00"),
        Decimal("800.00"),
        Decimal("800.00"),
    )
    with pytest.raises(Conflict) as refused:
        services.order_bill(actor=vas.finance, order=order)
    assert refused.value.code == "duplicate_charge"
    assert Bill.objects.count() == 1


def test_the_state_table_refuses_every_step_out_of_order_and_writes_nothing(
    vas, tenant, tenant_user
):
    made = service_with_price(vas)
    order = completed(vas, portal_order(tenant, made, user=tenant_user))
    before = _events()
    for attempt in (
        lambda: services.order_start(actor=vas.clerk, order=order),
        lambda: services.order_complete(actor=vas.clerk, order=order),
        lambda: services.order_cancel(actor=vas.clerk, order=order, reason="改主意"),
        lambda: services.order_confirm(actor=tenant_user, order=order),
    ):
        with pytest.raises(Conflict):
            attempt()
    assert _events() == before
    running = services.order_start(
        actor=vas.clerk, order=portal_order(tenant, made, user=tenant_user)
    )
    before = _events()
    with pytest.raises(Conflict):
        services.order_cancel(actor=vas.clerk, order=running, reason="已开始不能取消")
    with pytest.raises(Conflict):
        services.order_rate(actor=tenant_user, order=running, rating=5)
    assert _events() == before


def test_the_enterprise_cancels_its_own_confirmed_order_but_declines_a_staff_one(
    vas, tenant, tenant_user
):
    made = service_with_price(vas)
    own = services.order_cancel(
        actor=tenant_user, order=portal_order(tenant, made, user=tenant_user), reason="计划有变"
    )
    assert own.status == OrderStatus.CANCELLED
    pending = staff_order(vas, tenant, made)
    with pytest.raises(Conflict) as refused:
        services.order_cancel(actor=tenant_user, order=pending, reason="不要")
    assert refused.value.code == "decline_instead"
    with pytest.raises(ValidationFailed):
        services.order_cancel(actor=vas.clerk, order=pending, reason="")


# ---------------------------------------------------------------------------------------------
# Another enterprise, another park


def _routes(order):
    """Every portal and API route of an order, with each method it serves."""
    pk = order.pk
    return [
        ("get", reverse("portal:vas_order", args=[pk]), {}),
        ("post", reverse("portal:vas_order_confirm", args=[pk]), {}),
        ("post", reverse("portal:vas_order_decline", args=[pk]), {"decline-reason": "x"}),
        ("post", reverse("portal:vas_order_cancel", args=[pk]), {"cancel-reason": "x"}),
        ("post", reverse("portal:vas_order_rate", args=[pk]), {"rate-rating": "1"}),
    ], [
        ("get", reverse("api:vas-order-detail", args=[pk]), {}),
        *(
            ("post", reverse(f"api:vas-order-{step}", args=[pk]), body)
            for step, body in (
                ("confirm", {}),
                ("decline", {"reason": "x"}),
                ("start", {}),
                ("complete", {}),
                ("bill", {}),
                ("cancel", {"reason": "x"}),
                ("rate", {"rating": 1}),
            )
        ),
    ]


def test_another_enterprise_cannot_see_or_act_on_an_order_by_any_route_or_method(
    client, vas, tenant, tenant_user, other_park
):
    from .factories import Vas

    made = service_with_price(vas)
    pending = staff_order(vas, tenant, made)
    done = completed(vas, portal_order(tenant, made, user=tenant_user))
    neighbour = vas.tenant(name="同园其他企业有限公司")
    strangers = [
        enterprise_user(neighbour),  # the same park
        enterprise_user(Vas(other_park).tenant(name="乙园企业有限公司")),  # another park
    ]
    before = _events()
    for stranger in strangers:
        client.force_login(stranger)
        api = APIClient()
        api.force_authenticate(stranger)
        for order in (pending, done):
            pages, endpoints = _routes(order)
            for method, url, body in pages:
                assert getattr(client, method)(url, body).status_code == 404, (stranger, url)
            for method, url, body in endpoints:
                status = getattr(api, method)(url, body, format="json").status_code
                assert status in (403, 404), (stranger, url, status)
        listed = client.get(reverse("portal:vas_orders")).content.decode()
        for order in (pending, done):
            assert reverse("portal:vas_order", args=[order.pk]) not in listed
        assert not api.get(reverse("api:vas-order-list")).json()["results"]
    for order in (pending, done):
        order.refresh_from_db()
    assert pending.status == OrderStatus.PENDING_CONFIRMATION
    assert done.rating is None and done.bill_id is None
    assert _events() == before


def test_staff_of_another_park_cannot_see_or_act_on_the_order(vas, tenant, other_park):
    order = staff_order(vas, tenant, service_with_price(vas))
    api = APIClient()
    api.force_authenticate(staff(Role.BUSINESS_STAFF, other_park))
    assert api.get(reverse("api:vas-order-detail", args=[order.pk])).status_code == 404
    assert (
        api.post(
            reverse("api:vas-order-cancel", args=[order.pk]), {"reason": "x"}, format="json"
        ).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_CONFIRMATION
