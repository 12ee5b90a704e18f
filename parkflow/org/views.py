"""Organisation pages: emergency contacts (R-ORG-6) and staff compliance status (R-ORG-5)."""

import datetime
from collections import defaultdict
from functools import reduce
from operator import or_

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import clock
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.rules import params_for
from parkflow.core.views import paginate, staff_page

from . import access, services
from .choices import ComplianceKind, Role, UnitKind
from .compliance import required_for
from .forms import ContactFilterForm, EmergencyContactForm, PeopleFilterForm
from .models import ComplianceRecord, EmergencyContact, OrgUnit, RoleAssignment, User

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
    form = EmergencyContactForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.emergency_contact_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("应急联系人 %(name)s 已登记。") % {"name": contact.name})
            return redirect("org:contacts")
    return render(request, "org/contact_form.html", {"form": form})


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


def _status_rows(people, today):
    """Per person: roles, the latest validity of each record kind, and what lapsed — from the
    prefetched rows, without further queries."""
    rows = []
    for person in people:
        latest, valid = {}, set()
        for record in person.compliance_records.all():
            if record.completed_on <= today:
                latest[record.kind] = max(
                    latest.get(record.kind, record.valid_until), record.valid_until
                )
                if record.valid_until >= today:
                    valid.add(record.kind)
        assignments = list(person.role_assignments.all())
        needed = set()
        for assignment in assignments:
            needed.update(required_for(assignment.role))
        missing = [kind for kind in ComplianceKind.values if kind in needed and kind not in valid]
        rows.append(
            {
                "person": person,
                "assignments": assignments,
                "kinds": [
                    {
                        "until": latest.get(kind),
                        "required": kind in needed,
                        "lapsed": kind in needed and kind not in valid,
                    }
                    for kind in ComplianceKind.values
                ],
                "missing": [ComplianceKind(kind).label for kind in missing],
            }
        )
    return rows


@staff_page("org.view")
def people(request):
    user = request.user
    today = clock.today()
    form = PeopleFilterForm(request.GET or None)
    qs = User.objects.filter(is_active=True, role_assignments__isnull=False)
    parks = access.visible_park_ids(user)
    if parks is not None:
        qs = qs.filter(role_assignments__unit__park__in=parks)
    in_scope = User.objects.filter(pk__in=qs.values("pk"))
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            qs = qs.filter(
                Q(display_name__icontains=q)
                | Q(username__icontains=q)
                | Q(employee_no__icontains=q)
            )
        if form.cleaned_data["lapsed"]:
            qs = qs.filter(_lapsed_condition(today))
    qs = (
        qs.distinct()
        .order_by("display_name", "username")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.select_related("unit").order_by("id"),
            ),
            Prefetch(
                "compliance_records", queryset=ComplianceRecord.objects.order_by("valid_until")
            ),
        )
    )
    page = paginate(request, qs, 30)
    context = {
        "form": form,
        "page_obj": page,
        "rows": _status_rows(page.object_list, today),
        "kinds": [label for _value, label in ComplianceKind.choices],
        "lapsed_count": in_scope.filter(_lapsed_condition(today)).count(),
    }
    return render(request, "org/people.html", context)
