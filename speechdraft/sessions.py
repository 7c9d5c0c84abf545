"""Session middleware for a writer whose session ends while a request of theirs is being answered.

Django answers such a request with a bare 400 (``SessionInterrupted``) when it cannot save the session
it was using — for example when the session was deleted by a logout in another tab, a password change
or the daily clean-up while a save or a 查重 was running. The work of the request is already done and
stored by then; a 400 would tell the writer it was not. The answer is sent as it is, without a session
cookie, and the next request meets the expired session the usual way (401 for scripts, the login page
for pages).
"""

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.checks import Tags, register
from django.core.checks.security.sessions import W012, W015


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted:
            return response


@register(Tags.security, deploy=True)
def check_session_cookie_flags(app_configs, **kwargs):
    """Django's deploy checks find its session middleware by its path and so miss this subclass;
    say what they would say about the session cookie of a site that has both the app and the middleware."""
    warnings = []
    if settings.SESSION_COOKIE_SECURE is not True:
        warnings.append(W012)
    if settings.SESSION_COOKIE_HTTPONLY is not True:
        warnings.append(W015)
    return warnings
