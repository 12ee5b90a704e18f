"""What the apps' selectors share (STYLE.md §6: reads are selectors returning scoped querysets)."""


def narrowed(qs, **criteria):
    """``qs`` filtered on each criterion that was given: a blank value ("", None, False — an
    unset filter field) means "any"."""
    given = {lookup: value for lookup, value in criteria.items() if value}
    return qs.filter(**given) if given else qs
