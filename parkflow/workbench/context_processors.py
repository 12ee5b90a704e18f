"""The staff sidebar, rendered from the entries each app declares in its ``navigation.py``
(``core.registry``): each entry shown only to people the policy lets in (``access.may_somewhere``)
and, for some, an extra predicate. Enterprise users get the portal layout and no sidebar."""

from dataclasses import dataclass, field

from django.urls import reverse

from parkflow.core import access, registry


@dataclass
class NavItem:
    label: str
    url: str
    icon: str
    badge: object = None
    badge_url: str = ""
    external: bool = False
    active: bool = False


@dataclass
class NavSection:
    label: str
    items: list[NavItem] = field(default_factory=list)


def entry_visible(user, entry: registry.NavEntry) -> bool:
    if entry.action and not access.may_somewhere(user, entry.action):
        return False
    return entry.visible is None or bool(entry.visible(user))


def sections_for(user, current: str = "") -> list[NavSection]:
    """The sidebar of ``user``, the entry for the url name ``current`` marked active; sections
    with nothing to show are left out."""
    sections = []
    for declared, entries in registry.nav_sections():
        section = NavSection(declared.label)
        for entry in entries:
            if not entry_visible(user, entry):
                continue
            section.items.append(
                NavItem(
                    entry.label,
                    reverse(entry.url_name),
                    entry.icon,
                    badge=entry.badge(user) if entry.badge else None,
                    badge_url=reverse(entry.badge_url) if entry.badge_url else "",
                    external=entry.external,
                    active=not entry.external and current in entry.active_names,
                )
            )
        if section.items:
            sections.append(section)
    return sections


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or access.is_enterprise_user(user):
        return {}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match else ""
    roles = sorted(access.roles_of(user))
    return {
        "nav_sections": sections_for(user, current),
        "nav_roles": [access.role_label(r) for r in roles if access.role_label(r) is not None],
    }
