"""What a reviewer of an intake gate sees beside the hashed content, and the sections intake
adds to the enterprise page (core.registry)."""

from parkflow.core.registry import DetailPanel

from .gates import ADMISSION, BRAND_AUTHORISATION, SPOT_CHECK


def _review_panel(user, review, subject):
    from .views_intake import review_panel

    return review_panel(user, review, subject)


GATE_PANELS = dict.fromkeys((ADMISSION, SPOT_CHECK, BRAND_AUTHORISATION), _review_panel)


def _draws(request, enterprise):
    from .views_intake import draws_of

    return {"draws": draws_of(request.user, enterprise)}


DETAIL_PANELS = [
    DetailPanel(
        "enterprises.Enterprise",
        "intake.draws",
        "enterprises/partials/_draws_card.html",
        _draws,
        order=20,
    ),
]
