"""Named hooks: an app registers a function in its ``AppConfig.ready`` and the kernel calls it
without importing the app (D30). Unregistered hooks answer ``default``."""

from collections.abc import Callable

HOOKS: dict[str, Callable] = {}


def register(name: str, fn: Callable) -> None:
    HOOKS[name] = fn


def call(name: str, *args, default=None, **kwargs):
    fn = HOOKS.get(name)
    return default if fn is None else fn(*args, **kwargs)


def require(name: str) -> Callable:
    """The hook ``name``; a missing one is a deployment error, not a silent default."""
    try:
        return HOOKS[name]
    except KeyError:
        raise LookupError(f"no app registered the {name!r} hook") from None
