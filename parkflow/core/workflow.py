"""Declarative workflows: every state change of a model is one ``Transition`` declaration.

A domain declares its transitions in its app's ``workflows.py`` (discovered at start-up by
``CoreConfig.ready``)::

    lifecycle = workflow.register(
        Transition(
            model=Enterprise,
            name="move_in",
            source=(S.APPROVED,),
            target=S.RESIDENT,
            label=_("办理入驻"),
            permission="enterprise.transition",
            guards=(admissible,),
            gates=(ADMISSION,),
            ...
        ),
    )

and the kernel does the rest, the same way for every model:

* ``transition(actor=, obj=, name=, **inputs)`` — the one function that performs a step: it locks
  the row, checks the permission on the object, the current state, the guards and the gate,
  stamps the state (and the declared time/actor fields), writes the audit event, runs the
  declaration's side effect and schedules the re-evaluation of the rules after commit — all in
  one transaction, so a refusal leaves nothing behind.
* ``available_transitions(user, obj)`` runs the *same* permission check, state check, guards and
  gate to say which buttons to show, and why one is disabled (the refusal message itself).
* ``page_urls`` / ``api_actions`` generate the page route and the API action of every
  declared transition from the declarations (``workflow_views`` and ``workflow_api``).

Guards are functions ``guard(actor, obj, **inputs) -> list[DomainError]``: they *return* the
problems (domain errors, not raised), so the page can show them as reasons and the engine can
raise the first one with its code and requirement — the one error shape (core.errors).

Storage: the state field may be a django-fsm ``FSMField(protected=True)`` (nothing can assign it
by hand); the engine sets it through the field's ``set_state``. The transition logic lives only
in the declarations, not in ``@transition`` methods on the model.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from parkflow.core import access

from . import audit, audit_actions, clock
from .db import service
from .errors import Conflict, DomainError, GateNotPassed, ValidationFailed

Guard = Callable[..., list[DomainError]]
Effect = Callable[..., None]


@dataclass(frozen=True)
class Transition:
    """One step of one model's workflow, declared once."""

    model: type[models.Model]
    name: str
    source: tuple[str, ...]
    target: str
    label: str  # lazily translated (Chinese in the source)
    permission: str  # the access action checked on the object
    field: str = "status"
    guards: tuple[Guard, ...] = ()
    # core.gates.Gate objects that must have passed, each when it applies to the object
    # (``Gate.require``), in order: legal → finance → leadership.
    gates: tuple = ()
    portal: bool = False  # an enterprise user may trigger it from the portal
    reevaluate: bool = True  # re-check the model's rules (and the rules that read it) on commit
    audit_action: str = ""  # default "<model_name>.<name>"
    audit_summary: str = ""  # one-line audit summary template ({actor}, {object})
    inputs: tuple[str, ...] = ("reason",)  # keyword inputs accepted; "reason" is audited
    audited_inputs: tuple[str, ...] = ()  # inputs recorded in the event's "after" too
    effect: Effect | None = None  # effect(actor, obj, **inputs) inside the transaction
    stamp_time: str | None = None  # field set to clock.now()
    stamp_actor: str | None = None  # field set to the actor
    requirement: str = ""  # cited when the current state does not allow the step
    routes: bool = True  # page and API routes are generated (False: internal step)
    # Presentation, for the generated pages and API documentation.
    done: str = ""  # success message, "%(name)s" is the object
    portal_done: str = ""
    portal_ready: str = ""  # said above the portal's button when the step is possible
    portal_confirm: str = ""  # the portal's confirmation question
    portal_icon: str = "bi-send"
    hint: str = ""
    irreversible: bool = False
    style: str = "btn-outline-primary"
    icon: str = "bi-arrow-right"
    api_path: str = ""  # default the name with dashes
    api_summary: str = ""
    api_description: str = ""

    @property
    def code(self) -> str:
        return self.audit_action or f"{self.model._meta.model_name}.{self.name}"

    @property
    def url_path(self) -> str:
        return self.api_path or self.name.replace("_", "-")

    def target_label(self) -> str:
        choices = dict(self.model._meta.get_field(self.field).flatchoices)
        return force_str(choices.get(self.target, self.target))


REGISTRY: dict[tuple[str, str], Transition] = {}


def register(*transitions: Transition) -> tuple[Transition, ...]:
    for declared in transitions:
        key = (declared.model._meta.label, declared.name)
        if key in REGISTRY and REGISTRY[key] != declared:
            raise ValueError(f"transition {key} declared twice")
        REGISTRY[key] = declared
        summary = declared.audit_summary or _("{actor} 对“{object}”执行了“%(label)s”") % {
            "label": declared.label
        }
        audit_actions.register({declared.code: (declared.label, summary)})
    return transitions


def extend(model, name: str, *, guards: tuple[Guard, ...] = (), gates: tuple = ()):
    """Add guards (and required gates) to a step another app declared: an app that sits on top
    of the model's app contributes the conditions it owns to the step without the lower app
    importing it. ``move_in`` is declared by enterprises; intake adds the admission gate and its
    licence/brand guard. The added guards and gates run after the declared ones."""
    key = (model._meta.label, name)
    try:
        declared = REGISTRY[key]
    except KeyError:
        raise ValueError(f"transition {key} is not declared; import its workflows first") from None
    new = tuple(g for g in guards if g not in declared.guards)
    new_gates = tuple(g for g in gates if g not in declared.gates)
    extended = dataclasses.replace(
        declared, guards=declared.guards + new, gates=declared.gates + new_gates
    )
    REGISTRY[key] = extended
    return extended


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("workflows")


def for_model(model) -> list[Transition]:
    label = model._meta.label
    return [t for (m, _name), t in REGISTRY.items() if m == label]


def get(model, name: str) -> Transition:
    try:
        return REGISTRY[(model._meta.label, name)]
    except KeyError:
        raise ValidationFailed({"action": [_("未知操作。")]}) from None


# ---------------------------------------------------------------------------------------------
# Checks shared by transition() and available_transitions()


def _may(actor, obj, declared: Transition) -> bool:
    return access.may(actor, declared.permission, obj)


def _wrong_state(obj, declared: Transition) -> Conflict | None:
    if getattr(obj, declared.field) in declared.source:
        return None
    display = getattr(obj, f"get_{declared.field}_display")()
    return Conflict(
        "invalid_transition",
        _("%(model)s当前状态为“%(status)s”，不能%(action)s。")
        % {"model": obj._meta.verbose_name, "status": display, "action": declared.label},
        requirement=declared.requirement,
    )


def problems(actor, obj, declared: Transition, **inputs) -> list[DomainError]:
    """What stops the step now, guards first, then the gates (in the order they are declared;
    a gate that does not apply to the object asks nothing)."""
    found: list[DomainError] = []
    for guard in declared.guards:
        found.extend(guard(actor, obj, **inputs))
    for gate in declared.gates:
        try:
            gate.require(obj)
        except GateNotPassed as exc:
            found.append(exc)
    return found


# ---------------------------------------------------------------------------------------------
# Performing a step


def _set_state(obj, declared: Transition) -> None:
    state_field = obj._meta.get_field(declared.field)
    set_state = getattr(state_field, "set_state", None)  # django-fsm protected field
    if set_state is not None:
        set_state(obj, declared.target)
    else:
        setattr(obj, declared.field, declared.target)


def _lock(obj):
    return type(obj)._default_manager.select_for_update(of=("self",), no_key=True).get(pk=obj.pk)


def _check_inputs(declared: Transition, inputs: dict) -> None:
    unknown = sorted(set(inputs) - set(declared.inputs))
    if unknown:
        raise ValidationFailed({name: [_("该操作不接受此参数。")] for name in unknown})


@service
def transition(*, actor, obj, name: str, **inputs):
    """Perform the declared step ``name`` on ``obj`` for ``actor``: lock, permission, state,
    guards, gate, stamp, audit, side effect, rule re-evaluation — or refuse with nothing
    written."""
    declared = get(type(obj), name)
    _check_inputs(declared, inputs)
    obj = _lock(obj)
    access.ensure(actor, declared.permission, obj, requirement="R-ORG-3")
    return _perform(actor, obj, declared, inputs)


@service
def perform(*, actor, obj, name: str, authorised_by: str, **inputs):
    """The same step without the actor's permission check, for a caller that authorised it
    otherwise and says how (``authorised_by``): a review decision's consequence (the reviewer
    was checked by the gate), the public self-service application creating its own record.
    Every other check — state, guards, gate — and the audit event are the same."""
    if not authorised_by:
        raise ValueError("perform() needs the authority it acts on")
    declared = get(type(obj), name)
    _check_inputs(declared, inputs)
    return _perform(actor, _lock(obj), declared, inputs)


def _perform(actor, obj, declared: Transition, inputs: dict):
    wrong = _wrong_state(obj, declared)
    if wrong:
        raise wrong
    found = problems(actor, obj, declared, **inputs)
    if found:
        raise found[0]
    before = {declared.field: getattr(obj, declared.field)}
    _set_state(obj, declared)
    update = [declared.field]
    if declared.stamp_time:
        setattr(obj, declared.stamp_time, clock.now())
        update.append(declared.stamp_time)
    if declared.stamp_actor:
        setattr(obj, declared.stamp_actor, actor)
        update.append(declared.stamp_actor)
    obj.save(update_fields=update)
    after = {declared.field: getattr(obj, declared.field)}
    for name in declared.audited_inputs:
        value = inputs.get(name)
        after[name] = value.pk if isinstance(value, models.Model) else value
    audit.record(
        actor,
        declared.code,
        obj,
        before=before,
        after=after,
        reason=inputs.get("reason", "") if "reason" in declared.inputs else "",
    )
    if declared.effect:
        declared.effect(actor, obj, **inputs)
    if declared.reevaluate:
        from .rules import evaluate_on_commit

        evaluate_on_commit(obj)
    return obj


# ---------------------------------------------------------------------------------------------
# What a user may do now


@dataclass
class Available:
    transition: Transition
    reasons: list[str] = field(default_factory=list)

    @property
    def enabled(self) -> bool:
        return not self.reasons

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def label(self) -> str:
        return self.transition.label

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def available_transitions(user, obj, *, portal: bool | None = None) -> list[Available]:
    """The declared steps whose source state is the object's current state and that the user
    may perform, each enabled or disabled with the reasons — the messages ``transition()``
    would refuse with. ``portal=True`` keeps only those an enterprise user may trigger from
    the portal; internal steps (``routes=False``) are never offered."""
    offered = []
    for declared in for_model(type(obj)):
        if not declared.routes or (portal is not None and declared.portal != portal):
            continue
        if _wrong_state(obj, declared) or not _may(user, obj, declared):
            continue
        reasons = [force_str(p.message) for p in problems(user, obj, declared)]
        offered.append(Available(declared, reasons))
    return offered
