"""Value-added service test data, through the services: a park's catalogue keeper, front office
and finance; an enterprise in good standing (admitted through the real review, R-ENT-5); a
catalogue entry whose price has been in force for a while (published in the past, as the lead
time requires); orders placed in the portal or entered by staff, taken along their steps."""

import contextlib
import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from parkflow.core import clock
from parkflow.enterprises.tests.factories import enterprise_user, make_credit_code
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services

_SEQUENCE = itertools.count(1)


@contextlib.contextmanager
def at(moment: datetime.datetime):
    """Run what follows at ``moment``: ``core.clock.now`` — the only source of time — moves
    there and runs on (a price published in the past, an order placed last month)."""
    real = clock.now
    offset = moment - real()
    clock.now = lambda: real() + offset
    try:
        yield
    finally:
        clock.now = real


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


class Vas:
    """One park's people: the catalogue keeper (lead department), two front-office clerks and
    finance."""

    def __init__(self, park):
        self.park = park
        self.keeper = staff(Role.LEAD_STAFF, park, display_name="目录管理员")
        self.clerk = staff(Role.BUSINESS_STAFF, park, display_name="前台王磊")
        self.colleague = staff(Role.BUSINESS_STAFF, park, display_name="前台李娜")
        self.finance = staff(Role.FINANCE_STAFF, park, display_name="财务钱芳")
        self._panel = False

    def tenant(self, name=None):
        """An enterprise of the park admitted through the real admission review."""
        from parkflow.intake.tests.factories import (
            application_under_review,
            approve_round,
            review_panel,
        )

        if not self._panel:
            review_panel(self.park)
            self._panel = True
        n = next(_SEQUENCE)
        return approve_round(
            application_under_review(
                self.park,
                self.clerk,
                name=name or f"苏州增值测试{n}号科技有限公司",
                credit_code=make_credit_code(90000 + n),
            )
        )


def service_with_price(
    vas,
    *,
    name="工商代办",
    category="agency",
    unit="项",
    price="800.00",
    since_days=10,
    description="代办营业执照变更、年报等工商事项。",
):
    """A catalogue entry whose price was published ``since_days + 7`` days ago and has been in
    force for ``since_days`` days."""
    with at(days_ago(since_days + 7)):
        made = services.service_create(
            actor=vas.keeper,
            park=vas.park,
            name=name,
            category=category,
            unit=unit,
            description=description,
        )
        services.price_publish(
            actor=vas.keeper,
            service=made,
            price=Decimal(price),
            effective_from=clock.today() + datetime.timedelta(days=7),
        )
    made.refresh_from_db()
    return made


def portal_order(enterprise, service, *, user=None, quantity="1", note="请下周安排"):
    """An order the enterprise placed itself in the portal: confirmed by construction."""
    return services.order_place(
        actor=user or enterprise_user(enterprise),
        enterprise=enterprise,
        service=service,
        quantity=Decimal(quantity),
        note=note,
    )


def staff_order(vas, enterprise, service, *, quantity="1", note="企业来电申请"):
    """An order a clerk entered on the enterprise's behalf: waiting for its confirmation."""
    return services.order_place(
        actor=vas.clerk,
        enterprise=enterprise,
        service=service,
        quantity=Decimal(quantity),
        note=note,
    )


def completed(vas, order):
    order = services.order_start(actor=vas.clerk, order=order)
    return services.order_complete(actor=vas.clerk, order=order, delivery_note="已按约交付")


def rated(vas, enterprise, service, rating, *, user=None, comment=""):
    """A portal order, delivered and rated ``rating``."""
    user = user or enterprise_user(enterprise)
    order = completed(vas, portal_order(enterprise, service, user=user))
    return services.order_rate(actor=user, order=order, rating=rating, comment=comment)
