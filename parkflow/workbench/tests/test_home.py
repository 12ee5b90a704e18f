"""The workbench is the staff's home; an enterprise (portal) user who opens it is sent to the
portal — moved from core/tests/test_pages.py (the composition layer routes the two homes)."""

from django.urls import reverse

from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user


def test_enterprise_user_hitting_the_workbench_is_sent_to_the_portal(client, park):
    client.force_login(enterprise_user(EnterpriseFactory(park=park)))
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
