"""Organisation, people, roles, staff compliance status, emergency contacts, authority matrix."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkflow.core.normalise import normalise_phone

from .choices import AuthorityKind, ComplianceKind, DepartmentKind, Role, UnitKind

phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    _(
        "请输入有效的手机号或固定电话（如 13812345678、138-0013-8000、+86 138 0013 8000 "
        "或 0512-6688 1234）。"
    ),
)


class NormalisedPhoneMixin:
    """Phone fields named in ``phone_fields`` are normalised (``core.normalise``) before the
    field validators run, wherever ``full_clean`` is called: services, admin, imports."""

    phone_fields: tuple[str, ...] = ()

    def clean_fields(self, exclude=None):
        for name in self.phone_fields:
            value = getattr(self, name)
            if value:
                setattr(self, name, normalise_phone(value))
        super().clean_fields(exclude=exclude)


class OrgUnit(models.Model):
    """R-ORG-1: group → company → park (下属单位) → department. A department under a company is a
    headquarters department: its people see every park."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Denormalised owning park: the park itself, or the park a department belongs to; null at HQ.
    park = models.ForeignKey(
        "self",
        verbose_name=_("所属园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department_kind = models.CharField(
        _("部门类别"), max_length=12, choices=DepartmentKind.choices, blank=True
    )
    hosts_special_office = models.BooleanField(_("承担专项管理办公室"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("组织单元")
        verbose_name_plural = _("组织单元")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="department") | Q(department_kind=""),
                name="orgunit_dept_kind_only_on_departments",
            ),
            models.UniqueConstraint(
                fields=["hosts_special_office"],
                condition=Q(hosts_special_office=True),
                name="orgunit_one_special_office",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("org:contacts")

    @property
    def is_park(self) -> bool:
        return self.kind == UnitKind.PARK

    @property
    def is_headquarters(self) -> bool:
        return self.park_id is None


class User(NormalisedPhoneMixin, AbstractUser):
    """Staff and enterprise users. Staff act through ``RoleAssignment``; enterprise users through
    ``enterprises.PortalAccount``."""

    phone_fields = ("phone",)

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True, validators=[phone_validator])
    employee_no = models.CharField(_("工号"), max_length=30, blank=True)
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.get_username()

    def get_full_name(self):
        return self.display_name or super().get_full_name()

    @property
    def is_enterprise_user(self) -> bool:
        from parkflow.core import access

        return access.is_enterprise_user(self)

    def save(self, *args, **kwargs):
        # A new password (set_password, the password-change and reset forms, the admin) or a
        # deactivation ends every API token of the account (D23). A silent hash upgrade at
        # sign-in (check_password's setter clears ``_password`` before saving) is no change.
        password_set = self._password is not None or (
            self.password and not self.has_usable_password()
        )
        update_fields = kwargs.get("update_fields")
        watched = self.pk is not None and (
            update_fields is None or {"password", "is_active"} & set(update_fields)
        )
        before = (
            User.objects.filter(pk=self.pk).values("password", "is_active").first()
            if watched
            else None
        )
        with transaction.atomic():  # the new password and the revocation land together
            super().save(*args, **kwargs)
            if before is None:
                return
            reason = ""
            if before["is_active"] and not self.is_active:
                reason = "deactivated"
            elif password_set and before["password"] != self.password:
                reason = "password_changed"
            if reason:
                from .tokens import revoke_all_for_user

                revoke_all_for_user(self, reason=reason)


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_once_per_unit")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


def compliance_evidence_path(record, filename: str) -> str:
    """Server-generated, unguessable storage name; the uploaded name is kept only as data."""
    import uuid

    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        record.evidence_mime, "bin"
    )
    return f"compliance/{record.user_id}/{uuid.uuid4().hex}.{extension}"


class ComplianceRecord(models.Model):
    """A signed commitment or a passed training, valid until a date (R-ORG-5)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="compliance_records")
    kind = models.CharField(_("类别"), max_length=20, choices=ComplianceKind.choices)
    completed_on = models.DateField(_("完成日期"))
    valid_until = models.DateField(_("有效期至"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    # The signed letter or the training certificate (PDF or image), checked like any upload.
    evidence = models.FileField(
        _("证明材料"), upload_to=compliance_evidence_path, max_length=200, blank=True
    )
    evidence_name = models.CharField(_("证明材料文件名"), max_length=200, blank=True)
    evidence_mime = models.CharField(_("证明材料类型"), max_length=40, blank=True)
    evidence_sha256 = models.CharField(_("证明材料摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("合规履职记录")
        verbose_name_plural = _("合规履职记录")
        ordering = ["-completed_on", "-id"]
        indexes = [
            models.Index(fields=["user", "kind", "-completed_on"], name="compliance_user_kind")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("completed_on")),
                name="compliance_valid_after_done",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.valid_until}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.completed_on <= day <= self.valid_until


class EmergencyContact(NormalisedPhoneMixin, models.Model):
    """R-ORG-6, Art.21(三): "应急联系人须在系统中实时更新"."""

    phone_fields = ("phone",)

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="emergency_contacts"
    )
    park = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=20, validators=[phone_validator])
    confirmed_at = models.DateTimeField(_("最近确认时间"))
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("应急联系人")
        verbose_name_plural = _("应急联系人")
        ordering = ["unit", "name"]
        indexes = [models.Index(fields=["park", "unit", "name"], name="contact_park_unit_name")]

    def __str__(self):
        return f"{self.unit} · {self.name}"

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("org:contacts")


class AuthorityLimit(models.Model):
    """R-ORG-7: the most a role may grant on its own; beyond it ``approver_role`` must approve."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    kind = models.CharField(_("事项"), max_length=20, choices=AuthorityKind.choices)
    limit = models.DecimalField(_("权限上限"), max_digits=14, decimal_places=2)
    approver_role = models.CharField(_("超限审批角色"), max_length=20, choices=Role.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("授权矩阵")
        verbose_name_plural = _("授权矩阵")
        ordering = ["role", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["role", "kind"], name="authority_once_per_role_kind"),
            models.CheckConstraint(condition=Q(limit__gte=0), name="authority_limit_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} · {self.get_kind_display()} ≤ {self.limit}"


class ApiToken(models.Model):
    """A per-device API credential (D23). Only the SHA-256 of the key is stored: the key itself is
    shown once, when it is issued. A token expires, and is revoked by its owner, by a password
    change or by deactivation of the account."""

    class RevokeReason(models.TextChoices):
        BY_USER = "by_user", _("本人吊销")
        PASSWORD_CHANGED = "password_changed", _("密码已修改")
        DEACTIVATED = "deactivated", _("账号已停用")

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=60)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("吊销原因"), max_length=20, choices=RevokeReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_live")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_reason="")
                | Q(revoked_at__isnull=False) & ~Q(revoked_reason=""),
                name="api_token_revoked_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    def is_live(self, at) -> bool:
        return self.revoked_at is None and self.expires_at > at
