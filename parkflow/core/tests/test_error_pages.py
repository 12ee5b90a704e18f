"""With DEBUG off (the default, issue 6 §8) every error is the product's own page: in Chinese,
with a way home, and never Django's debug page with its list of URL patterns."""

import pytest
from django.test import Client
from django.urls import path, reverse

from parkflow.core.tests.product_pages import assert_product_page
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff
from parkflow.testdomain.tests.factories import errand


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]  # for the 500 test (pytest.mark.urls)


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_an_unknown_url_shows_the_products_404(db):
    assert_product_page(Client().get("/no-such-page/"), 404, "页面不存在")


def test_a_portal_user_on_a_staff_url_gets_the_products_404(portal_user):
    client = Client()
    client.force_login(portal_user)
    assert_product_page(client.get(reverse("testdomain:list")), 404, "页面不存在")


def test_staff_on_another_parks_object_get_the_products_404(park, other_park):
    theirs = errand(other_park, title="乙园内部事项")
    client = Client()
    client.force_login(staff(Role.AUDITOR, park))
    response = client.get(reverse("testdomain:detail", args=[theirs.pk]))
    assert_product_page(response, 404, "页面不存在")
    assert theirs.title not in response.content.decode()


@pytest.mark.urls("parkflow.core.tests.test_error_pages")
def test_a_server_error_shows_the_products_500(db):
    client = Client(raise_request_exception=False)
    assert_product_page(client.get("/boom/"), 500, "系统出现错误")


def test_a_bad_host_header_shows_the_products_400(db):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert_product_page(response, 400, "请求无效")


def test_a_form_posted_without_its_csrf_token_shows_the_products_403(park):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff(Role.BUSINESS_STAFF, park))
    response = client.post(reverse("logout"))
    assert_product_page(response, 403, "页面已过期")
