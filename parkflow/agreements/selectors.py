"""Reads of the agreements domain, each starting from the actor's scope (R-ORG-3): the ledger,
one agreement with what its page shows, templates, tariffs, service items. Venues are the
group's reference data (no park): every member of staff may read them."""

import datetime

from django.db.models import Count, Prefetch, Q

from parkflow.core import access, clock, gates
from parkflow.enterprises.models import Enterprise

from . import templates as template_rules
from .choices import AgreementStatus, TemplateStatus
from .gates import CHAIN, LEADERS
from .models import (
    Agreement,
    FeeLine,
    ServiceItem,
    ServiceLine,
    Tariff,
    Template,
    TemplateVersion,
    Venue,
)

# The ledger's expiry filter: "due within N days" windows, and the already expired.
EXPIRY_WINDOWS = (30, 60, 90)
EXPIRED = "expired"
IN_FORCE = (AgreementStatus.SIGNED,)


# ---------------------------------------------------------------------------------------------
# The ledger


def _expiry_q(expiry: str, today: datetime.date) -> Q | None:
    if expiry == EXPIRED:
        return Q(status__in=IN_FORCE, end_date__lt=today)
    if expiry.isdigit() and int(expiry) in EXPIRY_WINDOWS:
        until = today + datetime.timedelta(days=int(expiry))
        return Q(status__in=IN_FORCE, end_date__gte=today, end_date__lte=until)
    return None


def agreement_list(
    *, actor, search: str = "", status: str = "", kind: str = "", park=None, expiry: str = ""
):
    """The agreements the actor may see, newest first (the ``agreement_newest`` index)."""
    qs = access.scope(actor, Agreement.objects.select_related("park", "enterprise"))
    if search:
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(title__icontains=search)
            | Q(enterprise__name__icontains=search)
            | Q(enterprise__credit_code__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if park is not None:
        qs = qs.filter(park=park)
    window = _expiry_q(expiry or "", clock.today())
    if window is not None:
        qs = qs.filter(window)
    return qs.order_by("-created_at", "-id")


def agreement_get_for_user(*, actor, pk) -> Agreement:
    return access.get_for_user(
        actor,
        Agreement.objects.select_related(
            "park",
            "enterprise",
            "template_version__template",
            "created_by",
            "price_approver",
            "park_signatory",
            "signed_by",
            "amends",
        ),
        pk=pk,
    )


def agreement_content(agreement) -> dict:
    """Clauses, service lines and fees of one agreement, each list in one query."""
    return {
        "clauses": list(agreement.clauses.order_by("position")),
        "lines": list(
            agreement.lines.select_related("item", "confirmed_by").order_by("basis", "id")
        ),
        "fees": list(agreement.fees.select_related("service_item", "tariff").order_by("position")),
    }


def agreement_versions(*, actor, agreement) -> list[Agreement]:
    """Every version of the agreement's number the actor may see, oldest first."""
    return list(
        access.scope(actor, Agreement.objects.filter(number=agreement.number)).order_by("version")
    )


def gate_states(obj, chain=CHAIN) -> list[dict]:
    """Where each review gate stands on the object: its status (passed, open, refused, void,
    not applicable), who signed, the open reviews (links to the review page)."""
    rows = []
    for gate in chain:
        status = gate.status(obj)
        state = gate.state(obj)
        rows.append(
            {
                "gate": gate,
                "status": status,
                "state": state,
                "latest": gates.latest_decision(obj, gate),
            }
        )
    return rows


def line_candidates(agreement):
    """The park's active service items not yet in the agreement."""
    return ServiceItem.objects.filter(park_id=agreement.park_id, is_active=True).exclude(
        pk__in=agreement.lines.values("item_id")
    )


def price_approvers(park):
    """The park's leaders (and headquarters') who may approve a price exception."""
    from parkflow.org.models import User

    return (
        User.objects.filter(is_active=True, role_assignments__role__in=LEADERS)
        .filter(Q(role_assignments__unit__park=park) | Q(role_assignments__unit__park__isnull=True))
        .distinct()
        .order_by("display_name", "username")
    )


def park_signatories(park):
    """People who may sign for the park: the drafters of the agreement's park."""
    from parkflow.org.models import User

    roles = access.roles_for("agreement.sign")
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=roles)
        .filter(Q(role_assignments__unit__park=park) | Q(role_assignments__unit__park__isnull=True))
        .distinct()
        .order_by("display_name", "username")
    )


def agreement_counts(*, actor) -> dict:
    """The workbench's figures: awaiting signature, and signed ones ending within 60 days."""
    today = clock.today()
    row = access.scope(actor, Agreement.objects.all()).aggregate(
        awaiting=Count("pk", filter=Q(status=AgreementStatus.APPROVED)),
        expiring=Count("pk", filter=_expiry_q("60", today)),
    )
    return row


# ---------------------------------------------------------------------------------------------
# New agreement: what the drafter may choose


def enterprises_for_drafting(actor):
    """Enterprises of the parks where the actor drafts agreements."""
    parks = access.parks_with_roles(actor, access.roles_for("agreement.draft"))
    qs = access.scope(actor, Enterprise.objects.select_related("park"))
    if parks is not None:
        qs = qs.filter(park__in=parks)
    return qs.order_by("name")


def template_versions_for_drafting(actor):
    """(usable, lapsed): approved template versions of the actor's drafting parks, split into
    those whose quarterly re-review is current and those it has lapsed for (with why)."""
    parks = access.parks_with_roles(actor, access.roles_for("agreement.draft"))
    qs = access.scope(
        actor,
        TemplateVersion.objects.filter(status=TemplateStatus.APPROVED).select_related(
            "template__park"
        ),
    )
    if parks is not None:
        qs = qs.filter(template__park__in=parks)
    usable, lapsed = [], []
    for version in qs.order_by("template__park__sort_order", "template__name"):
        (lapsed if template_rules.lapsed(version) else usable).append(version)
    return usable, lapsed


# ---------------------------------------------------------------------------------------------
# Templates


def template_list(*, actor):
    """The templates the actor may see, each with its versions (newest first) prefetched."""
    return (
        access.scope(actor, Template.objects.select_related("park", "owner_unit"))
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=TemplateVersion.objects.order_by("-number").annotate(
                    agreement_count=Count("agreements")
                ),
            )
        )
        .order_by("park__sort_order", "park_id", "name")
    )


def template_version_get_for_user(*, actor, pk) -> TemplateVersion:
    return access.get_for_user(
        actor,
        TemplateVersion.objects.select_related(
            "template__park", "template__owner_unit", "created_by"
        ),
        pk=pk,
    )


def template_get_for_user(*, actor, pk) -> Template:
    return access.get_for_user(actor, Template.objects.select_related("park"), pk=pk)


# ---------------------------------------------------------------------------------------------
# Reference data


def tariff_list(*, actor, park=None, fee_kind: str = ""):
    qs = access.scope(actor, Tariff.objects.select_related("park", "service_item", "published_by"))
    if park is not None:
        qs = qs.filter(park=park)
    if fee_kind:
        qs = qs.filter(fee_kind=fee_kind)
    return qs.order_by(
        "park__sort_order", "park_id", "fee_kind", "service_item_id", "-effective_from", "-id"
    )


def tariff_groups(tariffs, today=None) -> list[dict]:
    """The tariffs grouped per (park, fee kind, service item), newest first, each version
    marked in force, upcoming or past (no query: the rows are given)."""
    today = today or clock.today()
    groups: dict[tuple, dict] = {}
    for tariff in tariffs:
        key = (tariff.park_id, tariff.fee_kind, tariff.service_item_id)
        group = groups.setdefault(key, {"first": tariff, "versions": [], "in_force": None})
        if tariff.effective_from > today:
            tariff.state = "upcoming"
        elif group["in_force"] is None:
            tariff.state = "in_force"
            group["in_force"] = tariff
        else:
            tariff.state = "past"
        group["versions"].append(tariff)
    return list(groups.values())


def service_item_list(*, actor):
    return access.scope(actor, ServiceItem.objects.select_related("park")).order_by(
        "park__sort_order", "park_id", "code"
    )


def service_item_get_for_user(*, actor, pk) -> ServiceItem:
    return access.get_for_user(actor, ServiceItem.objects.select_related("park"), pk=pk)


def venue_list():
    """The allowed dispute venues: the group's reference data, readable by all staff (the page
    gate), written by legal at headquarters only (services.venue_save)."""
    return Venue.objects.order_by("kind", "name")


def active_venue_names() -> list[str]:
    return list(
        Venue.objects.filter(is_active=True).order_by("kind", "name").values_list("name", flat=True)
    )


def service_line_get(*, agreement, pk) -> ServiceLine:
    """A line of an agreement already fetched for the user (the agreement is the scope)."""
    return agreement.lines.select_related("item", "agreement").get(pk=pk)


def fee_line_get(*, agreement, pk) -> FeeLine:
    return agreement.fees.select_related("agreement").get(pk=pk)
