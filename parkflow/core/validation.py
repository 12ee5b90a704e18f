"""Model validation for services: ``full_clean`` turned into a ``ValidationFailed`` that names
the fields, skipping workflow status fields (only transitions may touch them)."""

from django.core.exceptions import ValidationError
from django_fsm import FSMFieldMixin

from .errors import ValidationFailed


def full_clean(obj, *, requirement: str = "", exclude=()) -> None:
    protected = [
        f.name for f in obj._meta.concrete_fields if isinstance(f, FSMFieldMixin) and f.protected
    ]
    try:
        obj.full_clean(exclude=[*protected, *exclude])
    except ValidationError as exc:
        raise ValidationFailed(exc.message_dict, requirement=requirement) from None
