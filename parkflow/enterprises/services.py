"""Writes of the enterprise domain. One function per business operation; each is atomic, checks
permission, runs the gates and rules, validates, saves and writes its audit event."""

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkflow.core import audit, clock, gates, workflow
from parkflow.core.db import service
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.rules import evaluate_on_commit
from parkflow.core.validation import check_length, full_clean
from parkflow.org import access
from parkflow.org.choices import Role

from . import brands, draws, guards
from .choices import DocumentType, DrawPurpose, EnterpriseStatus, FlagStatus
from .documents import check_upload
from .gates import ADMISSION, BRAND_AUTHORISATION, SPOT_CHECK
from .models import (
    AdmissionFee,
    AdmissionFeeTariff,
    BrandFlag,
    ConflictDeclaration,
    Enterprise,
    ProtectedBrand,
    PublishedResult,
    QualificationDocument,
    ReviewDraw,
    SpotCheckCampaign,
    document_path,
)
from .selectors import has_active_conflict
from .validators import normalise_credit_code


def _duplicate_credit_code_message(enterprise: Enterprise):
    """Who already holds this credit code, and since when — instead of Django's
    "具有 统一社会信用代码 的 企业 已存在。" (credit codes and company names are public)."""
    existing = (
        Enterprise.objects.filter(credit_code=enterprise.credit_code)
        .exclude(pk=enterprise.pk)
        .only("name", "created_at")
        .first()
    )
    if existing is None:
        return None
    day = timezone.localtime(existing.created_at)
    return _("该统一社会信用代码已由“%(name)s”于 %(date)s 登记，不能重复建档。") % {
        "name": existing.name,
        "date": f"{day.year}年{day.month}月{day.day}日",
    }


# Public functions of this module that do not call the access layer themselves, and why (D21;
# ``parkflow/core/tests/test_service_permissions.py`` fails on any other).
SYSTEM_OPERATIONS = {
    "draw_rerun": "pure: re-runs a recorded draw from its pool and seed; reads and writes nothing",
    "quarter_of": "pure helper: the quarter a date falls in",
    "tariff_in_force": "read helper for callers that already checked access to the park",
    "enterprise_record_admission_outcome": "a review decision's consequence, run by "
    "gates.review_decide in its transaction after it checked the reviewer (R-CPL-1)",
    "brand_authorisation_record_outcome": "a review decision's consequence (see above)",
    "spot_check_record_outcome": "a review decision's consequence (see above)",
    "brand_check": "run inside enterprise_create/update and the portal registration, after "
    "their checks; the system raises the flags (R-ENT-6)",
    "enterprise_input": "pure helper: the register fields as the services store them; the "
    "import's dry run (imports.py) checks its rows with it, reads and writes nothing",
    "portal_application_register": "public self-service application (R-PLT-3): the applicant "
    "has no account yet; throttled, validated, and creates only its own enterprise",
}


def _validate(enterprise: Enterprise):
    try:
        full_clean(enterprise, requirement="R-ENT-1")
    except ValidationFailed as exc:
        if "credit_code" in exc.errors and (message := _duplicate_credit_code_message(enterprise)):
            exc.errors["credit_code"] = [str(message)]
        raise


def _check_account_manager(enterprise: Enterprise) -> None:
    """客户经理 must be an active staff member holding the business role in the enterprise's park
    (or at headquarters): anyone else named here would be taken out of the double-random
    reviewer pool of this enterprise at will (R-ENT-3, D21)."""
    manager = enterprise.account_manager
    if manager is None:
        return
    if (
        not manager.is_active
        or access.is_enterprise_user(manager)
        or not access.has_role(manager, Role.BUSINESS_STAFF, enterprise.park_id)
    ):
        raise ValidationFailed(
            {"account_manager": [_("客户经理须为本园区在职的业务人员（客户经理）。")]},
            requirement="R-ENT-1",
        )


def _save_unique(enterprise: Enterprise):
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        # Lost a race with another request registering the same code (checked by full_clean).
        raise ValidationFailed(
            {
                "credit_code": [
                    _duplicate_credit_code_message(enterprise)
                    or _("该统一社会信用代码已登记，不能重复建档。")
                ]
            },
            requirement="R-ENT-1",
        ) from None


def enterprise_input(values: dict) -> dict:
    """The register fields as the services store them (trimmed, credit code compacted); the
    import's dry run checks rows through this same function."""
    return _clean_input(values)


def _clean_input(values: dict) -> dict:
    cleaned = {}
    for key, value in values.items():
        if key not in Enterprise.EDITABLE_FIELDS:
            raise ValidationFailed({key: [_("该字段不能在此修改。")]}, requirement="R-ENT-1")
        cleaned[key] = value.strip() if isinstance(value, str) else value
    if "credit_code" in cleaned:
        cleaned["credit_code"] = normalise_credit_code(cleaned["credit_code"] or "")
    return cleaned


@service
def enterprise_create(*, actor, park, **values) -> Enterprise:
    """Create an enterprise record (R-ENT-1); it starts as a prospect."""
    now = clock.now()
    enterprise = Enterprise(
        park=park, created_by=actor, created_at=now, updated_at=now, status_changed_at=now
    )
    for key, value in _clean_input(values).items():
        setattr(enterprise, key, value)
    access.ensure(actor, "enterprise.create", enterprise, requirement="R-ORG-3")
    _check_account_manager(enterprise)
    _validate(enterprise)
    _save_unique(enterprise)
    audit.record(actor, "enterprise.create", enterprise, after=audit.snapshot(enterprise))
    brand_check(enterprise=enterprise)
    return enterprise


@service
def enterprise_update(*, actor, enterprise: Enterprise, reason: str = "", **values) -> Enterprise:
    """Edit an enterprise record. Editing reviewed fields after approval voids the approval:
    the gate compares content hashes (R-CPL-1)."""
    enterprise = Enterprise.objects.select_for_update(of=("self",), no_key=True).get(
        pk=enterprise.pk
    )
    access.ensure(actor, "enterprise.edit", enterprise, requirement="R-ORG-3")
    if enterprise.status in (EnterpriseStatus.EXITED,):
        raise Conflict("enterprise_closed", _("已退出的企业档案不能修改。"), requirement="R-EXT-2")
    before = audit.snapshot(enterprise)
    manager_before = enterprise.account_manager_id
    for key, value in _clean_input(values).items():
        setattr(enterprise, key, value)
    if enterprise.account_manager_id != manager_before:
        _check_account_manager(enterprise)
    enterprise.updated_at = clock.now()
    _validate(enterprise)
    _save_unique(enterprise)
    after = audit.snapshot(enterprise)
    changed = {k for k in after if before.get(k) != after.get(k)} - {"updated_at"}
    if changed:
        audit.record(
            actor,
            "enterprise.update",
            enterprise,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            reason=reason,
        )
    if "name" in changed:
        brand_check(enterprise=enterprise)
    return enterprise


# ---------------------------------------------------------------------------------------------
# The lifecycle: declared in workflows.py, performed by core.workflow.transition (D27). These
# wrappers keep the service names the rest of the code calls.


def enterprise_transition(*, actor, enterprise: Enterprise, action: str, reason: str = ""):
    """Any declared step of the enterprise lifecycle, by name."""
    inputs = {"reason": reason} if reason else {}
    return workflow.transition(actor=actor, obj=enterprise, name=action, **inputs)


def enterprise_apply(*, actor, enterprise, reason=""):
    return workflow.transition(actor=actor, obj=enterprise, name="apply", reason=reason)


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
        gate_code=ADMISSION,
        purpose=DrawPurpose.ADMISSION,
        count=count or settings.PARKFLOW_ADMISSION_REVIEWERS,
        seed=seed,
        submitter=actor,
    )
    for reviewer_id in draw.selected:
        gates.review_request(
            actor=actor,
            obj=enterprise,
            gate_code=ADMISSION,
            assigned_to=_user(reviewer_id),
            round=draw.round,
        )


def _user(pk):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


def _draw_reviewers(
    *, actor, enterprise, gate_code, purpose, count, seed=None, submitter=None, campaign=None
):
    pool, excluded = draws.reviewer_pool(enterprise, gate_code, submitter=submitter)
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
    last_round = gates.reviews_of(enterprise, gate_code).aggregate(last=Max("round"))["last"] or 0
    draw = ReviewDraw.objects.create(
        purpose=purpose,
        enterprise=enterprise,
        gate=gate_code,
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


def enterprise_record_admission_outcome(*, actor, review):
    """Consequence of an admission review decision (called by the gate, in its transaction):
    approval admits the enterprise, rejection or return suspends it (Art.20(二) "暂缓推进").
    The review, not the business role, authorises this step."""
    enterprise = Enterprise.objects.select_for_update(of=("self",), no_key=True).get(
        pk=review.object_id
    )
    if enterprise.status != EnterpriseStatus.UNDER_REVIEW:
        return
    outcome = gates.round_outcome(gates.latest_round(enterprise, ADMISSION))
    if outcome == "pending":
        return  # another drawn reviewer has yet to decide
    enterprise = workflow.perform(
        actor=actor,
        obj=enterprise,
        name="approve" if outcome == "approve" else "reject",
        reason=review.opinion,
        authorised_by="the admission review's decision (gates.review_decide checked the reviewer)",
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
    access.ensure(actor, "enterprise.declare_conflict", declaration, requirement="R-ENT-4")
    if declaration.person_id != actor.pk:
        raise PermissionDenied(
            "forbidden", _("只能撤回本人的利益冲突申报。"), requirement="R-ENT-4"
        )
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
    if (
        doc_type == DocumentType.BRAND_AUTHORISATION
        and enterprise.brand_flags.filter(status=FlagStatus.OPEN).exists()
    ):
        gates.review_request(actor=actor, obj=document, gate_code=BRAND_AUTHORISATION)
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


def brand_authorisation_record_outcome(*, actor, review):
    """An approved brand authorisation clears the enterprise's open brand flags."""
    if review.decision != "approve":
        return
    document = QualificationDocument.objects.select_related("enterprise").get(pk=review.object_id)
    flags = document.enterprise.brand_flags.filter(status=FlagStatus.OPEN)
    cleared = list(flags.values_list("brand__name", flat=True))
    flags.update(status=FlagStatus.CLEARED, cleared_at=clock.now(), cleared_by_document=document)
    audit.record(
        actor,
        "brand.clear",
        document.enterprise,
        after={"brands": cleared, "document": document.pk},
    )


# ---------------------------------------------------------------------------------------------
# Quarterly spot checks (R-ENT-3)


def quarter_of(day) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


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
    for enterprise in Enterprise.objects.filter(pk__in=sample).select_related("park"):
        try:
            with transaction.atomic():
                draw = _draw_reviewers(
                    actor=actor,
                    enterprise=enterprise,
                    gate_code=SPOT_CHECK,
                    purpose=DrawPurpose.SPOT_CHECK,
                    count=1,
                    campaign=campaign,
                    # Derived from the campaign's seed: the whole campaign re-runs from one seed.
                    seed=f"{seed}:{enterprise.pk}",
                    # Whoever runs the campaign requested these reviews, so may not do them.
                    submitter=actor if getattr(actor, "is_authenticated", False) else None,
                )
                gates.review_request(
                    actor=actor,
                    obj=enterprise,
                    gate_code=SPOT_CHECK,
                    assigned_to=_user(draw.selected[0]),
                    round=draw.round,
                )
        except Conflict as exc:
            # No eligible reviewer in this park: recorded, and the office sees it in the trail.
            audit.record(actor, "spot_check.unassigned", enterprise, reason=str(exc))
    return campaign


def spot_check_record_outcome(*, actor, review):
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
# Portal self-service application (R-PLT-3)


@service
def portal_application_register(
    *, park, username: str, password: str, password_confirm: str, email: str = "", **values
) -> tuple:
    """An enterprise applies through the portal: one call creates its portal account and its
    application (status 申请中), or nothing at all. The account sees only this enterprise."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    from parkflow.org.choices import UnitKind

    from .models import PortalAccount

    User = get_user_model()
    errors = {}
    username = (username or "").strip()
    if park is None or getattr(park, "kind", None) != UnitKind.PARK:
        errors["park"] = [_("请选择申请入驻的园区。")]
    if not username:
        errors["username"] = [_("请填写登录账号。")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("该登录账号已被使用，请换一个。")]
    if password != password_confirm:
        errors["password_confirm"] = [_("两次输入的密码不一致。")]
    user = User(
        username=username,
        email=(email or "").strip(),
        display_name=(values.get("contact_name") or "").strip(),
    )
    try:
        validate_password(password or "", user)
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    enterprise_values = _clean_input(values)
    now = clock.now()
    enterprise = Enterprise(
        park=park, created_at=now, updated_at=now, status_changed_at=now, **enterprise_values
    )
    try:
        _validate(enterprise)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors, requirement="R-ENT-1")
    user.set_password(password)
    user.save()
    enterprise.created_by = user
    _save_unique(enterprise)
    PortalAccount.objects.create(user=user, enterprise=enterprise)
    audit.record(
        user,
        "enterprise.create",
        enterprise,
        after=audit.snapshot(enterprise),
        reason="门户自助申请",
    )
    enterprise = workflow.perform(
        actor=user,
        obj=enterprise,
        name="apply",
        reason="门户自助申请",
        authorised_by="the public self-service application of this new record",
    )
    brand_check(enterprise=enterprise)
    return user, enterprise
