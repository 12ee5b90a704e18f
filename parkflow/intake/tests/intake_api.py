"""The customer-intake API as its tests drive it (test_api_documents, test_api_review,
test_api_intake)."""

from parkflow.core.models import AuditEvent
from parkflow.intake.models import QualificationDocument

API = "/api/v1"


def enterprise_url(enterprise, action=""):
    return f"{API}/enterprises/{enterprise.pk}/{action + '/' if action else ''}"


def writes() -> tuple[int, int]:
    """What a refused request must leave as it was: the documents and the audit trail."""
    return QualificationDocument.objects.count(), AuditEvent.objects.count()
