"""What an enterprise sees of its agreements, in the portal and through the API alike: its
agreements from submission on; a draft only once it holds a service the enterprise asked for
(to confirm, or confirmed). Internal drafts stay internal (R-PLT-3)."""

from django.db.models import Exists, OuterRef, Q

from parkflow.core import access

from .choices import AgreementStatus, LineBasis
from .models import ServiceLine


def _requested(**lookups):
    return ServiceLine.objects.filter(
        agreement=OuterRef("pk"), basis=LineBasis.REQUESTED, **lookups
    )


def for_enterprise(queryset):
    """``queryset`` (already scoped to the enterprise) with ``awaiting`` (a requested service
    waits for its confirmation), less the drafts the enterprise has no part in."""
    return queryset.annotate(
        asked=Exists(_requested()),
        awaiting=Exists(_requested(confirmed_at__isnull=True)),
    ).filter(~Q(status=AgreementStatus.DRAFT) | Q(asked=True))


def visible_to(user, queryset):
    """Staff: unchanged; an enterprise user: ``for_enterprise``."""
    return for_enterprise(queryset) if access.is_enterprise_user(user) else queryset
