"""What a reviewer of an intake gate sees beside the hashed content (core.registry)."""

from .gates import ADMISSION, BRAND_AUTHORISATION, SPOT_CHECK


def _review_panel(user, review, subject):
    from .views_intake import review_panel

    return review_panel(user, review, subject)


GATE_PANELS = dict.fromkeys((ADMISSION, SPOT_CHECK, BRAND_AUTHORISATION), _review_panel)
