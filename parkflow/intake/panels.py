"""What a reviewer of an intake gate sees beside the hashed content, and the sections intake
adds to the enterprise page (both discovered by core.registry)."""

from parkflow.core import access, gates
from parkflow.core.registry import DetailPanel
from parkflow.enterprises.choices import EnterpriseStatus

from . import guards, selectors
from .choices import DocumentType
from .forms import ConflictForm, ConflictWithdrawForm, DocumentForm
from .gates import ADMISSION, BRAND_AUTHORISATION, SPOT_CHECK
from .models import ReviewDraw
from .selectors import documents_of, draws_of


def review_panel(user, review, subject) -> dict | None:
    """What a reviewer of an intake gate needs beside the hashed content (core.views asks):
    the brand authorisation itself, or the enterprise's current documents and brand flags."""
    if review.gate == BRAND_AUTHORISATION.code:
        enterprise = subject.enterprise
        return {
            "template": "intake/partials/_review_brand_panel.html",
            "document": subject,
            "enterprise": enterprise,
            "flags": list(enterprise.brand_flags.select_related("brand").order_by("-raised_at")),
            "can_download": access.may(user, "document.download", enterprise),
        }
    if review.gate not in (ADMISSION.code, SPOT_CHECK.code):
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


def refused_with(request, **forms) -> None:
    """An intake action refused on the enterprise page: its bound form (conflict_form,
    document_form, withdraw_form) replaces the blank one when the page is rendered again."""
    request.intake_forms = forms


def _enterprise_context(request, enterprise) -> dict:
    """What intake's sections of the enterprise page show, computed once per request."""
    cache = request.__dict__.setdefault("_intake_panels", {})
    if enterprise.pk in cache:
        return cache[enterprise.pk]
    user = request.user
    forms = getattr(request, "intake_forms", {})
    reviews = list(gates.reviews_of(enterprise, ADMISSION).order_by("-requested_at", "-id")[:6])
    latest = gates.latest_decision(enterprise, ADMISSION)
    has_conflict = selectors.has_active_conflict(user, enterprise)
    can_upload = (
        access.may(user, "document.upload", enterprise)
        and enterprise.status != EnterpriseStatus.EXITED
    )
    # "?upload=brand_authorisation" (the brand card's link) opens the upload form preset.
    preset = request.GET.get("upload", "") if request.method == "GET" else ""
    open_upload = can_upload and preset in DocumentType.values
    document_form = forms.get("document_form") or DocumentForm(
        initial={"doc_type": preset} if open_upload else None
    )
    admission = selectors.admission_state(enterprise)
    cache[enterprise.pk] = context = {
        "reviews": reviews,
        "pending_reviews": [r for r in reviews if r.is_pending],
        "latest_review": latest,
        "admission_approved": ADMISSION.is_passed(enterprise) if latest else False,
        "gate": ADMISSION,
        "has_conflict": has_conflict,
        "can_declare": not has_conflict
        and access.may(user, "enterprise.declare_conflict", enterprise),
        "conflict_form": forms.get("conflict_form") or ConflictForm(),
        "withdraw_form": forms.get("withdraw_form") or ConflictWithdrawForm(),
        "conflicts": selectors.conflicts_active_on(user, enterprise),
        "documents": selectors.documents_of(enterprise),
        "document_form": document_form,
        "open_upload": open_upload,
        "can_upload": can_upload,
        "can_download": access.may(user, "document.download", enterprise),
        "admission": admission,
        "admission_problems": admission["problems"],
        "review_rounds": selectors.review_rounds(enterprise),
        "brand": selectors.brand_state(enterprise),
        "fee": selectors.fee_state(
            user, enterprise, in_good_standing=admission["in_good_standing"]
        ),
    }
    return context


def _unless_exited(request, enterprise):
    if enterprise.status == EnterpriseStatus.EXITED:
        return None
    return _enterprise_context(request, enterprise)


def _panel(name, template, slot, order, context=_enterprise_context):
    return DetailPanel(
        "enterprises.Enterprise", name, f"intake/partials/{template}", context, slot, order
    )


# The enterprise page (enterprises/enterprise_detail.html) puts each slot where intake's cards
# stood before they became panels; the page looks the same.
DETAIL_PANELS = [
    _panel("intake.conflict_button", "_conflict_button.html", "actions", 10),
    _panel("intake.form_errors", "_detail_alerts.html", "alerts", 10),
    _panel("intake.documents", "_documents_card.html", "main-top", 10),
    _panel("intake.draws", "_draws_card.html", "main", 20, context=_draws),
    _panel("intake.review_rounds", "_review_rounds_card.html", "main", 30),
    _panel("intake.admission", "_admission_card.html", "side-top", 10, context=_unless_exited),
    _panel("intake.admission_review", "_admission_gate_card.html", "side-top", 20),
    _panel("intake.brand", "_brand_card.html", "side", 10),
    _panel("intake.fee", "_fee_card.html", "side", 20),
    _panel("intake.conflicts", "_conflicts_card.html", "side-bottom", 10),
    _panel("intake.modals", "_detail_modals.html", "modals", 10),
]
