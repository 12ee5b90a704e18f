"""What org learns of portal users through the hooks this app registers (D30): org names no
enterprise model, yet /api/me/ names the user's enterprise and the user admin lists a park's
portal users to that park's administrators only."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from rest_framework.test import APIClient

from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.models import User
from parkflow.org.tests.factories import staff

pytestmark = pytest.mark.django_db


def test_me_names_the_enterprise_of_a_portal_user(park):
    enterprise = EnterpriseFactory(park=park, name="甲园门户企业")
    client = APIClient()
    client.force_authenticate(enterprise_user(enterprise))
    body = client.get("/api/v1/me/").json()
    assert body["is_enterprise_user"] is True
    assert body["enterprise"] == {"id": enterprise.pk, "name": "甲园门户企业"}


def test_user_admin_lists_portal_users_of_its_own_parks_only(park, other_park):
    ours = enterprise_user(EnterpriseFactory(park=park))
    theirs = enterprise_user(EnterpriseFactory(park=other_park))
    administrator = staff(Role.SYSTEM_ADMIN, park, is_staff=True)
    request = RequestFactory().get("/admin/org/user/")
    request.user = administrator
    listed = set(admin.site._registry[User].get_queryset(request))
    assert ours in listed
    assert theirs not in listed
