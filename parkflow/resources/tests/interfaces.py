"""Driving resource allocation through each interface in the tests: the service, the API, the
admin; and what a refused allocation must leave as it was (the requests, the allocations, the
audit trail)."""

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.core.models import AuditEvent, Review

from ..models import Allocation, ResourceRequest

API = "/api/v1"
INTERFACES = ["service", "api", "admin"]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def admin_client(user) -> Client:
    """``user`` made a superuser: the admin at its widest, still refusing every write."""
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(user)
    return client


def url(path, obj=None, action="") -> str:
    tail = f"{obj.pk}/" if obj is not None else ""
    return f"{API}/{path}/{tail}{action + '/' if action else ''}"


def admin_url(model, name, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{name}", args=args)


def snapshot() -> dict:
    """What a refused allocation must leave as it was."""
    return {
        "events": AuditEvent.objects.count(),
        "allocations": list(Allocation.objects.values_list("pk", "status", "ends_at")),
        "requests": list(ResourceRequest.objects.values_list("pk", "status", "decided_at")),
        "reviews": list(Review.objects.values_list("pk", "decision", "assigned_to_id")),
    }
