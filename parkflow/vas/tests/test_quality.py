"""R-VAS-3 (Art.16 "防止因增值服务质量不达标损害公司品牌"): every completed order is rated 1–5 by
the enterprise in the portal, once, with an optional comment; until then it shows as 待评价 in
the portal and in its handler's to-do list. The rule ``vas.poorly_rated`` flags a service whose
latest 10 rated orders (a parameter) average 3 or less (a parameter) and clears the alert when
the average recovers — one set-based query whatever the number of services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkflow.core import rules, todo
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import Alert
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import services
from ..choices import OrderStatus
from ..models import VasService
from .factories import completed, portal_order, rated, service_with_price

pytestmark = pytest.mark.django_db

RULE = "vas.poorly_rated"


def _open_alerts():
    return Alert.objects.filter(rule_code=RULE, status__in=("open", "acknowledged"))


def test_a_completed_order_is_rated_once_by_the_enterprise_in_the_portal(
    client, vas, tenant, tenant_user
):
    order = completed(vas, portal_order(tenant, service_with_price(vas), user=tenant_user))
    client.force_login(tenant_user)
    page = client.get(reverse("portal:vas_order", args=[order.pk])).content.decode()
    assert "请评价服务质量" in page
    assert "待评价" in client.get(reverse("portal:vas_orders")).content.decode()
    response = client.post(
        reverse("portal:vas_order_rate", args=[order.pk]),
        {"rate-rating": "4", "rate-comment": "及时专业"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.rating, order.rating_comment) == (4, "及时专业")
    with pytest.raises(Conflict) as refused:
        services.order_rate(actor=tenant_user, order=order, rating=5)
    assert refused.value.code == "already_rated"


def test_a_rating_is_one_to_five_from_the_enterprise_only(vas, tenant, tenant_user):
    order = completed(vas, portal_order(tenant, service_with_price(vas), user=tenant_user))
    for value in (0, 6, "5", True, None):
        with pytest.raises(ValidationFailed):
            services.order_rate(actor=tenant_user, order=order, rating=value)
    for person in (vas.clerk, vas.keeper, staff(Role.OFFICE_STAFF, vas.park)):
        with pytest.raises(PermissionDenied):
            services.order_rate(actor=person, order=order, rating=5)
    order.refresh_from_db()
    assert order.rating is None


def test_an_unrated_order_is_in_its_handlers_to_do_list_until_the_enterprise_rates_it(
    vas, tenant, tenant_user
):
    order = completed(vas, portal_order(tenant, service_with_price(vas), user=tenant_user))
    pending = [item for _source, item in todo.items(vas.clerk, todo.PENDING)]
    unrated = [item for item in pending if item.source == "vas.unrated"]
    assert [item.url for item in unrated] == [reverse("vas:order", args=[order.pk])]
    assert unrated[0].action_label == "请企业评价"
    services.order_rate(actor=tenant_user, order=order, rating=5)
    pending = [item for _source, item in todo.items(vas.clerk, todo.PENDING)]
    assert not [item for item in pending if item.source == "vas.unrated"]


def test_the_rule_flags_a_service_whose_last_ten_ratings_average_three_or_less_and_clears(
    vas, tenant, tenant_user
):
    made = service_with_price(vas, name="保洁深度清洁", category="facility", unit="次")
    good = service_with_price(vas, name="工商代办")
    for rating in (5, 5, 4):
        rated(vas, tenant, good, rating, user=tenant_user)
    for rating in (2, 3, 4, 3):  # average 3.0: at the threshold
        rated(vas, tenant, made, rating, user=tenant_user)
    rules.sweep_rule(RULE)
    alert = _open_alerts().get()
    assert alert.object_id == str(made.pk) and alert.park_id == vas.park.pk
    assert "最近 10 单评价平均 3.0 分" in alert.message
    # Recovery: good ratings lift the latest ten above three; the alert clears itself.
    for _n in range(3):
        rated(vas, tenant, made, 5, user=tenant_user)
    rules.sweep_rule(RULE)
    assert not _open_alerts().exists()
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_only_the_latest_ratings_count(vas, tenant, tenant_user):
    """Ten good ratings after five poor ones: the latest ten average 5, nothing is flagged,
    whatever the service's average over its whole history."""
    made = service_with_price(vas)
    for rating in (1, 1, 1, 1, 1, *([5] * 10)):
        rated(vas, tenant, made, rating, user=tenant_user)
    rules.sweep_rule(RULE)
    assert not _open_alerts().exists()


def test_the_rules_parameters_are_what_the_sweep_uses(vas, tenant, tenant_user):
    made = service_with_price(vas)
    for rating in (4, 4, 3):  # 3.67
        rated(vas, tenant, made, rating, user=tenant_user)
    rules.sweep_rule(RULE)
    assert not _open_alerts().exists()
    admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))
    rules.rule_setting_update(
        actor=admin, code=RULE, params={"average": 3.8, "last": 5}, reason="提高质量要求"
    )
    rules.sweep_rule(RULE)
    assert _open_alerts().get().object_id == str(made.pk)


def test_a_rating_re_checks_its_service_when_it_commits(
    vas, tenant, tenant_user, django_capture_on_commit_callbacks
):
    made = service_with_price(vas)
    for rating in (2, 2):
        rated(vas, tenant, made, rating, user=tenant_user)
    order = completed(vas, portal_order(tenant, made, user=tenant_user))
    with django_capture_on_commit_callbacks(execute=True):
        services.order_rate(actor=tenant_user, order=order, rating=1)
    assert _open_alerts().get().object_id == str(made.pk)


def test_the_sweep_is_one_set_based_query_whatever_the_number_of_services(vas, tenant, tenant_user):
    from ..rules import poorly_rated_services

    params = rules.params_for(RULE)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            list(poorly_rated_services(params, None))
        return len(captured)

    service_with_price(vas, name="服务一")
    few = queries()
    for n in range(6):
        made = service_with_price(vas, name=f"服务{n + 2}")
        rated(vas, tenant, made, 2, user=tenant_user)
    assert queries() == few == 1


def test_the_quality_page_highlights_the_flagged_service_with_its_chart(client, vas, tenant):
    from parkflow.enterprises.tests.factories import enterprise_user

    user = enterprise_user(tenant)
    made = service_with_price(vas, name="保洁深度清洁", category="facility", unit="次")
    good = service_with_price(vas, name="工商代办")
    for rating in (2, 1, 3):
        rated(vas, tenant, made, rating, user=user)
    rated(vas, tenant, good, 5, user=user)
    rules.sweep_rule(RULE)
    client.force_login(staff(Role.AUDITOR, vas.park))
    response = client.get(reverse("vas:quality"))
    html = response.content.decode()
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["保洁深度清洁"].flagged and not rows["工商代办"].flagged
    assert "质量偏低" in html and 'data-chart="chart-quality"' in html
    chart = response.context["chart"]
    assert chart["labels"][0] == "保洁深度清洁" and chart["values"][0] == 2.0
    assert chart["colors"][0] != chart["colors"][1]
    assert VasService.objects.count() == 2
    assert OrderStatus.COMPLETED in {o.status for o in made.orders.all()}
