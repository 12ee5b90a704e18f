"""Who receives a message. The kernel knows no roles: the app that owns role assignments (org)
answers through two hooks it registers (``core.hooks``, D30):

* ``people_with_roles(roles, park_id)`` — active people holding any of ``roles`` in that park
  (``park_id`` None: at headquarters);
* ``roles_of_people(user_ids)`` — ``{user id: {role, ...}}`` for a batch of people.
"""

from parkflow.core import hooks


def people_in_roles(roles, park) -> list:
    """Holders of ``roles`` in the park; if the park has none, headquarters' holders (a park
    without a risk officer still gets its reviews looked at)."""
    if not roles:
        return []
    park_id = getattr(park, "pk", park)
    people = list(hooks.call("people_with_roles", tuple(roles), park_id, default=()))
    if not people and park_id is not None:
        people = list(hooks.call("people_with_roles", tuple(roles), None, default=()))
    return people


def roles_of(user_ids) -> dict[int, set[str]]:
    return hooks.call("roles_of_people", list(user_ids), default=None) or {}


def unique_active(people, exclude=()) -> list:
    """People once each, in the order given, without the inactive and the excluded."""
    excluded = {getattr(p, "pk", p) for p in exclude if p is not None}
    seen, result = set(), []
    for person in people:
        if person is None or person.pk in seen or person.pk in excluded:
            continue
        if not getattr(person, "is_active", False):
            continue
        seen.add(person.pk)
        result.append(person)
    return result
