from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    GROUP = "group", _("集团")
    COMPANY = "company", _("公司")
    PARK = "park", _("园区（下属单位）")
    DEPARTMENT = "department", _("部门")


class DepartmentKind(models.TextChoices):
    LEAD = "lead", _("牵头部门")
    RISK = "risk", _("风控部（专责部门）")
    LEGAL = "legal", _("法务部（专责部门）")
    BUSINESS = "business", _("业务部门")
    FINANCE = "finance", _("财务部")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    """R-ORG-2. A person may hold several, each for a unit (park or headquarters department)."""

    PRINCIPAL = "principal", _("主要负责人")
    DEPUTY = "deputy", _("分管领导")
    GROUP_MEMBER = "group_member", _("领导小组成员")
    # The head of a department or business unit (Art.6: 牵头部门负责人、专责部门负责人): the
    # level between the account manager and the in-charge leader when an alert escalates.
    DEPT_HEAD = "dept_head", _("部门负责人")
    OFFICE_STAFF = "office_staff", _("专项管理办公室")
    LEAD_STAFF = "lead_staff", _("牵头部门人员")
    RISK_OFFICER = "risk_officer", _("风控专员")
    LEGAL_OFFICER = "legal_officer", _("法务专员")
    BUSINESS_STAFF = "business_staff", _("业务人员（一线/客户经理）")
    FINANCE_STAFF = "finance_staff", _("财务人员")
    AUDITOR = "auditor", _("审计（只读）")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


LEADER_ROLES = (Role.PRINCIPAL, Role.DEPUTY, Role.GROUP_MEMBER)


class ComplianceKind(models.TextChoices):
    """R-ORG-5, Art.9(一), Art.26, Art.28(二)."""

    COMMITMENT = "commitment", _("岗位合规承诺书（每年重申）")
    ONBOARDING = "onboarding", _("新员工服务规范培训（每年考核）")
    MANAGER_TRAINING = "manager_training", _("管理层合规履职培训（每半年）")


class AuthorityKind(models.TextChoices):
    """R-ORG-7: what a role may promise or grant on its own (Art.9(三))."""

    DISCOUNT_PERCENT = "discount_percent", _("折扣（%）")
    FREE_SERVICE_DAYS = "free_service_days", _("免费服务（天）")
    SERVICE_HOURS = "service_hours", _("服务工时（小时）")
    AMOUNT = "amount", _("金额（元）")
