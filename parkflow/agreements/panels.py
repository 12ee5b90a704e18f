"""What a reviewer of an agreements gate sees beside the hashed content (core:review_detail):
the agreement's clauses, service lines and fee schedule with the price exceptions, and what an
amendment changes; or the template version's clauses."""

from . import diff, selectors
from .gates import LEGAL_REVIEW, PRICE_EXCEPTION, TEMPLATE_REVIEW
from .pricing import price_exceptions


def agreement_panel(user, review, agreement) -> dict | None:
    content = selectors.agreement_content(agreement)
    changes = None
    if agreement.amends_id:
        changes = diff.clause_diff(
            agreement.amends.clauses.order_by("position"), content["clauses"]
        )
    return {
        "template": "agreements/partials/_review_agreement_panel.html",
        "agreement": agreement,
        **content,
        "price_exceptions": price_exceptions(agreement),
        "changes": [c for c in changes or [] if c.change != diff.UNCHANGED],
        "is_amendment": changes is not None,
    }


def template_panel(user, review, version) -> dict | None:
    return {
        "template": "agreements/partials/_review_template_panel.html",
        "version": version,
        "clauses": list(version.clauses.order_by("position")),
    }


GATE_PANELS = {
    LEGAL_REVIEW: agreement_panel,
    PRICE_EXCEPTION: agreement_panel,
    TEMPLATE_REVIEW: template_panel,
}
