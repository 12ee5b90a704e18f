"""The permission engine: "which rows may this actor see", "which rows may this actor do *this*
to" and "may this actor do this to this object" (R-ORG-3). Pages, the API, exports, search and
file downloads all start from ``scope()`` or ``restrict()``.

The kernel knows no roles, no apps and no enterprises. It reads three things others supply:

* **declarations** — each app's ``permissions.py`` lists ``Permissions(...)`` for its models
  (roles per action, the path to the owning park, the path to the enterprise, owner fields,
  portal grants, public exceptions, per-object checks). Discovered in ``CoreConfig.ready``.
* **the role source** — ``register_role_source(fn)``: ``fn(user)`` returns (role, park id or
  None for headquarters) pairs. ``org`` registers it (it owns role assignments).
* **principal hooks** — ``register_principal(fn)``: ``fn(user)`` returns the enterprise id the
  user acts for, or None for staff. The app that owns portal accounts registers it.

Rules (unchanged from D21):

* Staff act in the parks of their role assignments; a role held at headquarters (no park) covers
  every park. Business that belongs to no park needs a headquarters assignment.
* Enterprise users see rows of their own enterprise and act only through the portal grants.
* Anyone else sees nothing and may do nothing (deny by default).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import NotFound, PermissionDenied


class ScopeRequired(TypeError):
    """A park-scoped action was asked about without an object or ``park=``: a programming error.
    Asking "may they do it (somewhere)" is ``may_somewhere``; "on this row" passes the row."""


@dataclass(frozen=True)
class Public:
    """Who sees every row for an action regardless of park or enterprise ("一公开"): staff who
    hold the action's role anywhere, and/or every enterprise (portal) user."""

    staff: bool = True
    portal: bool = False


@dataclass(frozen=True)
class Permissions:
    """What one model allows, declared next to it in its app's ``permissions.py``.

    ``actions``  action -> roles that may take it within the parks they cover.
    ``park``     path from the model to its owning park (``"enterprise__park"``); None: the rows
                 belong to no park, so its actions are headquarters business and need no object.
    ``enterprise`` path to the enterprise id enterprise users are matched on (``"pk"`` for the
                 enterprise itself); rows without it are never shown in the portal.
    ``portal``   actions enterprise users may take on their own enterprise's rows.
    ``view``     the action that means "may see" for this model; None: any role in the park.
    ``owners``   action -> path to a user, or (path, refusal message): only that user (holding
                 the role) may take it ("only my own declaration").
    ``grants``   action -> path to a user: that user may take it even without the role
                 (an assignee may act).
    ``public``   action -> Public: rows readable beyond the park (published results).
    ``scoped``   override: True makes the actions need ``park=`` even though rows have no path.
    ``checks``   action -> functions ``(user, obj) -> message or None`` run by ``may``/``ensure``
                 on a single object (a rule no path expresses: two approvers must be distinct).
    """

    model: str
    actions: Mapping[str, Iterable[str]] = field(default_factory=dict)
    park: str | None = None
    enterprise: str | None = None
    portal: Iterable[str] = ()
    view: str | None = None
    owners: Mapping[str, str | tuple[str, str]] = field(default_factory=dict)
    grants: Mapping[str, str] = field(default_factory=dict)
    public: Mapping[str, Public] = field(default_factory=dict)
    checks: Mapping[str, tuple[Callable, ...]] = field(default_factory=dict)
    scoped: bool | None = None  # None: scoped when ``park`` is set; True for rows whose park is
    # found another way (a person's records: the service passes ``park=``)


@dataclass(frozen=True)
class _Action:
    roles: frozenset[str]
    scoped: bool  # declared on a model that belongs to a park: needs an object or park=
    model: str


_NOTHING = Permissions(model="")
DECLARATIONS: dict[str, Permissions] = {}  # "app_label.modelname" -> declaration
ACTIONS: dict[str, _Action] = {}
PORTAL_ACTIONS: set[str] = set()
_role_source: list[Callable] = []
_principals: list[Callable] = []
_staff_filters: list[models.Q] = []
_role_labels: dict[str, str] = {}


# ---------------------------------------------------------------------------------------------
# Registration (hooks and declarations)


def register_role_source(fn: Callable) -> None:
    """``fn(user)`` -> iterable of (role, park id or None). One source; the last one wins."""
    _role_source[:] = [fn]


def register_principal(fn: Callable, *, staff_filter: models.Q | None = None) -> None:
    """``fn(user)`` -> the enterprise id the user acts for, or None. ``staff_filter``: the same
    question as a filter on the user model, matching the users ``fn`` answers None for."""
    if fn not in _principals:
        _principals.append(fn)
    if staff_filter is not None:
        _staff_filters.append(staff_filter)


def staff_filter() -> models.Q:
    """A filter on the user model for staff (people no principal hook claims)."""
    condition = models.Q()
    for q in _staff_filters:
        condition &= q
    return condition


def register_role_labels(choices) -> None:
    """Role codes -> labels in the reader's language (a TextChoices class or a mapping)."""
    _role_labels.update(dict(getattr(choices, "choices", choices)))


def role_label(code: str) -> str | None:
    label = _role_labels.get(code)
    return None if label is None else str(label)


def _key(model) -> str:
    if isinstance(model, str):
        return model.lower()
    return model._meta.label_lower


def declare(*declarations: Permissions) -> None:
    for decl in declarations:
        key = _key(decl.model)
        if key in DECLARATIONS and DECLARATIONS[key] != decl:
            raise ImproperlyConfigured(f"{decl.model}: permissions declared twice")
        DECLARATIONS[key] = decl
        for action, roles in decl.actions.items():
            scoped = decl.park is not None if decl.scoped is None else decl.scoped
            entry = _Action(frozenset(roles), scoped, key)
            if action in ACTIONS and ACTIONS[action] != entry:
                raise ImproperlyConfigured(f"{action}: declared on {ACTIONS[action].model} too")
            ACTIONS[action] = entry
        PORTAL_ACTIONS.update(decl.portal)


def undeclare(model) -> None:
    """Remove a model's declaration (tests that declare their own)."""
    decl = DECLARATIONS.pop(_key(model), None)
    if decl is None:
        return
    for action in decl.actions:
        ACTIONS.pop(action, None)
    PORTAL_ACTIONS.clear()
    for other in DECLARATIONS.values():
        PORTAL_ACTIONS.update(other.portal)


def autodiscover() -> None:
    """Import each installed app's ``permissions.py``; it lists ``PERMISSIONS = [...]``."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "permissions"):
            module = __import__(f"{config.name}.permissions", fromlist=["PERMISSIONS"])
            declare(*getattr(module, "PERMISSIONS", ()))
    known = set(ACTIONS)
    for decl in DECLARATIONS.values():
        named = set(decl.portal) | set(decl.owners) | set(decl.grants) | set(decl.public)
        named |= set(decl.checks) | ({decl.view} if decl.view else set())
        if named - known:
            raise ImproperlyConfigured(f"{decl.model}: undeclared actions {sorted(named - known)}")


def declaration_of(model) -> Permissions:
    return DECLARATIONS.get(_key(model), _NOTHING)


def actions() -> list[str]:
    return sorted(ACTIONS)


def is_declared(action: str) -> bool:
    return action in ACTIONS


def is_scoped_action(action: str) -> bool:
    entry = ACTIONS.get(action)
    return entry is not None and entry.scoped


def is_scoped(model) -> bool:
    """Does the model's data belong to a park or an enterprise (else it is reference data)?"""
    decl = declaration_of(model)
    return bool(decl.park or decl.enterprise)


def portal_may(action: str) -> bool:
    """Do enterprise users take ``action`` anywhere (on their own rows, or a public one)?"""
    return action in PORTAL_ACTIONS or any(
        d.public.get(action, Public()).portal for d in DECLARATIONS.values()
    )


# ---------------------------------------------------------------------------------------------
# Who the user is


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def _assignments(user) -> list[tuple[str, int | None]]:
    """(role, park id or None for headquarters) for each role the user holds; cached per object."""
    if not _active(user) or not _role_source:
        return []
    cached = getattr(user, "_parkflow_assignments", None)
    if cached is None:
        cached = list(_role_source[0](user))
        user._parkflow_assignments = cached
    return cached


def forget(user) -> None:
    """Drop the cached roles after they change."""
    user.__dict__.pop("_parkflow_assignments", None)


def enterprise_id_of(user) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    for principal in _principals:
        enterprise_id = principal(user)
        if enterprise_id is not None:
            return enterprise_id
    return None


def is_enterprise_user(user) -> bool:
    return enterprise_id_of(user) is not None


def roles_of(user) -> set[str]:
    return {role for role, _park in _assignments(user)}


def holds_any_role(user, roles) -> bool:
    return bool(roles_of(user) & set(roles))


def has_role(user, role: str, park=None) -> bool:
    """Does the user hold ``role`` for ``park``? A headquarters assignment covers every park;
    an object with no park (headquarters business) needs a headquarters assignment."""
    park_id = getattr(park, "pk", park)
    return any(r == role and (p is None or p == park_id) for r, p in _assignments(user))


def parks_with_roles(user, roles) -> set[int] | None:
    """Parks where the user holds any of ``roles``; None means every park (headquarters)."""
    parks = set()
    for role, park_id in _assignments(user):
        if role in roles:
            if park_id is None:
                return None
            parks.add(park_id)
    return parks


def visible_park_ids(user) -> set[int] | None:
    """None means every park."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    parks = set()
    for _role, park_id in _assignments(user):
        if park_id is None:
            return None
        parks.add(park_id)
    return parks


# ---------------------------------------------------------------------------------------------
# Paths on one object (no query when the path ends in a foreign key)


def value_at(obj, path: str | None):
    """The value at ``path`` (``"enterprise__park"``) from ``obj``, or None where a hop is
    missing. (``_follow_id`` reads the last hop's ``<fk>_id`` when only the id is needed, so a
    loaded row answers without a query.)"""
    if path is None:
        return None
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _follow_id(obj, path: str | None):
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *head, last = path.split("__")
    holder = value_at(obj, "__".join(head)) if head else obj
    if holder is None:
        return None
    if hasattr(holder, f"{last}_id"):
        return getattr(holder, f"{last}_id")
    value = getattr(holder, last, None)
    return getattr(value, "pk", value)


def _owner_path(decl: Permissions, action: str | None) -> str | None:
    owner = decl.owners.get(action) if action else None
    return owner[0] if isinstance(owner, tuple) else owner


def _owner_message(decl: Permissions, action: str):
    owner = decl.owners.get(action)
    return owner[1] if isinstance(owner, tuple) else None


def park_of(obj):
    return value_at(obj, declaration_of(type(obj)).park)


# ---------------------------------------------------------------------------------------------
# Sets of rows


def _queryset(qs_or_model) -> models.QuerySet:
    if isinstance(qs_or_model, models.QuerySet):
        return qs_or_model
    return qs_or_model._default_manager.all()


def restrict(user, action: str | None, qs_or_model) -> models.QuerySet:
    """Only the rows on which ``user`` may take ``action`` (None: may see, as ``scope``).

    Park-scoped roles for that action (headquarters = every park), owner fields (only the owner),
    grant fields (the assignee even without the role), portal grants on the user's own
    enterprise, public exceptions. Per-object ``checks`` are not set-based: ``ensure`` runs them
    on the object a service acts on."""
    qs = _queryset(qs_or_model)
    decl = declaration_of(qs.model)
    if action is None:
        action = decl.view
    if not _active(user):
        return qs.none()
    public = decl.public.get(action) if action else None
    enterprise_id = enterprise_id_of(user)
    if enterprise_id is not None:
        if public is not None and public.portal:
            return qs
        portal_ok = action is None or action in PORTAL_ACTIONS
        if decl.enterprise is None or not portal_ok:
            return qs.none()
        return qs.filter(**{decl.enterprise: enterprise_id})
    if action is None or (action == decl.view and getattr(user, "is_superuser", False)):
        # Seeing is by park (a superuser sees every park, as visible_park_ids says), whether
        # the model names its "view" action or not; acting is by the action's roles.
        parks = visible_park_ids(user)
        allowed = True
    else:
        entry = ACTIONS.get(action)
        roles = entry.roles if entry else frozenset()
        parks = parks_with_roles(user, roles)
        allowed = parks is None or bool(parks)
        if public is not None and public.staff and may_somewhere(user, action):
            return qs
    condition = None
    if allowed and parks is None:
        condition = models.Q()
    elif allowed and decl.park is not None and parks:
        condition = models.Q(**{f"{decl.park}__in": parks})
    owner = _owner_path(decl, action)
    if condition is not None and owner:
        condition &= models.Q(**{owner: user.pk})
    grant = decl.grants.get(action) if action else None
    # An empty Q() means every row; Q() | mine would narrow it to "mine" (Django drops the
    # empty operand), so a grant only widens a condition that limits something.
    if grant and (condition is None or condition):
        mine = models.Q(**{grant: user.pk})
        condition = mine if condition is None else condition | mine
    return qs.none() if condition is None else qs.filter(condition)


def scope(user, qs: models.QuerySet) -> models.QuerySet:
    """Only the rows this user may see (``restrict`` with the model's "view")."""
    return restrict(user, None, qs)


def get_for_user(user, qs: models.QuerySet, **lookup):
    """Fetch and authorise in one step; missing and not-yours give the same 404 (Zulip's access_*)."""
    return get_restricted(user, None, qs, **lookup)


def get_restricted(user, action: str | None, qs: models.QuerySet, **lookup):
    """``get_for_user`` for the rows ``restrict(user, action, qs)`` allows."""
    try:
        return restrict(user, action, qs).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        raise NotFound() from None


# ---------------------------------------------------------------------------------------------
# One object


_NO_PARK = object()
REFUSED = _("您没有执行此操作的权限。")  # lazy: translated when shown


def _problem(user, action: str, obj=None, park=_NO_PARK) -> str | None:
    """None if ``user`` may take ``action`` (on ``obj`` / in ``park``), else why not (a message,
    possibly lazy)."""
    refused = REFUSED
    entry = ACTIONS.get(action)
    if entry is None:
        return refused  # an action nobody declared is nobody's
    if obj is None and park is _NO_PARK and entry.scoped:
        raise ScopeRequired(
            f"{action!r} is declared on a park-scoped model: pass the object or park=, "
            "or ask may_somewhere()"
        )
    if not _active(user):
        return refused
    decl = declaration_of(type(obj)) if obj is not None else _NOTHING
    enterprise_id = enterprise_id_of(user)
    if enterprise_id is not None:
        if obj is None or action not in PORTAL_ACTIONS or decl.enterprise is None:
            return refused
        if _follow_id(obj, decl.enterprise) != enterprise_id:
            return refused
    else:
        grant = decl.grants.get(action)
        granted = grant is not None and _follow_id(obj, grant) == user.pk
        if not granted:
            if obj is not None:
                target = _follow_id(obj, decl.park)  # the id: no query for a loaded row
            elif park is not _NO_PARK:
                target = park
            else:
                target = None  # headquarters business
            if not any(has_role(user, role, target) for role in entry.roles):
                return refused
            owner = _owner_path(decl, action)
            if owner is not None and (obj is None or _follow_id(obj, owner) != user.pk):
                return _owner_message(decl, action) or refused
    for check in decl.checks.get(action, ()):
        message = check(user, obj)
        if message:
            return message
    return None


def may(user, action: str, obj=None, *, park=_NO_PARK) -> bool:
    """May ``user`` do ``action`` on ``obj`` (in its park), or in ``park``?

    An action declared on a park-scoped model needs the object or ``park=``; without them it
    raises ``ScopeRequired`` (D21: holding the role in *some* park must never answer a question
    about a particular park, and headquarters-only answers must not happen by accident). Actions
    declared on models that belong to no park are headquarters business and need no object.
    Menus and coarse gates use ``may_somewhere``."""
    return _problem(user, action, obj, park) is None


def may_somewhere(user, action: str) -> bool:
    """Does the user hold a role for ``action`` in at least one park (or at headquarters)?
    For menus, page gates and reference data that belongs to no park; never enough on its own
    to act on a park's object — rows still come through ``scope``/``restrict`` and writes
    through ``ensure`` with the object or park."""
    if not _active(user):
        return False
    if is_enterprise_user(user):
        return portal_may(action)
    entry = ACTIONS.get(action)
    if entry is None:
        return False
    return holds_any_role(user, entry.roles) or getattr(user, "is_superuser", False)


def _refuse(requirement: str, message=None):
    return PermissionDenied(
        "forbidden", message or _("您没有执行此操作的权限。"), requirement=requirement
    )


def ensure(user, action: str, obj=None, *, park=_NO_PARK, requirement: str = "R-ORG-3") -> None:
    problem = _problem(user, action, obj, park)
    if problem is not None:
        raise _refuse(requirement, problem)


def ensure_somewhere(user, action: str, *, requirement: str = "R-ORG-3") -> None:
    """Refuse unless the user holds a role for ``action`` somewhere: for actions on reference
    data that belongs to no park (the protected-brand list) and on rows that are scoped
    afterwards (the export)."""
    if not may_somewhere(user, action):
        raise _refuse(requirement)


def roles_for(action: str) -> frozenset[str]:
    """The roles the declarations give ``action`` (empty for an undeclared action)."""
    entry = ACTIONS.get(action)
    return entry.roles if entry else frozenset()
