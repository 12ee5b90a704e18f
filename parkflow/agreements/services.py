"""Writes of the agreements domain (R-AGR-1 … R-AGR-6). Each is a ``@service``: one
transaction, permission checked on the object, audited. State changes are the declared steps
(workflows.py); what the content gate reviews is changed only here, and every such change of an
agreement under review or approved voids the approvals and sends it back to the legal review
(``_content_changed``) — the content hash makes the gate refuse even a change made behind the
services' back."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkflow.core import access, audit, clock, hooks, workflow
from parkflow.core.choices import ReviewDecision
from parkflow.core.db import service
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.validation import check_length
from parkflow.notifications import publish

from . import gates
from .choices import (
    EDITABLE,
    AgreementKind,
    AgreementStatus,
    ClauseKind,
    ConfirmationChannel,
    FeeKind,
    FeePeriod,
    LineBasis,
    TariffUnit,
    TemplateStatus,
    VenueKind,
)
from .composition import clause_problems
from .models import (
    Agreement,
    AgreementClause,
    FeeLine,
    ServiceItem,
    ServiceLine,
    Tariff,
    Template,
    TemplateClause,
    TemplateReReview,
    TemplateVersion,
    Venue,
    yuan,
)
from .pricing import tariff_in_force
from .templates import template_problem

TEMPLATE_DUTY = "agreements.quarterly_legal_review"

# Public functions that check no permission themselves, and why (test_service_permissions).
SYSTEM_OPERATIONS = {
    "template_review_outcome": "a review decision's consequence (the gate's declared "
    "consequence, run after core.reviews checked and committed the decision): applies only what "
    "the decided round says (R-AGR-1)",
    "agreement_review_outcome": "a review decision's consequence (see above; R-AGR-4, R-AGR-5)",
    "supersede": "the sign step's effect, inside the transition that checked agreement.sign",
}
STEP = "the agreement's review decision"


# ---------------------------------------------------------------------------------------------
# Input checks shared by the services


def _text(field: str, value, max_length: int, label, *, required=True, requirement="") -> str:
    text = check_length(field, value, max_length, label=label, requirement=requirement).strip()
    if required and not text:
        raise ValidationFailed(
            {field: [_("请填写%(label)s。") % {"label": label}]}, requirement=requirement
        )
    return text


def _decimal(field: str, value, label, *, minimum=Decimal("0"), requirement="R-AGR-5") -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(
            {field: [_("%(label)s应为数字。") % {"label": label}]}, requirement=requirement
        ) from None
    if not number.is_finite() or number < minimum:
        raise ValidationFailed(
            {field: [_("%(label)s不能小于 %(min)s。") % {"label": label, "min": minimum}]},
            requirement=requirement,
        )
    if number.as_tuple().exponent < -2 or abs(number) >= Decimal("1e10"):
        raise ValidationFailed(
            {field: [_("%(label)s最多两位小数、不超过十位整数。") % {"label": label}]},
            requirement=requirement,
        )
    return number


def _date(field: str, value, label, requirement="") -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationFailed(
            {field: [_("请填写有效的%(label)s（年-月-日）。") % {"label": label}]},
            requirement=requirement,
        ) from None


def _choice(field: str, value, choices, label, requirement="") -> str:
    if value not in choices.values:
        raise ValidationFailed(
            {field: [_("请选择%(label)s。") % {"label": label}]}, requirement=requirement
        )
    return value


def _clauses(raw, field="clauses") -> list[dict]:
    """Clause dicts (kind, title, text, venue_kind, venue_name) checked field by field; the
    errors name the clause by its number."""
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationFailed({field: [_("请至少填写一条条款。")]}, requirement="R-AGR-2")
    if len(raw) > 60:
        raise ValidationFailed({field: [_("条款不能超过 60 条。")]}, requirement="R-AGR-2")
    clauses, errors = [], []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            errors.append(_("第%(n)s条格式不正确。") % {"n": number})
            continue
        kind = item.get("kind")
        title = (item.get("title") or "").strip() if isinstance(item.get("title"), str) else ""
        text = (item.get("text") or "").strip() if isinstance(item.get("text"), str) else ""
        venue_kind = item.get("venue_kind") or ""
        venue_name = item.get("venue_name") or ""
        if kind not in ClauseKind.values:
            errors.append(_("第%(n)s条：请选择条款类别。") % {"n": number})
        if not title or len(title) > 60:
            errors.append(_("第%(n)s条：条款标题必填，不超过60字。") % {"n": number})
        if not text or len(text) > 5000:
            errors.append(_("第%(n)s条：条款内容必填，不超过5000字。") % {"n": number})
        if venue_kind and venue_kind not in VenueKind.values:
            errors.append(_("第%(n)s条：争议解决方式不正确。") % {"n": number})
        if not isinstance(venue_name, str) or len(venue_name) > 80:
            errors.append(_("第%(n)s条：争议解决机构名称不超过80字。") % {"n": number})
            venue_name = ""
        if kind != ClauseKind.DISPUTE and (venue_kind or venue_name.strip()):
            errors.append(_("第%(n)s条：只有争议解决条款可以约定管辖机构。") % {"n": number})
        clauses.append(
            {
                "kind": kind,
                "title": title,
                "text": text,
                "venue_kind": venue_kind,
                "venue_name": venue_name.strip(),
            }
        )
    if errors:
        raise ValidationFailed({field: errors}, requirement="R-AGR-2")
    return clauses


def _locked(model, obj):
    return model.objects.select_for_update(of=("self",), no_key=True).get(pk=obj.pk)


# ---------------------------------------------------------------------------------------------
# Reference data: venues, service items, tariffs


@service
def venue_save(*, actor, name: str, kind: str, is_active: bool = True, note: str = "", venue=None):
    """Add or change an allowed dispute-resolution venue (R-AGR-2)."""
    access.ensure(actor, "venue.manage", requirement="R-AGR-2")
    name = _text("name", name, 80, _("名称"), requirement="R-AGR-2")
    kind = _choice("kind", kind, VenueKind, _("类别"), "R-AGR-2")
    note = _text("note", note, 200, _("说明"), required=False)
    if Venue.objects.filter(name=name).exclude(pk=getattr(venue, "pk", None)).exists():
        raise ValidationFailed({"name": [_("该机构已在名单中。")]}, requirement="R-AGR-2")
    before = None
    if venue is not None:
        venue = _locked(Venue, venue)
        before = audit.snapshot(venue, fields=["name", "kind", "is_active"])
    else:
        venue = Venue()
    venue.name, venue.kind, venue.is_active, venue.note = name, kind, bool(is_active), note
    venue.save()
    audit.record(
        actor,
        "venue.save",
        venue,
        before=before,
        after=audit.snapshot(venue, fields=["name", "kind", "is_active"]),
    )
    return venue


@service
def service_item_save(
    *,
    actor,
    park,
    code: str,
    name: str,
    required_for=(),
    description: str = "",
    is_active: bool = True,
    item=None,
) -> ServiceItem:
    """Add or change a service of the park's catalogue and the agreement kinds that require it
    (R-AGR-3)."""
    access.ensure(actor, "service_item.manage", park=park, requirement="R-AGR-3")
    code = _text("code", code, 30, _("编码"), requirement="R-AGR-3")
    name = _text("name", name, 60, _("服务名称"), requirement="R-AGR-3")
    description = _text("description", description, 300, _("服务说明"), required=False)
    required_for = list(dict.fromkeys(required_for or ()))
    if any(kind not in AgreementKind.values for kind in required_for):
        raise ValidationFailed({"required_for": [_("协议类型不正确。")]}, requirement="R-AGR-3")
    clash = ServiceItem.objects.filter(park=park, code=code).exclude(pk=getattr(item, "pk", None))
    if clash.exists():
        raise ValidationFailed({"code": [_("该编码已被使用。")]}, requirement="R-AGR-3")
    before = None
    if item is not None:
        item = _locked(ServiceItem, item)
        if item.park_id != getattr(park, "pk", park):
            raise PermissionDenied("forbidden", _("您没有执行此操作的权限。"))
        before = audit.snapshot(item, fields=["code", "name", "required_for", "is_active"])
    else:
        item = ServiceItem(park=park)
    item.code, item.name, item.description = code, name, description
    item.required_for, item.is_active = required_for, bool(is_active)
    item.save()
    audit.record(
        actor,
        "service_item.save",
        item,
        before=before,
        after=audit.snapshot(item, fields=["code", "name", "required_for", "is_active"]),
    )
    return item


@service
def tariff_publish(
    *,
    actor,
    park,
    fee_kind: str,
    unit: str,
    price,
    effective_from,
    service_item=None,
    note: str = "",
) -> Tariff:
    """Publish a new version of a price (R-AGR-5). Never retroactive: it takes effect today at
    the earliest, and agreements already priced keep the tariff they were priced from."""
    access.ensure(actor, "price.publish", park=park, requirement="R-AGR-5")
    fee_kind = _choice("fee_kind", fee_kind, FeeKind, _("费用类别"), "R-AGR-5")
    unit = _choice("unit", unit, TariffUnit, _("计价单位"), "R-AGR-5")
    price = _decimal("price", price, _("标准价格"))
    effective_from = _date("effective_from", effective_from, _("生效日期"), "R-AGR-5")
    if effective_from < clock.today():
        raise ValidationFailed(
            {"effective_from": [_("收费标准不得追溯生效：生效日期不能早于今天。")]},
            requirement="R-AGR-5",
        )
    if service_item is not None and service_item.park_id != getattr(park, "pk", park):
        raise ValidationFailed({"service_item": [_("请选择本园区的服务项目。")]})
    if fee_kind == FeeKind.SERVICE and service_item is None:
        raise ValidationFailed({"service_item": [_("服务费须指定服务项目。")]})
    same_day = Tariff.objects.filter(
        park=park, fee_kind=fee_kind, service_item=service_item, effective_from=effective_from
    )
    if same_day.exists():
        raise ValidationFailed(
            {"effective_from": [_("该日期已有一版收费标准，请选择其他生效日期。")]},
            requirement="R-AGR-5",
        )
    tariff = Tariff.objects.create(
        park=park,
        fee_kind=fee_kind,
        service_item=service_item,
        unit=unit,
        price=price,
        effective_from=effective_from,
        published_at=clock.now(),
        published_by=actor,
        note=_text("note", note, 200, _("说明"), required=False),
    )
    audit.record(
        actor,
        "tariff.publish",
        tariff,
        after={
            "fee_kind": fee_kind,
            "item": getattr(service_item, "pk", None),
            "price": str(price),
            "effective_from": effective_from.isoformat(),
        },
    )
    return tariff


# ---------------------------------------------------------------------------------------------
# Templates (R-AGR-1)


def _write_template_clauses(version, clauses) -> None:
    TemplateClause.objects.bulk_create(
        TemplateClause(version=version, position=n, **clause) for n, clause in enumerate(clauses, 1)
    )


@service
def template_create(
    *, actor, park, name: str, kind: str, clauses, owner_unit=None, note: str = ""
) -> TemplateVersion:
    """A new template and its first version, a draft for the compliance review."""
    access.ensure(actor, "template.manage", park=park, requirement="R-AGR-1")
    name = _text("name", name, 80, _("模板名称"), requirement="R-AGR-1")
    kind = _choice("kind", kind, AgreementKind, _("协议类型"), "R-AGR-1")
    clauses = _clauses(clauses)
    if Template.objects.filter(park=park, name=name).exists():
        raise ValidationFailed({"name": [_("本园区已有同名模板。")]}, requirement="R-AGR-1")
    now = clock.now()
    template = Template.objects.create(
        park=park, name=name, kind=kind, owner_unit=owner_unit, created_by=actor, created_at=now
    )
    version = TemplateVersion.objects.create(
        template=template,
        number=1,
        note=_text("note", note, 200, _("修订说明"), required=False),
        created_by=actor,
        created_at=now,
    )
    _write_template_clauses(version, clauses)
    audit.record(
        actor,
        "template.create",
        version,
        after={"name": name, "kind": kind, "clauses": len(clauses)},
    )
    return version


@service
def template_version_create(*, actor, template: Template, note: str = "") -> TemplateVersion:
    """A new draft version of a template, starting from the text of its latest version."""
    template = _locked(Template, template)
    access.ensure(actor, "template.manage", template, requirement="R-AGR-1")
    if template.versions.filter(
        status__in=(TemplateStatus.DRAFT, TemplateStatus.IN_REVIEW)
    ).exists():
        raise Conflict(
            "template_draft_open",
            _("该模板已有未启用的草稿或审查中的版本，请先完成它。"),
            requirement="R-AGR-1",
        )
    latest = template.versions.order_by("-number").first()
    version = TemplateVersion.objects.create(
        template=template,
        number=(latest.number if latest else 0) + 1,
        note=_text("note", note, 200, _("修订说明"), required=False),
        created_by=actor,
        created_at=clock.now(),
    )
    if latest is not None:
        _write_template_clauses(
            version,
            latest.clauses.order_by("position").values(
                "kind", "title", "text", "venue_kind", "venue_name"
            ),
        )
    audit.record(actor, "template.new_version", version, after={"number": version.number})
    return version


@service
def template_clauses_set(*, actor, version: TemplateVersion, clauses) -> TemplateVersion:
    version = _locked(TemplateVersion, version)
    access.ensure(actor, "template.manage", version.template, requirement="R-AGR-1")
    if version.status != TemplateStatus.DRAFT:
        raise Conflict(
            "template_not_draft",
            _("只有草稿状态的模板版本可以修改条款；请新建版本。"),
            requirement="R-AGR-1",
        )
    clauses = _clauses(clauses)
    before = version.clauses.count()
    version.clauses.all().delete()
    _write_template_clauses(version, clauses)
    audit.record(
        actor,
        "template.clauses",
        version,
        before={"clauses": before},
        after={"clauses": len(clauses)},
    )
    return version


@service
def template_submit(*, actor, version: TemplateVersion) -> TemplateVersion:
    """Send a draft version to the compliance review (a legal officer who did not draft it)."""
    version = _locked(TemplateVersion, version)
    access.ensure(actor, "template.manage", version.template, requirement="R-AGR-1")
    if version.status != TemplateStatus.DRAFT:
        raise Conflict(
            "template_not_draft", _("只有草稿状态的模板版本可以提交审查。"), requirement="R-AGR-1"
        )
    problems = clause_problems(version.clauses.all())
    if problems:
        raise Conflict(
            "template_incomplete",
            _("模板不能提交审查：%(problems)s")
            % {"problems": "；".join(f"{i}. {p.message}" for i, p in enumerate(problems, 1))},
            requirement="R-AGR-1",
        )
    version.status = TemplateStatus.IN_REVIEW
    version.save(update_fields=["status"])
    audit.record(actor, "template.submit", version, after={"status": version.status})
    gates.TEMPLATE_REVIEW.request(actor=actor, obj=version)
    return version


@service
def template_review_outcome(*, actor, review) -> TemplateVersion:
    """The compliance review's consequence: approved → the version is in force (the one before
    it retired); rejected or returned → back to draft."""
    version = _locked(TemplateVersion, review.subject)
    if version.status != TemplateStatus.IN_REVIEW:
        return version
    state = gates.TEMPLATE_REVIEW.state(version)
    before = {"status": version.status}
    if state.passed:
        gates.TEMPLATE_REVIEW.require(version)  # the content as stored is what was approved
        previous = list(
            TemplateVersion.objects.filter(
                template_id=version.template_id, status=TemplateStatus.APPROVED
            ).exclude(pk=version.pk)
        )
        TemplateVersion.objects.filter(pk__in=[v.pk for v in previous]).update(
            status=TemplateStatus.RETIRED
        )
        version.status = TemplateStatus.APPROVED
        version.approved_at = clock.now()
        version.last_reviewed_on = clock.today()
        version.save(update_fields=["status", "approved_at", "last_reviewed_on"])
        audit.record(
            actor,
            "template.approve",
            version,
            before=before,
            after={"status": version.status, "retired": [v.pk for v in previous]},
        )
    elif review.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN):
        version.status = TemplateStatus.DRAFT
        version.save(update_fields=["status"])
        audit.record(
            actor,
            "template.return",
            version,
            before=before,
            after={"status": version.status},
            reason=review.opinion[:500],
        )
    return version


@service
def template_rereview(*, actor, version: TemplateVersion, opinion: str) -> TemplateReReview:
    """Legal's quarterly written opinion on a template's core clauses (Art.18(三)). Keeps the
    template usable for another quarter; once every template in force has this quarter's
    opinion, the quarter's task on the compliance calendar is done."""
    version = _locked(TemplateVersion, version)
    access.ensure(actor, "template.rereview", version, requirement="R-AGR-1")
    if version.status != TemplateStatus.APPROVED:
        raise Conflict(
            "template_not_in_force", _("只能复核已启用的模板版本。"), requirement="R-AGR-1"
        )
    if version.created_by_id == actor.pk:
        raise PermissionDenied("own_template", _("不得复核本人起草的模板。"), requirement="R-ORG-4")
    opinion = _text("opinion", opinion, 5000, _("书面复核意见"), requirement="R-AGR-1")
    today = clock.today()
    record = TemplateReReview.objects.create(
        version=version, reviewer=actor, opinion=opinion, reviewed_on=today, created_at=clock.now()
    )
    version.last_reviewed_on = today
    version.save(update_fields=["last_reviewed_on"])
    audit.record(actor, "template.rereview", version, after={"reviewed_on": today.isoformat()})
    _fulfil_quarter_if_complete(actor, record, today)
    return record


def _fulfil_quarter_if_complete(actor, record, today) -> None:
    from parkflow.duties.declarations import get_duty
    from parkflow.duties.services import task_fulfil

    period = get_duty(TEMPLATE_DUTY).period_of(today)
    waiting = TemplateVersion.objects.filter(status=TemplateStatus.APPROVED).exclude(
        last_reviewed_on__gte=period.start
    )
    if not waiting.exists():
        task_fulfil(actor=actor, duty=TEMPLATE_DUTY, obj=record, on=today)


# ---------------------------------------------------------------------------------------------
# Agreements: drafting (R-AGR-2, R-AGR-3, R-AGR-5)


def _next_number(park, today) -> str:
    prefix = f"FW{today:%Y}-{park.pk:02d}-"
    last = (
        Agreement.objects.filter(number__startswith=prefix)
        .aggregate(last=Max("number"))
        .get("last")
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _check_term(start_date, end_date):
    start_date = _date("start_date", start_date, _("起始日期"), "R-AGR-5")
    end_date = _date("end_date", end_date, _("终止日期"), "R-AGR-5")
    if end_date < start_date:
        raise ValidationFailed(
            {"end_date": [_("终止日期不能早于起始日期。")]}, requirement="R-AGR-5"
        )
    return start_date, end_date


@service
def agreement_create(
    *, actor, enterprise, template_version: TemplateVersion, title: str, start_date, end_date
) -> Agreement:
    """Draft an agreement from a template in force: its clauses copied, the service lines its
    kind requires added (R-AGR-2, R-AGR-3)."""
    park = enterprise.park
    access.ensure(actor, "agreement.draft", park=park, requirement="R-AGR-1")
    # The version as stored decides, never the caller's copy (its status or review date).
    template_version = TemplateVersion.objects.select_related("template").get(
        pk=template_version.pk
    )
    if template_version.template.park_id != park.pk:
        raise ValidationFailed(
            {"template_version": [_("请选择本园区的协议模板。")]}, requirement="R-AGR-1"
        )
    problem = template_problem(template_version)
    if problem:
        raise problem
    title = _text("title", title, 120, _("协议名称"), requirement="R-AGR-2")
    start_date, end_date = _check_term(start_date, end_date)
    now = clock.now()
    kind = template_version.template.kind
    agreement = Agreement.objects.create(
        park=park,
        enterprise=enterprise,
        template_version=template_version,
        kind=kind,
        number=_next_number(park, clock.today()),
        title=title,
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    AgreementClause.objects.bulk_create(
        AgreementClause(agreement=agreement, **row)
        for row in template_version.clauses.order_by("position").values(
            "position", "kind", "title", "text", "venue_kind", "venue_name"
        )
    )
    required = [
        item
        for item in ServiceItem.objects.filter(park=park, is_active=True)
        if item.is_required_for(kind)
    ]
    ServiceLine.objects.bulk_create(
        ServiceLine(
            agreement=agreement, item=item, basis=LineBasis.REQUIRED, added_by=actor, added_at=now
        )
        for item in required
    )
    audit.record(
        actor,
        "agreement.create",
        agreement,
        after={
            "number": agreement.number,
            "template": template_version.pk,
            "required_lines": [item.pk for item in required],
        },
    )
    return agreement


def _editable(actor, agreement, action="agreement.draft") -> Agreement:
    agreement = Agreement.objects.select_for_update(of=("self",), no_key=True).get(pk=agreement.pk)
    access.ensure(actor, action, agreement, requirement="R-AGR-4")
    if agreement.status not in EDITABLE:
        raise Conflict(
            "agreement_not_editable",
            _("协议当前状态为“%(status)s”，不能修改；如需变更请起草补充协议。")
            % {"status": agreement.get_status_display()},
            requirement="R-AGR-6",
        )
    return agreement


def _content_changed(actor, agreement: Agreement, what: str) -> None:
    """R-AGR-4: a change after the legal review was requested voids it: the agreement goes back
    to the review (a new round; the round still open on the old content is withdrawn)."""
    agreement.updated_at = clock.now()
    fields = ["updated_at"]
    if agreement.status in (AgreementStatus.IN_REVIEW, AgreementStatus.APPROVED):
        before = agreement.status
        agreement.status = AgreementStatus.IN_REVIEW
        fields.append("status")
        agreement.save(update_fields=fields)
        audit.record(
            actor,
            "agreement.review_voided",
            agreement,
            before={"status": before},
            after={"status": agreement.status, "changed": what},
        )
        gates.LEGAL_REVIEW.request(actor=actor, obj=agreement)
        return
    agreement.save(update_fields=fields)


@service
def agreement_update(*, actor, agreement: Agreement, **changes) -> Agreement:
    """Change the title, the term or the leader named for a price exception."""
    agreement = _editable(actor, agreement)
    allowed = {"title", "start_date", "end_date", "price_approver"}
    unknown = sorted(set(changes) - allowed)
    if unknown or not changes:
        raise ValidationFailed({name: [_("该字段不能修改。")] for name in unknown or ["title"]})
    fields = list(changes)
    before = audit.snapshot(agreement, fields=fields)
    if "title" in changes:
        agreement.title = _text(
            "title", changes["title"], 120, _("协议名称"), requirement="R-AGR-2"
        )
    if "start_date" in changes or "end_date" in changes:
        agreement.start_date, agreement.end_date = _check_term(
            changes.get("start_date", agreement.start_date),
            changes.get("end_date", agreement.end_date),
        )
    if "price_approver" in changes:
        approver = changes["price_approver"]
        if approver is not None and not any(
            access.has_role(approver, role, agreement.park_id) for role in gates.LEADERS
        ):
            raise ValidationFailed(
                {"price_approver": [_("请选择本园区的分管领导或主要负责人。")]},
                requirement="R-AGR-5",
            )
        agreement.price_approver = approver
    agreement.save(update_fields=fields)
    audit.record(
        actor,
        "agreement.update",
        agreement,
        before=before,
        after=audit.snapshot(agreement, fields=fields),
    )
    _content_changed(actor, agreement, "terms")
    return agreement


@service
def agreement_clauses_set(*, actor, agreement: Agreement, clauses) -> Agreement:
    """Replace the agreement's clauses (numbered in the order given). Whether the mandatory
    ones are there is checked when it is submitted (R-AGR-2)."""
    agreement = _editable(actor, agreement)
    clauses = _clauses(clauses)
    before = list(agreement.clauses.values_list("kind", flat=True))
    agreement.clauses.all().delete()
    AgreementClause.objects.bulk_create(
        AgreementClause(agreement=agreement, position=n, **clause)
        for n, clause in enumerate(clauses, 1)
    )
    audit.record(
        actor,
        "agreement.clauses",
        agreement,
        before={"clauses": before},
        after={"clauses": [c["kind"] for c in clauses]},
    )
    _content_changed(actor, agreement, "clauses")
    return agreement


@service
def service_line_add(
    *, actor, agreement: Agreement, item: ServiceItem, basis=None, note=""
) -> ServiceLine:
    """Add a service line. Its basis follows from the agreement's kind, never from the caller
    (R-AGR-3, no bundling): a service the kind does not require is the enterprise's request,
    and counts only once the enterprise confirms it."""
    agreement = _editable(actor, agreement)
    if item.park_id != agreement.park_id or not item.is_active:
        raise ValidationFailed({"item": [_("请选择本园区启用的服务项目。")]}, requirement="R-AGR-3")
    required = item.is_required_for(agreement.kind)
    derived = LineBasis.REQUIRED if required else LineBasis.REQUESTED
    if basis not in (None, "", derived):
        raise Conflict(
            "line_cannot_be_required",
            _(
                "“%(item)s”不是%(kind)s的必备服务，只能由企业自主申请，不得设为必选（禁止捆绑服务）。"
            )
            % {"item": item.name, "kind": agreement.get_kind_display()},
            requirement="R-AGR-3",
        )
    if agreement.lines.filter(item=item).exists():
        raise ValidationFailed({"item": [_("该服务项已在协议中。")]}, requirement="R-AGR-3")
    line = ServiceLine.objects.create(
        agreement=agreement,
        item=item,
        basis=derived,
        note=_text("note", note, 200, _("说明"), required=False),
        added_by=actor,
        added_at=clock.now(),
    )
    audit.record(actor, "agreement.line_add", agreement, after={"item": item.pk, "basis": derived})
    _content_changed(actor, agreement, "lines")
    return line


@service
def service_line_remove(*, actor, line: ServiceLine) -> None:
    agreement = _editable(actor, line.agreement)
    line = ServiceLine.objects.get(pk=line.pk, agreement=agreement)
    if line.basis == LineBasis.REQUIRED:
        raise Conflict(
            "line_required",
            _("“%(item)s”是该类协议的必备服务，不能删除。") % {"item": line.item.name},
            requirement="R-AGR-3",
        )
    line.delete()
    audit.record(actor, "agreement.line_remove", agreement, before={"item": line.item_id})
    _content_changed(actor, agreement, "lines")


@service
def service_line_confirm(*, actor, line: ServiceLine) -> ServiceLine:
    """The enterprise confirms, in the portal, a service it asked for (R-AGR-3)."""
    agreement = Agreement.objects.select_for_update(of=("self",), no_key=True).get(
        pk=line.agreement_id
    )
    access.ensure(actor, "agreement.confirm_line", agreement, requirement="R-AGR-3")
    return _confirm(actor, agreement, line, ConfirmationChannel.PORTAL, "")


def _confirm(actor, agreement, line, channel, stored_name) -> ServiceLine:
    if agreement.status not in EDITABLE:
        raise Conflict(
            "agreement_not_editable", _("协议已签署，服务项不能再确认。"), requirement="R-AGR-3"
        )
    line = ServiceLine.objects.select_for_update(of=("self",), no_key=True).get(
        pk=line.pk, agreement=agreement
    )
    if line.basis != LineBasis.REQUESTED:
        raise Conflict("line_required", _("必备服务项无需企业确认。"), requirement="R-AGR-3")
    if line.confirmed_at is not None:
        raise Conflict("line_confirmed", _("该服务项已确认。"), requirement="R-AGR-3")
    line.confirmed_at = clock.now()
    line.confirmed_by = actor
    line.confirmed_via = channel
    if stored_name:
        line.signed_note = stored_name
    line.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_via", "signed_note"])
    audit.record(
        actor,
        "agreement.line_confirm",
        agreement,
        after={"item": line.item_id, "via": channel},
    )
    _content_changed(actor, agreement, "lines")
    return line


def service_line_record_note(*, actor, line: ServiceLine, upload) -> ServiceLine:
    """Staff record the enterprise's signed confirmation note for a requested service (the
    scan, same upload rules as qualification documents)."""
    access.ensure(actor, "agreement.draft", line.agreement, requirement="R-AGR-3")
    checked = hooks.call("check_upload", upload)
    stored_name = default_storage.save(
        f"agreements/{line.agreement.park_id}/{line.agreement_id}/line-{line.pk}.{checked.original_name.rsplit('.', 1)[-1]}",
        upload,
    )
    try:
        return _record_note(actor=actor, line=line, stored_name=stored_name)
    except BaseException:
        default_storage.delete(stored_name)
        raise


@service
def _record_note(*, actor, line, stored_name) -> ServiceLine:
    agreement = _editable(actor, line.agreement)
    return _confirm(actor, agreement, line, ConfirmationChannel.SIGNED_NOTE, stored_name)


FEE_FIELDS = ("kind", "label", "quantity", "unit_price", "period", "start_date", "end_date",
              "escalation_percent", "service_item")  # fmt: skip


def _fee_values(agreement, values: dict) -> dict:
    kind = _choice("kind", values.get("kind"), FeeKind, _("费用类别"), "R-AGR-5")
    period = _choice("period", values.get("period"), FeePeriod, _("计费周期"), "R-AGR-5")
    if kind in (FeeKind.DEPOSIT, FeeKind.ONE_OFF) and period != FeePeriod.ONCE:
        raise ValidationFailed(
            {"period": [_("押金和一次性费用的计费周期应为“一次性”。")]}, requirement="R-AGR-5"
        )
    if kind not in (FeeKind.DEPOSIT, FeeKind.ONE_OFF) and period == FeePeriod.ONCE:
        raise ValidationFailed(
            {"period": [_("周期性费用请选择按月、按季或按年。")]}, requirement="R-AGR-5"
        )
    item = values.get("service_item")
    if item is not None and item.park_id != agreement.park_id:
        raise ValidationFailed(
            {"service_item": [_("请选择本园区的服务项目。")]}, requirement="R-AGR-5"
        )
    if kind == FeeKind.SERVICE and item is None:
        raise ValidationFailed(
            {"service_item": [_("服务费须指定服务项目。")]}, requirement="R-AGR-5"
        )
    start_date = _date("start_date", values.get("start_date"), _("计费起始日"), "R-AGR-5")
    end_date = _date("end_date", values.get("end_date") or start_date, _("计费截止日"), "R-AGR-5")
    if end_date < start_date:
        raise ValidationFailed(
            {"end_date": [_("计费截止日不能早于起始日。")]}, requirement="R-AGR-5"
        )
    quantity = _decimal("quantity", values.get("quantity", 1), _("数量"), minimum=Decimal("0.01"))
    escalation = _decimal(
        "escalation_percent", values.get("escalation_percent") or 0, _("年递增率")
    )
    if escalation > 100:
        raise ValidationFailed(
            {"escalation_percent": [_("年递增率不能超过 100%。")]}, requirement="R-AGR-5"
        )
    tariff = tariff_in_force(agreement.park_id, kind, item, start_date)
    if tariff is None:
        raise ValidationFailed(
            {
                "kind": [
                    _("%(date)s没有生效的“%(what)s”收费标准，请先公布收费标准。")
                    % {
                        "date": date_format(start_date),
                        "what": item.name if item else FeeKind(kind).label,
                    }
                ]
            },
            requirement="R-AGR-5",
        )
    price = values.get("unit_price")
    unit_price = tariff.price if price in (None, "") else _decimal("unit_price", price, _("单价"))
    # str(): the label is lazy, and the length check takes only text.
    label = values.get("label") or (item.name if item else str(FeeKind(kind).label))
    return {
        "kind": kind,
        "service_item": item,
        "label": _text("label", label, 60, _("费用名称"), requirement="R-AGR-5"),
        "quantity": quantity,
        "unit_price": yuan(unit_price),
        "tariff": tariff,
        "tariff_price": tariff.price,
        "period": period,
        "start_date": start_date,
        "end_date": end_date,
        "escalation_percent": escalation,
    }


@service
def fee_line_add(*, actor, agreement: Agreement, **values) -> FeeLine:
    """Add a line to the fee schedule, priced from the tariff in force on its start date (its
    unit price defaults to the tariff; above it, or discounted beyond the drafter's authority,
    the price-exception gate applies — R-AGR-5)."""
    agreement = _editable(actor, agreement)
    unknown = sorted(set(values) - set(FEE_FIELDS))
    if unknown:
        raise ValidationFailed({name: [_("该字段不能填写。")] for name in unknown})
    fields = _fee_values(agreement, values)
    position = (agreement.fees.aggregate(last=Max("position"))["last"] or 0) + 1
    fee = FeeLine.objects.create(agreement=agreement, position=position, **fields)
    audit.record(actor, "agreement.fee_add", agreement, after=_fee_snapshot(fee))
    _content_changed(actor, agreement, "fees")
    return fee


@service
def fee_line_update(*, actor, fee: FeeLine, **values) -> FeeLine:
    agreement = _editable(actor, fee.agreement)
    fee = FeeLine.objects.select_for_update(of=("self",), no_key=True).get(
        pk=fee.pk, agreement=agreement
    )
    unknown = sorted(set(values) - set(FEE_FIELDS))
    if unknown or not values:
        raise ValidationFailed({name: [_("该字段不能填写。")] for name in unknown or ["kind"]})
    before = _fee_snapshot(fee)
    current = {name: getattr(fee, name) for name in FEE_FIELDS}
    fields = _fee_values(
        agreement,
        {**current, **values, **({} if "unit_price" in values else {"unit_price": fee.unit_price})},
    )
    for name, value in fields.items():
        setattr(fee, name, value)
    fee.save()
    audit.record(actor, "agreement.fee_update", agreement, before=before, after=_fee_snapshot(fee))
    _content_changed(actor, agreement, "fees")
    return fee


@service
def fee_line_remove(*, actor, fee: FeeLine) -> None:
    agreement = _editable(actor, fee.agreement)
    fee = FeeLine.objects.get(pk=fee.pk, agreement=agreement)
    before = _fee_snapshot(fee)
    fee.delete()
    audit.record(actor, "agreement.fee_remove", agreement, before=before)
    _content_changed(actor, agreement, "fees")


def _fee_snapshot(fee: FeeLine) -> dict:
    return {
        "label": fee.label,
        "kind": fee.kind,
        "quantity": str(fee.quantity),
        "unit_price": str(fee.unit_price),
        "tariff_price": str(fee.tariff_price),
        "period": fee.period,
        "start_date": fee.start_date.isoformat(),
        "end_date": fee.end_date.isoformat(),
    }


# ---------------------------------------------------------------------------------------------
# Reviews' consequences (R-AGR-4, R-AGR-5)


def _tell_drafter(agreement, actor, title, body) -> None:
    publish(
        "agreements.review_outcome",
        obj=agreement,
        recipients=[agreement.created_by],
        exclude=[actor],
        title=title,
        body=body,
    )


@service
def agreement_review_outcome(*, actor, review) -> Agreement:
    """What a decision of the legal review or the price exception means for the agreement:
    a rejection returns it to draft with the opinion; the legal approval opens the leader's
    round when a price exception applies; once every gate that applies passed, it awaits
    signature. The drafter is told either way."""
    agreement = Agreement.objects.select_for_update(of=("self",), no_key=True).get(
        pk=review.object_id
    )
    if agreement.migrated and agreement.status == AgreementStatus.SIGNED:
        return _migration_reviewed(actor, agreement, review)
    if agreement.status not in (AgreementStatus.IN_REVIEW, AgreementStatus.APPROVED):
        return agreement
    gate = {g.code: g for g in gates.CHAIN}[review.gate]
    state = gate.state(agreement)
    if review.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN) and state.is_latest:
        agreement.return_opinion = review.opinion
        agreement.save(update_fields=["return_opinion"])
        workflow.perform(
            actor=actor,
            obj=agreement,
            name="send_back",
            authorised_by=STEP,
            reason=review.opinion[:500],
        )
        _tell_drafter(
            agreement,
            actor,
            _("协议被退回修改：%(agreement)s") % {"agreement": agreement},
            _("%(gate)s意见：%(opinion)s") % {"gate": gate.label, "opinion": review.opinion},
        )
        return agreement
    if not state.passed:
        return agreement
    price = gates.PRICE_EXCEPTION
    if (
        gate is gates.LEGAL_REVIEW
        and price.applies_to(agreement)
        and not price.is_passed(agreement)
    ):
        if agreement.price_approver_id is None:
            raise Conflict(
                "price_approver_required",
                _("有费用高于收费标准或超出授权折扣，请指定审批的分管领导。"),
                requirement="R-AGR-5",
            )
        if not price.state(agreement).pending:
            price.request(actor=actor, obj=agreement, reviewers=[agreement.price_approver])
        _tell_drafter(
            agreement,
            actor,
            _("协议已通过法律审查：%(agreement)s") % {"agreement": agreement},
            _("价格例外已提交 %(leader)s 审批。") % {"leader": agreement.price_approver},
        )
        return agreement
    if agreement.status == AgreementStatus.IN_REVIEW:
        workflow.perform(actor=actor, obj=agreement, name="approve", authorised_by=STEP)
        _tell_drafter(
            agreement,
            actor,
            _("协议已通过审查，待签署：%(agreement)s") % {"agreement": agreement},
            _("全部审查已通过，可以登记签署。"),
        )
    return agreement


@service
def agreement_migration_review_request(*, actor, agreement: Agreement) -> Agreement:
    """Send an agreement imported from the park's old ledger (signed before ParkFlow) to the
    legal review it never had here: until a legal officer approves it, it is shown as
    "历史导入，未经审查" (R-PLT-5, R-AGR-4)."""
    agreement = Agreement.objects.select_for_update(of=("self",), no_key=True).get(pk=agreement.pk)
    access.ensure(actor, "agreement.submit", agreement, requirement="R-AGR-4")
    if not agreement.migrated or agreement.migration_reviewed_at is not None:
        raise Conflict(
            "not_awaiting_migration_review",
            _("只有尚未审查的历史导入协议需要补充法律审查。"),
            requirement="R-AGR-4",
        )
    gates.LEGAL_REVIEW.request(actor=actor, obj=agreement)
    return agreement


def _migration_reviewed(actor, agreement, review) -> Agreement:
    state = gates.LEGAL_REVIEW.state(agreement)
    if review.gate != gates.LEGAL_REVIEW.code or not state.is_latest:
        return agreement
    if state.passed:
        agreement.migration_reviewed_at = clock.now()
        agreement.return_opinion = ""
        agreement.save(update_fields=["migration_reviewed_at", "return_opinion"])
        audit.record(actor, "agreement.migration_reviewed", agreement)
        return agreement
    if review.decision in (ReviewDecision.REJECT, ReviewDecision.RETURN):
        agreement.return_opinion = review.opinion
        agreement.save(update_fields=["return_opinion"])
        _tell_drafter(
            agreement,
            actor,
            _("历史导入协议未通过法律审查：%(agreement)s") % {"agreement": agreement},
            review.opinion,
        )
    return agreement


# ---------------------------------------------------------------------------------------------
# Signing and amendments (R-AGR-6)


def agreement_sign(
    *, actor, agreement: Agreement, signed_on, enterprise_signatory: str, scan, park_signatory=None
) -> Agreement:
    """Record the signature: the date, both signatories and the signed scan. Refused — with
    nothing stored — unless every gate that applies passed on the content as stored and the
    enterprise is in good standing (R-ENT-5)."""
    access.ensure(actor, "agreement.sign", agreement, requirement="R-AGR-6")
    signed_on = _date("signed_on", signed_on, _("签署日期"), "R-AGR-6")
    if signed_on > clock.today():
        raise ValidationFailed({"signed_on": [_("签署日期不能晚于今天。")]}, requirement="R-AGR-6")
    enterprise_signatory = _text(
        "enterprise_signatory", enterprise_signatory, 60, _("企业方签署人"), requirement="R-AGR-6"
    )
    if scan is None:
        raise ValidationFailed({"scan": [_("请上传签署扫描件。")]}, requirement="R-AGR-6")
    if park_signatory is not None and (
        access.is_enterprise_user(park_signatory)
        or not access.may(park_signatory, "agreement.view", agreement)
    ):
        raise ValidationFailed(
            {"park_signatory": [_("园区方签署人须为本园区的工作人员。")]}, requirement="R-AGR-6"
        )
    _refuse_unsignable(actor, agreement)
    checked = hooks.call("check_upload", scan)
    suffix = checked.original_name.rsplit(".", 1)[-1].lower()
    stored_name = default_storage.save(
        f"agreements/{agreement.park_id}/{agreement.pk}/signed.{suffix}", scan
    )
    try:
        return _record_signature(
            actor=actor,
            agreement=agreement,
            signed_on=signed_on,
            enterprise_signatory=enterprise_signatory,
            park_signatory=park_signatory or actor,
            stored_name=stored_name,
            checked=checked,
        )
    except BaseException:
        default_storage.delete(stored_name)
        raise


def _refuse_unsignable(actor, agreement) -> None:
    """The step's own checks before the scan is stored (state, gates, standing)."""
    declared = workflow.get(Agreement, "sign")
    row = Agreement.objects.select_related("enterprise").get(pk=agreement.pk)
    if row.status not in declared.source:
        raise Conflict(
            "invalid_transition",
            _("协议当前状态为“%(status)s”，不能登记签署。") % {"status": row.get_status_display()},
            requirement="R-AGR-6",
        )
    for guard in declared.guards:
        if guard.__name__ == "has_signed_scan":
            continue
        found = guard(actor, row)
        if found:
            raise found[0]
    for gate in declared.gates:
        gate.require(row)


@service
def _record_signature(
    *, actor, agreement, signed_on, enterprise_signatory, park_signatory, stored_name, checked
) -> Agreement:
    agreement = Agreement.objects.select_for_update(of=("self",), no_key=True).get(pk=agreement.pk)
    access.ensure(actor, "agreement.sign", agreement, requirement="R-AGR-6")
    agreement.signed_on = signed_on
    agreement.enterprise_signatory = enterprise_signatory
    agreement.park_signatory = park_signatory
    agreement.signed_scan = stored_name
    agreement.scan_name = checked.original_name
    agreement.scan_mime = checked.mime_type
    agreement.scan_size = checked.size
    agreement.signed_by = actor
    agreement.save(
        update_fields=[
            "signed_on", "enterprise_signatory", "park_signatory", "signed_scan", "scan_name",
            "scan_mime", "scan_size", "signed_by",
        ]
    )  # fmt: skip
    return workflow.transition(actor=actor, obj=agreement, name="sign")


def supersede(*, actor, agreement: Agreement) -> None:
    """Once an amendment is signed the version it amends is no longer in force (called by the
    sign step, in its transaction)."""
    if agreement.amends_id is None:
        return
    previous = Agreement.objects.select_for_update(of=("self",), no_key=True).get(
        pk=agreement.amends_id
    )
    before = {"status": previous.status}
    previous.status = AgreementStatus.SUPERSEDED
    previous.updated_at = clock.now()
    previous.save(update_fields=["status", "updated_at"])
    audit.record(
        actor,
        "agreement.supersede",
        previous,
        before=before,
        after={"status": previous.status, "by": agreement.pk},
    )


@service
def agreement_amend(*, actor, agreement: Agreement, title: str = "") -> Agreement:
    """Start an amendment (补充协议) of a signed agreement: a new version with the same number,
    its content copied for editing, reviewed on its own (R-AGR-6)."""
    agreement = Agreement.objects.select_for_update(of=("self",), no_key=True).get(pk=agreement.pk)
    access.ensure(actor, "agreement.amend", agreement, requirement="R-AGR-6")
    if agreement.status != AgreementStatus.SIGNED:
        raise Conflict(
            "agreement_not_signed", _("只有已签署的协议可以起草补充协议。"), requirement="R-AGR-6"
        )
    if Agreement.objects.filter(amends=agreement).exists():
        raise Conflict(
            "amendment_open", _("该协议已有一份补充协议在办理中。"), requirement="R-AGR-6"
        )
    now = clock.now()
    amendment = Agreement.objects.create(
        park_id=agreement.park_id,
        enterprise_id=agreement.enterprise_id,
        template_version_id=agreement.template_version_id,
        kind=agreement.kind,
        number=agreement.number,
        version=agreement.version + 1,
        amends=agreement,
        title=_text("title", title or agreement.title, 120, _("协议名称"), requirement="R-AGR-6"),
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        price_approver_id=agreement.price_approver_id,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    AgreementClause.objects.bulk_create(
        AgreementClause(agreement=amendment, **row)
        for row in agreement.clauses.values(
            "position", "kind", "title", "text", "venue_kind", "venue_name"
        )
    )
    ServiceLine.objects.bulk_create(
        ServiceLine(
            agreement=amendment,
            item_id=line.item_id,
            basis=line.basis,
            confirmed_via=line.confirmed_via,
            confirmed_at=line.confirmed_at,
            confirmed_by_id=line.confirmed_by_id,
            signed_note=line.signed_note.name if line.signed_note else "",
            note=line.note,
            added_by=actor,
            added_at=now,
        )
        for line in agreement.lines.all()
    )
    FeeLine.objects.bulk_create(
        FeeLine(agreement=amendment, **row)
        for row in agreement.fees.values(
            "position",
            "kind",
            "service_item_id",
            "label",
            "quantity",
            "unit_price",
            "tariff_id",
            "tariff_price",
            "period",
            "start_date",
            "end_date",
            "escalation_percent",
        )  # fmt: skip
    )
    audit.record(
        actor,
        "agreement.amend",
        amendment,
        after={"amends": agreement.pk, "version": amendment.version},
    )
    return amendment
