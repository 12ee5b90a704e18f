"""A portal user on a page that is not theirs gets the product's own 404 (issue 6 §8), never a
hint that the page or the other enterprise exists — moved from core/tests/test_error_pages.py
(the portal accounts are this app's)."""

import pytest
from django.test import Client
from django.urls import reverse

from parkflow.core.tests.product_pages import assert_product_page
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


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
