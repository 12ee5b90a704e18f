"""The Django admin across every installed app (moved from core/tests/test_admin.py: only the
composition layer sees every app): deny by default — every model is read-only unless it is one
of the lists administrators maintain by design — and every admin page renders on the demo park."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from parkflow.org.models import User

# Lists administrators maintain by design (changes audited); users are edited but never deleted.
MAINTAINED_IN_ADMIN = {"core.CalendarDay", "org.AuthorityLimit", "intake.ProtectedBrand"}


def test_every_domain_model_in_the_admin_is_read_only_except_the_maintained_lists(rf, admin_user):
    """Deny by default: a model registered later is read-only unless added to the list above."""
    request = rf.get("/admin/")
    request.user = admin_user
    domain = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_config.name.startswith("parkflow.")
    ]
    assert len(domain) >= 12
    for model, model_admin in domain:
        label = model._meta.label
        if label in MAINTAINED_IN_ADMIN:
            continue
        assert not model_admin.has_delete_permission(request), label
        if label == "org.User":
            continue
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert model_admin.has_view_permission(request), label


@pytest.mark.django_db
def test_every_admin_list_and_detail_page_renders_on_the_demo_park(client):
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="admin"))
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, model._meta.label
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            response = client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert response.status_code == 200, model._meta.label
