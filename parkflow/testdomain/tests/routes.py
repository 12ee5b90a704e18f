"""The errand domain's part of the route policy table (core/tests/routes.py, D28): the generated
permission tests pick it up through ``all_routes()`` with no edit to the kernel's table, and any
case maker gets ``w.errand()`` through ``BUILDERS``."""

from parkflow.core.tests.routes import API, HIDDEN, STAFF, Case, Route
from parkflow.org.choices import Role as R

MARKER = "甲园标记事项"


def errand(w):
    """A draft errand of park A for its marked enterprise, raised by the clerk (one per world)."""
    from .factories import errand as draft

    if "errand" not in w._cache:
        w._cache["errand"] = draft(w.park, w.clerk(), enterprise=w.enterprise())
    return w._cache["errand"]


BUILDERS = {"errand": errand}


def _submitted(w):
    from .factories import submitted

    return submitted(w.park, w.clerk(), enterprise=w.enterprise())


def _list(w):
    w.errand()
    return Case(marker=MARKER)


def _detail(w):
    made = w.errand()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _page_submit(w):
    made = w.errand()
    return Case(
        {"pk": made.pk, "name": "submit"}, data={"POST": {"reason": ""}}, enterprise=made.enterprise
    )


def _api_submit(w):
    made = w.errand()
    return Case({"pk": made.pk}, data={"POST": {"reason": ""}}, enterprise=made.enterprise)


def _api_complete(w):
    from .factories import signed_off

    made = _submitted(w)
    signed_off(made)
    return Case({"pk": made.pk}, data={"POST": {"reason": ""}}, enterprise=made.enterprise)


def _api_send_back(w):
    made = _submitted(w)
    return Case({"pk": made.pk}, data={"POST": {"reason": "材料不全"}}, enterprise=made.enterprise)


def _api_wait(w):
    made = _submitted(w)
    return Case(
        {"pk": made.pk},
        data={"POST": {"reason": "营业执照复印件不清晰"}},
        enterprise=made.enterprise,
    )


def _api_materials_received(w):
    from parkflow.core import workflow

    made = _submitted(w)
    workflow.transition(actor=made.created_by, obj=made, name="wait_for_materials")
    return Case({"pk": made.pk}, data={"POST": {"reason": ""}}, enterprise=made.enterprise)


ROUTES = {
    "testdomain:list": Route(STAFF, {"GET": 200}, "errand.view", R.AUDITOR, _list, HIDDEN),
    "testdomain:detail": Route(STAFF, {"GET": 200}, "errand.view", R.AUDITOR, _detail),
    "testdomain:transition": Route(
        STAFF, {"POST": 302}, "errand.submit", R.BUSINESS_STAFF, _page_submit
    ),
    "api:errand-list": Route(API, {"GET": 200}, "errand.view", R.AUDITOR, _list, HIDDEN),
    "api:errand-detail": Route(API, {"GET": 200}, "errand.view", R.AUDITOR, _detail),
    "api:errand-submit": Route(API, {"POST": 200}, "errand.submit", R.BUSINESS_STAFF, _api_submit),
    "api:errand-complete": Route(
        API, {"POST": 200}, "errand.complete", R.LEAD_STAFF, _api_complete
    ),
    "api:errand-send-back": Route(
        API, {"POST": 200}, "errand.send_back", R.LEAD_STAFF, _api_send_back
    ),
    # Waiting for the enterprise's documents pauses the response clock; receiving them resumes
    # it (issue 8 §2).
    "api:errand-wait-for-materials": Route(
        API, {"POST": 200}, "errand.wait", R.BUSINESS_STAFF, _api_wait
    ),
    "api:errand-materials-received": Route(
        API, {"POST": 200}, "errand.wait", R.BUSINESS_STAFF, _api_materials_received
    ),
}
