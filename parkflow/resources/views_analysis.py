"""Entitlements per customer grade (R-RES-2: read by all staff, set by the keepers) and the
anti-favouritism analysis of above-entitlement grants (R-RES-5, 小圈子): per staff member and
period how often they granted above entitlement and to whom, repeated staff–enterprise pairs,
the concentration on the top three enterprises, charts, and the audited export for the audit
committee."""

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parkflow.core import access, generic_views
from parkflow.core.views import staff_page
from parkflow.enterprises.choices import EnterpriseGrade
from parkflow.enterprises.forms import parks_for

from . import exports, selectors, services
from .choices import ResourceKind
from .entitlements import MEASURE
from .forms import AnalysisForm, EntitlementForm

# ---------------------------------------------------------------------------------------------
# Entitlements (R-RES-2)


def _keeper_parks(user):
    """The parks where the user sets entitlements (a queryset for the form's choice)."""
    parks = access.parks_with_roles(user, access.roles_for("entitlement.manage"))
    qs = parks_for(user)
    return qs if parks is None else qs.filter(pk__in=parks)


def _entitlement_rows(entitlements):
    """One row per (park, grade) with the kinds as columns; grades in their order."""
    grades = {code: n for n, code in enumerate(EnterpriseGrade.values)}
    rows: dict[tuple, dict] = {}
    for entitlement in entitlements:
        key = (entitlement.park_id, entitlement.grade)
        row = rows.setdefault(
            key,
            {
                "park": entitlement.park,
                "grade": entitlement.get_grade_display(),
                "grade_code": entitlement.grade,
                "kinds": {},
            },
        )
        measure = MEASURE[entitlement.kind]
        row["kinds"][entitlement.kind] = {
            "entitlement": entitlement,
            "value": getattr(entitlement, measure),
            "unit": {"monthly_hours": _("小时/月"), "max_area": _("㎡"), "max_count": _("个")}[
                measure
            ],
        }
    ordered = sorted(
        rows.values(), key=lambda r: (r["park"].sort_order, r["park"].pk, grades[r["grade_code"]])
    )
    for row in ordered:
        row["cells"] = [row["kinds"].get(kind) for kind in ResourceKind.values]
    return ordered


@require_http_methods(["GET", "POST"])
@staff_page("resource.view")
def entitlement_list(request):
    """The table of entitlements, read by all staff; keepers set one with the form beside it
    (a new grade and kind, or ``?edit=<pk>`` to change one)."""
    user = request.user
    keeper_parks = _keeper_parks(user) if access.may_somewhere(user, "entitlement.manage") else []
    if request.method == "POST" and not keeper_parks:
        raise PermissionDenied
    entitlements = list(selectors.entitlement_list(actor=user))
    edit = request.GET.get("edit", "")
    editing = next((e for e in entitlements if edit.isdigit() and e.pk == int(edit)), None)
    context = {
        "rows": _entitlement_rows(entitlements),
        "kinds": ResourceKind.choices,
        "editing": editing,
    }
    if not keeper_parks:
        return render(request, "resources/entitlement_list.html", {"form": None, **context})
    form = EntitlementForm(
        request.POST or None,
        parks=keeper_parks,
        initial=EntitlementForm.initial_for(editing) if editing else {},
    )
    return generic_views.form_page(
        request,
        form=form,
        call=lambda values: services.entitlement_save(actor=user, **values),
        template="resources/entitlement_list.html",
        success_url=reverse("resources:entitlements"),
        success_message=lambda e: _("已设置“%(name)s”的资源权益。") % {"name": e},
        context=context,
    )


# ---------------------------------------------------------------------------------------------
# The analysis (R-RES-5)

PIE_COLOURS = ["#e5484d", "#f0a202", "#0b9fc6", "#c3cad6"]
GRANTS_SHOWN = 100


def _bounds(values):
    """The period's days as moments, Asia/Shanghai midnight to midnight."""
    return tuple(
        timezone.make_aware(datetime.datetime.combine(values[key], datetime.time()))
        for key in ("start", "end")
    )


def analysis_for(user, values):
    starts_at, ends_at = _bounds(values)
    return selectors.allocation_analysis(
        actor=user, starts_at=starts_at, ends_at=ends_at, park=values["park"]
    )


def _charts(analysis) -> dict:
    staff = [row for row in analysis.staff if row.above]
    rest = analysis.above - sum(row["above"] for row in analysis.top)
    pie = [{"name": row["name"], "value": row["above"]} for row in analysis.top]
    if rest:
        pie.append({"name": _("其他企业"), "value": rest})
    return {
        "staff": {
            "type": "bar",
            "labels": [row.name for row in staff],
            "values": [row.above for row in staff],
            "colors": ["#e5484d" if row.repeated else "#1f4fd1" for row in staff],
        },
        "concentration": {"type": "pie", "data": pie, "colors": PIE_COLOURS},
    }


@staff_page("resource.analyse")
def allocation_analysis(request):
    form = AnalysisForm(request.GET or None, user=request.user)
    values = form.values()
    analysis = analysis_for(request.user, values)
    starts_at, ends_at = _bounds(values)
    grants = selectors.above_entitlement_grants(
        actor=request.user, starts_at=starts_at, ends_at=ends_at, park=values["park"]
    )
    repeated = {(p["staff"], p["enterprise_id"]) for p in analysis.pairs}
    return render(
        request,
        "resources/analysis.html",
        {
            "form": form,
            "values": values,
            "analysis": analysis,
            "charts": _charts(analysis),
            "grants": list(grants[:GRANTS_SHOWN]),
            "grants_more": max(analysis.above - GRANTS_SHOWN, 0),
            "repeated": repeated,
            "concentration": round(analysis.concentration * 100),
            "export_query": generic_views.query_without_page(request),
        },
    )


@staff_page("resource.analyse")
def analysis_export(request):
    form = AnalysisForm(request.GET or None, user=request.user)
    values = form.values()
    starts_at, ends_at = _bounds(values)
    return generic_views.file_download(
        request,
        build=lambda: exports.analysis_export(
            actor=request.user,
            starts_at=starts_at,
            ends_at=ends_at,
            park=values["park"],
            label=values["label"],
        ),
        filename=exports.filename(_("超权益分配分析") + "-" + values["period"]),
        back=reverse("resources:analysis"),
    )
