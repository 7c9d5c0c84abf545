"""A session that ends while one of its requests is being answered."""

from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from speechdraft.sessions import SessionMiddleware


def test_a_request_whose_session_was_deleted_meanwhile_keeps_its_answer(db):
    store = SessionStore()
    store["who"] = "王秘书"
    store.create()
    request = RequestFactory().post("/speeches/1/save/")
    request.session = SessionStore(store.session_key)
    request.session["who"]  # the request has used its session
    request.session.modified = True  # and changed it, as a sliding session does on every request
    store.delete()  # a logout in another tab, or the daily clean-up

    answer = HttpResponse('{"version": 3}', content_type="application/json")
    response = SessionMiddleware(lambda r: answer).process_response(request, answer)

    assert response.status_code == 200 and response.content == b'{"version": 3}'
    assert "sessionid" not in response.cookies
