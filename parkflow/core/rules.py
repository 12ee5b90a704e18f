"""The rules registry and engine (R-MON-1).

A rule is registered in its domain's ``rules.py`` with ``@rule(...)``: its code, the articles and
requirement it cites, severity, default parameters and a *set-based* check — a function
``(params, now) -> QuerySet`` of the objects that violate it. The engine

* sweeps every enabled rule periodically (huey, ``core.tasks``): one query per rule for the
  violating set, one for the open alerts, then opens and resolves only the difference;
* evaluates the rules of one object after a commit that changed it (``evaluate_on_commit``);
* keeps one open alert per (rule, object) — also a database constraint.

Parameters live in ``RuleSetting`` so an administrator can change "90 days" without a deploy;
the change is audited (``rule_setting_update``). Each parameter is declared with its type and
bounds (``Param``): the service refuses a value out of range, and a value stored out of range
before the bounds existed is replaced by the default at sweep time (and raises an alert).

A rule that fails (an exception in its check, or an invalid stored parameter) never stops the
others: ``sweep_all`` runs each rule in its own savepoint, records the failure on its
``RuleSetting`` and the kernel rule ``core.rule_failed`` opens an alert naming it, which
resolves itself once the rule runs cleanly again.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import access, audit, clock, signals
from .choices import AlertStatus, Severity
from .db import service
from .errors import DomainError, PermissionDenied, ValidationFailed
from .models import Alert, RuleSetting

ACTIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
RULE_FAILED = "core.rule_failed"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Param:
    """A rule parameter: its type, default, inclusive bounds and label. ``clean`` turns a value
    from a form, JSON or the database into the declared type or raises ``ValueError`` with a
    message naming the parameter and its range (R-MON-1)."""

    type: type
    default: object
    min: float | int | None = None
    max: float | int | None = None
    label: object = ""

    def __post_init__(self):
        if self.type not in (bool, int, float, str):
            raise TypeError(f"unsupported parameter type {self.type!r}")
        self.clean(self.default, "default")  # a declaration whose default is out of range is a bug

    def range_text(self) -> str:
        if self.type is bool:
            return _("是或否")
        if self.type is str:
            return _("不超过 %(max)s 个字符的文本") % {"max": self.max or 200}
        kind = _("整数") if self.type is int else _("数值")
        if self.min is not None and self.max is not None:
            return _("%(min)s 到 %(max)s 之间的%(kind)s") % {
                "min": self.min,
                "max": self.max,
                "kind": kind,
            }
        if self.min is not None:
            return _("不小于 %(min)s 的%(kind)s") % {"min": self.min, "kind": kind}
        if self.max is not None:
            return _("不大于 %(max)s 的%(kind)s") % {"max": self.max, "kind": kind}
        return str(kind)

    def clean(self, value, name: str = ""):
        label = self.label or name
        problem = ValueError(
            _("“%(label)s”应为%(range)s。") % {"label": label, "range": self.range_text()}
        )
        if self.type is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise problem
        if self.type is str:
            if not isinstance(value, str) or len(value) > (self.max or 200):
                raise problem
            return value
        if isinstance(value, bool) or value is None:
            raise problem
        try:
            if self.type is int:
                if isinstance(value, float):
                    if not value.is_integer():
                        raise problem
                    value = int(value)
                elif isinstance(value, str):
                    text = value.strip()
                    if len(text) > 20:
                        raise problem
                    value = int(text)
                elif not isinstance(value, int):
                    raise problem
            else:
                if isinstance(value, str) and len(value.strip()) > 40:
                    raise problem
                value = float(value)
                if value != value or value in (float("inf"), float("-inf")):
                    raise problem
        except (TypeError, ValueError, OverflowError):
            raise problem from None
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            raise problem
        return value


_TRUE = {"1", "true", "yes", "on", "是"}
_FALSE = {"0", "false", "no", "off", "否", ""}

# Bounds for a parameter declared the old way, by a bare default: never negative, and small
# enough that date arithmetic cannot overflow (about 100 years of days).
_LEGACY_MAX = {int: 36500, float: 36500.0}


def _as_param(name: str, declared, label) -> Param:
    if isinstance(declared, Param):
        return declared if declared.label or not label else _with_label(declared, label)
    kind = type(declared)
    if kind is bool or kind is str:
        return Param(kind, declared, label=label or "")
    if kind in (int, float):
        return Param(kind, declared, min=0, max=_LEGACY_MAX[kind], label=label or "")
    raise TypeError(f"parameter {name!r}: unsupported default {declared!r}")


def _with_label(param: Param, label) -> Param:
    return Param(param.type, param.default, param.min, param.max, label)


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
    param_specs: dict = field(default_factory=dict)  # name -> Param
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

    labels = dict(param_labels or {})
    specs = {
        name: _as_param(name, declared, labels.get(name))
        for name, declared in (params or {}).items()
    }

    def decorator(check):
        REGISTRY[code] = Rule(
            code=code,
            title=title,
            articles=tuple(articles),
            requirement=requirement,
            severity=severity,
            model=model,
            defaults={name: spec.default for name, spec in specs.items()},
            violations=check,
            message=message,
            park=park,
            assignee=assignee,
            resolvable_by_hand=resolvable_by_hand,
            param_labels={name: spec.label or name for name, spec in specs.items()},
            param_specs=specs,
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


def effective_params(rule_: Rule, stored: dict) -> tuple[dict, dict[str, str]]:
    """The parameters a sweep runs with: each stored value checked against its declaration;
    one that fails (stored before the bounds existed, or edited in the database) is replaced by
    the default. Returns (params, {name: problem})."""
    params, problems = dict(rule_.defaults), {}
    for name, spec in rule_.param_specs.items():
        if name not in stored:
            continue
        try:
            params[name] = spec.clean(stored[name], name)
        except ValueError as exc:
            problems[name] = str(exc)
    return params, problems


def params_for(code: str) -> dict:
    return effective_params(get_rule(code), setting_for(code).params)[0]


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
    signals.alert_opened.send(sender=Alert, alert=alert)
    return alert


def _auto_resolve(alerts, now):
    for alert in alerts:
        alert.resolve()
        alert.resolved_at = now
        alert.resolution = "条件已消除，系统自动解除"
        alert.save(update_fields=["status", "resolved_at", "resolution"])
        audit.record(None, "alert.auto_resolve", alert, after={"status": alert.status})


@service
def sweep_rule(code: str) -> tuple[int, int]:
    """Run one rule over all objects. Returns (opened, resolved)."""
    rule_ = get_rule(code)
    setting = setting_for(code)
    now = clock.now()
    ct = ContentType.objects.get_for_model(rule_.model_class)
    active = Alert.objects.select_for_update(of=("self",), no_key=True).filter(
        rule_code=code, status__in=ACTIVE
    )
    if not setting.enabled:
        stale = list(active)
        _auto_resolve(stale, now)
        return 0, len(stale)
    params, problems = effective_params(rule_, setting.params)
    if problems:
        logger.warning("rule %s: invalid stored parameters %s, using defaults", code, problems)
        _note_outcome(
            code,
            _("参数无效，已按默认值运行：%(problems)s")
            % {"problems": "；".join(problems.values())},
        )
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


def _note_outcome(code: str, error: str = "") -> None:
    """Remember on the rule's setting whether its last run failed (read by ``core.rule_failed``).
    A plain UPDATE, so a failure noted after a rolled-back sweep is kept."""
    now = clock.now()
    setting_for(code)
    RuleSetting.objects.filter(code=code).exclude(last_error=error[:500]).update(
        last_error=error[:500], last_error_at=now if error else None
    )


def sweep_rule_isolated(code: str) -> tuple[int, int] | None:
    """Run one rule in its own savepoint: an exception is logged and noted on its setting (so
    ``core.rule_failed`` raises an alert) instead of propagating. Returns None on failure."""
    try:
        with transaction.atomic():
            result = sweep_rule(code)
    except Exception as exc:
        logger.exception("rule %s failed", code)
        _note_outcome(code, f"{type(exc).__name__}: {exc}")
        return None
    if not effective_params(get_rule(code), setting_for(code).params)[1]:
        _note_outcome(code, "")
    return result


def sweep_all() -> dict[str, tuple[int, int] | None]:
    """Every rule, each isolated; the failure rule last so it sees this sweep's outcomes."""
    codes = sorted(c for c in REGISTRY if c != RULE_FAILED)
    results = {code: sweep_rule_isolated(code) for code in codes}
    if RULE_FAILED in REGISTRY:
        results[RULE_FAILED] = sweep_rule_isolated(RULE_FAILED)
    return results


def resweep(code: str) -> None:
    """Re-run one rule (after its parameters changed) and then the failure rule."""
    sweep_rule_isolated(code)
    if code != RULE_FAILED and RULE_FAILED in REGISTRY:
        sweep_rule_isolated(RULE_FAILED)


def rules_for_model(model_class) -> list[Rule]:
    label = model_class._meta.label
    return [r for r in REGISTRY.values() if r.model == label]


def _evaluate(rule_: Rule, obj, now) -> None:
    """One rule on one object, in its own savepoint: one broken rule must not stop the others;
    the failure is noted and the next sweep raises its alert (core.rule_failed)."""
    try:
        with transaction.atomic():
            _evaluate_one(rule_, obj, now)
    except Exception as exc:
        logger.exception("rule %s failed on %s #%s", rule_.code, obj._meta.label, obj.pk)
        _note_outcome(rule_.code, f"{type(exc).__name__}: {exc}")


def _evaluate_one(rule_: Rule, obj, now) -> None:
    ct = ContentType.objects.get_for_model(obj)
    setting = setting_for(rule_.code)
    params = effective_params(rule_, setting.params)[0]
    current = (
        Alert.objects.select_for_update(of=("self",), no_key=True)
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


def related_subjects(rule_: Rule, obj) -> models.QuerySet:
    """The subjects of ``rule_`` whose check reads ``obj`` (declared in ``reads``)."""
    lookup = rule_.reads[obj._meta.label]
    manager = rule_.model_class._default_manager
    if callable(lookup):
        return manager.filter(lookup(obj))
    value = access.value_at(obj, lookup)
    return manager.filter(**{lookup: value}) if value is not None else manager.none()


@service
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


@service
def rule_setting_update(
    *, actor, code: str, params: dict, enabled: bool | None = None, reason: str = ""
):
    """Change a rule's parameters (R-MON-1). Only system administrators; audited; the rule is
    re-swept after commit so the change takes effect at once."""
    if not access.may(actor, "rules.configure"):
        raise PermissionDenied(
            "forbidden", _("只有系统管理员可以修改规则参数。"), requirement="R-MON-1"
        )
    rule_ = get_rule(code)
    setting = RuleSetting.objects.select_for_update(of=("self",), no_key=True).get(
        pk=setting_for(code).pk
    )
    errors = {}
    new_params = dict(setting.params)
    if not isinstance(params, dict):
        raise ValidationFailed({"params": [_("参数应为“名称: 值”的对象。")]}, requirement="R-MON-1")
    for key, value in params.items():
        spec = rule_.param_specs.get(key)
        if spec is None:
            errors[str(key)[:80]] = [_("规则没有此参数。")]
            continue
        try:
            new_params[key] = spec.clean(value, key)
        except ValueError as exc:
            errors[key] = [str(exc)]
    # A value stored out of range before the bounds existed is not carried forward.
    for key, value in list(new_params.items()):
        spec = rule_.param_specs.get(key)
        if spec is None:
            del new_params[key]
            continue
        try:
            spec.clean(value, key)
        except ValueError:
            if key not in params:
                new_params[key] = spec.default
    if errors:
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
    transaction.on_commit(lambda: resweep(code))
    return setting


# ---------------------------------------------------------------------------------------------
# The kernel's own rule: a rule that failed on its last run


def _failed_message(setting, params) -> str:
    rule_ = REGISTRY.get(setting.code)
    title = rule_.title if rule_ else setting.code
    return _(
        "规则“%(title)s”上次运行失败，预警可能未能发出：%(error)s。请系统管理员检查规则参数或错误日志。"
    ) % {
        "title": title,
        "error": setting.last_error,
    }


@rule(
    RULE_FAILED,
    title=_("规则运行失败"),
    # 第十九条 risk identification and early warning: a rule that stops running stops warning.
    articles=("Art.19",),
    requirement="R-MON-1",
    model="core.RuleSetting",
    severity=Severity.HIGH,
    message=_failed_message,
    park=lambda setting: None,
)
def rule_failed(params, now):
    return RuleSetting.objects.exclude(last_error="")
