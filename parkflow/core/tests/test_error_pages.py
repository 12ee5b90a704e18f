"""With DEBUG off (the default, issue 6 §8) every error is the product's own page: in Chinese,
with a way home, and never Django's debug page with its list of URL patterns."""

import pytest
from django.test import Client
from django.urls import path, reverse

from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

DEVELOPER_TEXT = ("URLconf", "Using the URLconf", "Traceback", "DEBUG = True", "technical")


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]  # for the 500 test (pytest.mark.urls)


def assert_product_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert "ParkFlow" in html and 'href="/"' in html
    for text in DEVELOPER_TEXT:
        assert text not in html, text


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_an_unknown_url_shows_the_products_404(db):
    assert_product_page(Client().get("/no-such-page/"), 404, "页面不存在")


def test_a_portal_user_on_a_staff_url_gets_the_products_404(park):
    user = enterprise_user(EnterpriseFactory(park=park))
    client = Client()
    client.force_login(user)
    assert_product_page(client.get(reverse("enterprises:list")), 404, "页面不存在")


def test_a_portal_user_on_another_enterprises_object_gets_the_products_404(park):
    mine, theirs = EnterpriseFactory(park=park), EnterpriseFactory(park=park)
    client = Client()
    client.force_login(enterprise_user(mine))
    response = client.get(reverse("enterprises:detail", args=[theirs.pk]))
    assert_product_page(response, 404, "页面不存在")
    assert theirs.name not in response.content.decode()


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
