"""Writes of intake: conflict declarations (R-ENT-4), qualification documents (R-ENT-2), the
double-random draws and quarterly spot checks (R-ENT-3), protected brands and their flags
(R-ENT-6), admission tariffs and fees (R-ENT-5). One function per business operation; each is
atomic, checks permission, validates, saves and writes its audit event."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit, clock, gates, workflow
from parkflow.core.db import service
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.rules import evaluate_on_commit
from parkflow.core.validation import check_length, full_clean
from parkflow.duties import services as duty_services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise

from . import brands, draws, guards, signals
from .choices import DocumentType, DrawPurpose, FlagStatus
from .documents import check_upload
from .duties import SPOT_CHECK_DUTY
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
    SpotCheckCampaign,
    document_path,
)
from .selectors import has_active_conflict

# Public functions of this module that do not call the access layer themselves, and why (D21;
# ``parkflow/core/tests/test_service_permissions.py`` fails on any other).
SYSTEM_OPERATIONS = {
    "draw_rerun": "pure: re-runs a recorded draw from its pool and seed; reads and writes nothing",
    "quarter_of": "pure helper: the quarter a date falls in",
    "tariff_in_force": "read helper for callers that already checked access to the park",
    "enterprise_record_admission_outcome": "a review decision's consequence (the gate's "
    "declared consequence, run after core.reviews.review_decide committed the decision it "
    "checked): applies only what the decided round says, idempotently (R-CPL-1)",
    "brand_authorisation_record_outcome": "a review decision's consequence (see above)",
    "spot_check_record_outcome": "a review decision's consequence (see above)",
    "brand_check": "run inside enterprise_create/update and the portal registration (the "
    "enterprise_named signal), after their checks; the system raises the flags (R-ENT-6)",
}


def _user(pk):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


def _draw_reviewers(
    *, actor, enterprise, gate, purpose, count, seed=None, submitter=None, campaign=None
):
    pool, excluded = draws.reviewer_pool(enterprise, gate, submitter=submitter)
    if len(pool) < count:
        raise Conflict(
            "reviewer_pool_too_small",
            _(
                "合格审查人不足：需要 %(count)s 人，符合条件的只有 %(pool)s 人（已排除客户经理、提交人、利益冲突及合规状态失效人员）。"
            )
            % {"count": count, "pool": len(pool)},
            requirement="R-ENT-3",
        )
    seed = seed or draws.new_seed()
    last_round = gates.reviews_of(enterprise, gate).aggregate(last=Max("round"))["last"] or 0
    draw = ReviewDraw.objects.create(
        purpose=purpose,
        enterprise=enterprise,
        gate=gate.code,
        round=last_round + 1,
        seed=seed,
        pool=pool,
        excluded=excluded,
        count=count,
        selected=draws.draw(pool, count, seed),
        drawn_by=actor if getattr(actor, "is_authenticated", False) else None,
        drawn_at=clock.now(),
        campaign=campaign,
    )
    audit.record(
        actor,
        "review.draw",
        enterprise,
        after={
            "draw": draw.pk,
            "seed": seed,
            "pool": pool,
            "selected": draw.selected,
            "excluded": excluded,
        },
    )
    return draw


def draw_rerun(draw: ReviewDraw) -> list[int]:
    """Re-run a recorded draw from its pool and seed; equals ``draw.selected`` unless tampered."""
    return draws.draw(draw.pool, draw.count, draw.seed)


@service
def conflict_declare(*, actor, enterprise: Enterprise, reason: str) -> ConflictDeclaration:
    """R-ENT-4: a declared conflict excludes the declarer from reviews of this enterprise."""
    access.ensure(actor, "enterprise.declare_conflict", enterprise, requirement="R-ENT-4")
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("请说明利益关系。")]}, requirement="R-ENT-4")
    reason = check_length(
        "reason",
        reason.strip(),
        ConflictDeclaration._meta.get_field("reason").max_length,
        label=_("利益关系说明"),
        requirement="R-ENT-4",
    )
    if has_active_conflict(actor, enterprise):
        raise Conflict(
            "conflict_exists", _("您已申报过与该企业的利益冲突。"), requirement="R-ENT-4"
        )
    declaration = ConflictDeclaration.objects.create(
        person=actor, enterprise=enterprise, reason=reason.strip(), declared_at=clock.now()
    )
    audit.record(
        actor,
        "conflict.declare",
        enterprise,
        after={"declaration": declaration.pk, "reason": declaration.reason},
    )
    return declaration


@service
def conflict_withdraw(
    *, actor, declaration: ConflictDeclaration, reason: str
) -> ConflictDeclaration:
    declaration = ConflictDeclaration.objects.select_for_update(of=("self",), no_key=True).get(
        pk=declaration.pk
    )
    # Only the declarer: the declaration's owner rule (intake/permissions.py).
    access.ensure(actor, "enterprise.declare_conflict", declaration, requirement="R-ENT-4")
    if declaration.withdrawn_at:
        raise Conflict("conflict_withdrawn", _("该申报已撤回。"), requirement="R-ENT-4")
    if not (reason or "").strip():
        raise ValidationFailed(
            {"reason": [_("请说明撤回原因（如利益关系已解除）。")]}, requirement="R-ENT-4"
        )
    declaration.withdrawn_at = clock.now()
    declaration.save(update_fields=["withdrawn_at"])
    audit.record(
        actor,
        "conflict.withdraw",
        declaration.enterprise,
        after={"declaration": declaration.pk},
        reason=reason,
    )
    return declaration


# ---------------------------------------------------------------------------------------------
# Qualification documents (R-ENT-2)


def document_upload(
    *, actor, enterprise, doc_type: str, upload, valid_from=None, valid_until=None, note: str = ""
) -> QualificationDocument:
    """Store a new version of a qualification document (R-ENT-2). Nothing is written unless
    the file passes every check; older versions are never replaced. The file is stored under a
    server-generated name first and removed again if the database work fails."""
    access.ensure(actor, "document.upload", enterprise, requirement="R-ENT-2")
    errors = {}
    if doc_type not in DocumentType.values:
        errors["doc_type"] = [_("请选择材料类型。")]
    if (
        doc_type in (DocumentType.BUSINESS_LICENCE, DocumentType.OPERATING_PERMIT)
        and not valid_until
    ):
        errors["valid_until"] = [
            _("营业执照和经营许可证必须填写有效期至（长期有效请填写 2099-12-31）。")
        ]
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = [_("有效期至不能早于有效期起。")]
    if errors:
        raise ValidationFailed(errors, requirement="R-ENT-2")
    checked = check_upload(upload)
    draft = QualificationDocument(enterprise=enterprise, mime_type=checked.mime_type)
    stored_name = default_storage.save(document_path(draft, checked.original_name), upload)
    try:
        return _document_record(
            actor=actor,
            enterprise=enterprise,
            doc_type=doc_type,
            stored_name=stored_name,
            checked=checked,
            valid_from=valid_from,
            valid_until=valid_until,
            note=note,
        )
    except BaseException:
        default_storage.delete(stored_name)
        raise


@service
def _document_record(
    *, actor, enterprise, doc_type, stored_name, checked, valid_from, valid_until, note
):
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",), no_key=True)
        .select_related("park")
        .get(pk=enterprise.pk)
    )
    if enterprise.status == EnterpriseStatus.EXITED:
        raise Conflict("enterprise_closed", _("已退出企业不能再上传材料。"), requirement="R-EXT-2")
    version = (
        QualificationDocument.objects.filter(enterprise=enterprise, doc_type=doc_type).aggregate(
            v=Max("version")
        )["v"]
        or 0
    ) + 1
    document = QualificationDocument(
        enterprise=enterprise,
        doc_type=doc_type,
        version=version,
        file=stored_name,
        original_name=checked.original_name,
        mime_type=checked.mime_type,
        size=checked.size,
        sha256=checked.sha256,
        valid_from=valid_from,
        valid_until=valid_until,
        note=(note or "").strip(),
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    full_clean(document, requirement="R-ENT-2")
    document.save()
    audit.record(
        actor,
        "document.upload",
        enterprise,
        after={
            "document": document.pk,
            "doc_type": doc_type,
            "version": version,
            "sha256": checked.sha256,
            "size": checked.size,
            "original_name": checked.original_name,
            "valid_until": valid_until,
        },
    )
    evaluate_on_commit(document)
    # Whoever listens (licences reads a new business licence) gets the version once stored.
    transaction.on_commit(
        lambda: signals.document_uploaded.send(QualificationDocument, document=document),
        robust=True,
    )
    if (
        doc_type == DocumentType.BRAND_AUTHORISATION
        and enterprise.brand_flags.filter(status=FlagStatus.OPEN).exists()
    ):
        BRAND_AUTHORISATION.request(actor=actor, obj=document)
    return document


def document_open(*, actor, document: QualificationDocument):
    """Open a document for download by someone allowed to see its enterprise; audited."""
    access.ensure(actor, "document.download", document.enterprise, requirement="R-ENT-2")
    handle = document.file.open("rb")
    audit.record(
        actor,
        "document.download",
        document.enterprise,
        after={"document": document.pk, "version": document.version, "sha256": document.sha256},
    )
    return handle


# ---------------------------------------------------------------------------------------------
# Brand-impersonation check (R-ENT-6)


@service
def brand_check(*, enterprise) -> list[BrandFlag]:
    """Compare the name with the protected brands; open a flag per new hit."""
    hits = brands.find_hits(enterprise.name, ProtectedBrand.objects.filter(is_active=True))
    already = set(
        enterprise.brand_flags.filter(status=FlagStatus.OPEN).values_list("brand_id", flat=True)
    )
    flags = []
    for hit in hits:
        if hit.brand_id in already:
            continue
        flag = BrandFlag.objects.create(
            enterprise=enterprise,
            brand_id=hit.brand_id,
            matched_name=enterprise.name,
            method=hit.method,
            score=hit.score,
            evidence=hit.evidence,
            raised_at=clock.now(),
        )
        audit.record(
            None,
            "brand.flag",
            enterprise,
            after={
                "brand": hit.brand_name,
                "method": hit.method,
                "score": hit.score,
                "path": hit.evidence.get("path"),
                "span": hit.evidence.get("span"),
            },
        )
        flags.append(flag)
    return flags


@service
def brand_authorisation_record_outcome(*, actor, review):
    """An approved brand authorisation clears the enterprise's open brand flags (R-ENT-6); an
    application whose admission reviewers approved while the flag held it back is then
    admitted (the admission outcome is applied again, see ``enterprise_record_admission_outcome``)."""
    if review.decision != "approve":
        return
    document = QualificationDocument.objects.select_related("enterprise").get(pk=review.object_id)
    enterprise = Enterprise.objects.select_for_update(of=("self",), no_key=True).get(
        pk=document.enterprise_id
    )
    flags = enterprise.brand_flags.filter(status=FlagStatus.OPEN)
    cleared = list(flags.values_list("brand__name", flat=True))
    flags.update(status=FlagStatus.CLEARED, cleared_at=clock.now(), cleared_by_document=document)
    audit.record(
        actor,
        "brand.clear",
        enterprise,
        after={"brands": cleared, "document": document.pk},
    )
    if guards.admission_refusal(enterprise) is None:
        _apply_admission_outcome(actor, enterprise)


# ---------------------------------------------------------------------------------------------
# Quarterly spot checks (R-ENT-3)


def quarter_of(day) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _quarter_start(quarter: str) -> datetime.date:
    year, number = quarter.split("Q")
    return datetime.date(int(year), (int(number) - 1) * 3 + 1, 1)


@service
def spot_check_campaign_run(
    *, actor=None, quarter: str | None = None, rate=None, seed: str | None = None
):
    """Draw this quarter's random sample of approved enterprises and one random reviewer for
    each. Idempotent per quarter: a second run returns the existing campaign. The system draws
    the sample and the reviewers, the person who runs it chooses nothing, so any spot-check
    runner may start it; ``actor=None`` is the scheduled task (a system operation)."""
    if actor is not None:
        access.ensure_somewhere(actor, "spot_check.run", requirement="R-ENT-3")
    quarter = quarter or quarter_of(clock.today())
    existing = SpotCheckCampaign.objects.filter(quarter=quarter).first()
    if existing:
        return existing
    rate = Decimal(str(rate if rate is not None else settings.PARKFLOW_SPOT_CHECK_RATE))
    population = sorted(
        Enterprise.objects.filter(status__in=guards.ADMITTED).values_list("pk", flat=True)
    )
    seed = seed or draws.new_seed()
    sample = draws.draw(population, draws.sample_size(len(population), rate), seed)
    campaign = SpotCheckCampaign.objects.create(
        quarter=quarter,
        seed=seed,
        population=population,
        rate=rate,
        sample=sample,
        drawn_at=clock.now(),
    )
    audit.record(
        actor,
        "spot_check.draw",
        campaign,
        after={"quarter": quarter, "seed": seed, "sample": sample},
    )
    # The draw is the evidence of the quarter's duty on the compliance calendar (R-MON-3): the
    # system drew it, so the system records it (a task not generated yet is left alone).
    duty_services.task_fulfil(
        actor=None, duty=SPOT_CHECK_DUTY, obj=campaign, on=_quarter_start(quarter)
    )
    for enterprise in Enterprise.objects.filter(pk__in=sample).select_related("park"):
        try:
            with transaction.atomic():
                draw = _draw_reviewers(
                    actor=actor,
                    enterprise=enterprise,
                    gate=SPOT_CHECK,
                    purpose=DrawPurpose.SPOT_CHECK,
                    count=1,
                    campaign=campaign,
                    # Derived from the campaign's seed: the whole campaign re-runs from one seed.
                    seed=f"{seed}:{enterprise.pk}",
                    # Whoever runs the campaign requested these reviews, so may not do them.
                    submitter=actor if getattr(actor, "is_authenticated", False) else None,
                )
                SPOT_CHECK.request(actor=actor, obj=enterprise, reviewers=[_user(draw.selected[0])])
        except Conflict as exc:
            # No eligible reviewer in this park: recorded, and the office sees it in the trail.
            audit.record(actor, "spot_check.unassigned", enterprise, reason=str(exc))
    return campaign


@service
def spot_check_record_outcome(*, actor, review):
    """A spot check's decision is published (一公开)."""
    enterprise = Enterprise.objects.get(pk=review.object_id)
    _publish(enterprise, DrawPurpose.SPOT_CHECK, review.decision)


# ---------------------------------------------------------------------------------------------
# Admission fees (R-ENT-5 "杜绝收受入驻费回扣")


@service
def tariff_publish(*, actor, park, amount, effective_from) -> AdmissionFeeTariff:
    """Publish a park's admission fee; it takes effect on a future date, never retroactively."""
    access.ensure(actor, "tariff.publish", park, requirement="R-ENT-5")
    errors = {}
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        if amount < 0:
            errors["amount"] = [_("金额不能为负数。")]
    except Exception:  # noqa: BLE001 - any unparsable amount is a field error
        errors["amount"] = [_("请输入有效金额。")]
    if effective_from is None or effective_from < clock.today():
        errors["effective_from"] = [_("生效日期不能早于今天（收费标准须先公布后执行）。")]
    if errors:
        raise ValidationFailed(errors, requirement="R-ENT-5")
    tariff = AdmissionFeeTariff(
        park=park,
        amount=amount,
        effective_from=effective_from,
        published_at=clock.now(),
        published_by=actor,
    )
    full_clean(tariff, requirement="R-ENT-5")
    tariff.save()
    audit.record(actor, "tariff.publish", tariff, after=audit.snapshot(tariff))
    return tariff


def tariff_in_force(park, day=None) -> AdmissionFeeTariff | None:
    day = day or clock.today()
    return (
        AdmissionFeeTariff.objects.filter(park=park, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


@service
def admission_fee_charge(*, actor, enterprise) -> AdmissionFee:
    """Charge the published admission fee. There is deliberately no amount argument: staff can
    neither waive nor discount it (R-ENT-5)."""
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",), no_key=True)
        .select_related("park")
        .get(pk=enterprise.pk)
    )
    access.ensure(actor, "fee.charge", enterprise, requirement="R-ENT-5")
    guards.ensure_in_good_standing(enterprise, purpose=_("收取入驻费"))
    if AdmissionFee.objects.filter(enterprise=enterprise).exists():
        raise Conflict(
            "fee_already_charged", _("该企业的入驻费已计收，不能重复收费。"), requirement="R-BIL-2"
        )
    tariff = tariff_in_force(enterprise.park)
    if tariff is None:
        raise Conflict(
            "no_tariff", _("本园区尚未公布入驻费标准，不能收费。"), requirement="R-ENT-5"
        )
    fee = AdmissionFee.objects.create(
        enterprise=enterprise,
        tariff=tariff,
        amount=tariff.amount,
        charged_at=clock.now(),
        charged_by=actor,
    )
    audit.record(
        actor,
        "admission_fee.charge",
        enterprise,
        after={"fee": fee.pk, "amount": fee.amount, "tariff": tariff.pk},
    )
    return fee


@service
def protected_brand_create(
    *,
    actor,
    name: str,
    aliases: str = "",
    owner: str = "",
    reading: str = "",
    distinct_words: str = "",
) -> ProtectedBrand:
    """Add a brand to the maintained protected-brand list (R-ENT-6); names checked from now on
    are compared with it. ``reading`` is the brand's own (D20); blank takes pypinyin's most
    common reading, which the brands page shows for checking."""
    # The protected-brand list belongs to no park: any brand manager keeps it (D21).
    access.ensure_somewhere(actor, "brand.manage", requirement="R-ENT-6")
    brand = ProtectedBrand(
        name=(name or "").strip(),
        aliases=(aliases or "").strip(),
        owner=(owner or "").strip(),
        reading=(reading or "").strip(),
        distinct_words=(distinct_words or "").strip(),
    )
    full_clean(brand, requirement="R-ENT-6")
    brand.save()
    audit.record(actor, "brand.create", brand, after=audit.snapshot(brand))
    return brand


PROTECTED_BRAND_EDITABLE = ("name", "aliases", "owner", "reading", "distinct_words", "is_active")


@service
def protected_brand_update(*, actor, brand, **changes) -> ProtectedBrand:
    """Edit a protected brand: its reading above all (D20). A new name without a new reading
    takes the new name's most common reading. Flags already raised keep their evidence."""
    access.ensure_somewhere(actor, "brand.manage", requirement="R-ENT-6")
    unknown = sorted(set(changes) - set(PROTECTED_BRAND_EDITABLE))
    if unknown:
        raise ValidationFailed(
            {field: [_("该字段不可修改。")] for field in unknown}, requirement="R-ENT-6"
        )
    brand = ProtectedBrand.objects.select_for_update(of=("self",), no_key=True).get(pk=brand.pk)
    before = audit.snapshot(brand)
    for field, value in changes.items():
        setattr(brand, field, value if field == "is_active" else (value or "").strip())
    if "name" in changes and brand.name != before["name"] and "reading" not in changes:
        brand.reading = ""
    full_clean(brand, requirement="R-ENT-6")
    brand.save()
    audit.record(actor, "brand.update", brand, before=before, after=audit.snapshot(brand))
    return brand


# ---------------------------------------------------------------------------------------------
# The admission steps of the enterprise lifecycle: declared in workflows.py, performed by
# core.workflow.transition (D32). The wrappers keep the service names the rest of the code calls.


def enterprise_submit_for_review(
    *, actor, enterprise, count: int | None = None, seed: str | None = None
):
    """Put an application under review (Art.10 双随机): check the licence is there, draw the
    reviewers at random from the eligible pool and open one review for each in a new round.
    Staff submit for enterprises of their park; an enterprise user submits its own application."""
    return workflow.transition(
        actor=actor, obj=enterprise, name="start_review", count=count, seed=seed
    )


def enterprise_approve(*, actor, enterprise, reason=""):
    """Gated (R-CPL-1): needs a current approval of the admission review."""
    return workflow.transition(actor=actor, obj=enterprise, name="approve", reason=reason)


def enterprise_reject(*, actor, enterprise, reason=""):
    return workflow.transition(actor=actor, obj=enterprise, name="reject", reason=reason)


def _open_admission_review(*, actor, enterprise, count=None, seed=None):
    """The side effect of ``start_review`` (workflows.py), inside its transaction."""
    draw = _draw_reviewers(
        actor=actor,
        enterprise=enterprise,
        gate=ADMISSION,
        purpose=DrawPurpose.ADMISSION,
        count=count or settings.PARKFLOW_ADMISSION_REVIEWERS,
        seed=seed,
        submitter=actor,
    )
    ADMISSION.request(actor=actor, obj=enterprise, reviewers=[_user(pk) for pk in draw.selected])


@service
def enterprise_record_admission_outcome(*, actor, review):
    """The consequence of an admission review decision — intake's own step, run after the
    decision committed (the gate's ``consequence``; the review page and API call it): once the
    round is decided, approval admits the enterprise, rejection or return suspends it
    (Art.20(二) "暂缓推进"). The reviews, not the business role, authorise this step; it
    applies only what the decided round says, so running it again changes nothing."""
    enterprise = Enterprise.objects.select_for_update(of=("self",), no_key=True).get(
        pk=review.object_id
    )
    _apply_admission_outcome(actor, enterprise, reason=review.opinion)


def _apply_admission_outcome(actor, enterprise, *, reason=""):
    if enterprise.status != EnterpriseStatus.UNDER_REVIEW:
        return
    outcome = gates.round_outcome(gates.latest_round(enterprise, ADMISSION), ADMISSION.quorum)
    if outcome not in ("approve", "reject", "return"):
        return  # another drawn reviewer has yet to decide, or the round was withdrawn
    enterprise = workflow.perform(
        actor=actor,
        obj=enterprise,
        name="approve" if outcome == "approve" else "reject",
        reason=reason,
        authorised_by="the admission round's decisions (core.reviews checked the reviewers)",
    )
    _publish(enterprise, DrawPurpose.ADMISSION, outcome)


def _publish(enterprise, purpose, decision):
    """ "一公开": name, decision and date — never the internal opinion."""
    now = clock.now()
    result = PublishedResult.objects.create(
        enterprise=enterprise,
        enterprise_name=enterprise.name,
        purpose=purpose,
        decision=decision,
        decided_on=clock.localtime(now).date(),
        published_at=now,
    )
    audit.record(
        None,
        "review.publish",
        enterprise,
        after={"result": result.pk, "purpose": purpose, "decision": decision},
    )
