"""Value-added services in the route policy table (``parkflow.core.tests.routes``): every staff
page, portal page and API route with each method it serves, on real objects of park A built
through the services. ``BUILDERS`` give the case makers park A's catalogue keeper and finance,
an enterprise in good standing (``w.vas_tenant()``, admitted through the real review) and its
portal user, a catalogue entry with a price in force, and orders in each state."""

import datetime

from django.utils import timezone

from parkflow.core.tests.routes import (
    ALLOWED,
    API,
    HIDDEN,
    OBJECT,
    PORTAL,
    REFUSED,
    STAFF,
    Case,
    Route,
)
from parkflow.org.choices import Role as R

SERVICE_MARKER = "甲园标记增值服务"
ORDER_MARKER = "甲园标记订单需求"


# ---------------------------------------------------------------------------------------------
# Builders


def _cached(w, key, make):
    if key not in w._cache:
        w._cache[key] = make()
    return w._cache[key]


def vas_keeper(w):
    """Park A's catalogue keeper (lead department)."""
    return _cached(w, "vas_keeper", lambda: w.staff(R.LEAD_STAFF))


def vas_finance(w):
    return _cached(w, "vas_finance", lambda: w.staff(R.FINANCE_STAFF))


def vas_tenant(w):
    """Park A's enterprise in good standing (R-ENT-5), admitted through the real review."""

    def make():
        from parkflow.enterprises.tests.factories import make_credit_code
        from parkflow.intake.tests.factories import (
            application_under_review,
            approve_round,
            review_panel,
        )

        review_panel(w.park)
        return approve_round(
            application_under_review(
                w.park,
                w.clerk(),
                name="甲园增值服务客户有限公司",
                credit_code=make_credit_code(98765),
            )
        )

    return _cached(w, "vas_tenant", make)


def vas_tenant_user(w):
    return _cached(w, "vas_tenant_user", lambda: w.enterprise_user(vas_tenant(w)))


def vas_service(w):
    """Park A's catalogue entry, its price in force for ten days."""
    from .factories import service_with_price

    class People:
        park = w.park
        keeper = vas_keeper(w)

    return _cached(w, "vas_service", lambda: service_with_price(People, name=SERVICE_MARKER))


def _place(w, actor, note):
    from decimal import Decimal

    from .. import services

    return services.order_place(
        actor=actor,
        enterprise=vas_tenant(w),
        service=vas_service(w),
        quantity=Decimal("2"),
        note=note,
    )


def vas_portal_order(w):
    """The tenant's own order in the portal: confirmed by construction."""
    return _cached(w, "vas_portal_order", lambda: _place(w, vas_tenant_user(w), ORDER_MARKER))


def vas_staff_order(w):
    """An order the clerk entered for the tenant: waiting for its confirmation."""
    return _cached(w, "vas_staff_order", lambda: _place(w, w.clerk(), ORDER_MARKER + "（代录）"))


def vas_running_order(w):
    from .. import services

    return _cached(
        w,
        "vas_running_order",
        lambda: services.order_start(actor=w.clerk(), order=vas_portal_order(w)),
    )


def vas_completed_order(w):
    from .. import services

    return _cached(
        w,
        "vas_completed_order",
        lambda: services.order_complete(
            actor=w.clerk(), order=vas_running_order(w), delivery_note="已交付"
        ),
    )


BUILDERS = {
    "vas_keeper": vas_keeper,
    "vas_finance": vas_finance,
    "vas_tenant": vas_tenant,
    "vas_tenant_user": vas_tenant_user,
    "vas_service": vas_service,
    "vas_portal_order": vas_portal_order,
    "vas_staff_order": vas_staff_order,
    "vas_running_order": vas_running_order,
    "vas_completed_order": vas_completed_order,
}


# ---------------------------------------------------------------------------------------------
# Staff pages


def _services(w):
    return Case(marker=vas_service(w).name)


def _service(w):
    return Case({"pk": vas_service(w).pk})


def _service_create(w):
    return Case(
        data={
            "POST": {
                "park": w.park.pk,
                "name": "知识产权申报",
                "category": "ip",
                "unit": "项",
                "description": "专利、商标申报代理。",
            }
        }
    )


def _service_edit(w):
    made = vas_service(w)
    return Case(
        {"pk": made.pk},
        data={
            "POST": {
                "name": made.name,
                "category": made.category,
                "unit": "件",
                "description": made.description,
                "is_active": "on",
            }
        },
    )


def _price_publish(w):
    made = vas_service(w)
    later = timezone.localdate() + datetime.timedelta(days=10)
    return Case(
        {"pk": made.pk},
        data={"POST": {"price": "880.00", "effective_from": later.isoformat(), "note": "调价"}},
    )


def _orders(w):
    made = vas_portal_order(w)
    return Case(marker=ORDER_MARKER, enterprise=made.enterprise)


def _order(w):
    made = vas_portal_order(w)
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _order_create(w):
    tenant, made = vas_tenant(w), vas_service(w)
    return Case(
        data={
            "POST": {
                "enterprise": tenant.pk,
                "service": made.pk,
                "quantity": "1",
                "note": "企业来电申请",
            }
        }
    )


def _order_start(w):
    made = vas_portal_order(w)
    return Case({"pk": made.pk, "step": "start"}, data={"POST": {}}, enterprise=made.enterprise)


def _quality(w):
    return Case(marker=vas_service(w).name)


# ---------------------------------------------------------------------------------------------
# The portal


def _portal(make_kwargs=None, data=None):
    def make(w):
        kwargs = make_kwargs(w) if make_kwargs else {}
        return Case(
            kwargs,
            data={"POST": data} if data is not None else None,
            enterprise=vas_tenant(w),
            actor=vas_tenant_user(w),
        )

    return make


def _portal_catalogue(w):
    # The catalogue is the park's, published to every enterprise of the park: no marker.
    return Case(enterprise=vas_tenant(w), actor=vas_tenant_user(w))


def _portal_orders(w):
    vas_portal_order(w)
    return Case(marker=ORDER_MARKER, enterprise=vas_tenant(w), actor=vas_tenant_user(w))


def _portal_order_create(w):
    made = vas_service(w)
    return Case(
        data={"POST": {"service": made.pk, "quantity": "1", "note": "下周"}},
        enterprise=vas_tenant(w),
        actor=vas_tenant_user(w),
    )


# ---------------------------------------------------------------------------------------------
# The API


# The catalogue and its prices are published to every enterprise of the park (R-VAS-1): another
# enterprise of park A sees them too, so the lists carry no marker; park B's staff must still
# not see park A at all (its name is on every row).


def _api_services(w):
    vas_service(w)
    return Case(
        data={
            "POST": {
                "park": w.park.pk,
                "name": "人才招聘",
                "category": "hr",
                "unit": "次",
                "description": "",
            }
        },
    )


def _api_prices(w):
    made = vas_service(w)
    later = timezone.localdate() + datetime.timedelta(days=8)
    return Case(
        data={"POST": {"service": made.pk, "price": "900.00", "effective_from": later.isoformat()}},
    )


def _api_orders(w):
    vas_portal_order(w)
    return Case(
        marker=ORDER_MARKER,
        data={
            "POST": {
                "enterprise": vas_tenant(w).pk,
                "service": vas_service(w).pk,
                "quantity": "1",
            }
        },
        enterprise=vas_tenant(w),
    )


def _api_order(builder, data=None, actor=None):
    def make(w):
        made = builder(w)
        return Case(
            {"pk": made.pk},
            data={"POST": data or {}},
            enterprise=made.enterprise,
            actor=actor(w) if actor else None,
        )

    return make


VIEW, PLACE, HANDLE = "vas_order.view", "vas_order.place", "vas_order.handle"

ROUTES = {
    # --- staff pages ------------------------------------------------------------------------
    "vas:services": Route(
        STAFF, {"GET": 200}, "vas_service.view", R.AUDITOR, _services, other_park=HIDDEN
    ),
    "vas:service_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "vas_service.manage",
        R.LEAD_STAFF,
        _service_create,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "vas:service": Route(STAFF, {"GET": 200}, "vas_service.view", R.AUDITOR, _service),
    "vas:service_edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "vas_service.manage", R.LEAD_STAFF, _service_edit
    ),
    "vas:price_publish": Route(
        STAFF, {"GET": 200, "POST": 302}, "vas_service.manage", R.LEAD_STAFF, _price_publish
    ),
    "vas:orders": Route(STAFF, {"GET": 200}, VIEW, R.AUDITOR, _orders, other_park=HIDDEN),
    "vas:order_export": Route(STAFF, {"GET": 200}, VIEW, R.AUDITOR, _orders, other_park=HIDDEN),
    "vas:order_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        PLACE,
        R.BUSINESS_STAFF,
        _order_create,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "vas:order": Route(STAFF, {"GET": 200}, VIEW, R.AUDITOR, _order),
    "vas:order_step": Route(STAFF, {"POST": 302}, HANDLE, R.BUSINESS_STAFF, _order_start),
    "vas:quality": Route(
        STAFF, {"GET": 200}, "vas_service.view", R.AUDITOR, _quality, other_park=HIDDEN
    ),
    # --- the portal -------------------------------------------------------------------------
    "portal:vas_catalogue": Route(PORTAL, {"GET": 200}, "vas_service.view", make=_portal_catalogue),
    "portal:vas_order_create": Route(
        PORTAL, {"GET": 200, "POST": 302}, PLACE, make=_portal_order_create
    ),
    "portal:vas_orders": Route(PORTAL, {"GET": 200}, VIEW, make=_portal_orders),
    "portal:vas_order": Route(
        PORTAL, {"GET": 200}, VIEW, make=_portal(lambda w: {"pk": vas_portal_order(w).pk})
    ),
    "portal:vas_order_confirm": Route(
        PORTAL,
        {"POST": 302},
        "vas_order.confirm",
        make=_portal(lambda w: {"pk": vas_staff_order(w).pk}, {}),
    ),
    "portal:vas_order_decline": Route(
        PORTAL,
        {"POST": 302},
        "vas_order.confirm",
        make=_portal(lambda w: {"pk": vas_staff_order(w).pk}, {"decline-reason": "暂不需要"}),
    ),
    "portal:vas_order_cancel": Route(
        PORTAL,
        {"POST": 302},
        "vas_order.cancel",
        make=_portal(lambda w: {"pk": vas_portal_order(w).pk}, {"cancel-reason": "计划有变"}),
    ),
    "portal:vas_order_rate": Route(
        PORTAL,
        {"POST": 302},
        "vas_order.rate",
        make=_portal(
            lambda w: {"pk": vas_completed_order(w).pk}, {"rate-rating": "5", "rate-comment": "好"}
        ),
    ),
    # --- the API ----------------------------------------------------------------------------
    "api:vas-service-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "vas_service.view", "POST": "vas_service.manage"},
        R.LEAD_STAFF,
        _api_services,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:vas-price-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "vas_service.view", "POST": "vas_service.manage"},
        R.LEAD_STAFF,
        _api_prices,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:vas-order-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": VIEW, "POST": PLACE},
        R.BUSINESS_STAFF,
        _api_orders,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:vas-order-detail": Route(
        API, {"GET": 200}, VIEW, R.AUDITOR, _api_order(vas_portal_order), other_park=OBJECT
    ),
    "api:vas-order-confirm": Route(
        API,
        {"POST": 200},
        "vas_order.confirm",
        None,
        _api_order(vas_staff_order, actor=vas_tenant_user),
    ),
    "api:vas-order-decline": Route(
        API,
        {"POST": 200},
        "vas_order.confirm",
        None,
        _api_order(vas_staff_order, {"reason": "不需要"}, actor=vas_tenant_user),
    ),
    "api:vas-order-start": Route(
        API, {"POST": 200}, HANDLE, R.BUSINESS_STAFF, _api_order(vas_portal_order)
    ),
    "api:vas-order-complete": Route(
        API,
        {"POST": 200},
        HANDLE,
        R.BUSINESS_STAFF,
        _api_order(vas_running_order, {"delivery_note": "已交付"}),
    ),
    "api:vas-order-bill": Route(
        API, {"POST": 200}, "vas_order.bill", R.FINANCE_STAFF, _api_order(vas_completed_order)
    ),
    "api:vas-order-cancel": Route(
        API,
        {"POST": 200},
        "vas_order.cancel",
        R.BUSINESS_STAFF,
        _api_order(vas_staff_order, {"reason": "录入有误"}),
    ),
    "api:vas-order-rate": Route(
        API,
        {"POST": 200},
        "vas_order.rate",
        None,
        _api_order(vas_completed_order, {"rating": 4, "comment": "及时"}, actor=vas_tenant_user),
    ),
}
