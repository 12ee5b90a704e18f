"""Review pages (R-CPL-1, R-ORG-4): one review with its round — quorum progress (已签 1/2), who
signed, the open signatures (待认领), the prerequisite gates still open — and the reviewer's
decision, a pooled signature's claim, the requester's withdrawal; and the gates page (审查节点),
where an administrator changes a gate's parameters (the large-amount threshold, R-BIL-4).

Every write goes through ``core.reviews``; a decision is recorded first and the domain's
consequence applied after it (``reviews.decide``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import access, gates, registry, reviews
from .choices import GateStatus
from .errors import DomainError, NotFound
from .forms import ReviewDecisionForm, StyledForm, add_domain_error, domain_error_text, style_widget
from .generic_views import form_page
from .models import GateSetting, Review
from .views import staff_page


def _review_for_user(user, pk) -> Review:
    if not access.may_somewhere(user, "review.view"):
        raise PermissionDenied
    qs = Review.objects.select_related(
        "requested_by", "assigned_to", "reviewer", "content_type", "park"
    )
    try:
        return access.get_for_user(user, qs, pk=pk)
    except NotFound:
        raise Http404 from None


def _reviewed_content(obj, gate):
    """The reviewed fields as (label, value) with the model's verbose names and display values."""
    rows = []
    for key, value in gate.content(obj).items():
        name = key.removesuffix("_id")
        try:
            field = obj._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a computed key of the gate's content
            rows.append((key, value))
            continue
        if not field.concrete:
            continue  # a related set (an agreement's clauses): the gate's panel shows it
        display = getattr(obj, f"get_{name}_display", None)
        shown = display() if display else getattr(obj, name, value)
        rows.append((field.verbose_name, shown))
    return rows


def _prerequisites(gate, obj) -> list[dict]:
    return [{"gate": before, "status": before.status(obj)} for before in gate.after]


def _open_signature_for(user, state) -> Review | None:
    """Another open signature of the round this user may take, if any (pooled rounds)."""
    if state.gate.mode != gates.POOLED:
        return None
    for review in state.pending:
        if review.assigned_to_id in (None, user.pk) and not gates.decision_refusal(
            user, review, state.obj
        ):
            return review
    return None


def review_context(user, review, gate, obj) -> dict:
    """What the review page (and its HTMX refresh) shows."""
    refusal = None
    if review.is_pending:
        problem = gates.decision_refusal(user, review, obj)
        refusal = problem.message if problem else None
    state = gates.round_state(obj, gate, review.round)
    round_open = bool(state.pending) and state.outcome == "pending"
    return {
        "review": review,
        "gate": gate,
        "subject": obj,
        "subject_url": _subject_url(review),
        "content_rows": _reviewed_content(obj, gate),
        "current_hash": state.current_hash,
        "content_changed": state.current_hash != review.content_hash,
        "state": state,
        "prerequisites": _prerequisites(gate, obj),
        "open_prerequisites": [p for p in _prerequisites(gate, obj) if p["status"] != "passed"],
        "history": gates.reviews_of(obj, gate)
        .exclude(round=review.round)
        .order_by("-requested_at", "-id"),
        "refusal": refusal,
        "may_decide": review.is_pending and refusal is None,
        "may_claim": gate.mode == gates.POOLED
        and review.is_pending
        and review.assigned_to_id is None
        and refusal is None,
        "may_withdraw": round_open and review.requested_by_id == user.pk,
        "other_signature": None
        if review.is_pending and refusal is None
        else _open_signature_for(user, state),
        "review_panel": _review_panel(user, review, obj),
        "passed_status": GateStatus.PASSED,
    }


@require_http_methods(["GET", "POST"])
@staff_page()
def review_detail(request, pk):
    review = _review_for_user(request.user, pk)
    gate = gates.get_gate(review.gate)
    obj = review.subject
    if obj is None:
        raise Http404
    context = review_context(request.user, review, gate, obj)
    form = None
    if context["may_decide"]:
        form = ReviewDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                decided = reviews.decide(
                    actor=request.user,
                    review=review,
                    decision=form.cleaned_data["decision"],
                    opinion=form.cleaned_data["opinion"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("审查结论已记录。"))
                if decided.consequence_error is not None:
                    messages.warning(
                        request,
                        _("审查结论已记录，但后续办理未能完成：%(error)s")
                        % {"error": domain_error_text(decided.consequence_error)},
                    )
                return redirect("core:review_detail", pk=review.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context["form"] = form
    return render(request, "core/review_detail.html", context)


def _review_action(request, pk, call, done: str):
    review = _review_for_user(request.user, pk)
    if review.subject is None:
        raise Http404
    try:
        call(review)
    except DomainError as exc:
        gate = gates.get_gate(review.gate)
        context = review_context(request.user, review, gate, review.subject)
        context["action_error"] = exc
        return render(request, "core/review_detail.html", context, status=exc.status_code)
    messages.success(request, done)
    return redirect("core:review_detail", pk=review.pk)


@require_POST
@staff_page("review.view")
def review_claim(request, pk):
    """Take one open signature of a pooled round (认领)."""
    return _review_action(
        request,
        pk,
        lambda review: reviews.review_claim(actor=request.user, review=review),
        _("已认领该签署，请审查后签署意见。"),
    )


@require_POST
@staff_page("review.view")
def review_withdraw(request, pk):
    """The requester withdraws the open round (撤回审查; confirmed in a dialog)."""
    return _review_action(
        request,
        pk,
        lambda review: reviews.review_withdraw(
            actor=request.user, review=review, reason=request.POST.get("reason", "")
        ),
        _("审查已撤回，本轮已签署的意见不再有效。"),
    )


def _review_panel(user, review, subject):
    """What a reviewer needs beside the hashed content (the uploaded document, the enterprise's
    documents and flags) comes from the gate's app: ``GATE_PANELS`` in its ``panels.py``,
    ``(user, review, subject) -> {"template": ..., ...} | None``. The kernel knows no domain."""
    panel = registry.gate_panel(review.gate)
    return panel(user, review, subject) if panel else None


def _subject_url(review):
    from .templatetags.parkflow import object_url

    return object_url(review.content_type, review.object_id)


# ---------------------------------------------------------------------------------------------
# The gates page (审查节点) and a gate's parameters


def gate_rows():
    """Every registered gate with its declaration in words and the parameters in force."""
    stored = dict(GateSetting.objects.values_list("code", "updated_at"))
    for code in sorted(gates.GATES):
        gate = gates.GATES[code]
        values = gate.param_values()
        yield {
            "gate": gate,
            "roles": [access.role_label(role) or role for role in gate.reviewer_roles],
            "params": [(gate.param_labels[name], value) for name, value in values.items()],
            "conditional": gate.applies is not None,
            "updated_at": stored.get(code),
        }


@staff_page("rules.view")
def gate_list(request):
    return render(
        request,
        "core/gate_list.html",
        {"rows": list(gate_rows()), "may_configure": access.may(request.user, "rules.configure")},
    )


class GateSettingForm(StyledForm):
    """One field per parameter of the gate, typed like its declaration; plus the reason."""

    reason = forms.CharField(
        label=gettext_lazy("修改原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("记入审计追踪，例如“按领导小组决议调整大额标准”。"),
    )

    def __init__(self, *args, gate, current: dict, **kwargs):
        super().__init__(*args, initial=current, **kwargs)
        self.param_names = list(gate.params)
        for name, spec in gate.params.items():
            # The form shapes the input; the declared bounds are checked by the service.
            if spec.type is bool:
                field = forms.BooleanField(label=gate.param_labels[name], required=False)
            elif spec.type is str:
                field = forms.CharField(label=gate.param_labels[name], max_length=spec.max or 200)
            else:
                field = forms.CharField(label=gate.param_labels[name], max_length=40)
                field.widget = forms.NumberInput(
                    attrs={k: v for k, v in (("min", spec.min), ("max", spec.max)) if v is not None}
                )
            field.help_text = _("取值范围：%(range)s；默认值：%(default)s") % {
                "range": spec.range_text(),
                "default": spec.default,
            }
            style_widget(field)
            self.fields[name] = field
        self.order_fields([*self.param_names, "reason"])

    def params(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.param_names}


@staff_page("rules.configure")
@require_http_methods(["GET", "POST"])
def gate_edit(request, code):
    if not access.may(request.user, "rules.configure"):
        raise PermissionDenied  # gate parameters are group-wide: headquarters business
    gate = gates.GATES.get(code)
    if gate is None or not gate.params:
        raise Http404
    form = GateSettingForm(request.POST or None, gate=gate, current=gate.param_values())
    return form_page(
        request,
        form=form,
        call=lambda data: reviews.gate_setting_update(
            actor=request.user, gate=gate, params=form.params(), reason=data["reason"]
        ),
        template="core/gate_form.html",
        success_url=reverse("core:gates"),
        success_message=_("审查节点“%(label)s”的参数已更新，即时生效。") % {"label": gate.label},
        context={"gate": gate},
    )
