"""Value-added services' part of seed_demo (vas/demo.py): a catalogue of eight services in each
park with an upcoming price change the portal announces, orders in every state — one entered by
staff waiting for ``ent_a``'s confirmation, one of ``ent_a``'s waiting for its rating — billed
once each by finance, and the poorly rated service flagged by the demo's own sweep."""

import pytest
from django.urls import reverse

from parkflow.billing.models import Bill
from parkflow.core import audit
from parkflow.core.models import Alert
from parkflow.core.tests.command_output import run_command
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.org.models import User

from .. import demo, selectors
from ..choices import OrderChannel, OrderStatus
from ..models import VasOrder, VasService

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_catalogue_orders_in_every_state_and_the_flagged_service(client):
    output = run_command("seed_demo")
    assert "增值服务：服务 16 项（待执行调价 1）" in output

    assert VasService.objects.count() == 16
    assert VasOrder.objects.count() == len(demo.ORDERS) == 30
    assert set(VasOrder.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert not VasOrder.objects.filter(
        status__in=(OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED),
        confirmed_at__isnull=True,
    ).exists()
    # Billed once each, by finance, at the snapshot price.
    billed = VasOrder.objects.filter(bill__isnull=False)
    assert Bill.objects.filter(source="vas_order").count() == billed.count() > 10
    assert all(order.bill.unit_price == order.unit_price for order in billed)

    ent_a = User.objects.get(username="ent_a")
    mine = VasOrder.objects.filter(enterprise__name=PORTAL_ENTERPRISE)
    waiting = mine.get(status=OrderStatus.PENDING_CONFIRMATION)
    assert waiting.channel == OrderChannel.STAFF
    assert mine.filter(status=OrderStatus.COMPLETED, rating__isnull=True).exists()
    client.force_login(ent_a)
    page = client.get(reverse("portal:vas_orders")).content.decode()
    assert "待您确认" in page and "待评价" in page
    catalogue = client.get(reverse("portal:vas_catalogue")).content.decode()
    assert "调价公示" in catalogue and "¥880.00" in catalogue

    flagged = Alert.objects.get(rule_code="vas.poorly_rated", status="open")
    cleaning = VasService.objects.get(pk=flagged.object_id)
    assert cleaning.name == demo.POORLY_RATED and cleaning.park.name == "苏州工业园A区"
    assert len(list(selectors.upcoming())) == 1
    assert audit.verify_chain().ok
    assert "0 opened" in run_command("sweep_rules")
