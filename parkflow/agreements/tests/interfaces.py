"""Driving agreements through each interface in the tests: the service, the API, the admin; and
what a refusal must leave as it was (the audit trail, the rows, the stored files)."""

from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import pdf_upload

from ..models import Agreement, AgreementClause, FeeLine, ServiceLine
from .factories import today

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


def url(agreement, action="") -> str:
    return f"{API}/agreements/{agreement.pk}/{action + '/' if action else ''}"


def admin_change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def signed_scans() -> list[Path]:
    return [p for p in stored_files() if p.name.startswith("signed.")]


def snapshot(agreement) -> dict:
    """What a refused write must leave as it was."""
    row = Agreement.objects.get(pk=agreement.pk)
    return {
        "events": AuditEvent.objects.count(),
        "status": row.status,
        "signed_on": row.signed_on,
        "scan": row.signed_scan.name,
        "scans": len(signed_scans()),
        "clauses": list(
            AgreementClause.objects.filter(agreement=agreement).values_list("kind", "text")
        ),
        "lines": list(
            ServiceLine.objects.filter(agreement=agreement).values_list("item_id", "basis")
        ),
        "fees": list(
            FeeLine.objects.filter(agreement=agreement).values_list("pk", "unit_price", "quantity")
        ),
    }


def sign_body(**overrides) -> dict:
    return {
        "signed_on": today().isoformat(),
        "enterprise_signatory": "企业法定代表人",
        "scan": pdf_upload("协议签署件.pdf"),
        **overrides,
    }


def admin_sign_attempt(user, agreement):
    """What signing through the admin can be: a change form posted with the signature — the
    admin offers no change at all (403)."""
    client = admin_client(user)
    return client.post(
        admin_change_url(agreement),
        {
            "status": "signed",
            "signed_on": today().isoformat(),
            "enterprise_signatory": "企业法定代表人",
            "signed_scan": pdf_upload("协议签署件.pdf"),
        },
    )
