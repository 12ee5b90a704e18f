"""Scoping inside pages and API actions that the route table cannot reach with one persona
(§5 of issue 6, D21): each test names the rule its ``access`` call enforces."""

import pytest
from django.urls import reverse

from parkflow.core import access
from parkflow.core.tests.routes import World
from parkflow.intake.models import ConflictDeclaration
from parkflow.intake.selectors import draws_of, my_conflicts
from parkflow.org.choices import Role
from parkflow.org.models import RoleAssignment
from parkflow.org.tests.clients import client_for


@pytest.fixture
def w(park, other_park, monkeypatch):
    return World(park, other_park, monkeypatch)


def test_an_enterprise_user_gets_no_draws_and_so_no_reviewer_names(w):
    enterprise = w.under_review()
    user = w.enterprise_user(enterprise)
    assert draws_of(user, enterprise) == []
    response = client_for(user).get(f"/api/v1/enterprises/{enterprise.pk}/draws/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    reviewer = w._cache["reviewers"][0]
    assert reviewer.display_name not in response.content.decode()


def test_my_declarations_leave_the_list_with_the_park(w):
    """A declarant moved out of park A no longer sees park A's enterprise in his list."""
    clerk = w.clerk()
    w.declaration(clerk)
    assert my_conflicts(clerk).count() == 1
    RoleAssignment.objects.filter(user=clerk).delete()
    w.staff(Role.BUSINESS_STAFF, w.other_park)  # another person; clerk now holds nothing
    access.forget(clerk)
    assert ConflictDeclaration.objects.filter(person=clerk).count() == 1
    assert my_conflicts(clerk).count() == 0


def test_naming_another_parks_unit_in_a_request_body_is_does_not_exist(w):
    """An id the caller may not see is answered like a missing one: 400 on the field, never a
    403 that would confirm it exists."""
    office_b = w.staff(Role.OFFICE_STAFF, w.other_park)
    response = client_for(office_b).post(
        "/api/v1/org/emergency-contacts/",
        {"unit": w.park.pk, "name": "值班", "phone": "13800138000"},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "unit" in response.json()["errors"]
    missing = client_for(office_b).post(
        "/api/v1/org/emergency-contacts/",
        {"unit": 987654, "name": "值班", "phone": "13800138000"},
        format="json",
    )
    same = missing.json()["errors"]["unit"][0].replace("987654", str(w.park.pk))
    assert same == response.json()["errors"]["unit"][0]


@pytest.mark.parametrize("route", ["document", "draw", "declaration"])
def test_a_missing_id_under_an_enterprise_i_may_see_is_a_plain_404(client, w, route):
    enterprise, _licence = w.licensed()
    clerk = w.clerk()
    client.force_login(clerk)
    if route == "document":
        url = reverse("intake:document_download", args=[enterprise.pk, 987654])
        response = client.get(url)
    elif route == "draw":
        response = client.post(reverse("intake:draw_rerun", args=[enterprise.pk, 987654]))
    else:
        url = reverse("intake:conflict_withdraw", args=[987654])
        response = client.post(url, {"reason": "利益关系已解除"})
    assert response.status_code == 404
