from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Dutch unless the user chose otherwise (the footer's language switch sets a cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored: WIJ staff
    on an English-language browser still get the Dutch interface they work in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class UnusableQueryMiddleware:
    """A query string with a NUL byte gets the 400 page before any view sees it.

    PostgreSQL cannot store or compare a text with a NUL character (psycopg refuses it with
    a server error), and no browser form or link of ours makes one: every search box,
    filter and admin list is covered at once. Form and API bodies are covered by Django's
    and DRF's own `ProhibitNullCharactersValidator` on every text field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            from .views import bad_request

            return bad_request(request)
        return self.get_response(request)
