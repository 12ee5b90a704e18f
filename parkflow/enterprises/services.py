"""Writes of the enterprise domain. One function per business operation; each is atomic, checks
permission, runs the gates and rules, validates, saves and writes its audit event."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit, clock, workflow
from parkflow.core.db import service
from parkflow.core.errors import Conflict, ValidationFailed
from parkflow.core.validation import full_clean
from parkflow.org.choices import Role

from . import signals
from .choices import EnterpriseStatus
from .models import Enterprise
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
    signals.enterprise_named.send(Enterprise, enterprise=enterprise, created=True)
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
        signals.enterprise_named.send(Enterprise, enterprise=enterprise, created=False)
    return enterprise


# ---------------------------------------------------------------------------------------------
# The lifecycle: declared in workflows.py, performed by core.workflow.transition (D32). These
# wrappers keep the service names the rest of the code calls; the admission steps' wrappers
# (enterprise_submit_for_review/approve/reject) are intake's (intake/services.py).


def enterprise_transition(*, actor, enterprise: Enterprise, action: str, reason: str = ""):
    """Any declared step of the enterprise lifecycle, by name."""
    inputs = {"reason": reason} if reason else {}
    return workflow.transition(actor=actor, obj=enterprise, name=action, **inputs)


def enterprise_apply(*, actor, enterprise, reason=""):
    return workflow.transition(actor=actor, obj=enterprise, name="apply", reason=reason)


# ---------------------------------------------------------------------------------------------
# Portal self-service application (R-PLT-3)


@service
def portal_application_register(
    *, park, username: str, password: str, password_confirm: str, email: str = "", **values
) -> tuple:
    """An enterprise applies through the portal: one call creates its portal account and its
    application (status 申请中), or nothing at all. The account sees only this enterprise."""
    from parkflow.org.choices import UnitKind

    from .models import PortalAccount
    from .validators import portal_user_candidate

    errors = {}
    if park is None or getattr(park, "kind", None) != UnitKind.PARK:
        errors["park"] = [_("请选择申请入驻的园区。")]
    user, account_errors = portal_user_candidate(
        username=username,
        password=password,
        password_confirm=password_confirm,
        email=(email or "").strip(),
        display_name=(values.get("contact_name") or "").strip(),
    )
    errors.update(account_errors)
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
    signals.enterprise_named.send(Enterprise, enterprise=enterprise, created=True)
    return user, enterprise
