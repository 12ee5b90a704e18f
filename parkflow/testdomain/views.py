"""The errand pages: a list, a detail page with the workflow's buttons, and the generated
transition route (core.workflow_views)."""

from django.shortcuts import render
from django.urls import reverse

from parkflow.core import clock, sla, workflow, workflow_views
from parkflow.core.forms import TransitionForm
from parkflow.core.views import get_or_404, staff_page

from . import selectors
from .clocks import RESPONSE
from .gates import CHAIN
from .models import Errand


@staff_page("errand.view")
def errand_list(request):
    # The response clock's due time and state in the same query (no query per row).
    errands = sla.with_clock(selectors.errand_list(actor=request.user), RESPONSE)[:50]
    return render(request, "testdomain/errand_list.html", {"errands": errands, "now": clock.now()})


def render_detail(request, errand, *, action_error=None, status=200):
    context = {
        "errand": errand,
        # Where each review gate of the chain stands (passed, open, not applicable …).
        "gates": [(gate, gate.status(errand)) for gate in CHAIN],
        "actions": workflow.available_transitions(request.user, errand, portal=None),
        "transition_form": TransitionForm(),
        "action_error": action_error,
    }
    return render(request, "testdomain/errand_detail.html", context, status=status)


def _get(request, pk):
    return get_or_404(selectors.errand_get_for_user, actor=request.user, pk=pk)


@staff_page("errand.view")
def errand_detail(request, pk):
    return render_detail(request, _get(request, pk))


# POST <pk>/transitions/<name>/ for every declared step (workflows.py).
errand_transition = workflow_views.transition_page(
    Errand,
    get_object=_get,
    render_refusal=lambda request, errand, error: render_detail(
        request, errand, action_error=error, status=error.status_code
    ),
    success_url=lambda errand: reverse("testdomain:detail", args=[errand.pk]),
    decorate=staff_page("errand.view"),
)
