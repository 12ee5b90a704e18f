"""Kernel data: audit chain, business calendar, the regulation as data, rule settings, alerts,
reviews (gates). Domain apps hold their own models; these are the mechanisms they share."""

import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from . import choices
from .canonical import canonical
from .validation import REASON_MAX_LENGTH


class AuditJSONField(models.JSONField):
    """``before``/``after`` of an audit event, stored as the canonical text that was hashed:
    PostgreSQL ``json`` (which keeps its input verbatim, unlike ``jsonb``), text on SQLite. So
    verification hashes the stored text as it is, without parsing and re-serialising it, and the
    text read back is the text written (D44). Python code reads and writes dicts as before."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or hasattr(value, "as_sql"):
            return value
        return canonical(value)

    def from_db_value(self, value, expression, connection):
        if value is None or not isinstance(value, str):
            return value  # psycopg parses ``json`` columns itself
        return json.loads(value)


class AuditEvent(models.Model):
    """One audited change (R-PLT-1). Rows are only ever inserted: database triggers refuse
    UPDATE, DELETE and TRUNCATE (migrations 0003, 0006).

    ``hash`` is the event's content hash (``core.audit.content_hash``); its place in the one
    verifiable order is its ``AuditSeal``, written after commit by the sealer (D44). Events
    written before the seals existed carry the old chain instead: ``prev_hash`` (their
    predecessor's ``hash``) and ``hash`` over both; they were sealed in id order by migration.

    Indexes, each for a query that needs it (D44): the primary key (keyset pages, the sealer's
    lookups); (object_id, content type, id) for an object's timeline and the search by object id;
    (action, -id) for the action filter; and, on PostgreSQL only, trigram indexes on
    ``UPPER(object_repr)`` and ``UPPER(actor_name)`` for the page's searches (migration 0010)."""

    occurred_at = models.DateTimeField(_("时间"))
    # No FK constraint and no cascade: deleting or renaming a user must never touch the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=80)
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    before = AuditJSONField(_("变更前"), null=True, blank=True)
    after = AuditJSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(
        _("原因"), blank=True, validators=[MaxLengthValidator(REASON_MAX_LENGTH)]
    )
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["id"]
        indexes = [
            # An object's timeline (content type + object, newest first by id) and the page's
            # search by object id alone (the leading column).
            models.Index(fields=["object_id", "content_type", "id"], name="audit_object_timeline"),
            # The audit page's action filter, newest first within the keyset.
            models.Index(fields=["action", "-id"], name="audit_action_recent"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_repr}"

    @property
    def is_legacy(self) -> bool:
        """Written before the seals (D44): chained by ``prev_hash`` in the row itself."""
        return bool(self.prev_hash)


class AuditSeal(models.Model):
    """An event's place in the one verifiable order (R-PLT-1, D44): sequence numbers 1, 2, 3 …
    without gaps, the event's content hash as it was sealed (``leaf``) and the chain hash
    ``hash = SHA-256(previous seal's hash + event id + ":" + leaf)`` (``core.audit.link``).
    Written only by the sealer (``core.audit.seal_pending``), one transaction at a time under its
    lock; the primary key and the unique event make a fork or a double seal impossible anyway.
    Triggers refuse UPDATE, DELETE and TRUNCATE, as on the events."""

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    event = models.OneToOneField(
        AuditEvent,
        verbose_name=_("审计事件"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="seal",
    )
    leaf = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计封存")
        verbose_name_plural = _("审计封存")
        ordering = ["seq"]

    def __str__(self):
        return f"{self.seq} → #{self.event_id}"


class AuditPending(models.Model):
    """Events written but not sealed yet: a trigger on the audit table adds each new id, the
    sealer removes the ids it seals. Small and short-lived; not part of the evidence (an event
    missing from both the seals and this queue is named by verification)."""

    event_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("待封存的审计事件")
        verbose_name_plural = _("待封存的审计事件")

    def __str__(self):
        return f"#{self.event_id}"


class AuditVerification(models.Model):
    """One verification of the audit chain, run in the background (``core.audit_verify``),
    with its progress for the audit page; a successful one is a *checkpoint*: the chain up to
    ``to_seq`` verified, its head hash, signed with the digest key so that a checkpoint written
    into the database by someone else is not believed (D44)."""

    Kind = choices.VerificationKind
    Status = choices.VerificationStatus

    kind = models.CharField(_("方式"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("发起时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    from_seq = models.BigIntegerField(_("起始序号"), default=0)
    to_seq = models.BigIntegerField(_("截止序号"), null=True, blank=True)
    checked = models.BigIntegerField(_("已校验"), default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    head_event_id = models.BigIntegerField(null=True, blank=True)
    broken_event_id = models.BigIntegerField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # The latest signed digest the chain agreed with: {"sequence", "written_at", "event_count"}.
    anchor = models.JSONField(null=True, blank=True)
    signature = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("审计链验证")
        verbose_name_plural = _("审计链验证")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.OK, self.Status.BROKEN, self.Status.FAILED)

    @property
    def total(self) -> int:
        return max(0, (self.to_seq or 0) - self.from_seq)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return min(99, self.checked * 100 // self.total) if self.total else 0

    @property
    def anchor_written_at(self):
        import datetime

        return datetime.datetime.fromisoformat(self.anchor["written_at"]) if self.anchor else None


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a statutory holiday on a weekday or an adjusted
    working day (调休) on a weekend. Seeded from chinese-calendar; admins add future years."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'工作日' if self.is_working_day else '休息日'} {self.name}"


class CalendarYear(models.Model):
    """Whether a year's official holiday schedule (the State Council notice) is loaded. A year
    without an official row is *provisional*: working-day answers in it use the statutory
    holidays computed by ``core.calendar`` and are flagged so (issue 6 §3, D19)."""

    class Source(models.TextChoices):
        PROVISIONAL = "provisional", _("暂按法定节假日推算")
        PACKAGE = "package", _("chinese-calendar 官方数据")
        ENTERED = "entered", _("管理员按国务院通知录入")

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("来源"), max_length=12, choices=Source.choices, default=Source.PROVISIONAL
    )
    notice = models.CharField(_("通知文号"), max_length=120, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度放假安排")
        verbose_name_plural = _("年度放假安排")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2100), name="calendar_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.year} 年放假安排"

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("core:calendar")

    @property
    def is_official(self) -> bool:
        return self.source != self.Source.PROVISIONAL


class Regulation(models.Model):
    """A regulation document as data (R-CPL-2); its articles are what rules and gates cite."""

    code = models.CharField(_("编号"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    version = models.PositiveIntegerField(_("版本"), default=1)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    is_current = models.BooleanField(_("现行版本"), default=True)

    class Meta:
        verbose_name = _("制度")
        verbose_name_plural = _("制度")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="regulation_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="regulation_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"


class Article(models.Model):
    regulation = models.ForeignKey(Regulation, on_delete=models.PROTECT, related_name="articles")
    ref = models.CharField(_("条款编号"), max_length=10)  # "Art.17"
    number = models.PositiveSmallIntegerField(_("条"))
    chapter = models.CharField(_("章"), max_length=60, blank=True)
    text = models.TextField(_("条文"))

    class Meta:
        verbose_name = _("条款")
        verbose_name_plural = _("条款")
        ordering = ["regulation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["regulation", "ref"], name="article_ref_per_regulation")
        ]

    def __str__(self):
        return f"{self.ref} {self.text[:30]}"


class RuleSetting(models.Model):
    """The administrator-editable part of a registered rule (R-MON-1): its parameters and
    whether it runs. The rule's logic, article and requirement live in code (core.rules)."""

    code = models.CharField(_("规则编号"), max_length=80, unique=True)
    params = models.JSONField(_("参数"), default=dict)
    enabled = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    # The last run's failure (an exception, or a stored parameter out of its bounds), read by the
    # kernel rule ``core.rule_failed``; empty once the rule runs cleanly again.
    last_error = models.CharField(_("最近一次运行错误"), max_length=500, blank=True, default="")
    last_error_at = models.DateTimeField(_("错误时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("规则参数")
        verbose_name_plural = _("规则参数")
        ordering = ["code"]

    def __str__(self):
        return self.code


class GateSetting(models.Model):
    """The administrator-editable parameters of a registered review gate (e.g. the large-amount
    threshold that selects a two-signature gate, R-BIL-4). The gate itself — who reviews, the
    quorum, the order — lives in code (core.gates); values are checked against its ``Param``s."""

    code = models.CharField(_("审查节点编号"), max_length=80, unique=True)
    params = models.JSONField(_("参数"), default=dict)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审查节点参数")
        verbose_name_plural = _("审查节点参数")
        ordering = ["code"]

    def __str__(self):
        # The gate's name, not its code: audit summaries and the admin show this.
        from .gates import GATES

        gate = GATES.get(self.code)
        return str(gate.label) if gate else self.code


class Alert(FSMModelMixin, models.Model):
    """A finding of a rule about one object. At most one open alert per (rule, object)."""

    rule_code = models.CharField(_("规则"), max_length=80, db_index=True)
    severity = models.CharField(_("级别"), max_length=10, choices=choices.Severity.choices)
    title = models.CharField(_("标题"), max_length=200)
    message = models.TextField(_("内容"), blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("对象"), max_length=255)
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    status = FSMField(
        _("状态"),
        default=choices.AlertStatus.OPEN,
        choices=choices.AlertStatus.choices,
        protected=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_alerts",
    )
    opened_at = models.DateTimeField(_("触发时间"))
    last_seen_at = models.DateTimeField(_("最近检出"))
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(_("解除方式"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "content_type", "object_id"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_one_open_per_rule_and_object",
            )
        ]
        # Every list order and filter has its index (issue 7 §6): the inbox is "active, newest
        # first" for headquarters (status) and for one park (park, status).
        indexes = [
            models.Index(fields=["status", "park"]),
            models.Index(fields=["-opened_at", "-id"], name="alert_recent"),
            models.Index(fields=["status", "-opened_at", "-id"], name="alert_status_recent"),
            # The inbox's default filter is "active" (two states): partial indexes hold exactly
            # those rows in list order, so the newest twenty are read, not every alert's status.
            models.Index(
                fields=["-opened_at", "-id"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_active_recent",
            ),
            models.Index(
                fields=["park", "-opened_at", "-id"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_park_active_recent",
            ),
            # The workbench counts the active alerts by severity and "mine or nobody's".
            models.Index(
                fields=["assignee", "severity"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_active_assignee",
            ),
            models.Index(
                fields=["severity"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_active_severity",
            ),
            models.Index(fields=["park", "status", "-opened_at", "-id"], name="alert_park_recent"),
            models.Index(fields=["assignee", "status"], name="alert_assignee_status"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("core:alert_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in (choices.AlertStatus.OPEN, choices.AlertStatus.ACKNOWLEDGED)

    @transition(
        field=status, source=choices.AlertStatus.OPEN, target=choices.AlertStatus.ACKNOWLEDGED
    )
    def acknowledge(self):
        pass

    @transition(
        field=status,
        source=[choices.AlertStatus.OPEN, choices.AlertStatus.ACKNOWLEDGED],
        target=choices.AlertStatus.RESOLVED,
    )
    def resolve(self):
        pass


class Review(models.Model):
    """One review at a gate (R-CPL-1): who asked, who decided, what, why, and the hash of the
    content that was reviewed. A change to the content after approval invalidates it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("审查对象"), max_length=255)
    gate = models.CharField(_("审查节点"), max_length=80, db_index=True)
    # Reviews requested together (e.g. the two reviewers of one double-random draw) share a
    # round; the gate opens only when every review of the latest round approves.
    round = models.PositiveIntegerField(_("轮次"), default=1)
    park = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_reviews",
    )
    requested_at = models.DateTimeField(_("提交时间"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指定审查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_reviews",
    )
    decision = models.CharField(
        _("结论"),
        max_length=10,
        choices=choices.ReviewDecision.choices,
        default=choices.ReviewDecision.PENDING,
    )
    opinion = models.TextField(
        _("审查意见"), blank=True, validators=[MaxLengthValidator(REASON_MAX_LENGTH)]
    )
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    decided_at = models.DateTimeField(_("审查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("合规审查")
        verbose_name_plural = _("合规审查")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "gate"]),
            models.Index(fields=["-requested_at", "-id"], name="review_recent"),
            models.Index(fields=["park", "-requested_at", "-id"], name="review_park_recent"),
            models.Index(fields=["assigned_to", "decision"], name="review_assignee_decision"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "gate", "assigned_to"],
                condition=Q(decision="pending"),
                name="review_one_pending_per_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending")
                | Q(decision="withdrawn", decided_at__isnull=False)
                | Q(reviewer__isnull=False, decided_at__isnull=False),
                name="review_decided_has_reviewer",
            ),
            # R-ORG-4 in the database too: nobody decides twice in one round of a gate (two
            # signatures are two people), and nobody reviews what they asked to be reviewed.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "gate", "round", "reviewer"],
                condition=Q(reviewer__isnull=False),
                name="review_one_decision_per_person_per_round",
            ),
            models.CheckConstraint(
                condition=Q(requested_by__isnull=True)
                | (
                    (Q(reviewer__isnull=True) | ~Q(reviewer=models.F("requested_by")))
                    & (Q(assigned_to__isnull=True) | ~Q(assigned_to=models.F("requested_by")))
                ),
                name="review_not_by_requester",
            ),
        ]

    def __str__(self):
        return f"{self.gate} · {self.object_repr}"

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("core:review_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.decision == choices.ReviewDecision.PENDING


class BusinessDay(models.Model):
    """The business calendar as an index: one row per date of the covered span (2020 to ten
    years ahead), derived from ``CalendarDay`` and ``CalendarYear`` by ``core.calendar`` and
    rebuilt whenever they change. ``working_ordinal`` counts the working days from the start of
    the span up to and including the date, so "N working days after D" and "working days
    between A and B" are one indexed lookup each (D39, issue 8 §2)."""

    date = models.DateField(_("日期"), primary_key=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    working_ordinal = models.PositiveIntegerField(_("工作日序号"))
    # The year's official schedule is not loaded: the day follows the statutory fallback (D19).
    provisional = models.BooleanField(_("暂按法定节假日推算"), default=False)

    class Meta:
        verbose_name = _("工作日索引")
        verbose_name_plural = _("工作日索引")
        ordering = ["date"]
        constraints = [
            # Each working day has its own number: the lookup "the working day numbered k" is
            # an index probe, and a broken rebuild cannot leave two days with the same number.
            models.UniqueConstraint(
                fields=["working_ordinal"],
                condition=Q(is_working_day=True),
                name="business_day_working_ordinal",
            ),
        ]

    def __str__(self):
        return f"{self.date} #{self.working_ordinal}{'' if self.is_working_day else ' 休'}"


class SlaSetting(models.Model):
    """The administrator-editable part of a declared SLA clock (its unit and the target of each
    grade) and of the business hours (code ``core.business_hours``). Changed only through
    ``core.sla.setting_update`` (audited)."""

    code = models.CharField(_("编号"), max_length=80, unique=True)
    params = models.JSONField(_("参数"), default=dict)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("时限设置")
        verbose_name_plural = _("时限设置")
        ordering = ["code"]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("core:sla_settings")


class SlaClock(models.Model):
    """One SLA clock of one object (R-SVC-1, R-CMP-3): which declared clock, the target it runs
    to, when it started, the due time computed once (and again on resume, regrade or a calendar
    change), its pauses, and how it ended — the per-item record the KPIs count."""

    State = choices.SlaState
    Unit = choices.SlaUnit

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    # Integer, like every ParkFlow primary key: "items whose clock is overdue" joins on it.
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    code = models.CharField(_("时限"), max_length=80)
    grade = models.CharField(_("等级"), max_length=40, blank=True)
    unit = models.CharField(_("单位"), max_length=16, choices=Unit.choices)
    target = models.DecimalField(_("时限"), max_digits=8, decimal_places=2)
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("开始计时"))
    due_at = models.DateTimeField(_("截止时间"))
    warn_at = models.DateTimeField(_("临近截止"))
    critical_at = models.DateTimeField(_("严重超时"))
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    # Closed pauses: [{"from": iso, "to": iso, "reason": text}], in order.
    pauses = models.JSONField(_("暂停记录"), default=list, blank=True)
    stopped_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The due time counted days of a year whose official schedule is not loaded (D19).
    provisional = models.BooleanField(_("暂按法定节假日推算"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务时限")
        verbose_name_plural = _("服务时限")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "code"], name="sla_clock_one_per_object"
            ),
            models.CheckConstraint(
                condition=(Q(state="paused") & Q(paused_at__isnull=False))
                | (~Q(state="paused") & Q(paused_at__isnull=True)),
                name="sla_clock_paused_has_time",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["running", "paused"], stopped_at__isnull=True)
                | Q(state__in=["met", "breached", "cancelled"], stopped_at__isnull=False),
                name="sla_clock_stopped_has_time",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("started_at")), name="sla_clock_due_after_start"
            ),
        ]
        indexes = [
            # Overdue and due-soon are range scans over the running clocks of one declared
            # clock (set-based selectors in core.sla), whatever the domain's table.
            models.Index(
                fields=["code", "due_at"],
                condition=Q(state="running"),
                name="sla_running_due",
            ),
            models.Index(
                fields=["code", "warn_at"],
                condition=Q(state="running"),
                name="sla_running_warn",
            ),
            # KPIs: outcomes of one clock per park and period.
            models.Index(fields=["code", "park", "stopped_at"], name="sla_outcome"),
        ]

    def __str__(self):
        return f"{self.code} #{self.object_id}"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.RUNNING, self.State.PAUSED)
