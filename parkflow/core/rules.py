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

A rule may *escalate* (R-MON-1, R-CMP-7): ``levels=(Level(Severity.HIGH, when=...), ...)`` is a
ladder above the rule's base severity, each step a condition on the rule's model (a ``Q``,
usually built from the rule's parameters, so an administrator moves the thresholds) and the
roles told when the alert reaches it. The level is decided set-based — one ``CASE`` annotation
on the violating queryset — and an open alert's severity is raised in place (one alert per
(rule, object) stays the invariant): ``_escalate`` audits ``alert.escalate`` and sends
``signals.alerts_escalated`` with the people to tell. A severity never drops while the alert is
open (D42: a leader who was told is not un-told; the alert resolves when the condition clears).
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from . import access, audit, clock, hooks, signals
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


# Severities from the mildest up: an escalation moves an alert to the right, never to the left.
SEVERITY_RANK = {value: rank for rank, value in enumerate(Severity.values)}
LAST_SEEN_GRANULARITY = datetime.timedelta(hours=1)
# In a level's ``notify``: the alert's assignee (the rule's ``assignee(obj)``, e.g. the account
# manager), beside role codes held in the alert's park.
ASSIGNEE = "assignee"


@dataclass(frozen=True)
class Level:
    """One step of a rule's severity ladder: the alert rises to ``severity`` once ``when(params,
    now)`` — a ``Q`` on the rule's model — holds for its object. ``label`` says when in words
    (with ``%(param)s`` placeholders filled from the rule's parameters, shown on the rules page);
    ``notify`` names who is told then: ``ASSIGNEE`` and role codes, resolved in the alert's park
    (headquarters holders when the park has none) through the ``people_with_roles`` hook."""

    severity: str
    when: Callable[[dict, datetime.datetime], Q]
    label: object = ""
    notify: tuple[str, ...] = ()

    def describe(self, params: dict) -> str:
        return str(self.label) % params if self.label else ""


def older_than(field_name: str, param: str, unit: str = "days") -> Callable:
    """A ``Level.when`` for the commonest ladder: ``field_name`` lies more than ``params[param]``
    days (or hours) before now."""

    def when(params, now):
        return Q(**{f"{field_name}__lt": now - datetime.timedelta(**{unit: params[param]})})

    return when


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
    # The severity ladder above ``severity`` (escalation), mildest first.
    levels: tuple[Level, ...] = ()

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

    def ladder(self, params: dict) -> list[dict]:
        """The ladder in words for the rules page: each step's severity, condition and roles."""
        return [
            {
                "severity": level.severity,
                "severity_label": Severity(level.severity).label,
                "when": level.describe(params),
                "notify": [
                    str(_("经办人")) if token == ASSIGNEE else (access.role_label(token) or token)
                    for token in level.notify
                ],
            }
            for level in self.levels
        ]


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
    levels: tuple[Level, ...] | list[Level] = (),
):
    """Register a set-based check. The decorated function returns the violating queryset."""
    _check_ladder(code, severity, levels)

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
            levels=tuple(levels),
        )
        return check

    return decorator


def _check_ladder(code: str, severity: str, levels) -> None:
    """Each step strictly above the one below it, the first above the base: a declaration that
    could lower a severity is a bug."""
    rank = SEVERITY_RANK[severity]
    for level in levels:
        if SEVERITY_RANK.get(level.severity, -1) <= rank:
            raise ValueError(f"rule {code!r}: level {level.severity!r} does not rise")
        rank = SEVERITY_RANK[level.severity]


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


SWEEP_BATCH = 500  # alerts per INSERT when a sweep opens many at once


def _park_id(rule_: Rule, obj):
    if rule_.park is None and hasattr(obj, "park_id"):
        return obj.park_id  # no query for the park row itself
    park = rule_.park_of(obj)
    return getattr(park, "pk", park)


def _new_alert(rule_: Rule, obj, params, now, content_type) -> Alert:
    return Alert(
        rule_code=rule_.code,
        severity=rule_.severity,
        title=str(rule_.title),
        message=rule_.describe(obj, params),
        content_type=content_type,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        park_id=_park_id(rule_, obj),
        assignee=rule_.assignee(obj) if rule_.assignee else None,
        opened_at=now,
        last_seen_at=now,
    )


def _open_alerts(rule_: Rule, objs, params, now) -> list[Alert]:
    """Open one alert per object and audit each, in bulk: a multi-row INSERT of alerts per
    ``SWEEP_BATCH`` and one of their events, whatever the number (issue 8 §7). The one place
    alerts are opened, by the sweep and by the evaluation of one object alike."""
    objs = list(objs)
    if not objs:
        return []
    content_type = ContentType.objects.get_for_model(rule_.model_class)
    alerts = [_new_alert(rule_, obj, params, now, content_type) for obj in objs]
    Alert.objects.bulk_create(alerts, batch_size=SWEEP_BATCH)
    audit.record_many(
        audit.build(
            None, "alert.open", alert, after={"rule": rule_.code, "object": alert.object_repr}
        )
        for alert in alerts
    )
    signals.alerts_opened.send(sender=Alert, alerts=alerts)
    return alerts


def _open_alert(rule_: Rule, obj, params, now) -> Alert:
    return _open_alerts(rule_, [obj], params, now)[0]


AUTO_RESOLUTION = "条件已消除，系统自动解除"


def _auto_resolve(alerts, now):
    """Resolve alerts whose condition cleared, in bulk: one UPDATE and one INSERT of events."""
    alerts = list(alerts)
    if not alerts:
        return
    Alert.objects.filter(pk__in=[a.pk for a in alerts], status__in=ACTIVE).update(
        status=AlertStatus.RESOLVED, resolved_at=now, resolution=AUTO_RESOLUTION
    )
    for alert in alerts:
        alert.resolve()  # the same transition, on the instance (source states checked)
        alert.resolved_at, alert.resolution = now, AUTO_RESOLUTION
    audit.record_many(
        audit.build(None, "alert.auto_resolve", alert, after={"status": alert.status})
        for alert in alerts
    )


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
    levels = severities(rule_, rule_.violations(params, now), params, now)
    violating_ids = set(levels)
    open_by_object = {a.object_id: a for a in active.filter(content_type=ct)}
    to_open = violating_ids - open_by_object.keys()
    to_close = [a for oid, a in open_by_object.items() if oid not in violating_ids]
    ordered = sorted(to_open)
    # The objects come with their direct relations, so that a rule's message, park and assignee
    # functions do not query once per object.
    related = [
        f.name
        for f in rule_.model_class._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one)
    ]
    subjects = rule_.model_class._default_manager.select_related(*related)
    for start in range(0, len(ordered), SWEEP_BATCH):
        batch = ordered[start : start + SWEEP_BATCH]
        _open_alerts(rule_, subjects.filter(pk__in=batch), params, now)
    _auto_resolve(to_close, now)
    # "最近检出" to the hour: rewriting every open alert's row at every sweep cost 1.5 s a
    # sweep at 7,000 open alerts (bench/servicedesk.py) for a time nobody reads to the minute.
    Alert.objects.filter(
        rule_code=code,
        status__in=ACTIVE,
        object_id__in=violating_ids,
        last_seen_at__lt=now - LAST_SEEN_GRANULARITY,
    ).update(last_seen_at=now)
    _escalate_where_due(rule_, ct, levels, params)
    return len(to_open), len(to_close)


# ---------------------------------------------------------------------------------------------
# Escalation: the severity an object's alert should have, and raising it in place


def severities(rule_: Rule, violating: models.QuerySet, params: dict, now) -> dict[str, str]:
    """``{object id: severity}`` for the violating objects, in one query: the highest step of
    the rule's ladder each object meets (a ``CASE`` over the steps, highest first), else the
    rule's base severity."""
    if not rule_.levels:
        return {str(pk): rule_.severity for pk in violating.values_list("pk", flat=True)}
    steps = [
        When(level.when(params, now), then=Value(level.severity))
        for level in reversed(rule_.levels)
    ]
    level = Case(*steps, default=Value(rule_.severity), output_field=CharField())
    rows = violating.annotate(pf_severity=level).values_list("pk", "pf_severity")
    return {str(pk): severity for pk, severity in rows}


def _escalate_where_due(rule_: Rule, content_type, levels: dict[str, str], params) -> None:
    """After a sweep: the active alerts whose object now meets a higher step. Only objects above
    the base severity are looked at, so a sweep with nothing to raise costs no query."""
    by_target: dict[str, list[str]] = {}
    for oid, severity in levels.items():
        if severity != rule_.severity:
            by_target.setdefault(severity, []).append(oid)
    if not by_target:
        return
    # Only the alerts still below their step are loaded: an alert raised at an earlier sweep is
    # not read again (thousands of them at group scale).
    below = Q()
    for target, oids in by_target.items():
        lower = [s for s, rank in SEVERITY_RANK.items() if rank < SEVERITY_RANK[target]]
        below |= Q(object_id__in=oids, severity__in=lower)
    alerts = (
        Alert.objects.select_for_update(of=("self",), no_key=True)
        .select_related("assignee")  # told on the way up: not a query per alert
        .filter(rule_code=rule_.code, content_type=content_type, status__in=ACTIVE)
        .filter(below)
    )
    _escalate([(alert, levels[alert.object_id]) for alert in alerts], rule_, params)


def _escalate(pairs, rule_: Rule, params) -> list[Alert]:
    """Raise each (alert, severity) whose severity is higher than the alert's, in place, in
    bulk: one UPDATE per target severity, one INSERT of the ``alert.escalate`` events and one
    ``alerts_escalated`` signal with, per alert, the people the ladder names for the steps
    climbed. A lower target is ignored: a severity never drops while the alert is open (D42)."""
    rising = [
        (alert, target)
        for alert, target in pairs
        if SEVERITY_RANK[target] > SEVERITY_RANK.get(alert.severity, -1)
    ]
    if not rising:
        return []
    by_target: dict[str, list[int]] = {}
    for alert, target in rising:
        by_target.setdefault(target, []).append(alert.pk)
    for target, pks in by_target.items():
        Alert.objects.filter(pk__in=pks).update(severity=target)
    people_cache: dict = {}
    escalations, events = [], []
    for alert, target in rising:
        before = alert.severity
        alert.severity = target
        tokens = escalation_roles(rule_, before, target)
        people = escalation_recipients(alert, tokens, cache=people_cache)
        events.append(
            audit.build(
                None,
                "alert.escalate",
                alert,
                before={"severity": before},
                after={
                    "severity": target,
                    "notify": list(tokens),
                    "recipients": [str(person) for person in people],
                },
                reason=_escalation_reason(rule_, target, params),
            )
        )
        escalations.append(signals.Escalation(alert, before, tuple(people), tokens))
    audit.record_many(events)
    signals.alerts_escalated.send(sender=Alert, escalations=escalations)
    return [alert for alert, _target in rising]


def _escalation_reason(rule_: Rule, target: str, params) -> str:
    for level in rule_.levels:
        if level.severity == target:
            return level.describe(params)
    return ""


def escalation_roles(rule_: Rule, before: str, after: str) -> tuple[str, ...]:
    """What the ladder names for the steps above ``before`` up to ``after`` (a jump of two
    steps tells both levels), in order, once each."""
    low, high = SEVERITY_RANK.get(before, -1), SEVERITY_RANK[after]
    tokens: dict[str, None] = {}
    for level in rule_.levels:
        if low < SEVERITY_RANK[level.severity] <= high:
            tokens.update(dict.fromkeys(level.notify))
    return tuple(tokens)


def escalation_recipients(alert: Alert, tokens, *, cache: dict | None = None) -> list:
    """The people ``tokens`` name for ``alert``: its assignee for ``ASSIGNEE``, and the holders
    of each role in the alert's park — or at headquarters when nobody in the park holds it (a
    park has no in-charge leader of its own). People come from the app that owns roles through
    the ``people_with_roles(roles, park_id)`` hook; the kernel knows none."""
    cache = {} if cache is None else cache
    people: dict[int, object] = {}
    for token in tokens:
        if token == ASSIGNEE:
            if alert.assignee_id:
                people.setdefault(alert.assignee_id, alert.assignee)
            continue
        key = (token, alert.park_id)
        if key not in cache:
            found = list(hooks.call("people_with_roles", (token,), alert.park_id, default=()))
            if not found and alert.park_id is not None:
                found = list(hooks.call("people_with_roles", (token,), None, default=()))
            cache[key] = found
        for person in cache[key]:
            people.setdefault(person.pk, person)
    return list(people.values())


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
    levels = {}
    if setting.enabled:
        levels = severities(rule_, rule_.violations(params, now).filter(pk=obj.pk), params, now)
    violates = str(obj.pk) in levels
    if violates and current is None:
        current = _open_alert(rule_, obj, params, now)
    elif violates:
        Alert.objects.filter(pk=current.pk).update(last_seen_at=now)
    elif current is not None:
        _auto_resolve([current], now)
    if violates:
        _escalate([(current, levels[str(obj.pk)])], rule_, params)


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
