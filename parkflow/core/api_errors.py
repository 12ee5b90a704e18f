"""The API's error body at the edges DRF does not reach (R-PLT-2, issue 6 §6).

DRF's exception handler (``core.api.exception_handler``) shapes the errors raised inside a view.
Some answers are produced before or around a view, and Django would give them as HTML pages:

* a JSON body nested so deeply that the parser overflows Python's stack (``RecursionError``),
  or larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` — DRF's JSONParser reads the raw stream and so
  skips Django's own size check: ``SafeJSONParser`` answers 400 ``invalid_json`` / 413;
* an unknown route under ``/api/`` (404), a URL longer than ``MAX_URL_LENGTH`` (414), a form
  body too big or with too many fields (413) and any unexpected exception (500):
  ``ApiErrorMiddleware`` turns them into ``{"code", "detail", "requirement"}`` for paths under
  ``/api/`` and logs the 500 with its traceback. Pages keep their HTML error pages.
"""

import codecs
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import parsers
from rest_framework.settings import api_settings
from rest_framework.utils import json

logger = logging.getLogger("parkflow.api")

API_PREFIX = "/api/"
# Nesting deeper than this is no request the API understands; refuse it before the services see
# it (and well before Python's recursion limit).
MAX_JSON_DEPTH = 32
# gunicorn refuses longer request lines itself (--limit-request-line, default 4094); this is the
# same limit for servers that pass them on (docs/deployment.md).
MAX_URL_LENGTH = 4094


class PayloadTooLarge(drf_exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"
    default_detail = _("请求内容过大，超过了允许的上限。")


class InvalidJSON(drf_exceptions.ParseError):
    default_code = "invalid_json"
    default_detail = _("请求内容不是有效的 JSON。")


def _depth(value) -> int:
    """Nesting depth of parsed JSON, iteratively (no recursion of our own)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


class SafeJSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size limit, a nesting limit and no unhandled RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise InvalidJSON(
                _("JSON 嵌套层数过多（最多 %(max)s 层）。") % {"max": MAX_JSON_DEPTH}
            ) from None
        except (ValueError, LookupError) as exc:
            raise InvalidJSON(_("请求内容不是有效的 JSON：%(error)s") % {"error": exc}) from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise InvalidJSON(_("JSON 嵌套层数过多（最多 %(max)s 层）。") % {"max": MAX_JSON_DEPTH})
        return data


def error_response(status: int, code: str, detail, requirement: str = "") -> JsonResponse:
    return JsonResponse(
        {"code": code, "detail": force_str(detail), "requirement": requirement},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


_BY_STATUS = {
    400: ("bad_request", _("请求有误。")),
    403: ("forbidden", _("您没有执行此操作的权限。")),
    404: ("not_found", _("接口不存在，请核对地址（如 /api/v1/enterprises/）。")),
    405: ("method_not_allowed", _("该接口不支持此请求方法。")),
    413: ("payload_too_large", _("请求内容过大，超过了允许的上限。")),
    414: ("uri_too_long", _("请求地址过长。")),
    500: ("server_error", _("服务器内部错误，已记录日志，请稍后重试或联系系统管理员。")),
}


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiErrorMiddleware:
    """JSON error bodies for everything under ``/api/``; pages are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_api(request) and len(request.get_full_path()) > MAX_URL_LENGTH:
            return error_response(414, *_BY_STATUS[414])
        response = self.get_response(request)
        if (
            _is_api(request)
            and response.status_code in _BY_STATUS
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return error_response(response.status_code, *_BY_STATUS[response.status_code])
        return response

    def process_exception(self, request, exception):
        if not _is_api(request):
            return None
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            return error_response(413, *_BY_STATUS[413])
        logger.error("Unhandled API error: %s %s", request.method, request.path, exc_info=exception)
        return error_response(500, *_BY_STATUS[500])
