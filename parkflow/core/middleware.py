from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the person chose another language (R-PLT-4).

    Pages: only the explicit choice (the language cookie set by the switch) counts — Django's own
    middleware would follow the browser's Accept-Language, so an English-language browser in a
    park office would get English by default. The API: a client program says what language it
    wants with Accept-Language, the HTTP way; without it, Chinese."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ConcurrentUpdateMiddleware:
    """Last resort for a deadlock or serialization failure that escaped the services' retry
    (core.db, D17) — e.g. a write outside any service: the person gets a 409 saying nothing was
    saved and to try again, never a 500. The API's exception handler does the same in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DatabaseError
        from django.http import JsonResponse
        from django.shortcuts import render

        from .db import is_transient
        from .errors import ConcurrentUpdate

        if not (isinstance(exception, DatabaseError) and is_transient(exception)):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(ConcurrentUpdate().as_dict(), status=409)
        return render(request, "409.html", status=409)
