"""Pages of what agreements are made from: templates and their versions (compliance review,
quarterly re-review, R-AGR-1), tariffs (R-AGR-5), service items (R-AGR-3) and the allowed
dispute venues (R-AGR-2). Reads through scoped selectors, writes through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, audit, clock
from parkflow.core.errors import DomainError, ValidationFailed
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.generic_views import form_page, submit
from parkflow.core.views import LIST_PAGE_SIZE, get_or_404, paginate, staff_page
from parkflow.enterprises.forms import parks_for
from parkflow.org.models import OrgUnit

from . import selectors, services
from . import templates as template_rules
from .choices import AgreementKind, TemplateStatus
from .forms import (
    NewVersionForm,
    ReReviewForm,
    ServiceItemForm,
    TariffFilterForm,
    TariffPublishForm,
    TemplateCreateForm,
    VenueForm,
    clause_formset,
)
from .gates import TEMPLATE_REVIEW
from .models import Venue
from .views import clause_page

TEMPLATE_SKELETON = [
    {"kind": "confidentiality", "title": gettext_lazy("保密条款"), "text": ""},
    {"kind": "breach", "title": gettext_lazy("违约责任"), "text": ""},
    {"kind": "dispute", "title": gettext_lazy("争议解决"), "text": ""},
]


def _parks_where(user, action):
    """The user's parks where ``action`` is theirs (for the park choices of a form)."""
    ids = [park.pk for park in parks_for(user) if access.may(user, action, park=park)]
    return OrgUnit.objects.filter(pk__in=ids).order_by("sort_order", "id")


# ---------------------------------------------------------------------------------------------
# Templates (R-AGR-1)


@staff_page("template.view")
def template_list(request):
    today = clock.today()
    templates = list(selectors.template_list(actor=request.user))
    for template in templates:
        for version in template.versions.all():
            version.is_lapsed = version.status == TemplateStatus.APPROVED and template_rules.lapsed(
                version, today
            )
    return render(
        request,
        "agreements/template_list.html",
        {
            "templates": templates,
            "can_create": access.may_somewhere(request.user, "template.manage"),
            "valid_days": template_rules.review_valid_days(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_page("template.manage")
def template_create(request):
    parks = _parks_where(request.user, "template.manage")
    form = TemplateCreateForm(request.POST or None, parks=parks)
    formset = (
        clause_formset(request.POST)
        if request.method == "POST"
        else clause_formset(clauses=TEMPLATE_SKELETON)
    )
    errors = []
    if request.method == "POST":
        valid = form.is_valid() & formset.is_valid()
        if valid:
            try:
                version = services.template_create(
                    actor=request.user, clauses=formset.clauses(), **form.cleaned_data
                )
            except DomainError as exc:
                clause_errors = (getattr(exc, "errors", None) or {}).get("clauses")
                if clause_errors:
                    errors = list(clause_errors)
                else:
                    add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("模板“%(name)s”已创建（第1版，草稿）。") % {"name": version.template}
                )
                return redirect(version.get_absolute_url())
        else:
            errors = [str(e) for e in formset.non_form_errors()]
    return render(
        request,
        "agreements/template_create.html",
        {
            "form": form,
            "formset": formset,
            "errors": errors,
            "venue_names": selectors.active_venue_names(),
        },
    )


def _version(request, pk):
    return get_or_404(selectors.template_version_get_for_user, actor=request.user, pk=pk)


def render_version(request, version, *, error=None, status=200, rereview_form=None, note_form=None):
    user = request.user
    template = version.template
    events, older = audit.timeline(version)
    may_manage = access.may(user, "template.manage", template)
    has_open = template.versions.filter(
        status__in=(TemplateStatus.DRAFT, TemplateStatus.IN_REVIEW)
    ).exists()
    may_rereview = (
        version.status == TemplateStatus.APPROVED
        and access.may(user, "template.rereview", version)
        and version.created_by_id != user.pk
    )
    context = {
        "version": version,
        "template": template,
        "clauses": list(version.clauses.order_by("position")),
        "versions": list(template.versions.order_by("-number")),
        "gates": selectors.gate_states(version, chain=(TEMPLATE_REVIEW,)),
        "rereviews": list(version.rereviews.select_related("reviewer")[:8]),
        "lapsed": version.status == TemplateStatus.APPROVED and template_rules.lapsed(version),
        "problem": template_rules.template_problem(version)
        if version.status == TemplateStatus.APPROVED
        else None,
        "valid_days": template_rules.review_valid_days(),
        "may_edit": may_manage and version.status == TemplateStatus.DRAFT,
        "may_submit": may_manage and version.status == TemplateStatus.DRAFT,
        "may_new_version": may_manage and not has_open,
        "may_rereview": may_rereview,
        "rereview_form": rereview_form or ReReviewForm(),
        "note_form": note_form or NewVersionForm(),
        "error": error,
        "error_text": domain_error_text(error) if error else "",
        "events": events,
        "older": older,
        "subject": version,
    }
    return render(request, "agreements/template_version_detail.html", context, status=status)


@staff_page("template.view")
def template_version_detail(request, pk):
    return render_version(request, _version(request, pk))


@require_http_methods(["GET", "POST"])
@staff_page("template.manage")
def template_clauses(request, pk):
    version = _version(request, pk)
    if not access.may(request.user, "template.manage", version.template):
        raise PermissionDenied
    formset = (
        clause_formset(request.POST)
        if request.method == "POST"
        else clause_formset(clauses=version.clauses.order_by("position"))
    )

    def save(clauses):
        services.template_clauses_set(actor=request.user, version=version, clauses=clauses)
        messages.success(request, _("模板条款已保存，共 %(n)s 条。") % {"n": len(clauses)})
        return redirect(version.get_absolute_url())

    return clause_page(
        request,
        formset=formset,
        save=save,
        template="agreements/clause_form.html",
        context={"version": version, "back": version.get_absolute_url()},
    )


def _version_action(request, pk, call, done, **forms):
    version = _version(request, pk)
    try:
        result = call(version)
    except DomainError as exc:
        version.refresh_from_db()
        return render_version(request, version, error=exc, status=exc.status_code, **forms)
    messages.success(request, done(result))
    return redirect(getattr(result, "get_absolute_url", version.get_absolute_url)())


@require_POST
@staff_page("template.manage")
def template_submit(request, pk):
    return _version_action(
        request,
        pk,
        lambda version: services.template_submit(actor=request.user, version=version),
        lambda version: (
            _("“%(name)s”已提交合规审查，由法务人员（非起草人）审查。") % {"name": version}
        ),
    )


@require_POST
@staff_page("template.manage")
def template_new_version(request, pk):
    form = NewVersionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _version_action(
        request,
        pk,
        lambda version: services.template_version_create(
            actor=request.user, template=version.template, note=note
        ),
        lambda version: _("已新建“%(name)s”（草稿），条款沿用上一版。") % {"name": version},
        note_form=form,
    )


@require_POST
@staff_page("template.rereview")
def template_rereview(request, pk):
    form = ReReviewForm(request.POST)
    if not form.is_valid():
        version = _version(request, pk)
        error = ValidationFailed({"opinion": [_("请填写书面复核意见。")]}, requirement="R-AGR-1")
        return render_version(request, version, error=error, status=400, rereview_form=form)
    return _version_action(
        request,
        pk,
        lambda version: services.template_rereview(
            actor=request.user, version=version, opinion=form.cleaned_data["opinion"]
        ),
        lambda record: (
            _("已记录“%(name)s”的季度复核意见，模板可继续使用。") % {"name": record.version}
        ),
        rereview_form=form,
    )


# ---------------------------------------------------------------------------------------------
# Tariffs (R-AGR-5)


@require_http_methods(["GET", "POST"])
@staff_page("price.view")
def tariff_list(request):
    user = request.user
    publish_parks = _parks_where(user, "price.publish")
    form = None
    if publish_parks:
        form = TariffPublishForm(request.POST or None, parks=publish_parks)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done, tariff = submit(
            request, form, lambda values: services.tariff_publish(actor=user, **values)
        )
        if done:
            messages.success(
                request,
                _("已公布 %(park)s“%(what)s”收费标准 ¥%(price)s，自 %(day)s 起执行。")
                % {
                    "park": tariff.park,
                    "what": tariff.service_item.name
                    if tariff.service_item_id
                    else tariff.get_fee_kind_display(),
                    "price": f"{tariff.price:,.2f}",
                    "day": f"{tariff.effective_from.year}年{tariff.effective_from.month}月{tariff.effective_from.day}日",
                },
            )
            return redirect("agreements:tariffs")
    filters = TariffFilterForm(request.GET or None, user=user)
    tariffs = selectors.tariff_list(actor=user, **filters.filters())
    return render(
        request,
        "agreements/tariff_list.html",
        {
            "form": form,
            "filter_form": filters,
            "groups": selectors.tariff_groups(tariffs),
        },
        status=200,
    )


# ---------------------------------------------------------------------------------------------
# Service items (R-AGR-3)


@require_http_methods(["GET", "POST"])
@staff_page("agreement.view")
def service_item_list(request):
    user = request.user
    parks = _parks_where(user, "service_item.manage")
    form = ServiceItemForm(request.POST or None, parks=parks) if parks else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done, item = submit(
            request, form, lambda values: services.service_item_save(actor=user, **values)
        )
        if done:
            messages.success(request, _("已新增服务项目“%(name)s”。") % {"name": item.name})
            return redirect("agreements:service_items")
    page = paginate(request, selectors.service_item_list(actor=user), LIST_PAGE_SIZE)
    for item in page.object_list:
        item.can_edit = access.may(user, "service_item.manage", item)
        item.required_labels = [
            AgreementKind(kind).label for kind in item.required_for if kind in AgreementKind.values
        ]
    return render(
        request,
        "agreements/service_item_list.html",
        {"form": form, "page_obj": page, "items": page.object_list},
    )


@require_http_methods(["GET", "POST"])
@staff_page("service_item.manage")
def service_item_edit(request, pk):
    user = request.user
    item = get_or_404(selectors.service_item_get_for_user, actor=user, pk=pk)
    if not access.may(user, "service_item.manage", item):
        raise PermissionDenied
    parks = OrgUnit.objects.filter(pk=item.park_id)
    form = ServiceItemForm(
        request.POST or None, parks=parks, initial=ServiceItemForm.initial_for(item)
    )
    return form_page(
        request,
        form=form,
        call=lambda values: services.service_item_save(actor=user, item=item, **values),
        template="agreements/service_item_form.html",
        success_url=reverse("agreements:service_items"),
        success_message=_("服务项目已保存。"),
        context={"item": item},
    )


# ---------------------------------------------------------------------------------------------
# Dispute venues (R-AGR-2): the group's reference data, kept by legal at headquarters


def _may_manage_venues(user) -> bool:
    return access.may(user, "venue.manage")


@require_http_methods(["GET", "POST"])
@staff_page("agreement.view")
def venue_list(request):
    user = request.user
    form = VenueForm(request.POST or None) if _may_manage_venues(user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done, venue = submit(
            request, form, lambda values: services.venue_save(actor=user, **values)
        )
        if done:
            messages.success(
                request, _("已将“%(name)s”加入争议解决机构名单。") % {"name": venue.name}
            )
            return redirect("agreements:venues")
    page = paginate(request, selectors.venue_list(), LIST_PAGE_SIZE)
    return render(
        request,
        "agreements/venue_list.html",
        {"form": form, "page_obj": page, "venues": page.object_list},
    )


@require_http_methods(["GET", "POST"])
@staff_page("venue.manage")
def venue_edit(request, pk):
    user = request.user
    if not _may_manage_venues(user):
        raise PermissionDenied
    try:
        venue = selectors.venue_list().get(pk=pk)
    except Venue.DoesNotExist:
        raise Http404 from None
    form = VenueForm(request.POST or None, initial=VenueForm.initial_for(venue))
    return form_page(
        request,
        form=form,
        call=lambda values: services.venue_save(actor=user, venue=venue, **values),
        template="agreements/venue_form.html",
        success_url=reverse("agreements:venues"),
        success_message=_("争议解决机构已保存。"),
        context={"venue": venue},
    )
