"""Model validation for services: ``full_clean`` turned into a ``ValidationFailed`` that names
the fields, skipping workflow status fields (only transitions may touch them); and the declared
maximum lengths of free text (reasons, opinions, notes) every service and the audit chain obey."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin

from .errors import ValidationFailed

# Free text a person types: a reason, an opinion, a note. Long enough for a paragraph of
# explanation, short enough that nobody chains a megabyte into the audit trail.
REASON_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 200
ADDRESS_MAX_LENGTH = 255


def check_length(field: str, value, max_length: int, *, label="", requirement: str = "") -> str:
    """Refuse text longer than ``max_length`` with an error naming the field and the limit."""
    text = value or ""
    if not isinstance(text, str):
        raise ValidationFailed({field: [_("应为文本。")]}, requirement=requirement)
    if len(text) > max_length:
        raise ValidationFailed(
            {
                field: [
                    _("%(label)s最多 %(max)s 个字符（当前 %(length)s 个）。")
                    % {"label": label or _("内容"), "max": max_length, "length": len(text)}
                ]
            },
            requirement=requirement,
        )
    return text


def full_clean(obj, *, requirement: str = "", exclude=()) -> None:
    protected = [
        f.name for f in obj._meta.concrete_fields if isinstance(f, FSMFieldMixin) and f.protected
    ]
    try:
        obj.full_clean(exclude=[*protected, *exclude])
    except ValidationError as exc:
        raise ValidationFailed(exc.message_dict, requirement=requirement) from None
