"""The rules registry and engine (R-MON-1).

A rule is registered in its domain's ``rules.py`` with ``@rule(...)``: its code, the articles and
requirement it cites, severity, default parameters and a *set-based* check — a function
``(params, now) -> QuerySet`` of the objects that violate it. The engine

* sweeps every enabled rule periodically (huey, ``core.tasks``): one query per rule for the
  violating set, one for the open alerts, then opens and resolves only the difference;
* evaluates the rules of one object after a commit that changed it (``evaluate_on_commit``);
* keeps one open alert per (rule, object) — also a database constraint.

Parameters live in ``RuleSetting`` so an administrator can change "90 days" without a deploy;
the change is audited (``rule_setting_update``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import audit, clock
from .choices import AlertStatus, Severity
from .errors import DomainError, PermissionDenied
from .models import Alert, RuleSetting

ACTIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    articles: tuple[str, ...]
    requirement: str
    severity: str
    model: str  # "app_label.ModelName"
    defaults: dict
    violations: Callable[[dict, datetime.datetime], models.QuerySet]
    message: Callable[[models.Model, dict], str] | None = None
    park: Callable[[models.Model], object] | None = None
    assignee: Callable[[models.Model], object] | None = None
    resolvable_by_hand: bool = False
    param_labels: dict = field(default_factory=dict)
    # What else the check reads: {"app_label.Model": lookup}. When such an object changes, the
    # rule is re-checked for the subjects it concerns: ``lookup`` is either a relation path that
    # the subject and the changed object share ("park": subjects of the changed object's park)
    # or a function ``changed_obj -> Q`` selecting the subjects.
    reads: dict = field(default_factory=dict)

    @property
    def model_class(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model)

    @property
    def severity_label(self):
        return Severity(self.severity).label

    def describe(self, obj, params) -> str:
        return str(self.message(obj, params)) if self.message else str(self.title)

    def park_of(self, obj):
        if self.park:
            return self.park(obj)
        return getattr(obj, "park", None)


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    title,
    articles: tuple[str, ...] | list[str],
    requirement: str,
    model: str,
    severity: str = Severity.WARNING,
    params: dict | None = None,
    param_labels: dict | None = None,
    message=None,
    park=None,
    assignee=None,
    resolvable_by_hand: bool = False,
    reads: dict | None = None,
):
    """Register a set-based check. The decorated function returns the violating queryset."""

    def decorator(check):
        REGISTRY[code] = Rule(
            code=code,
            title=title,
            articles=tuple(articles),
            requirement=requirement,
            severity=severity,
            model=model,
            defaults=dict(params or {}),
            violations=check,
            message=message,
            park=park,
            assignee=assignee,
            resolvable_by_hand=resolvable_by_hand,
            param_labels=dict(param_labels or {}),
            reads=dict(reads or {}),
        )
        return check

    return decorator


def get_rule(code: str) -> Rule:
    try:
        return REGISTRY[code]
    except KeyError:
        raise DomainError("unknown_rule", _("未知规则：%(code)s") % {"code": code}) from None


def setting_for(code: str) -> RuleSetting:
    rule_ = get_rule(code)
    setting, created = RuleSetting.objects.get_or_create(
        code=code, defaults={"params": rule_.defaults}
    )
    missing = {k: v for k, v in rule_.defaults.items() if k not in setting.params}
    if missing and not created:
        # A parameter added to the rule after the row was created: store its default.
        setting.params = {**missing, **setting.params}
        RuleSetting.objects.filter(pk=setting.pk).update(params=setting.params)
    return setting


def params_for(code: str) -> dict:
    return {**get_rule(code).defaults, **setting_for(code).params}


# ---------------------------------------------------------------------------------------------
# Engine


def _open_alert(rule_: Rule, obj, params, now) -> Alert:
    park = rule_.park_of(obj)
    alert = Alert.objects.create(
        rule_code=rule_.code,
        severity=rule_.severity,
        title=str(rule_.title),
        message=rule_.describe(obj, params),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        park_id=getattr(park, "pk", park),
        assignee=rule_.assignee(obj) if rule_.assignee else None,
        opened_at=now,
        last_seen_at=now,
    )
    audit.record(None, "alert.open", alert, after={"rule": rule_.code, "object": alert.object_repr})
    return alert


def _auto_resolve(alerts, now):
    for alert in alerts:
        alert.resolve()
        alert.resolved_at = now
        alert.resolution = "条件已消除，系统自动解除"
        alert.save(update_fields=["status", "resolved_at", "resolution"])
        audit.record(None, "alert.auto_resolve", alert, after={"status": alert.status})


@transaction.atomic
def sweep_rule(code: str) -> tuple[int, int]:
    """Run one rule over all objects. Returns (opened, resolved)."""
    rule_ = get_rule(code)
    setting = setting_for(code)
    now = clock.now()
    ct = ContentType.objects.get_for_model(rule_.model_class)
    active = Alert.objects.select_for_update().filter(rule_code=code, status__in=ACTIVE)
    if not setting.enabled:
        stale = list(active)
        _auto_resolve(stale, now)
        return 0, len(stale)
    params = {**rule_.defaults, **setting.params}
    violating = rule_.violations(params, now)
    violating_ids = {str(pk) for pk in violating.values_list("pk", flat=True)}
    open_by_object = {a.object_id: a for a in active.filter(content_type=ct)}
    to_open = violating_ids - open_by_object.keys()
    to_close = [a for oid, a in open_by_object.items() if oid not in violating_ids]
    for obj in rule_.model_class._default_manager.filter(pk__in=to_open):
        _open_alert(rule_, obj, params, now)
    _auto_resolve(to_close, now)
    Alert.objects.filter(rule_code=code, status__in=ACTIVE, object_id__in=violating_ids).update(
        last_seen_at=now
    )
    return len(to_open), len(to_close)


def sweep_all() -> dict[str, tuple[int, int]]:
    return {code: sweep_rule(code) for code in sorted(REGISTRY)}


def rules_for_model(model_class) -> list[Rule]:
    label = model_class._meta.label
    return [r for r in REGISTRY.values() if r.model == label]


def _evaluate(rule_: Rule, obj, now) -> None:
    ct = ContentType.objects.get_for_model(obj)
    setting = setting_for(rule_.code)
    params = {**rule_.defaults, **setting.params}
    current = (
        Alert.objects.select_for_update()
        .filter(rule_code=rule_.code, content_type=ct, object_id=str(obj.pk), status__in=ACTIVE)
        .first()
    )
    violates = setting.enabled and rule_.violations(params, now).filter(pk=obj.pk).exists()
    if violates and current is None:
        _open_alert(rule_, obj, params, now)
    elif violates:
        Alert.objects.filter(pk=current.pk).update(last_seen_at=now)
    elif current is not None:
        _auto_resolve([current], now)


def _value_at(obj, path: str):
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def related_subjects(rule_: Rule, obj) -> models.QuerySet:
    """The subjects of ``rule_`` whose check reads ``obj`` (declared in ``reads``)."""
    lookup = rule_.reads[obj._meta.label]
    manager = rule_.model_class._default_manager
    if callable(lookup):
        return manager.filter(lookup(obj))
    value = _value_at(obj, lookup)
    return manager.filter(**{lookup: value}) if value is not None else manager.none()


@transaction.atomic
def evaluate_object(obj) -> None:
    """Re-check one object against the rules of its model, and every rule whose check reads
    this object for the subjects it concerns (event-driven evaluation): a new version of a
    document resolves the alert on the version it replaces at once, not at the next sweep."""
    now = clock.now()
    label = obj._meta.label
    for rule_ in rules_for_model(type(obj)):
        _evaluate(rule_, obj, now)
    for rule_ in REGISTRY.values():
        if label not in rule_.reads:
            continue
        for subject in related_subjects(rule_, obj):
            if rule_.model == label and subject.pk == obj.pk:
                continue  # done above
            _evaluate(rule_, subject, now)


def evaluate_on_commit(obj) -> None:
    """Schedule ``evaluate_object`` after the surrounding transaction commits (via huey)."""
    from .tasks import evaluate_object_task

    label, pk = obj._meta.label, obj.pk
    transaction.on_commit(lambda: evaluate_object_task(label, pk))


# ---------------------------------------------------------------------------------------------
# Administration


def _coerce(value, default):
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on", "是"}
        return bool(value)
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


@transaction.atomic
def rule_setting_update(
    *, actor, code: str, params: dict, enabled: bool | None = None, reason: str = ""
):
    """Change a rule's parameters (R-MON-1). Only system administrators; audited; the rule is
    re-swept after commit so the change takes effect at once."""
    from parkflow.org import access

    if not access.may(actor, "rules.configure"):
        raise PermissionDenied(
            "forbidden", _("只有系统管理员可以修改规则参数。"), requirement="R-MON-1"
        )
    rule_ = get_rule(code)
    setting = RuleSetting.objects.select_for_update().get(pk=setting_for(code).pk)
    errors = {}
    new_params = dict(setting.params)
    for key, value in params.items():
        if key not in rule_.defaults:
            errors[key] = [_("规则没有此参数。")]
            continue
        try:
            coerced = _coerce(value, rule_.defaults[key])
        except (TypeError, ValueError):
            errors[key] = [
                _("参数类型应与默认值一致（%(default)r）。") % {"default": rule_.defaults[key]}
            ]
            continue
        if isinstance(coerced, int | float) and not isinstance(coerced, bool) and coerced < 0:
            errors[key] = [_("参数不能为负数。")]
            continue
        new_params[key] = coerced
    if errors:
        from .errors import ValidationFailed

        raise ValidationFailed(errors, requirement="R-MON-1")
    before = {"params": setting.params, "enabled": setting.enabled}
    setting.params = new_params
    if enabled is not None:
        setting.enabled = enabled
    setting.updated_at = clock.now()
    setting.save()
    audit.record(
        actor,
        "rule.configure",
        setting,
        before=before,
        after={"params": setting.params, "enabled": setting.enabled},
        reason=reason,
    )
    transaction.on_commit(lambda: sweep_rule(code))
    return setting
