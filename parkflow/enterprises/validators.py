"""统一社会信用代码 (GB 32100-2015) validated with python-stdnum (R-ENT-1), and the login of a new
portal account (R-PLT-3)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
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


def portal_user_candidate(*, username, password, password_confirm, email, display_name):
    """The user a new portal account is made for, not saved, and what is wrong with the login it
    was given: the username must be free, the two passwords the same and strong enough."""
    User = get_user_model()
    errors = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("请填写登录账号。")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("该登录账号已被使用，请换一个。")]
    if password != password_confirm:
        errors["password_confirm"] = [_("两次输入的密码不一致。")]
    user = User(username=username, email=email, display_name=display_name)
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return user, errors
