"""The single guard later domains call before doing anything for an enterprise (R-ENT-5, Art.10
"严禁为资质不符企业提供服务"): no agreement, allocation, service or approval for an enterprise
without a valid business licence, without an approved admission review, or with an unresolved
brand-impersonation flag."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from parkflow.core import clock
from parkflow.core.errors import Conflict
from parkflow.enterprises.choices import EnterpriseStatus

from .choices import DocumentType, FlagStatus
from .gates import ADMISSION

ADMITTED = (EnterpriseStatus.APPROVED, EnterpriseStatus.RESIDENT)


def current_document(enterprise, doc_type: str):
    return enterprise.documents.filter(doc_type=doc_type).order_by("-version").first()


def licence_problem(enterprise) -> str | None:
    licence = current_document(enterprise, DocumentType.BUSINESS_LICENCE)
    today = clock.today()
    if licence is None:
        return str(_("未上传营业执照"))
    if licence.valid_until and licence.valid_until < today:
        return str(
            _("营业执照（第%(version)s版）已于%(date)s过期")
            % {"version": licence.version, "date": date_format(licence.valid_until)}
        )
    if licence.valid_from and licence.valid_from > today:
        return str(_("营业执照（第%(version)s版）尚未生效") % {"version": licence.version})
    return None


def brand_problem(enterprise) -> str | None:
    open_flags = list(enterprise.brand_flags.filter(status=FlagStatus.OPEN).select_related("brand"))
    if open_flags:
        names = "、".join(flag.brand.name for flag in open_flags)
        return str(
            _("存在未解除的品牌冒用嫌疑（%(brands)s），需上传品牌授权书并经审查通过")
            % {"brands": names}
        )
    return None


def admission_problems(enterprise) -> list[str]:
    """What stops an enterprise from being approved (review decision aside)."""
    return [p for p in (licence_problem(enterprise), brand_problem(enterprise)) if p]


def standing_problems(enterprise) -> list[str]:
    problems = admission_problems(enterprise)
    if enterprise.status not in ADMITTED:
        problems.append(
            str(
                _("企业状态为“%(status)s”，尚未通过准入审核")
                % {"status": enterprise.get_status_display()}
            )
        )
    elif not ADMISSION.is_passed(enterprise) and not _admitted_before_parkflow(enterprise):
        problems.append(str(_("准入资质审核未通过或审核后信息已变更")))
    return problems


def _admitted_before_parkflow(enterprise) -> bool:
    """A resident brought in by the register import was admitted under the park's process
    before ParkFlow (LegacyAdmission, D26); every other condition here still applies to it."""
    return enterprise.status == EnterpriseStatus.RESIDENT and hasattr(
        enterprise, "legacy_admission"
    )


def admission_refusal(enterprise) -> Conflict | None:
    problems = admission_problems(enterprise)
    if not problems:
        return None
    return Conflict(
        "enterprise_not_admissible",
        _("不能通过准入：%(p)s。") % {"p": "；".join(problems)},
        requirement="R-ENT-5",
    )


def ensure_admissible(enterprise) -> None:
    refusal = admission_refusal(enterprise)
    if refusal:
        raise refusal


def ensure_in_good_standing(enterprise, *, purpose: str = "") -> None:
    """Call before any agreement, allocation, service request or approval for ``enterprise``."""
    problems = standing_problems(enterprise)
    if problems:
        raise Conflict(
            "enterprise_not_in_good_standing",
            _("该企业不符合服务条件，不能%(purpose)s：%(p)s。")
            % {"purpose": purpose or _("办理此事项"), "p": "；".join(problems)},
            requirement="R-ENT-5",
        )
