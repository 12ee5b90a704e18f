"""The enterprise portal (R-PLT-3): an enterprise user sees their own enterprise and nothing else,
uploads its qualification documents and submits its application for review. Staff have no
portal: for them these pages do not exist (404)."""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, audit, clock, workflow, workflow_views
from parkflow.core.choices import ReviewDecision
from parkflow.core.forms import domain_error_text
from parkflow.core.generic_views import submit
from parkflow.core.models import Review
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, paginate
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.forms import PortalApplicationForm
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.selectors import enterprise_get_for_user, lifecycle
from parkflow.intake import guards
from parkflow.intake.choices import DocumentType, FlagStatus
from parkflow.intake.files import open_document, upload_document_from
from parkflow.intake.forms import DocumentForm, ResultFilterForm
from parkflow.intake.gates import BRAND_AUTHORISATION
from parkflow.intake.models import PublishedResult, QualificationDocument
from parkflow.intake.selectors import documents_of, published_results
from parkflow.licences import selectors as licence_selectors
from parkflow.portal import throttle, views_licence


# What the enterprise sees of its own case: the steps it went through, when — not who did them,
# not reasons or review opinions (internal), not the rest of the audit trail (exports, alerts,
# conflict declarations). Review outcomes reach it as published results (R-ENT-3 "一公开").
def _portal_steps() -> set[str]:
    return {"enterprise.create"} | {t.code for t in workflow.for_model(Enterprise) if t.routes}


def portal_page(view):
    """Login required; only enterprise users; the enterprise is always the user's own."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.is_enterprise_user(request.user):
            raise Http404
        enterprise = get_or_404(
            enterprise_get_for_user, actor=request.user, pk=access.enterprise_id_of(request.user)
        )
        return view(request, enterprise, *args, **kwargs)

    return wrapped


def _document_types(brand_flagged: bool) -> list[str]:
    """A brand authorisation is offered only to an enterprise whose name was flagged (R-ENT-6)."""
    return [
        t for t in DocumentType.values if brand_flagged or t != DocumentType.BRAND_AUTHORISATION
    ]


def _brand_authorisation_state(enterprise, open_flags) -> str:
    """ "" (never flagged), "needed", "pending" (uploaded, under review) or "done" (cleared)."""
    if not open_flags:
        return "done" if enterprise.brand_flags.exists() else ""
    uploaded = enterprise.documents.filter(doc_type=DocumentType.BRAND_AUTHORISATION)
    under_review = Review.objects.filter(
        content_type=ContentType.objects.get_for_model(QualificationDocument),
        object_id__in=[str(pk) for pk in uploaded.values_list("pk", flat=True)],
        gate=BRAND_AUTHORISATION.code,
        decision=ReviewDecision.PENDING,
    ).exists()
    return "pending" if under_review else "needed"


def checklist(enterprise, *, licence_problem, open_flags, brand_state) -> list[dict]:
    """What the applicant still has to do, in plain words (R-ENT-2, R-ENT-5, R-ENT-6). Says
    what is missing, never who reviews or what they wrote."""
    items = [
        {
            "done": True,
            "title": _("登记企业信息"),
            "hint": _("企业名称、统一社会信用代码、法定代表人等。"),
        },
        {
            "done": licence_problem is None,
            "title": _("上传有效的营业执照"),
            "hint": licence_problem or _("现行营业执照在有效期内。"),
        },
    ]
    if brand_state:
        names = "、".join(flag.brand.name for flag in open_flags)
        items.append(
            {
                "done": brand_state == "done",
                "title": _("上传品牌授权书"),
                "hint": {
                    "needed": _(
                        "企业名称与受保护品牌“%(brands)s”相近，需上传品牌权利人出具的授权书并经审查通过。"
                    )
                    % {"brands": names},
                    "pending": _("品牌授权书已上传，正在审查。"),
                    "done": _("品牌授权书已审查通过。"),
                }[brand_state],
                "pending": brand_state == "pending",
            }
        )
    status = enterprise.status
    submitted = status not in (EnterpriseStatus.PROSPECT, EnterpriseStatus.APPLYING)
    review_hint = {
        EnterpriseStatus.PROSPECT: _("园区受理入驻申请后即可提交。"),
        EnterpriseStatus.APPLYING: _("材料齐备后点击“提交资质审核”，审查人员由系统随机抽取。"),
        EnterpriseStatus.UNDER_REVIEW: _("已提交，正在审核。结果将在“审查结果公示”中公布。"),
        EnterpriseStatus.REJECTED: _("审核未通过。请按园区要求补正材料后，联系客户经理重新提交。"),
    }.get(status, _("准入审核已通过。"))
    items.append(
        {
            "done": submitted and status != EnterpriseStatus.REJECTED,
            "failed": status == EnterpriseStatus.REJECTED,
            "pending": status == EnterpriseStatus.UNDER_REVIEW,
            "title": _("提交资质审核"),
            "hint": review_hint,
        }
    )
    return items


# A finished renewal reading stays on the portal home this long (then the register has caught up,
# or the enterprise has been told).
RENEWAL_SHOWN_DAYS = 30


def _licence_renewal(user, enterprise) -> dict:
    """新营业执照识别结果: the latest renewed licence's reading and, once read, what it says
    differently from the register (plain rows; staff apply them after checking)."""
    renewal = licence_selectors.latest_renewal(actor=user, enterprise=enterprise)
    if renewal is None:
        return {}
    rows = (
        licence_selectors.register_differences(renewal, enterprise) if renewal.is_finished else []
    )
    recent = renewal.finished_at is None or renewal.finished_at >= clock.now() - datetime.timedelta(
        days=RENEWAL_SHOWN_DAYS
    )
    if not (rows or recent):
        return {}
    return {"renewal": renewal, "renewal_rows": rows}


def _render_home(request, enterprise, *, document_form=None, submit_error="", status=200):
    user = request.user
    steps = [
        {"action": action, "at": at}
        for action, at in audit.events_for(enterprise)
        .filter(action__in=_portal_steps())
        .order_by("-id")
        .values_list("action", "occurred_at")
    ]
    open_flags = list(enterprise.brand_flags.filter(status=FlagStatus.OPEN).select_related("brand"))
    brand_state = _brand_authorisation_state(enterprise, open_flags)
    licence_problem = guards.licence_problem(enterprise)
    doc_types = _document_types(bool(open_flags))
    preset = request.GET.get("upload", "") if request.method == "GET" else ""
    if document_form is None:
        document_form = DocumentForm(
            initial={"doc_type": preset} if preset in doc_types else None, doc_types=doc_types
        )
    context = {
        **_licence_renewal(user, enterprise),
        "enterprise": enterprise,
        "lifecycle": lifecycle(enterprise.status),
        "steps": steps,
        "results": PublishedResult.objects.filter(enterprise=enterprise).order_by("-published_at"),
        "documents": [d for d in documents_of(enterprise) if d.is_current],
        "document_form": document_form,
        "can_upload": access.may(user, "document.upload", enterprise)
        and enterprise.status != EnterpriseStatus.EXITED,
        # The steps an enterprise user may take from the portal (workflows' portal visibility).
        "portal_actions": workflow.available_transitions(user, enterprise, portal=True),
        "licence_problem": licence_problem,
        "open_flags": open_flags,
        "brand_state": brand_state,
        "checklist": checklist(
            enterprise,
            licence_problem=licence_problem,
            open_flags=open_flags,
            brand_state=brand_state,
        ),
        "submit_error": submit_error,
        "portal_tab": "home",
    }
    return render(request, "portal/home.html", context, status=status)


@portal_page
def home(request, enterprise):
    return _render_home(request, enterprise)


@require_POST
@portal_page
def document_upload(request, enterprise):
    flagged = enterprise.brand_flags.filter(status=FlagStatus.OPEN).exists()
    form = DocumentForm(request.POST, request.FILES, doc_types=_document_types(flagged))
    if upload_document_from(request, enterprise, form):
        return redirect(f"{reverse('portal:home')}#documents")
    return _render_home(request, enterprise, document_form=form, status=400)


@portal_page
def document_download(request, enterprise, document_pk):
    return open_document(request, enterprise, document_pk)


def _portal_transition_refused(request, enterprise, error):
    return _render_home(
        request, enterprise, submit_error=domain_error_text(error), status=error.status_code
    )


def _own_enterprise(request, pk):
    return get_or_404(
        enterprise_get_for_user, actor=request.user, pk=access.enterprise_id_of(request.user)
    )


def _portal_only(view):
    """The portal's guard (enterprise users only, their own enterprise) around a generated
    workflow view."""

    @portal_page
    def wrapped(request, enterprise, name):
        return view(request, pk=enterprise.pk, name=name)

    return wrapped


# The steps an enterprise user takes itself (R-PLT-3): POST transitions/<name>/, for each step
# workflows.py marks portal-visible; the service checks the licence and draws the reviewers.
transition = workflow_views.transition_page(
    Enterprise,
    get_object=_own_enterprise,
    render_refusal=_portal_transition_refused,
    success_url=lambda enterprise: reverse("portal:home"),
    decorate=_portal_only,
    done="portal_done",
)


# ---------------------------------------------------------------------------------------------
# Public self-service application (R-PLT-3) and the published results ("一公开", R-ENT-3)


@require_http_methods(["GET", "POST"])
def apply(request):
    """申请入驻: anyone may apply; one service call creates the portal account and the
    application together, or nothing. The new account is logged in and sent to its portal."""
    if request.user.is_authenticated:
        return views_licence.signed_in_elsewhere(request)
    if request.GET.get("reading"):
        # After 上传营业执照自动识别: pre-filled from the session's own reading (404 otherwise).
        return views_licence.apply_from_reading(request, request.GET["reading"])
    form = PortalApplicationForm(request.POST or None)
    if request.method == "POST" and not throttle.allow(request, "portal-apply"):
        form.is_valid()
        form.add_error(None, views_licence.THROTTLED)
        return views_licence.render_apply(request, form, status=429)
    done, registered = submit(
        request,
        form,
        lambda data: services.portal_application_register(
            park=data["park"],
            username=data["username"],
            password=data["password"],
            password_confirm=data["password_confirm"],
            email=data["email"],
            **{name: data[name] for name in form.ENTERPRISE_FIELDS},
        ),
    )
    if done:
        user, enterprise = registered
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("“%(name)s”的入驻申请已提交。请上传营业执照，材料齐备后点击“提交资质审核”。")
            % {"name": enterprise.name},
        )
        return redirect(f"{reverse('portal:home')}?upload=business_licence#upload-form")
    return views_licence.render_apply(request, form)


@portal_page
def results(request, enterprise):
    """审查结果公示: every enterprise's published outcome — name, matter, decision, date. Never
    reviewers, draw pools or opinions."""
    form = ResultFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, published_results(actor=request.user, **filters), LIST_PAGE_SIZE)
    context = {
        "form": form,
        "page_obj": page,
        "results": page.object_list,
        "filtered": any(filters.values()),
        "enterprise": enterprise,
        "portal_tab": "results",
    }
    return render(request, "portal/results.html", context)
