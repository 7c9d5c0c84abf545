"""Session middleware for a writer whose session ends while a request of theirs is being answered.

Django answers such a request with a bare 400 (``SessionInterrupted``) when it cannot save the session
it was using — for example when the session was deleted by a logout in another tab, a password change
or the daily clean-up while a save or a 查重 was running. The work of the request is already done and
stored by then; a 400 would tell the writer it was not. The answer is sent as it is, without a session
cookie, and the next request meets the expired session the usual way (401 for scripts, the login page
for pages).
"""

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted:
            return response
