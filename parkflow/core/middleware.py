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
