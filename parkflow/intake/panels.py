"""What a reviewer of an intake gate sees beside the hashed content, and the sections intake
adds to the enterprise page (both discovered by core.registry)."""

from parkflow.core import access
from parkflow.core.registry import DetailPanel
from parkflow.enterprises import guards

from .gates import ADMISSION, BRAND_AUTHORISATION, SPOT_CHECK
from .models import ReviewDraw
from .selectors import documents_of, draws_of


def review_panel(user, review, subject) -> dict | None:
    """What a reviewer of an intake gate needs beside the hashed content (core.views asks):
    the brand authorisation itself, or the enterprise's current documents and brand flags."""
    if review.gate == BRAND_AUTHORISATION:
        enterprise = subject.enterprise
        return {
            "template": "intake/partials/_review_brand_panel.html",
            "document": subject,
            "enterprise": enterprise,
            "flags": list(enterprise.brand_flags.select_related("brand").order_by("-raised_at")),
            "can_download": access.may(user, "document.download", enterprise),
        }
    if review.gate not in (ADMISSION, SPOT_CHECK):
        return None
    return {
        "template": "intake/partials/_review_enterprise_panel.html",
        "enterprise": subject,
        "documents": [d for d in documents_of(subject) if d.is_current],
        "flags": list(subject.brand_flags.select_related("brand").order_by("-raised_at")),
        "problems": guards.admission_problems(subject),
        "draw": ReviewDraw.objects.filter(
            enterprise=subject, gate=review.gate, round=review.round
        ).first(),
        "can_download": access.may(user, "document.download", subject),
    }


GATE_PANELS = dict.fromkeys((ADMISSION, SPOT_CHECK, BRAND_AUTHORISATION), review_panel)


def _draws(request, enterprise):
    return {"draws": draws_of(request.user, enterprise)}


DETAIL_PANELS = [
    DetailPanel(
        "enterprises.Enterprise",
        "intake.draws",
        "intake/partials/_draws_card.html",
        _draws,
        order=20,
    ),
]
