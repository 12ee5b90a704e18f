"""Generated service permission tests (§5 of issue 6, D21): one pair per entry of the service
table, every installed app's part merged by ``service_table.all_services()`` (refused: nothing
written; allowed: one audit event), and the completeness checks (every service is in the table
and calls the access layer or says why not).
"""

import ast
import importlib
import inspect

import pytest
from django.apps import apps

from parkflow.core.errors import NotFound, PermissionDenied
from parkflow.core.models import AuditEvent

from .routes import World
from .service_table import ACCESS_CALLS, Service, all_services

# Every installed app's part of the table (kernel part + <app>/tests/service_table.py).
SERVICE_MODULES, SERVICES = all_services()

# ---------------------------------------------------------------------------------------------
# Helpers


def _fresh(kwargs: dict) -> dict:
    return {k: (v() if callable(v) and not hasattr(v, "_meta") else v) for k, v in kwargs.items()}


def _function(dotted: str):
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _row_counts() -> dict:
    """Rows of every table of ParkFlow's apps (and the API tokens')."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("parkflow.")
        or model._meta.app_label == "authtoken"
    }


def _call(spec: Service, fn, w, actor, kwargs):
    result = fn(**_fresh(kwargs)) if spec.system else fn(actor=actor, **_fresh(kwargs))
    if hasattr(result, "close"):
        result.close()  # an opened document
    return result


# ---------------------------------------------------------------------------------------------
# The generated tests


@pytest.mark.parametrize("dotted", sorted(n for n, s in SERVICES.items() if not s.system))
def test_service_refuses_who_may_not_and_writes_nothing(dotted, park, other_park, monkeypatch):
    spec = SERVICES[dotted]
    w = World(park, other_park, monkeypatch)
    fn = _function(dotted)
    kwargs = spec.args(w)
    refused = spec.refused(w)
    for actor in refused:
        rows, events = _row_counts(), AuditEvent.objects.count()
        if spec.code is None and dotted.endswith("_list"):
            assert not fn(actor=actor, **kwargs).exists()
            continue
        with pytest.raises((PermissionDenied, NotFound)):
            _call(spec, fn, w, actor, kwargs)
        assert AuditEvent.objects.count() == events, f"{dotted}: audited a refusal for {actor}"
        assert _row_counts() == rows, f"{dotted}: wrote rows while refusing {actor}"


@pytest.mark.parametrize("dotted", sorted(SERVICES))
def test_service_run_by_who_may_writes_exactly_one_audit_event_of_its_action(
    dotted, park, other_park, monkeypatch
):
    spec = SERVICES[dotted]
    w = World(park, other_park, monkeypatch)
    fn = _function(dotted)
    kwargs = spec.args(w)
    actor = None if spec.system else spec.allowed(w)
    before = AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    _call(spec, fn, w, actor, kwargs)
    if spec.code is None:
        assert AuditEvent.objects.count() == before, f"{dotted} is a read: nothing audited"
        return
    events = list(AuditEvent.objects.filter(id__gt=last, action=spec.code))
    assert len(events) == 1, f"{dotted}: {len(events)} events of {spec.code}"
    event = events[0]
    if not spec.system:
        assert event.actor_id == actor.pk
    if spec.after:
        assert event.after, f"{dotted}: the event has no 'after'"
    if spec.before:
        assert event.before, f"{dotted}: the event has no 'before'"


# ---------------------------------------------------------------------------------------------
# Completeness: every service is in the table and either checks access or says why not


def _public_functions(module) -> list[str]:
    return sorted(
        name
        for name, obj in vars(module).items()
        if inspect.isfunction(obj)
        and obj.__module__ == module.__name__
        and not name.startswith("_")
    )


def _missing_from(modules, services) -> list[str]:
    missing = []
    for dotted in modules:
        module = importlib.import_module(dotted)
        missing += [
            f"{dotted}.{n}" for n in _public_functions(module) if f"{dotted}.{n}" not in services
        ]
    return missing


def test_every_service_is_in_the_service_table():
    missing = _missing_from(SERVICE_MODULES, SERVICES)
    assert not missing, f"add to SERVICES in their app's tests/service_table.py: {missing}"


def test_the_merged_table_has_every_apps_part_and_notices_a_missing_entry():
    """The kernel's, org's, the test domain's and the real domains' modules are all in the
    merged table; dropping one entry of an app's part is reported."""
    for module in (
        "parkflow.core.alerts",
        "parkflow.org.services",
        "parkflow.testdomain.services",
        "parkflow.enterprises.services",
        "parkflow.intake.services",
    ):
        assert module in SERVICE_MODULES, module
    dropped = "parkflow.testdomain.services.errand_assign"
    partial = {name: spec for name, spec in SERVICES.items() if name != dropped}
    assert _missing_from(SERVICE_MODULES, partial) == [dropped]


def _calls_access(tree: ast.Module) -> set[str]:
    """Module-level functions that call ``access.<check>`` themselves or through another
    function of the module (transitively)."""
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    direct, calls = set(), {}
    for name, node in functions.items():
        calls[name] = set()
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            target = sub.func
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "access"
                and target.attr in ACCESS_CALLS
            ) or (
                # core.workflow.transition checks the declared permission on the object.
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "workflow"
                and target.attr == "transition"
            ):
                direct.add(name)
            elif isinstance(target, ast.Name) and target.id in functions:
                calls[name].add(target.id)
    checked = set(direct)
    changed = True
    while changed:
        changed = False
        for name, callees in calls.items():
            if name not in checked and callees & checked:
                checked.add(name)
                changed = True
    return checked


def test_every_service_calls_the_access_layer_or_is_a_declared_system_operation():
    offenders = []
    for dotted in SERVICE_MODULES:
        module = importlib.import_module(dotted)
        tree = ast.parse(inspect.getsource(module))
        checked = _calls_access(tree)
        system = getattr(module, "SYSTEM_OPERATIONS", {})
        for name in _public_functions(module):
            if name in checked:
                assert name not in system, (
                    f"{dotted}.{name} checks access: drop it from SYSTEM_OPERATIONS"
                )
            elif not system.get(name):
                offenders.append(f"{dotted}.{name}")
    assert not offenders, (
        "these services neither call core.access nor are listed with a reason in their module's "
        f"SYSTEM_OPERATIONS: {offenders}"
    )


def test_the_static_check_notices_a_service_without_an_access_call():
    tree = ast.parse(
        "def a(*, actor):\n    access.ensure(actor, 'x')\n"
        "def b(*, actor):\n    return a(actor=actor)\n"
        "def c(*, actor):\n    audit.record(actor, 'c', None)\n"
    )
    assert _calls_access(tree) == {"a", "b"}
