"""Page routes generated from the workflow declarations (core.workflow): one generic view per
model performs any declared step by name — form → ``transition()`` → domain error shown on the
object's page, or the success message and a redirect."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import re_path
from django.views.decorators.http import require_POST

from . import workflow
from .errors import DomainError, ValidationFailed
from .forms import TransitionForm


def transition_page(model, *, get_object, render_refusal, success_url, decorate=None, done="done"):
    """The POST view for ``<pk>/transitions/<name>/`` of ``model``.

    ``get_object(request, pk)`` fetches the object the user may see (404 otherwise);
    ``render_refusal(request, obj, error)`` renders the page with the refusal shown inline;
    ``success_url(obj)`` is where a done step goes; ``decorate`` wraps the view (the app's page decorator); ``done`` names the declaration's
    success message (``done`` or ``portal_done``)."""

    def view(request, pk=None, name=""):
        obj = get_object(request, pk)
        declared = workflow.get(model, name)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            # A reason the form refuses (too long) is not dropped silently while the step goes
            # ahead: nothing is done and the error names the field.
            return render_refusal(
                request, obj, ValidationFailed(dict(form.errors), requirement="R-PLT-1")
            )
        inputs = {"reason": form.cleaned_data["reason"]} if "reason" in declared.inputs else {}
        try:
            workflow.transition(actor=request.user, obj=obj, name=name, **inputs)
        except DomainError as exc:
            obj.refresh_from_db()
            return render_refusal(request, obj, exc)
        message = getattr(declared, done) or declared.done
        if message:
            messages.success(request, message % {"name": str(obj)})
        return redirect(success_url(obj))

    view = require_POST(view)
    return decorate(view) if decorate else view


def page_urls(model, view, *, prefix=r"(?P<pk>\d+)/", portal: bool = False, name="transition"):
    """One URL pattern for every routed step of ``model`` (``portal=True``: only the steps an
    enterprise user may trigger from the portal)."""
    names = [t.name for t in workflow.for_model(model) if t.routes and (t.portal or not portal)]
    pattern = r"^{}transitions/(?P<name>{})/$".format(prefix, "|".join(names))
    return [re_path(pattern, view, name=name)]
