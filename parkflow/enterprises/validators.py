"""统一社会信用代码 (GB 32100-2015) validated with python-stdnum (R-ENT-1)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from parkflow.core.normalise import compact_code


def normalise_credit_code(value: str) -> str:
    """Full-width (``９１３２…Ｌ``), spaced or dashed input → the 18 ASCII characters."""
    return uscc.compact(compact_code(value))


def validate_credit_code(value: str) -> None:
    try:
        uscc.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="credit_code_length") from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码校验位不正确（GB 32100），请核对后重新输入。"),
            code="credit_code_checksum",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("统一社会信用代码格式不正确：只能包含数字和大写字母（不含 I、O、Z、S、V）。"),
            code="credit_code_format",
        ) from None
