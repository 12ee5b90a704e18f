"""Reads of intake, scoped to the actor where they are not public (R-ORG-3): documents and their
current versions, draws and review rounds, brand flags, admission conditions and fees, the
application list, published results, spot-check campaigns, tariffs and conflict declarations."""

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from parkflow.core import access, clock, gates
from parkflow.core.choices import ReviewDecision
from parkflow.core.models import Review
from parkflow.core.rules import params_for
from parkflow.core.selectors import narrowed
from parkflow.enterprises import selectors as enterprise_selectors
from parkflow.enterprises.models import Enterprise
from parkflow.org.models import User

from . import guards, services
from .choices import DocumentType, FlagStatus
from .forms import APPLICATION_STATUSES
from .gates import ADMISSION, BRAND_AUTHORISATION, SPOT_CHECK
from .models import (
    AdmissionFee,
    AdmissionFeeTariff,
    BrandFlag,
    ConflictDeclaration,
    ProtectedBrand,
    PublishedResult,
    QualificationDocument,
    ReviewDraw,
)


def has_active_conflict(user, enterprise) -> bool:
    return ConflictDeclaration.objects.filter(
        person=user, enterprise=enterprise, withdrawn_at__isnull=True
    ).exists()


def conflicts_active_on(user, enterprise) -> list[ConflictDeclaration]:
    """The enterprise's active declarations, each marked ``is_mine`` for ``user``."""
    conflicts = list(
        ConflictDeclaration.objects.filter(
            enterprise=enterprise, withdrawn_at__isnull=True
        ).select_related("person")
    )
    for declaration in conflicts:
        declaration.is_mine = declaration.person_id == user.pk
    return conflicts


def licence_warning_days() -> int:
    return params_for("enterprises.licence_expiring")["days_ahead"]


def licence_window():
    """Today and the last day a licence counts as "expiring" (the expiry rule's warning period)."""
    today = clock.today()
    return today, today + datetime.timedelta(days=licence_warning_days())


def documents_of(enterprise):
    """Every version of every document, newest first per type; the current version of each type
    is marked, with its validity measured against the licence-expiry rule's warning period."""
    today, warn_until = licence_window()
    documents = list(
        QualificationDocument.objects.filter(enterprise=enterprise)
        .select_related("uploaded_by")
        .order_by("doc_type", "-version")
    )
    seen = set()
    for document in documents:
        document.is_current = document.doc_type not in seen
        seen.add(document.doc_type)
        if document.valid_until and document.valid_until < today:
            document.validity = "expired"
        elif document.valid_until and document.valid_until <= warn_until:
            document.validity = "expiring"
        else:
            document.validity = "valid"
    return documents


def people_names(ids) -> dict[int, str]:
    """Display names of the people with these ids, in one query."""
    wanted = {int(pk) for pk in ids}
    if not wanted:
        return {}
    return {person.pk: str(person) for person in User.objects.filter(pk__in=wanted)}


def draws_of(user, enterprise) -> list[ReviewDraw]:
    """The enterprise's recorded "double random" draws (R-ENT-3) with the people named: the
    pool, who was excluded and why, and who was drawn. Staff-side only (ReviewDraw has no
    enterprise scope, so an enterprise user gets none)."""
    draws = list(
        access.scope(
            user, ReviewDraw.objects.filter(enterprise=enterprise).select_related("drawn_by")
        )
    )
    names = people_names(
        pk for draw in draws for pk in [*draw.pool, *draw.selected, *draw.excluded]
    )
    for draw in draws:
        chosen = set(draw.selected)
        draw.pool_people = [(names.get(pk, f"#{pk}"), pk in chosen) for pk in draw.pool]
        draw.selected_people = [names.get(pk, f"#{pk}") for pk in draw.selected]
        draw.excluded_people = [
            (names.get(int(pk), f"#{pk}"), reason) for pk, reason in draw.excluded.items()
        ]
    return draws


def rerun_draw(draw: ReviewDraw) -> dict:
    """Re-run a recorded draw from its pool and seed (read-only): does it give the same people?"""
    selected = services.draw_rerun(draw)
    names = people_names([*selected, *draw.selected])
    return {
        "draw": draw,
        "matches": selected == draw.selected,
        "rerun_people": [names.get(pk, f"#{pk}") for pk in selected],
        "recorded_people": [names.get(pk, f"#{pk}") for pk in draw.selected],
    }


def review_rounds(enterprise) -> list[dict]:
    """Admission and spot-check reviews grouped by round, newest round first: each drawn
    reviewer's decision, time and opinion (staff only)."""
    reviews = (
        gates.reviews_of(enterprise)
        .filter(gate__in=[ADMISSION.code, SPOT_CHECK.code])
        .order_by("requested_at", "id")
    )
    groups: dict[tuple[str, int], list[Review]] = {}
    for review in reviews:
        groups.setdefault((review.gate, review.round), []).append(review)
    rounds = []
    for (gate_code, number), items in groups.items():
        active = [r for r in items if r.decision != ReviewDecision.WITHDRAWN]
        gate = gates.get_gate(gate_code)
        rounds.append(
            {
                "gate": gate,
                "number": number,
                "reviews": items,
                "outcome": gates.round_outcome(items, gate.quorum),
                "decided": sum(1 for r in active if not r.is_pending),
                "total": len(active),
                "requested_at": items[0].requested_at,
            }
        )
    rounds.sort(key=lambda r: r["requested_at"], reverse=True)
    return rounds


def _latest_review_by_object(model, object_ids, gate_code) -> dict[str, Review]:
    ct = ContentType.objects.get_for_model(model)
    latest = {}
    for review in Review.objects.filter(
        content_type=ct, object_id__in=[str(pk) for pk in object_ids], gate=gate_code
    ).order_by("requested_at", "id"):
        latest[review.object_id] = review
    return latest


def brand_state(enterprise) -> dict:
    """Brand-impersonation flags (R-ENT-6) and the brand authorisations uploaded to clear them,
    each with the state of its review."""
    flags = list(enterprise.brand_flags.select_related("brand").order_by("-raised_at", "-id"))
    authorisations = list(
        enterprise.documents.filter(doc_type=DocumentType.BRAND_AUTHORISATION).order_by("-version")
    )
    reviews = _latest_review_by_object(
        QualificationDocument, [d.pk for d in authorisations], BRAND_AUTHORISATION.code
    )
    for document in authorisations:
        document.review = reviews.get(str(document.pk))
    return {
        "flags": flags,
        "open_flags": [f for f in flags if f.status == FlagStatus.OPEN],
        "authorisations": authorisations,
        "pending_authorisation": any(
            d.review is not None and d.review.is_pending for d in authorisations
        ),
    }


def admission_state(enterprise) -> dict:
    """What stands between the enterprise and approval, or — once admitted — and being served
    (the single guard of R-ENT-5, ``guards.standing_problems``)."""
    admitted = enterprise.status in guards.ADMITTED
    standing = guards.standing_problems(enterprise)
    return {
        "admitted": admitted,
        "problems": standing if admitted else guards.admission_problems(enterprise),
        "in_good_standing": not standing,
    }


def fee_state(user, enterprise, *, in_good_standing: bool) -> dict:
    """The admission fee (R-ENT-5): charged once, always the park's published tariff in force."""
    fee = (
        AdmissionFee.objects.filter(enterprise=enterprise)
        .select_related("charged_by", "tariff")
        .first()
    )
    may_charge = fee is None and access.may(user, "fee.charge", enterprise)
    tariff = services.tariff_in_force(enterprise.park) if may_charge else None
    return {
        "fee": fee,
        "may_charge": may_charge,
        "tariff": tariff,
        "can_charge": may_charge and in_good_standing and tariff is not None,
    }


def _licence_q(state: str, today, warn_until) -> Q:
    return {
        "missing": Q(licence_version__isnull=True),
        "expired": Q(licence_until__lt=today),
        "expiring": Q(licence_until__gte=today, licence_until__lte=warn_until)
        & ~Q(licence_from__gt=today),
        "not_yet": Q(licence_from__gt=today) & ~Q(licence_until__lt=today),
        "valid": Q(licence_version__isnull=False)
        & (Q(licence_until__isnull=True) | Q(licence_until__gt=warn_until))
        & ~Q(licence_from__gt=today),
    }[state]


def application_list_for(
    *,
    actor,
    window,
    search: str = "",
    status: str = "",
    licence: str = "",
    park=None,
    flagged=False,
):
    """Applications in the actor's parks (prospect, applying, under review, rejected), with the
    current licence's dates and the number of open brand flags, in one query."""
    today, warn_until = window
    current_licence = QualificationDocument.objects.filter(
        enterprise=OuterRef("pk"), doc_type=DocumentType.BUSINESS_LICENCE
    ).order_by("-version")
    open_flags = (
        BrandFlag.objects.filter(enterprise=OuterRef("pk"), status=FlagStatus.OPEN)
        .order_by()
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        enterprise_selectors.enterprise_list(actor=actor, search=search, status=status, park=park)
        .filter(status__in=APPLICATION_STATUSES)
        .annotate(
            licence_version=Subquery(current_licence.values("version")[:1]),
            licence_from=Subquery(current_licence.values("valid_from")[:1]),
            licence_until=Subquery(current_licence.values("valid_until")[:1]),
            open_flag_count=Coalesce(Subquery(open_flags, output_field=IntegerField()), Value(0)),
        )
        .order_by("-status_changed_at", "-id")
    )
    if licence:
        qs = qs.filter(_licence_q(licence, today, warn_until))
    if flagged:
        qs = qs.filter(open_flag_count__gt=0)
    return qs


def licence_state(enterprise, today, warn_until) -> str:
    if enterprise.licence_version is None:
        return "missing"
    if enterprise.licence_until and enterprise.licence_until < today:
        return "expired"
    if enterprise.licence_from and enterprise.licence_from > today:
        return "not_yet"
    if enterprise.licence_until and enterprise.licence_until <= warn_until:
        return "expiring"
    return "valid"


def decorate_applications(enterprises, window) -> None:
    """Licence state and the latest admission round's progress of each row, with one query for
    the whole page."""
    today, warn_until = window
    rounds: dict[str, dict[int, list[Review]]] = defaultdict(lambda: defaultdict(list))
    ct = ContentType.objects.get_for_model(Enterprise)
    for review in (
        Review.objects.filter(
            content_type=ct,
            object_id__in=[str(e.pk) for e in enterprises],
            gate=ADMISSION.code,
        )
        .exclude(decision=ReviewDecision.WITHDRAWN)
        .only("object_id", "round", "decision", "reviewer", "decided_at")
    ):
        rounds[review.object_id][review.round].append(review)
    for enterprise in enterprises:
        enterprise.licence_state = licence_state(enterprise, today, warn_until)
        by_round = rounds.get(str(enterprise.pk))
        if not by_round:
            enterprise.progress = None
            continue
        number = max(by_round)
        reviews = by_round[number]
        enterprise.progress = {
            "round": number,
            "decided": sum(1 for r in reviews if not r.is_pending),
            "total": len(reviews),
            "outcome": gates.round_outcome(reviews),
        }


def published_results(*, actor, search: str = "", purpose: str = "", decision: str = ""):
    """Published outcomes; public across parks by their permission declaration (publication is
    their point). Name, matter, decision and date only — never reviewers or opinions."""
    qs = access.scope(actor, PublishedResult.objects.all())
    return narrowed(
        qs, enterprise_name__icontains=search, purpose=purpose, decision=decision
    ).order_by("-published_at", "-id")


def decorate_campaigns(user, campaigns) -> None:
    """Name the sampled enterprises the user may see, with their spot-check review's state; the
    others are only counted (R-ORG-3)."""
    ids = {pk for campaign in campaigns for pk in campaign.sample}
    visible = dict(
        access.scope(user, Enterprise.objects.filter(pk__in=ids)).values_list("pk", "name")
    )
    rounds = {
        (draw.campaign_id, draw.enterprise_id): draw.round
        for draw in ReviewDraw.objects.filter(
            campaign__in=campaigns, enterprise_id__in=list(visible)
        ).only("campaign_id", "enterprise_id", "round")
    }
    ct = ContentType.objects.get_for_model(Enterprise)
    decisions = {
        (int(object_id), number): decision
        for object_id, number, decision in Review.objects.filter(
            content_type=ct, object_id__in=[str(pk) for pk in visible], gate=SPOT_CHECK.code
        )
        .exclude(decision=ReviewDecision.WITHDRAWN)
        .values_list("object_id", "round", "decision")
    }
    for campaign in campaigns:
        campaign.rows = []
        for pk in campaign.sample:
            if pk not in visible:
                continue
            number = rounds.get((campaign.pk, pk))
            campaign.rows.append(
                {
                    "pk": pk,
                    "name": visible[pk],
                    "decision": decisions.get((pk, number)) if number else None,
                }
            )
        campaign.hidden_count = len(campaign.sample) - len(campaign.rows)
        campaign.rate_percent = campaign.rate * 100


def tariffs_with_in_force(tariffs):
    """Mark the tariff each park charges today: the latest one already effective."""
    today = clock.today()
    later = AdmissionFeeTariff.objects.filter(
        park=OuterRef("park"),
        effective_from__gt=OuterRef("effective_from"),
        effective_from__lte=today,
    )
    return tariffs.annotate(
        in_force=ExpressionWrapper(
            Q(effective_from__lte=today) & ~Exists(later), output_field=BooleanField()
        )
    )


def my_conflicts(user):
    # Only one's own: the declaration's owner rule (intake/permissions.py).
    return access.restrict(
        user,
        "enterprise.declare_conflict",
        ConflictDeclaration.objects.select_related("enterprise", "enterprise__park"),
    ).order_by(F("withdrawn_at").asc(nulls_first=True), "-declared_at")


def protected_brand_list(*, search: str = ""):
    """The protected-brand list belongs to no park (D21): every brand manager sees all of it."""
    qs = ProtectedBrand.objects.order_by("name")
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(aliases__icontains=search) | Q(owner__icontains=search)
        )
    return qs


def open_flags_by_brand(user, brands) -> dict[int, list[BrandFlag]]:
    """Open flags on these brands, of the enterprises the user may see, newest first."""
    flags = defaultdict(list)
    for flag in access.scope(
        user,
        BrandFlag.objects.filter(
            status=FlagStatus.OPEN, brand__in=[b.pk for b in brands]
        ).select_related("enterprise"),
    ).order_by("-raised_at"):
        flags[flag.brand_id].append(flag)
    return flags


def tariff_list(*, actor):
    return tariffs_with_in_force(
        access.scope(actor, AdmissionFeeTariff.objects.select_related("park", "published_by"))
    ).order_by("park__sort_order", "park_id", "-effective_from")


def tariff_summary(parks, today) -> list[dict]:
    """Per park (already the user's, see ``parks_for``): the tariff in force and the next one."""
    summary = {park.pk: {"park": park, "in_force": None, "upcoming": None} for park in parks}
    for tariff in tariffs_with_in_force(AdmissionFeeTariff.objects.filter(park__in=parks)).order_by(
        "effective_from"
    ):
        row = summary.get(tariff.park_id)
        if row is None:
            continue
        if tariff.in_force:
            row["in_force"] = tariff
        elif tariff.effective_from > today and row["upcoming"] is None:
            row["upcoming"] = tariff
    return list(summary.values())


def visible_enterprise_ids(user, ids) -> set[int]:
    return set(
        access.scope(user, Enterprise.objects.filter(pk__in=list(ids))).values_list("pk", flat=True)
    )


def admitted_population() -> int:
    return Enterprise.objects.filter(status__in=guards.ADMITTED).count()
