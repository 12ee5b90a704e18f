"""Enterprise records (R-ENT-1), portal accounts and conflict-of-interest declarations (R-ENT-4)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from parkflow.org.models import phone_validator

from .choices import EnterpriseGrade, EnterpriseStatus, Industry
from .validators import validate_credit_code

S = EnterpriseStatus


class Enterprise(FSMModelMixin, models.Model):
    name = models.CharField(_("企业名称"), max_length=120)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=60)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    industry = models.CharField(_("行业"), max_length=12, choices=Industry.choices)
    grade = models.CharField(_("客户等级"), max_length=4, choices=EnterpriseGrade.choices, default=EnterpriseGrade.B)
    contact_name = models.CharField(_("联系人"), max_length=60)
    contact_phone = models.CharField(_("联系电话"), max_length=20, validators=[phone_validator])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    address = models.CharField(_("入驻地址"), max_length=200, blank=True)
    park = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("园区"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"kind": "park"},
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_enterprises",
    )
    status = FSMField(_("状态"), default=S.PROSPECT, choices=S.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    status_changed_at = models.DateTimeField(_("状态变更时间"))

    scope_park_lookup = "park"
    scope_enterprise_lookup = "pk"
    # What the admission review looks at; editing any of these after approval voids it (R-CPL-1).
    REVIEWED_FIELDS = ("name", "credit_code", "legal_representative", "registered_capital", "industry", "park_id")
    EDITABLE_FIELDS = (
        "name",
        "credit_code",
        "legal_representative",
        "registered_capital",
        "industry",
        "grade",
        "contact_name",
        "contact_phone",
        "contact_email",
        "address",
        "account_manager",
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["park", "status"]), models.Index(fields=["name"])]
        constraints = [models.CheckConstraint(condition=Q(registered_capital__gte=0), name="enterprise_capital_not_negative")]

    def __str__(self):
        return self.name

    # Transitions: declared here, performed only by services.enterprise_transition.
    @transition(field=status, source=[S.PROSPECT, S.REJECTED], target=S.APPLYING)
    def apply(self):
        pass

    @transition(field=status, source=S.APPLYING, target=S.UNDER_REVIEW)
    def start_review(self):
        pass

    @transition(field=status, source=S.UNDER_REVIEW, target=S.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=S.UNDER_REVIEW, target=S.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=S.APPROVED, target=S.RESIDENT)
    def move_in(self):
        pass

    @transition(field=status, source=S.RESIDENT, target=S.EXITING)
    def start_exit(self):
        pass

    @transition(field=status, source=S.EXITING, target=S.EXITED)
    def complete_exit(self):
        pass


class PortalAccount(models.Model):
    """Links an enterprise user to the one enterprise they may see (R-ORG-2, R-PLT-3)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="portal_accounts")

    scope_park_lookup = "enterprise__park"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("企业门户账号")
        verbose_name_plural = _("企业门户账号")

    def __str__(self):
        return f"{self.user} → {self.enterprise}"


class ConflictDeclaration(models.Model):
    """A staff member's declared conflict of interest with an enterprise (R-ENT-4): it removes
    them from reviewing or approving anything of that enterprise."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="conflicts"
    )
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="conflicts")
    reason = models.CharField(_("利益关系说明"), max_length=300)
    declared_at = models.DateTimeField(_("申报时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    scope_park_lookup = "enterprise__park"

    class Meta:
        verbose_name = _("利益冲突申报")
        verbose_name_plural = _("利益冲突申报")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "enterprise"], condition=Q(withdrawn_at__isnull=True), name="conflict_once_active"
            )
        ]

    def __str__(self):
        return f"{self.person} ↔ {self.enterprise}"
