"""Enterprise register pages (R-ENT-1): list, export, detail with its audit timeline, create,
edit, status transitions and conflict-of-interest declarations. Every lookup goes through the
scoped selector, so an enterprise outside the user's parks is a 404 (R-ORG-3)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parkflow.core import access, audit, generic_views, workflow, workflow_views
from parkflow.core.forms import TransitionForm
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import exports, selectors, services
from .choices import EnterpriseStatus
from .forms import EnterpriseCreateForm, EnterpriseEditForm, EnterpriseFilterForm
from .models import Enterprise
from .selectors import lifecycle
from .views_portal import portal_state


@staff_page("enterprise.view")
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    return generic_views.list_page(
        request,
        qs=selectors.enterprise_list(actor=request.user, **form.filters()),
        template="enterprises/enterprise_list.html",
        partial="enterprises/partials/_enterprise_table.html",
        target="enterprise-table",
        per_page=LIST_PAGE_SIZE,
        name="enterprises",
        context={
            "form": form,
            "export_query": generic_views.query_without_page(request),
            "can_export": access.may_somewhere(request.user, "enterprise.export"),
            "can_create": access.may_somewhere(request.user, "enterprise.create"),
            "filtered": any(v not in ("", None) for v in form.filters().values()),
        },
    )


@staff_page("enterprise.export")
def enterprise_export(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    return generic_views.file_download(
        request,
        build=lambda: exports.enterprise_export(actor=request.user, filters=form.filters()),
        filename=exports.export_filename(),
        back=reverse("enterprises:list"),
    )


def render_detail(request, enterprise, *, action_error=None, open_action="", status=200):
    """The enterprise page. Other apps' sections (intake: documents, admission, brand flags, fee,
    reviews, conflicts) are detail panels they declare (core.registry); an app whose action was
    refused re-renders the page through here, its bound form handed to its own panel."""
    user = request.user
    if access.is_enterprise_user(user):
        # Defence in depth: reviewer names and opinions are never rendered to an enterprise,
        # even if a route lost its staff_page decorator (D21).
        raise Http404
    actions = workflow.available_transitions(user, enterprise, portal=None)
    context = {
        "enterprise": enterprise,
        "lifecycle": lifecycle(enterprise.status),
        "actions": actions,
        "can_act": any(action.enabled for action in actions),
        "action_error": action_error,
        "open_action": open_action,
        "transition_form": TransitionForm(),
        "can_edit": access.may(user, "enterprise.edit", enterprise)
        and enterprise.status != EnterpriseStatus.EXITED,
        **_timeline_context(user, enterprise),
        "portal": portal_state(user, enterprise),
    }
    return render(request, "enterprises/enterprise_detail.html", context, status=status)


def _timeline_context(user, enterprise, before=None) -> dict:
    """The capped audit timeline: the latest events and the cursor of the older ones."""
    if not access.may(user, "enterprise.timeline", enterprise):
        return {"events": None, "older": None}
    events, older = audit.timeline(enterprise, before=before)
    return {"events": events, "older": older}


@staff_page("enterprise.timeline")
def enterprise_timeline(request, pk):
    """HTMX: the next older slice of the timeline (加载更早记录), keyset by event id."""
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        before = None
    context = _timeline_context(request.user, enterprise, before=before)
    if context["events"] is None:
        raise Http404
    context.update(subject=enterprise, enterprise=enterprise)
    return render(request, "enterprises/partials/_timeline_slice.html", context)


@staff_page("enterprise.view")
def enterprise_detail(request, pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    return render_detail(request, enterprise)


def _transition_refused(request, enterprise, error):
    return render_detail(request, enterprise, action_error=error, status=error.status_code)


# Every declared step of the lifecycle (workflows.py), by name: POST <pk>/transitions/<name>/.
enterprise_transition = workflow_views.transition_page(
    Enterprise,
    get_object=lambda request, pk: get_or_404(
        selectors.enterprise_get_for_user, actor=request.user, pk=pk
    ),
    render_refusal=_transition_refused,
    success_url=lambda enterprise: reverse("enterprises:detail", args=[enterprise.pk]),
    decorate=staff_page("enterprise.view"),
)


def _duplicate_in_scope(user, form):
    """The enterprise already holding the credit code just refused, when this user may open it:
    the form links to it."""
    from .validators import normalise_credit_code

    if "credit_code" not in form.errors:
        return None
    code = normalise_credit_code(str(form.data.get("credit_code", "")))
    return selectors.enterprise_list(actor=user).filter(credit_code=code).first() if code else None


@require_http_methods(["GET", "POST"])
@staff_page("enterprise.create")
def enterprise_create(request):
    form = EnterpriseCreateForm(request.POST or None, user=request.user)
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.enterprise_create(actor=request.user, **values),
        template="enterprises/enterprise_form.html",
        success_url=_detail_url,
        success_message=lambda e: _("企业“%(name)s”已建档。") % {"name": e.name},
        context=lambda: {"creating": True, "duplicate": _duplicate_in_scope(request.user, form)},
    )


def _detail_url(enterprise) -> str:
    return reverse("enterprises:detail", args=[enterprise.pk])


def _approval_voidable(enterprise) -> bool:
    """Has the review moving in requires approved this record? Editing a reviewed field voids
    it. The gate is whatever the declared ``move_in`` step requires (intake adds it)."""
    return any(gate.is_passed(enterprise) for gate in workflow.get(Enterprise, "move_in").gates)


@require_http_methods(["GET", "POST"])
@staff_page("enterprise.view")
def enterprise_edit(request, pk):
    enterprise = get_or_404(selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    if not access.may(request.user, "enterprise.edit", enterprise):
        raise PermissionDenied
    form = EnterpriseEditForm(
        request.POST or None,
        initial=EnterpriseEditForm.initial_for(enterprise),
        user=request.user,
        park=enterprise.park,
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.enterprise_update(
            actor=request.user, enterprise=enterprise, **{"reason": "", **values}
        ),
        template="enterprises/enterprise_form.html",
        success_url=lambda _result: _detail_url(enterprise),
        success_message=_("企业档案已更新。"),
        context=lambda: {
            "creating": False,
            "enterprise": enterprise,
            "voids_approval": _approval_voidable(enterprise),
            "duplicate": _duplicate_in_scope(request.user, form),
        },
    )
