"""People's side of alerts (R-MON-1): see, acknowledge, assign; resolve by hand where the rule
allows it (findings about past events). Opening and automatic resolution are the engine's."""

from django.utils.translation import gettext_lazy as _

from . import access, audit, clock, signals
from .choices import AlertStatus
from .db import service
from .errors import Conflict, ValidationFailed
from .models import Alert
from .rules import REGISTRY
from .selectors import narrowed
from .validation import REASON_MAX_LENGTH, check_length


def alert_list(
    *, actor, status: str = "active", severity: str = "", rule_code: str = "", mine: bool = False
):
    if not access.may_somewhere(actor, "alert.view"):
        return Alert.objects.none()
    qs = access.scope(actor, Alert.objects.select_related("park", "assignee", "content_type"))
    if status == "active":
        qs = qs.filter(status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED])
    elif status:
        qs = qs.filter(status=status)
    return narrowed(qs, severity=severity, rule_code=rule_code, assignee=actor if mine else None)


def alert_get_for_user(*, actor, pk) -> Alert:
    return access.get_for_user(actor, alert_list(actor=actor, status=""), pk=pk)


def _locked(alert: Alert, actor) -> Alert:
    alert = Alert.objects.select_for_update(of=("self",), no_key=True).get(pk=alert.pk)
    access.ensure(actor, "alert.handle", alert, requirement="R-MON-1")
    return alert


@service
def alert_acknowledge(*, actor, alert: Alert, note: str = "") -> Alert:
    check_length("note", note, REASON_MAX_LENGTH, label=_("说明"), requirement="R-MON-1")
    alert = _locked(alert, actor)
    if alert.status != AlertStatus.OPEN:
        raise Conflict("alert_not_open", _("只能确认待处理的预警。"), requirement="R-MON-1")
    alert.acknowledge()
    alert.acknowledged_at = clock.now()
    alert.acknowledged_by = actor
    if alert.assignee_id is None:
        alert.assignee = actor
    alert.save()
    audit.record(actor, "alert.acknowledge", alert, after={"status": alert.status}, reason=note)
    return alert


@service
def alert_assign(*, actor, alert: Alert, assignee) -> Alert:
    alert = _locked(alert, actor)
    if not alert.is_active:
        raise Conflict("alert_closed", _("预警已解除，不能再指派。"), requirement="R-MON-1")
    if not access.may(assignee, "alert.handle", alert):
        raise ValidationFailed(
            {"assignee": [_("该人员无权处理此园区的预警。")]}, requirement="R-MON-1"
        )
    before = {"assignee": alert.assignee_id}
    alert.assignee = assignee
    alert.save(update_fields=["assignee"])
    audit.record(actor, "alert.assign", alert, before=before, after={"assignee": assignee.pk})
    signals.alert_assigned.send(sender=Alert, alert=alert, actor=actor)
    return alert


@service
def alert_resolve(*, actor, alert: Alert, note: str) -> Alert:
    """Only for rules whose finding is a past event (a late report stays late); everything else
    resolves itself when the condition clears — closing it by hand would hide a live problem."""
    alert = _locked(alert, actor)
    rule_ = REGISTRY.get(alert.rule_code)
    if rule_ is None or not rule_.resolvable_by_hand:
        raise Conflict(
            "alert_auto_only",
            _("该预警在问题消除后由系统自动解除，不能手工关闭。"),
            requirement="R-MON-1",
        )
    if not alert.is_active:
        raise Conflict("alert_closed", _("预警已解除。"), requirement="R-MON-1")
    if not (note or "").strip():
        raise ValidationFailed({"note": [_("请填写处理说明。")]}, requirement="R-MON-1")
    check_length(
        "note",
        note.strip(),
        Alert._meta.get_field("resolution").max_length,
        label=_("处理说明"),
        requirement="R-MON-1",
    )
    alert.resolve()
    alert.resolved_at = clock.now()
    alert.resolved_by = actor
    alert.resolution = note.strip()
    alert.save()
    audit.record(
        actor, "alert.resolve", alert, after={"status": alert.status}, reason=alert.resolution
    )
    return alert
