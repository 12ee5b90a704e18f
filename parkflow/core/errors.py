"""Domain errors: a code, a message in the user's language and the requirement it enforces.

Services raise them; pages show them inline (as form errors naming the field) and the API returns
them as ``{"code", "detail", "requirement"}`` with a 4xx status (core.api.exception_handler).
"""

from django.utils.encoding import force_str


class DomainError(Exception):
    status_code = 400

    def __init__(self, code: str, message, *, requirement: str = "", field: str | None = None):
        self.code = code
        self.message = message
        self.requirement = requirement
        self.field = field
        super().__init__(force_str(message))

    def __str__(self) -> str:
        text = force_str(self.message)
        return f"{text}（{self.requirement}）" if self.requirement else text

    def as_dict(self) -> dict:
        body = {
            "code": self.code,
            "detail": force_str(self.message),
            "requirement": self.requirement,
        }
        if self.field:
            body["field"] = self.field
        return body


class PermissionDenied(DomainError):
    """The actor may see the object but not do this to it."""

    status_code = 403


class NotFound(DomainError):
    """Missing and "not yours" give the same answer, so existence never leaks (R-ORG-3)."""

    status_code = 404

    def __init__(self, message=None, *, requirement: str = "R-ORG-3"):
        from django.utils.translation import gettext_lazy as _

        super().__init__(
            "not_found", message or _("对象不存在或无权访问。"), requirement=requirement
        )


class Conflict(DomainError):
    """The object is not in a state that allows the step (workflow, gate, duplicate)."""

    status_code = 409


class GateNotPassed(Conflict):
    """A guarded step was attempted without a valid approval (未经审查不得实施, R-CPL-1)."""


class ValidationFailed(DomainError):
    """Bad input: ``errors`` maps field names to messages."""

    status_code = 400

    def __init__(self, errors: dict, *, requirement: str = ""):
        from django.utils.translation import gettext_lazy as _

        self.errors = {k: [force_str(m) for m in v] for k, v in errors.items()}
        first_field = next(iter(self.errors), None)
        super().__init__(
            "invalid", _("输入有误，请检查标出的字段。"), requirement=requirement, field=first_field
        )

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["errors"] = self.errors
        return body


class ConcurrentUpdate(Conflict):
    """The database refused the step because of simultaneous work (a deadlock or a
    serialization failure) even after the bounded retry (core.db, D17). Nothing was written;
    sending the same request again is safe."""

    def __init__(self, message=None):
        from django.utils.translation import gettext_lazy as _

        super().__init__(
            "concurrent_update",
            message or _("数据正被其他操作同时修改，本次操作未完成，请稍后重试。"),
            requirement="",
        )
