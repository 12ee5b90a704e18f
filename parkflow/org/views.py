"""Organisation pages: emergency contacts (R-ORG-6) and staff compliance status (R-ORG-5)."""

import datetime
from collections import defaultdict
from functools import reduce
from operator import or_

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, OuterRef, Q, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, clock
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.generic_views import form_page
from parkflow.core.rules import params_for
from parkflow.core.views import get_or_404, paginate, staff_page

from . import compliance, selectors, services
from .choices import ComplianceKind, Role, UnitKind
from .compliance import lapse_reason, required_for
from .forms import (
    ComplianceRecordForm,
    ContactFilterForm,
    EmergencyContactForm,
    PeopleFilterForm,
)
from .models import ComplianceRecord, EmergencyContact, OrgUnit, RoleAssignment

STALE_RULE = "org.emergency_contact_stale"


# ---------------------------------------------------------------------------------------------
# Emergency contacts (R-ORG-6, Art.21(三))


def _stale_cutoff():
    max_age = params_for(STALE_RULE)["max_age_days"]
    return max_age, clock.now() - datetime.timedelta(days=max_age)


def _contacts_for(user):
    return access.scope(
        user,
        EmergencyContact.objects.filter(is_active=True).select_related(
            "unit", "park", "confirmed_by"
        ),
    )


def _decorate_contacts(contacts, user, cutoff):
    for contact in contacts:
        contact.is_stale = contact.confirmed_at < cutoff
        contact.can_manage = access.may(user, "contact.manage", contact)
    return contacts


@staff_page("org.view")
def contact_list(request):
    user = request.user
    form = ContactFilterForm(request.GET or None, user=user)
    max_age, cutoff = _stale_cutoff()
    qs = _contacts_for(user).order_by("park__sort_order", "park_id", "unit__sort_order", "name")
    if form.is_valid():
        if park := form.cleaned_data["park"]:
            qs = qs.filter(park=park)
        if form.cleaned_data["stale"]:
            qs = qs.filter(confirmed_at__lt=cutoff)
    page = paginate(request, qs, 50)
    _decorate_contacts(page.object_list, user, cutoff)
    has_contact = EmergencyContact.objects.filter(park=OuterRef("pk"), is_active=True)
    context = {
        "form": form,
        "page_obj": page,
        "contacts": page.object_list,
        "max_age": max_age,
        "stale_count": _contacts_for(user).filter(confirmed_at__lt=cutoff).count(),
        "parks_without_contact": list(
            access.scope(user, OrgUnit.objects.filter(kind=UnitKind.PARK)).exclude(
                Exists(has_contact)
            )
        ),
        "can_manage": access.may_somewhere(user, "contact.manage"),
    }
    return render(request, "org/contact_list.html", context)


@require_POST
@staff_page("org.view")
def contact_confirm(request, pk):
    user = request.user
    try:
        contact = access.get_for_user(user, _contacts_for(user), pk=pk)
    except NotFound:
        raise Http404 from None
    error = ""
    try:
        contact = services.emergency_contact_confirm(actor=user, contact=contact)
    except DomainError as exc:
        error = domain_error_text(exc)
    if request.htmx:
        max_age, cutoff = _stale_cutoff()
        contact = _contacts_for(user).get(pk=contact.pk)
        _decorate_contacts([contact], user, cutoff)
        return render(
            request,
            "org/partials/_contact_row.html",
            {"contact": contact, "row_error": error, "max_age": max_age},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已确认 %(name)s 的联系方式。") % {"name": contact.name})
    return redirect("org:contacts")


@require_http_methods(["GET", "POST"])
@staff_page("contact.manage")
def contact_create(request):
    return form_page(
        request,
        form=EmergencyContactForm(request.POST or None, user=request.user),
        call=lambda values: services.emergency_contact_create(actor=request.user, **values),
        template="org/contact_form.html",
        success_url=reverse("org:contacts"),
        success_message=lambda c: _("应急联系人 %(name)s 已登记。") % {"name": c.name},
    )


# ---------------------------------------------------------------------------------------------
# Staff compliance status (R-ORG-5)


def _valid_today(kind, today):
    return Exists(
        ComplianceRecord.objects.filter(
            user=OuterRef("pk"), kind=kind, completed_on__lte=today, valid_until__gte=today
        )
    )


def _lapsed_condition(today):
    """In SQL: holds a role whose required records (``compliance.required_for``) are not all
    valid today — so the list can be filtered and paginated in the database."""
    roles_by_need = defaultdict(list)
    for role in Role.values:
        roles_by_need[required_for(role)].append(role)
    conditions = []
    for needed, roles in roles_by_need.items():
        if not needed:
            continue
        holds = Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role__in=roles))
        missing = reduce(or_, (~_valid_today(kind, today) for kind in needed))
        conditions.append(holds & missing)
    return reduce(or_, conditions)


@staff_page("org.view")
def people(request):
    user = request.user
    today = clock.today()
    form = PeopleFilterForm(request.GET or None)
    in_scope = selectors.people_in_scope(actor=user)
    qs = in_scope
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            qs = qs.filter(
                Q(display_name__icontains=q)
                | Q(username__icontains=q)
                | Q(employee_no__icontains=q)
            )
        if form.cleaned_data["lapsed"]:
            qs = qs.filter(_lapsed_condition(today))
    # Lapsed people first: they are blocked until someone records what is missing.
    qs = selectors.with_roles_and_compliance(
        qs.annotate(
            lapsed_first=Case(When(_lapsed_condition(today), then=0), default=1),
        ).order_by("lapsed_first", "display_name", "username")
    )
    page = paginate(request, qs, 30)
    context = {
        "form": form,
        "page_obj": page,
        "rows": compliance.status_rows(page.object_list, today),
        "kinds": [label for _value, label in ComplianceKind.choices],
        "lapsed_count": in_scope.filter(_lapsed_condition(today)).count(),
        "can_record": access.may_somewhere(user, "compliance.record"),
    }
    return render(request, "org/people.html", context)


@require_http_methods(["GET", "POST"])
@staff_page("org.view")
def person_compliance(request, pk):
    """One person's compliance status and history; the office records a completed training
    or a re-signed commitment with its evidence here (R-ORG-5)."""
    user = request.user
    person = get_or_404(selectors.person_get_for_user, actor=user, pk=pk)
    can_record = services.may_record_compliance_for(user, person)
    today = clock.today()
    missing = [
        kind
        for kind in ComplianceKind.values
        if kind in {k for a in person.role_assignments.all() for k in required_for(a.role)}
        and kind not in compliance.current_kinds(person, today)
    ]
    # The form starts on what is missing, so recording the lapsed item is one file and a date.
    form = ComplianceRecordForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": missing[0] if missing else None},
    )
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                record = services.compliance_record_add(
                    actor=user, person=person, **form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已为 %(name)s 登记“%(kind)s”，有效期至 %(date)s。")
                    % {
                        "name": person,
                        "kind": record.get_kind_display(),
                        "date": f"{record.valid_until.year}年{record.valid_until.month}月"
                        f"{record.valid_until.day}日",
                    },
                )
                return redirect("org:person_compliance", pk=person.pk)
    person = selectors.with_roles_and_compliance(selectors.people_in_scope(actor=user)).get(
        pk=person.pk
    )
    context = {
        "person": person,
        "row": compliance.status_rows([person], today)[0],
        "kinds": [label for _value, label in ComplianceKind.choices],
        "lapses": [
            reason
            for role in sorted({a.role for a in person.role_assignments.all()})
            if (reason := lapse_reason(person, role))
        ],
        "history": selectors.compliance_records_for(actor=user, person=person),
        "form": form,
        "can_record": can_record,
    }
    return render(request, "org/person_compliance.html", context)


@staff_page("org.view")
def compliance_evidence(request, pk):
    """Stream the evidence of one record to staff who see its person; audited."""
    record = selectors.compliance_records_for(actor=request.user).filter(pk=pk).first()
    if record is None:
        raise Http404
    if not record.evidence:
        raise Http404
    handle = services.compliance_evidence_open(actor=request.user, record=record)
    response = FileResponse(
        handle, as_attachment=True, filename=record.evidence_name, content_type=record.evidence_mime
    )
    response["Cache-Control"] = "private, no-store"
    return response
