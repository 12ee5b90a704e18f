"""What each app declares, and the kernel discovers (issue 7 §2).

The kernel names no domain. An app contributes to the shared screens by declaring, next to its
own code, in modules the kernel finds in every installed app (as ``rules.py``, ``gates.py`` and
``audit_actions.py`` already are):

``navigation.py``
    ``SECTIONS`` — sidebar sections (``NavSection``: key, Chinese label, order);
    ``NAVIGATION`` — sidebar entries (``NavEntry``: section, label, url name, icon, the permission
    action that shows it, order);
    ``WORKBENCH_CARDS`` — cards on the staff workbench (``WorkbenchCard``: slot, template, a
    callable giving its context, permission, order);
    ``PAGE_ACTIONS`` — buttons an app adds to another app's page header (``PageAction``: the
    page's url name, label, the url name it opens, icon, the permission action that shows it),
    so a page offers a way in to an app it does not know.
``panels.py``
    ``GATE_PANELS`` — ``{gate: callable(user, review, subject) -> dict | None}``: what a
    reviewer sees beside the hashed content (the dict names its ``template``);
    ``DETAIL_PANELS`` — sections other apps add to an object's detail page (``DetailPanel``).
``demo.py``
    ``DEMO_STEPS`` — steps of ``seed_demo`` (``DemoStep``: name, the steps it runs after or
    before, a function of the shared ``DemoContext``), run in dependency order.

Status colours live on the choices (``status_colours``), read by the ``tag`` template tag.

Modules are imported on first use, not at start-up, so a panel may import its app's views.
Rendering (which entries a user sees, how the sidebar looks) belongs to the composition layer;
this module only collects, orders and looks up.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.core.exceptions import ImproperlyConfigured

# ---------------------------------------------------------------------------------------------
# Discovery


def _app_modules(name: str) -> list:
    """``<app>.<name>`` of every installed app that has one, in INSTALLED_APPS order."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    return [
        import_module(f"{config.name}.{name}")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, name)
    ]


def _declared(module_name: str, attribute: str) -> list:
    found = []
    for module in _app_modules(module_name):
        value = getattr(module, attribute, None)
        if value is None:
            continue
        found.extend(value.items() if isinstance(value, dict) else value)
    return found


def declared(module_name: str, attribute: str) -> list:
    """What every installed app declares as ``attribute`` in its ``module_name`` module
    (INSTALLED_APPS order), for an extension point an app offers the apps built on it — found
    the way the kernel's are, so the offering app imports none of them (e.g. the enterprise
    demo's ``ENTERPRISE_HOOKS``)."""
    return _declared(module_name, attribute)


def clear() -> None:
    """Forget what was discovered (tests that install an extra app or declaration)."""
    for cached in (
        nav_sections,
        workbench_cards,
        page_actions,
        gate_panels,
        detail_panels,
        demo_steps,
    ):
        cached.cache_clear()


# ---------------------------------------------------------------------------------------------
# Status colours on the choices


TAG_KINDS: dict[str, type] = {}


def status_colours(kind: str, colours: dict[str, str]):
    """Class decorator for a ``TextChoices``: each value's tone (``.tag-<tone>`` in app.css),
    under the name templates use: ``{% tag enterprise.status "enterprise" %}``."""

    def decorate(choices):
        choices.colours = dict(colours)
        TAG_KINDS[kind] = choices
        return choices

    return decorate


def tag_kind(kind: str):
    """The choices class registered under ``kind``; choices modules are imported with models,
    the apps' ``choices`` modules are imported here too in case a kind lives in one no model
    imports."""
    if kind not in TAG_KINDS:
        _app_modules("choices")
    try:
        return TAG_KINDS[kind]
    except KeyError:
        raise ImproperlyConfigured(f"No status colours declared for tag kind {kind!r}") from None


# ---------------------------------------------------------------------------------------------
# Navigation and workbench (navigation.py)


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str  # lazily translated; "" for the unlabelled top section
    order: int = 100


@dataclass(frozen=True)
class NavEntry:
    section: str  # a NavSection key
    label: str
    url_name: str  # "namespace:name"
    icon: str  # a Bootstrap Icons class
    action: str | None = None  # shown to users the policy lets do this somewhere; None: all staff
    order: int = 100
    match: tuple[str, ...] = ()  # further url names that mark the entry active
    badge: Callable | None = None  # badge(user) -> number, evaluated when the page renders
    # A url name answering the badge as an HTML fragment, fetched after the page has loaded
    # (HTMX) and every minute: a figure that costs queries does not slow every page.
    badge_url: str = ""
    visible: Callable | None = None  # an extra predicate(user) beside the action
    external: bool = False  # opens in a new tab (admin site, API docs)

    @property
    def active_names(self) -> tuple[str, ...]:
        return (self.url_name, *self.match)


@dataclass(frozen=True)
class WorkbenchCard:
    name: str
    slot: str  # "kpi" (the row of figures) | "side" (the right column)
    template: str
    context: Callable | None = None  # context(request) -> dict, or None to leave the card out
    action: str | None = None
    order: int = 100


@cache
def nav_sections() -> list[tuple[NavSection, list[NavEntry]]]:
    """Every declared section with its entries, both in order (ties: INSTALLED_APPS order)."""
    sections: dict[str, NavSection] = {}
    for section in _declared("navigation", "SECTIONS"):
        sections.setdefault(section.key, section)
    entries: dict[str, list[NavEntry]] = {key: [] for key in sections}
    for entry in _declared("navigation", "NAVIGATION"):
        if entry.section not in sections:
            raise ImproperlyConfigured(
                f"Navigation entry {entry.url_name!r} names an undeclared section {entry.section!r}"
            )
        entries[entry.section].append(entry)
    ordered = sorted(sections.values(), key=lambda s: s.order)
    return [(s, sorted(entries[s.key], key=lambda e: e.order)) for s in ordered]


@cache
def workbench_cards() -> list[WorkbenchCard]:
    return sorted(_declared("navigation", "WORKBENCH_CARDS"), key=lambda c: c.order)


@dataclass(frozen=True)
class PageAction:
    """A button in the header of another app's page, after the page's own actions: e.g. the
    register's 企业建档 page offers "上传营业执照自动识别" without the register naming the app
    that reads licences."""

    page: str  # the url name ("namespace:name") of the page that shows it
    label: str
    url_name: str  # where it leads (a url name without arguments)
    icon: str = ""  # a Bootstrap Icons class
    action: str | None = None  # shown to users the policy lets do this somewhere
    order: int = 100
    style: str = "outline-primary"  # the Bootstrap button style (btn-<style>)


@cache
def page_actions() -> dict[str, list[PageAction]]:
    """Declared page actions by the url name of the page showing them, in order."""
    found: dict[str, list[PageAction]] = {}
    for entry in sorted(_declared("navigation", "PAGE_ACTIONS"), key=lambda a: a.order):
        found.setdefault(entry.page, []).append(entry)
    return found


def page_actions_for(page: str) -> list[PageAction]:
    return page_actions().get(page, [])


# ---------------------------------------------------------------------------------------------
# Panels (panels.py)


@dataclass(frozen=True)
class DetailPanel:
    """A section another app (or the model's own) adds to an object's detail page, rendered
    where the page puts ``{% detail_panels obj "slot" %}``."""

    model: str  # "app_label.ModelName" of the page's object
    name: str
    template: str
    context: Callable | None = None  # context(request, obj) -> dict, or None to leave it out
    slot: str = "main"
    order: int = 100


@cache
def gate_panels() -> dict[str, Callable]:
    panels: dict[str, Callable] = {}
    for gate, panel in _declared("panels", "GATE_PANELS"):
        code = getattr(gate, "code", gate)  # keyed by the gate object (or its code)
        if code in panels:
            raise ImproperlyConfigured(f"Two review panels declared for gate {code!r}")
        panels[code] = panel
    return panels


def gate_panel(code: str) -> Callable | None:
    """The function giving what a reviewer of ``code`` sees beside the hashed content."""
    return gate_panels().get(code)


@cache
def detail_panels() -> list[DetailPanel]:
    return sorted(_declared("panels", "DETAIL_PANELS"), key=lambda p: p.order)


def detail_panels_for(model, slot: str = "main") -> list[DetailPanel]:
    label = model._meta.label
    return [p for p in detail_panels() if p.model == label and p.slot == slot]


# ---------------------------------------------------------------------------------------------
# Demo data (demo.py)


@dataclass(frozen=True)
class DemoStep:
    name: str  # "<app>.<what>"
    run: Callable  # run(ctx: DemoContext)
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    # loaded() -> True when the demo is already in the database (seed_demo then writes nothing)
    loaded: Callable | None = None
    # report() -> text printed at the end of every seed_demo run (read-only)
    report: Callable | None = None


@dataclass
class DemoContext:
    """What the steps share: one random generator (so the same seed gives the same park), the
    objects earlier steps made, the counts for the closing line, and the output."""

    seed: int
    rng: object  # random.Random(seed)
    out: Callable = print
    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)


def order_steps(steps: list[DemoStep]) -> list[DemoStep]:
    """Dependency order; among steps free to run, the declaration order (INSTALLED_APPS, then
    the module's list). A cycle or an unknown name is a configuration error."""
    by_name = {}
    for step in steps:
        if step.name in by_name:
            raise ImproperlyConfigured(f"Demo step {step.name!r} declared twice")
        by_name[step.name] = step
    position = {name: index for index, name in enumerate(by_name)}
    needs: dict[str, set[str]] = {name: set() for name in by_name}
    for step in steps:
        for other in step.after:
            if other not in by_name:
                raise ImproperlyConfigured(f"Demo step {step.name!r} runs after unknown {other!r}")
            needs[step.name].add(other)
        for other in step.before:
            if other not in by_name:
                raise ImproperlyConfigured(f"Demo step {step.name!r} runs before unknown {other!r}")
            needs[other].add(step.name)
    ready = [(position[n], n) for n, deps in needs.items() if not deps]
    heapq.heapify(ready)
    ordered = []
    while ready:
        _position, name = heapq.heappop(ready)
        ordered.append(by_name[name])
        for other, deps in needs.items():
            if name in deps:
                deps.discard(name)
                if not deps:
                    heapq.heappush(ready, (position[other], other))
    if len(ordered) != len(by_name):
        stuck = sorted(name for name, deps in needs.items() if deps)
        raise ImproperlyConfigured(f"Demo steps depend on each other in a cycle: {stuck}")
    return ordered


@cache
def demo_steps() -> list[DemoStep]:
    return order_steps(_declared("demo", "DEMO_STEPS"))
