"""Intake pages (R-ENT-2 … R-ENT-6): the application list, published results, quarterly spot
checks, protected brands, admission-fee tariffs and my conflict-of-interest declarations; and the
intake actions of the enterprise detail page (documents, conflicts, draw re-run, admission fee).

Views parse, call ``services``, render; reads are in ``selectors``. Every read starts from ``org.access.scope``; an object
outside the user's parks is a 404 (R-ORG-3). Enterprise users never reach these pages."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, clock
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.generic_views import list_page, submit
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, paginate, safe_next, staff_page
from parkflow.enterprises import selectors as enterprise_selectors
from parkflow.enterprises.forms import parks_for
from parkflow.enterprises.views import render_detail
from parkflow.org.models import OrgUnit

from . import selectors, services
from .files import open_document, upload_document_from
from .forms import (
    ApplicationFilterForm,
    ConflictForm,
    ConflictWithdrawForm,
    DocumentForm,
    ProtectedBrandForm,
    ResultFilterForm,
    TariffPublishForm,
)
from .models import ConflictDeclaration, QualificationDocument, ReviewDraw, SpotCheckCampaign
from .panels import refused_with

CAMPAIGN_PAGE_SIZE = 8
BRAND_PAGE_SIZE = 30
TARIFF_PAGE_SIZE = 30


# ---------------------------------------------------------------------------------------------
# 入驻申请: the application list


@staff_page("enterprise.view")
def application_list(request):
    form = ApplicationFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    window = selectors.licence_window()
    return list_page(
        request,
        qs=selectors.application_list_for(actor=request.user, window=window, **filters),
        template="intake/application_list.html",
        partial="intake/partials/_application_table.html",
        target="application-table",
        per_page=LIST_PAGE_SIZE,
        name="enterprises",
        decorate=lambda rows: selectors.decorate_applications(rows, window),
        context={
            "form": form,
            "page_name": _("入驻申请"),
            "filtered": any(filters.values()),
            "can_create": access.may_somewhere(request.user, "enterprise.create"),
        },
    )


# ---------------------------------------------------------------------------------------------
# 审查结果公示 ("一公开", R-ENT-3)


@staff_page("result.view")
def result_list(request):
    form = ResultFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(
        request, selectors.published_results(actor=request.user, **filters), LIST_PAGE_SIZE
    )
    # Link the enterprises the user may open; the others are shown by name only.
    visible = selectors.visible_enterprise_ids(
        request.user, [r.enterprise_id for r in page.object_list]
    )
    for result in page.object_list:
        result.linkable = result.enterprise_id in visible
    context = {
        "form": form,
        "page_obj": page,
        "results": page.object_list,
        "page_name": _("审查结果公示"),
        "filtered": any(filters.values()),
    }
    return render(request, "intake/result_list.html", context)


# ---------------------------------------------------------------------------------------------
# 季度抽查 (R-ENT-3)


@staff_page("spot_check.view")
def spot_check_list(request):
    page = paginate(request, SpotCheckCampaign.objects.order_by("-quarter"), CAMPAIGN_PAGE_SIZE)
    selectors.decorate_campaigns(request.user, page.object_list)
    quarter = services.quarter_of(clock.today())
    can_run = access.may_somewhere(request.user, "spot_check.run")
    context = {
        "page_obj": page,
        "campaigns": page.object_list,
        "page_name": _("季度抽查"),
        "quarter": quarter,
        "quarter_done": SpotCheckCampaign.objects.filter(quarter=quarter).exists(),
        "can_run": can_run,
        "rate_percent": float(settings.PARKFLOW_SPOT_CHECK_RATE) * 100,
        "population": selectors.admitted_population() if can_run else None,
    }
    return render(request, "intake/spot_check_list.html", context)


@require_POST
@staff_page("spot_check.run")
def spot_check_run(request):
    """Draw this quarter's sample with the system's seed; a second run shows the first."""
    quarter = services.quarter_of(clock.today())
    already = SpotCheckCampaign.objects.filter(quarter=quarter).exists()
    try:
        campaign = services.spot_check_campaign_run(actor=request.user)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("intake:spot_checks")
    if already:
        messages.info(request, _("%(q)s 的抽查已执行过，以下为当时的抽取结果。") % {"q": quarter})
    else:
        messages.success(
            request,
            _("已完成 %(q)s 季度抽查：从 %(n)s 家企业中随机抽中 %(k)s 家，并为每家抽取审查人。")
            % {"q": campaign.quarter, "n": len(campaign.population), "k": len(campaign.sample)},
        )
    return redirect("intake:spot_checks")


# ---------------------------------------------------------------------------------------------
# 受保护品牌 (R-ENT-6)


@require_http_methods(["GET", "POST"])
@staff_page("brand.manage")
def brand_list(request):
    # "?edit=<id>" (GET) or the posted "brand" id opens the form on an existing brand (D20).
    edit_id = (request.POST.get("brand") or request.GET.get("edit") or "").strip()
    editing = (
        selectors.protected_brand_list().filter(pk=edit_id).first() if edit_id.isdigit() else None
    )
    form = ProtectedBrandForm(request.POST or None, editing=editing)
    if editing is not None:
        done, brand = submit(
            request,
            form,
            lambda values: services.protected_brand_update(
                actor=request.user, brand=editing, **values
            ),
        )
        message = _("已保存“%(name)s”，此后登记或改名的企业按新设置比对。")
    else:
        done, brand = submit(
            request,
            form,
            lambda values: services.protected_brand_create(actor=request.user, **values),
        )
        message = _("已将“%(name)s”加入受保护品牌名录，此后登记或改名的企业将与其比对。")
    if done:
        messages.success(request, message % {"name": brand.name})
        return redirect("intake:brands")
    search = (request.GET.get("q") or "").strip()[:60]
    page = paginate(request, selectors.protected_brand_list(search=search), BRAND_PAGE_SIZE)
    flags = selectors.open_flags_by_brand(request.user, page.object_list)
    for brand in page.object_list:
        brand.open_flags = flags.get(brand.pk, [])
    context = {
        "form": form,
        "page_obj": page,
        "brands": page.object_list,
        "page_name": _("受保护品牌"),
        "search": search,
        "open_flag_total": sum(len(v) for v in flags.values()),
        "editing": editing,
    }
    return render(request, "intake/brand_list.html", context)


# ---------------------------------------------------------------------------------------------
# 入驻费标准 (R-ENT-5)


@require_http_methods(["GET", "POST"])
@staff_page("tariff.view")
def tariff_list(request):
    user = request.user
    parks = list(parks_for(user))
    publish_parks = [park for park in parks if access.may(user, "tariff.publish", park)]
    form = None
    if publish_parks:
        form = TariffPublishForm(
            request.POST or None,
            parks=OrgUnit.objects.filter(pk__in=[p.pk for p in publish_parks]).order_by(
                "sort_order", "id"
            ),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done, tariff = submit(
            request, form, lambda values: services.tariff_publish(actor=user, **values)
        )
        if done:
            messages.success(
                request,
                _("已公布 %(park)s 入驻费标准 ¥%(amount)s，自 %(day)s 起执行。")
                % {
                    "park": tariff.park,
                    "amount": f"{tariff.amount:,.2f}",
                    "day": f"{tariff.effective_from:%Y-%m-%d}",
                },
            )
            return redirect("intake:tariffs")
    today = clock.today()
    page = paginate(request, selectors.tariff_list(actor=user), TARIFF_PAGE_SIZE)
    # ``parks`` are already the user's (parks_for): the summary needs no second scoping.
    summary = selectors.tariff_summary(parks, today)
    context = {
        "form": form,
        "page_obj": page,
        "tariffs": page.object_list,
        "page_name": _("入驻费标准"),
        "summary": summary,
        "today": today,
    }
    return render(request, "intake/tariff_list.html", context)


# ---------------------------------------------------------------------------------------------
# 我的利益冲突申报 (R-ENT-4)


def render_conflicts(request, *, failed=None, form=None, status=200):
    page = paginate(request, selectors.my_conflicts(request.user), LIST_PAGE_SIZE)
    context = {
        "page_obj": page,
        "declarations": page.object_list,
        "page_name": _("我的利益冲突申报"),
        "failed": failed,
        "withdraw_form": form if failed else ConflictWithdrawForm(),
        "blank_form": ConflictWithdrawForm(),
    }
    return render(request, "intake/conflict_list.html", context, status=status)


@staff_page("enterprise.declare_conflict")
def conflict_list(request):
    return render_conflicts(request)


# ---------------------------------------------------------------------------------------------
# Intake actions of the enterprise detail page. A refusal re-renders that page with the error
# (temporary, i7-intake: the detail page becomes a composition of registered panels).


def _render_detail(request, enterprise, *, action_error=None, status=200, **forms):
    """The enterprise page again, with the refused form in intake's panel (panels.refused_with)."""
    refused_with(request, **forms)
    return render_detail(request, enterprise, action_error=action_error, status=status)


@require_POST
@staff_page("enterprise.view")
def enterprise_declare_conflict(request, pk):
    enterprise = get_or_404(enterprise_selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                actor=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("利益冲突申报已登记，您将不参与该企业的审查与审批。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return _render_detail(request, enterprise, conflict_form=form, status=400)


# ---------------------------------------------------------------------------------------------
# Qualification documents (R-ENT-2)


@require_POST
@staff_page("enterprise.view")
def enterprise_document_upload(request, pk):
    enterprise = get_or_404(enterprise_selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if upload_document_from(request, enterprise, form):
        return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#documents")
    return _render_detail(request, enterprise, document_form=form, status=400)


@staff_page("enterprise.view")
def enterprise_document_download(request, pk, document_pk):
    enterprise = get_or_404(enterprise_selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    return open_document(request, enterprise, document_pk)


@staff_page("enterprise.view")
def document_owner(request, document_pk):
    """Where an alert about a document points: its enterprise's documents card."""
    try:
        document = access.get_for_user(
            request.user, QualificationDocument.objects.all(), pk=document_pk
        )
    except NotFound:
        raise Http404 from None
    return redirect(f"{reverse('enterprises:detail', args=[document.enterprise_id])}#documents")


# ---------------------------------------------------------------------------------------------
# Intake actions on the detail page: draw re-run (R-ENT-3), conflict withdrawal (R-ENT-4),
# admission fee (R-ENT-5)


@require_POST
@staff_page("enterprise.view")
def draw_rerun(request, pk, draw_pk):
    """Re-run a recorded draw from its pool and seed and say whether it gives the same
    reviewers. Read-only: nothing is written."""
    enterprise = get_or_404(enterprise_selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    try:
        draw = access.get_for_user(
            request.user, ReviewDraw.objects.filter(enterprise=enterprise), pk=draw_pk
        )
    except NotFound:
        raise Http404 from None
    result = selectors.rerun_draw(draw)
    if request.htmx:
        return render(request, "intake/partials/_draw_rerun.html", result)
    if result["matches"]:
        messages.success(request, _("复现结果与记录一致 ✓"))
    else:
        messages.error(request, _("复现结果与记录不一致，请立即核查该次抽取。"))
    return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#draw-{draw.pk}")


@require_POST
@staff_page("enterprise.declare_conflict")
def conflict_withdraw(request, declaration_pk):
    """Withdraw one's own declaration (someone else's is a 404); the reason is required."""
    try:
        declaration = access.get_restricted(
            request.user,
            "enterprise.declare_conflict",
            ConflictDeclaration.objects.select_related("enterprise"),
            pk=declaration_pk,
        )
    except NotFound:
        raise Http404 from None
    form = ConflictWithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.conflict_withdraw(actor=request.user, declaration=declaration, reason=reason)
    except DomainError as exc:
        add_domain_error(form, exc)
        if request.POST.get("origin") == "detail":
            enterprise = get_or_404(
                enterprise_selectors.enterprise_get_for_user,
                actor=request.user,
                pk=declaration.enterprise_id,
            )
            return _render_detail(request, enterprise, withdraw_form=form, status=exc.status_code)
        return render_conflicts(request, failed=declaration, form=form, status=exc.status_code)
    messages.success(
        request,
        _("已撤回与“%(name)s”的利益冲突申报。") % {"name": declaration.enterprise.name},
    )
    return redirect(safe_next(request, reverse("intake:conflicts")))


@require_POST
@staff_page("enterprise.view")
def admission_fee_charge(request, pk):
    """Charge the park's published tariff; no amount is taken from the page (R-ENT-5)."""
    enterprise = get_or_404(enterprise_selectors.enterprise_get_for_user, actor=request.user, pk=pk)
    try:
        fee = services.admission_fee_charge(actor=request.user, enterprise=enterprise)
    except DomainError as exc:
        enterprise.refresh_from_db()
        return _render_detail(request, enterprise, action_error=exc, status=exc.status_code)
    messages.success(
        request,
        _("已按公布的收费标准计收入驻费 ¥%(amount)s。") % {"amount": f"{fee.amount:,.2f}"},
    )
    return redirect(f"{reverse('enterprises:detail', args=[enterprise.pk])}#admission-fee")
