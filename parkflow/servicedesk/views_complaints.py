"""Staff pages of complaints (R-CMP-1 … R-CMP-8): the list with each complaint's response time
left, its Excel export, 登记投诉, and the complaint's page — the facts as received and recorded,
the grade and its proposal, the clocks, the appended record, transfers, the major complaint's
emergency plan with its leading-group review, referrals and the timeline — with the steps the
user may take now as POST forms. Every lookup goes through a scoped selector, so another park's
complaint is a 404 (R-ORG-3); every step is a service, whose refusal is shown on its form with
nothing written. Nothing here edits or deletes a complaint or a note: corrections are appended."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkflow.core import access, audit, generic_views, sla
from parkflow.core.choices import GateStatus, SlaState
from parkflow.core.errors import DomainError, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.gates import latest_decision
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, staff_page

from . import exports_complaints as exports
from . import gates
from . import selectors_complaints as selectors
from . import services_complaints as services
from .choices import ComplaintGrade, ComplaintStatus, PlanStage
from .clocks import COMPLAINT_RESOLUTION
from .forms_complaints import (
    ComplaintFilterForm,
    ComplaintRecordForm,
    CompleteForm,
    DeclineForm,
    NoteForm,
    PlanForm,
    ReferralForm,
    RegradeForm,
    ReportForm,
    ResolveForm,
    RespondForm,
    TransferForm,
    WaitForm,
)
from .models import Complaint

# ---------------------------------------------------------------------------------------------
# The list and its export


def _filter_form(request):
    return ComplaintFilterForm(request.GET or None, user=request.user)


def _filtered(filters) -> bool:
    return any(v not in ("", None, False) for v in filters.values())


@require_GET
@staff_page("complaint.view")
def complaint_list(request):
    form = _filter_form(request)
    filters = form.filters()
    return generic_views.list_page(
        request,
        qs=selectors.complaint_list(actor=request.user, **filters),
        template="servicedesk/complaint_list.html",
        partial="servicedesk/partials/_complaint_table.html",
        target="complaint-table",
        per_page=LIST_PAGE_SIZE,
        name="complaints",
        context={
            "form": form,
            "filtered": _filtered(filters),
            "export_query": generic_views.query_without_page(request),
            "can_record": access.may_somewhere(request.user, "complaint.record"),
        },
        decorate=selectors.decorate_response_sla,
    )


@require_GET
@staff_page("complaint.view")
def complaint_export(request):
    form = _filter_form(request)
    return generic_views.file_download(
        request,
        build=lambda: exports.complaint_export(actor=request.user, filters=form.filters()),
        filename=exports.filename(_("投诉台账")),
        back=reverse("servicedesk:complaints"),
    )


# ---------------------------------------------------------------------------------------------
# 登记投诉


def _recorded_message(made) -> str:
    proposal = made.get_proposed_grade_display()
    text = _("投诉已登记。分级矩阵建议：%(grade)s") % {"grade": proposal}
    if made.grade_reason:
        text += _("（%(reason)s）") % {"reason": made.grade_reason}
    if made.requested_grade:
        text += _("；申请定为%(grade)s，待园区领导审批。") % {
            "grade": made.get_requested_grade_display()
        }
    if made.is_major:
        text += _("已启动应急预案，请在 24 小时内完成重大事件上报。")
    return text


@require_http_methods(["GET", "POST"])
@staff_page("complaint.record")
def complaint_create(request):
    """登记投诉 (R-CMP-1): a call, a visit, an e-mail or a 12345 referral, with the time it was
    received; the matrix proposes the grade (R-CMP-2), which the page shows after saving."""
    form = ComplaintRecordForm(
        request.POST or None, enterprises=selectors.enterprises_for_record(request.user)
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.complaint_record(actor=request.user, **values),
        template="servicedesk/complaint_form.html",
        success_url=lambda made: reverse("servicedesk:complaint", args=[made.pk]),
        success_message=_recorded_message,
        error_status=400,
    )


# ---------------------------------------------------------------------------------------------
# The complaint's page and its steps


@dataclass(frozen=True)
class Step:
    """One step on the complaint's page: the button, its form (a modal that is also the
    confirmation) and the service it calls."""

    name: str
    label: Any
    icon: str
    form: Any  # form class, or None for a step with nothing to fill in
    call: Any  # call(actor, complaint, plan, transfer, values) -> result
    done: Any  # the success message
    button: str = "btn-outline-primary"
    intro: Any = ""
    form_kwargs: Any = None  # form_kwargs(complaint) -> dict


def _take(actor, complaint, plan, transfer, values):
    return services.complaint_take(actor=actor, complaint=complaint)


def _transfer(actor, complaint, plan, transfer, values):
    return services.complaint_transfer_offer(actor=actor, complaint=complaint, **values)


def _accept(actor, complaint, plan, transfer, values):
    return services.complaint_transfer_accept(actor=actor, transfer=transfer)


def _decline(actor, complaint, plan, transfer, values):
    return services.complaint_transfer_decline(actor=actor, transfer=transfer, **values)


def _respond(actor, complaint, plan, transfer, values):
    return services.complaint_respond(actor=actor, complaint=complaint, **values)


def _note(actor, complaint, plan, transfer, values):
    return services.complaint_note_add(actor=actor, complaint=complaint, **values)


def _wait(actor, complaint, plan, transfer, values):
    return services.complaint_wait(actor=actor, complaint=complaint, **values)


def _resume(actor, complaint, plan, transfer, values):
    return services.complaint_resume(actor=actor, complaint=complaint)


def _regrade(actor, complaint, plan, transfer, values):
    return services.complaint_regrade(actor=actor, complaint=complaint, **values)


def _report(actor, complaint, plan, transfer, values):
    return services.major_event_report(actor=actor, plan=plan, **values)


def _submit(actor, complaint, plan, transfer, values):
    return services.plan_submit(actor=actor, plan=plan, **values)


def _carry_out(actor, complaint, plan, transfer, values):
    return services.plan_carry_out(actor=actor, plan=plan)


def _complete(actor, complaint, plan, transfer, values):
    return services.plan_complete(actor=actor, plan=plan, **values)


def _resolve(actor, complaint, plan, transfer, values):
    return services.complaint_resolve(actor=actor, complaint=complaint, **values)


def _refer(actor, complaint, plan, transfer, values):
    return services.referral_open(actor=actor, complaint=complaint, **values)


STEPS = {
    step.name: step
    for step in (
        Step(
            "take",
            gettext_lazy("受理"),
            "bi-hand-index",
            None,
            _take,
            gettext_lazy("已受理，您是该投诉的首问负责人。"),
            button="btn-primary",
            intro=gettext_lazy("受理后您即为首问负责人，负责办理至办结；转办须对方接收。"),
        ),
        Step(
            "transfer",
            gettext_lazy("转办"),
            "bi-arrow-left-right",
            TransferForm,
            _transfer,
            gettext_lazy("已发起转办，对方接收后负责人才变更。"),
            intro=gettext_lazy("每次转办都计入转办次数；转办过多将向部门负责人预警（严禁推诿）。"),
            form_kwargs=lambda complaint: {"candidates": selectors.transfer_candidates(complaint)},
        ),
        Step(
            "accept",
            gettext_lazy("接收转办"),
            "bi-box-arrow-in-down",
            None,
            _accept,
            gettext_lazy("已接收转办，您现在是该投诉的负责人。"),
            button="btn-primary",
            intro=gettext_lazy("接收后由您负责办理该投诉直至办结。"),
        ),
        Step(
            "decline",
            gettext_lazy("拒绝转办"),
            "bi-x-circle",
            DeclineForm,
            _decline,
            gettext_lazy("已拒绝转办，投诉仍由原负责人办理。"),
            button="btn-outline-danger",
        ),
        Step(
            "respond",
            gettext_lazy("答复企业"),
            "bi-reply",
            RespondForm,
            _respond,
            gettext_lazy("答复已发送，企业可在门户查看。"),
            button="btn-primary",
        ),
        Step(
            "note",
            gettext_lazy("追加记录 / 更正"),
            "bi-journal-plus",
            NoteForm,
            _note,
            gettext_lazy("已追加到处理记录。"),
        ),
        Step(
            "wait",
            gettext_lazy("暂停等待企业"),
            "bi-pause-circle",
            WaitForm,
            _wait,
            gettext_lazy("办结计时已暂停，等待企业补充。"),
        ),
        Step(
            "resume",
            gettext_lazy("恢复计时"),
            "bi-play-circle",
            None,
            _resume,
            gettext_lazy("办结计时已恢复。"),
            intro=gettext_lazy("不再等待企业，办结计时从现在起继续。"),
        ),
        Step(
            "regrade",
            gettext_lazy("调整等级"),
            "bi-sliders",
            RegradeForm,
            _regrade,
            gettext_lazy("等级已调整（低于矩阵建议的，待园区领导审批后生效）。"),
            intro=gettext_lazy(
                "调高立即生效（定为重大即启动应急预案）；低于矩阵建议须园区领导审批。"
            ),
        ),
        Step(
            "report",
            gettext_lazy("重大事件上报"),
            "bi-broadcast",
            ReportForm,
            _report,
            gettext_lazy("重大事件已上报园区办公室并抄送分管领导。"),
            button="btn-danger",
        ),
        Step(
            "submit",
            gettext_lazy("提交解决方案"),
            "bi-clipboard-check",
            PlanForm,
            _submit,
            gettext_lazy("解决方案已提交领导小组审查，审查通过后方可实施。"),
            button="btn-primary",
        ),
        Step(
            "carry_out",
            gettext_lazy("实施方案"),
            "bi-play-fill",
            None,
            _carry_out,
            gettext_lazy("已开始实施经领导小组审查通过的方案。"),
            button="btn-primary",
            intro=gettext_lazy("按领导小组审查通过的方案开始实施，实施后方案不能再修改。"),
        ),
        Step(
            "complete",
            gettext_lazy("整改完成"),
            "bi-check2-square",
            CompleteForm,
            _complete,
            gettext_lazy("已记录整改完成情况。"),
        ),
        Step(
            "resolve",
            gettext_lazy("办结"),
            "bi-check2-circle",
            ResolveForm,
            _resolve,
            gettext_lazy("投诉已办结，等待企业确认。"),
            button="btn-success",
        ),
        Step(
            "refer",
            gettext_lazy("问责移送"),
            "bi-person-exclamation",
            ReferralForm,
            _refer,
            gettext_lazy("已移送问责。"),
            button="btn-outline-danger",
            intro=gettext_lazy(
                "因违反制度引起的投诉，移送问责并写明责任人、违反条款和违规事实（R-CMP-8）。"
            ),
            form_kwargs=lambda complaint: {"candidates": selectors.referral_candidates(complaint)},
        ),
    )
}


def _resolution_state(complaint) -> str:
    row = sla.clocks_for(Complaint.objects.filter(pk=complaint.pk), COMPLAINT_RESOLUTION).first()
    return row.state if row is not None else ""


def available_steps(user, complaint, plan, transfer) -> list[str]:
    """The steps the user may take now (the services decide again when one is posted)."""
    handle = access.may(user, "complaint.handle", complaint)
    owner = complaint.owner_id == user.pk
    status = complaint.status
    in_progress = status == ComplaintStatus.IN_PROGRESS
    names = []
    if handle and complaint.owner_id is None:
        names.append("take")
    if transfer is not None and transfer.to_person_id == user.pk and handle:
        names += ["accept", "decline"]
    if handle and owner and in_progress:
        names.append("respond")
        if transfer is None:
            names.append("transfer")
    clock_state = _resolution_state(complaint) if handle and owner and in_progress else ""
    if clock_state == SlaState.RUNNING:
        names.append("wait")
    if clock_state == SlaState.PAUSED:
        names.append("resume")
    if handle and plan is not None:
        if plan.stage == PlanStage.ACTIVATED:
            names.append("report")
        if plan.stage in (PlanStage.REPORTED, PlanStage.PLAN_REVIEW):
            names.append("submit")
        if owner and plan.stage == PlanStage.PLAN_REVIEW and gates.PLAN_REVIEW.is_passed(plan):
            names.append("carry_out")
        if owner and plan.stage == PlanStage.CARRYING_OUT:
            names.append("complete")
    if handle and owner and in_progress:
        major_ready = plan is None or plan.stage in (
            PlanStage.CARRYING_OUT,
            PlanStage.COMPLETED,
        )
        if not complaint.is_major or major_ready:
            names.append("resolve")
    if handle:
        names.append("note")
    if (
        status != ComplaintStatus.CLOSED
        and not complaint.requested_grade
        and access.may(user, "complaint.grade", complaint)
    ):
        names.append("regrade")
    if access.may(user, "complaint.refer", complaint):
        names.append("refer")
    return names


def _form_for(step: Step, complaint, data=None):
    if step.form is None:
        return None
    kwargs = step.form_kwargs(complaint) if step.form_kwargs else {}
    return step.form(data, prefix=step.name, **kwargs)


PLAN_STEPS = (
    (gettext_lazy("即时控制"), PlanStage.ACTIVATED),
    (gettext_lazy("逐级上报"), PlanStage.ACTIVATED),
    (gettext_lazy("制定方案"), PlanStage.REPORTED),
    (gettext_lazy("领导小组审查"), PlanStage.PLAN_REVIEW),
    (gettext_lazy("实施"), PlanStage.CARRYING_OUT),
    (gettext_lazy("整改完成"), PlanStage.COMPLETED),
)
_STAGE_CURRENT = {
    PlanStage.ACTIVATED: 1,  # control measures are taken; the report is what is due
    PlanStage.REPORTED: 2,
    PlanStage.PLAN_REVIEW: 3,
    PlanStage.CARRYING_OUT: 4,
    PlanStage.COMPLETED: 6,
}


def plan_stepper(plan) -> list[tuple[str, str]]:
    current = _STAGE_CURRENT[plan.stage]
    return [
        (label, "done" if n < current else "current" if n == current else "")
        for n, (label, _stage) in enumerate(PLAN_STEPS)
    ]


def _gate_view(gate, obj) -> dict:
    """Where a gate stands on the page: its status, who signed, the open signatures (links to
    the kernel's review page) and the latest refusal's opinion."""
    return {
        "gate": gate,
        "status": gate.status(obj),
        "state": gate.state(obj),
        "latest": latest_decision(obj, gate),
    }


def render_complaint(request, complaint, *, error=None, open_step="", bound=None, status=200):
    user = request.user
    if access.is_enterprise_user(user):
        raise Http404
    plan = selectors.plan_of(complaint)
    transfer = selectors.pending_transfer(complaint)
    names = available_steps(user, complaint, plan, transfer)
    steps = []
    for name in names:
        step = STEPS[name]
        form = bound if name == open_step and bound is not None else _form_for(step, complaint)
        steps.append({"step": step, "form": form, "open": name == open_step})
    events, older = audit.timeline(complaint)
    if plan is not None:
        plan_events, plan_older = audit.timeline(plan)
        events = sorted([*events, *plan_events], key=lambda e: (e.occurred_at, e.id))
        older = older or plan_older
    downgrade = None
    if complaint.requested_grade or gates.DOWNGRADE_APPROVAL.state(complaint).reviews:
        downgrade = _gate_view(gates.DOWNGRADE_APPROVAL, complaint)
    context = {
        "complaint": complaint,
        "notes": selectors.notes_of(complaint),
        "transfers": selectors.transfers_of(complaint),
        "pending_transfer": transfer,
        "plan": plan,
        "plan_steps": plan_stepper(plan) if plan is not None else [],
        "plan_gate": _gate_view(gates.PLAN_REVIEW, plan) if plan is not None else None,
        "downgrade": downgrade,
        "referrals": selectors.referrals_of(user, complaint),
        "late_recording": complaint.recording_delay_hours >= 24,
        "steps": steps,
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": complaint,
        "GateStatus": GateStatus,
        "grade_major": ComplaintGrade.MAJOR,
    }
    return render(request, "servicedesk/complaint_detail.html", context, status=status)


def _get(request, pk) -> Complaint:
    return get_or_404(selectors.complaint_get_for_user, actor=request.user, pk=pk)


@require_GET
@staff_page("complaint.view")
def complaint_detail(request, pk):
    return render_complaint(request, _get(request, pk))


@require_POST
@staff_page("complaint.view")
def complaint_step(request, pk, step):
    """POST complaints/<pk>/<step>/: one step of the complaint's page through its service; a
    refusal re-renders the page with the step's form open and the reason on it."""
    if step not in STEPS:
        raise Http404
    complaint = _get(request, pk)
    spec = STEPS[step]
    plan = selectors.plan_of(complaint)
    transfer = selectors.pending_transfer(complaint)
    if step in ("report", "submit", "carry_out", "complete") and plan is None:
        raise Http404
    if step in ("accept", "decline") and transfer is None:
        raise Http404
    form = _form_for(spec, complaint, request.POST)
    if form is not None and not form.is_valid():
        error = ValidationFailed({k: list(v) for k, v in form.errors.items()})
        return _refused(request, pk, step, form, error)
    values = dict(form.cleaned_data) if form is not None else {}
    try:
        spec.call(request.user, complaint, plan, transfer, values)
    except DomainError as exc:
        if form is not None:
            add_domain_error(form, exc)
        return _refused(request, pk, step, form, exc)
    messages.success(request, str(spec.done))
    return redirect(reverse("servicedesk:complaint", args=[complaint.pk]))


def _refused(request, pk, step, form, error):
    """The page again, as it is now (nothing was written), the step's form open with the
    reason."""
    return render_complaint(
        request,
        _get(request, pk),
        error=error,
        open_step=step,
        bound=form,
        status=error.status_code,
    )
